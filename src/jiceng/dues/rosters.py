"""The dues roster (党费台账): one row per member and month paid. Imported rows are payments at
the amount assessed for the month, under the same rules as the ledger page (services.py): the
month is assessed and within the member's dues, at most 6 months ahead, not paid already.
Exported rows are the payments the user may see, with their amounts."""

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jiceng.accounts.roles import Perm
from jiceng.audit.models import Action
from jiceng.audit.services import Entry
from jiceng.common import bulk
from jiceng.common.dates import add_months
from jiceng.dues import rules
from jiceng.dues.models import Method, Payment
from jiceng.dues.services import due_for, first_month, month_start
from jiceng.party.models import Member
from jiceng.rosters.base import Column, Plan, Roster, Row, Sheet
from jiceng.rosters.member_refs import MemberLookup
from jiceng.rosters.models import RosterKind


class DuesRoster(Roster):
    kind = RosterKind.DUES
    sheet_title = _l("党费台账")
    import_permission = Perm.PARTY_IMPORT
    export_permission = Perm.PARTY_EXPORT
    export_purpose = _l("导出党费信息须说明用途")
    columns = (
        Column("member", _l("党员姓名"), required=True, max_length=50, example="张三", width=10),
        Column(
            "id_tail", _l("身份证后4位"), max_length=4, example="1234", width=10, hint=_l("也可改填党员电话")
        ),
        Column("member_phone", _l("党员电话"), max_length=20, width=14),
        Column(
            "month",
            _l("所属月份"),
            kind="date",
            required=True,
            example="2026-01-01",
            hint=_l("填该月任意一天"),
        ),
        Column("method", _l("交纳方式"), kind="choice", required=True, choices=Method, example="微信"),
        Column("paid_on", _l("交纳日期"), kind="date", hint=_l("不填为导入当天")),
        Column(
            "amount", _l("金额（元）"), max_length=12, hint=_l("按核定金额计，导入时不读此列"), dropdown=False
        ),
    )

    def check(self, user: Any, sheet: Sheet, rows: list[Row], plan: Plan) -> None:
        def fail(row: Row, key: str, message: str) -> None:
            plan.errors.append(self.error(sheet, row.number, key, message))

        lookup = MemberLookup(user, self.import_permission, {r.values["member"] for r in rows})
        today = timezone.localdate()
        members: dict[int, Member] = {}
        seen: dict[tuple[int, Any], int] = {}
        for row in rows:
            v = row.values
            ref = lookup.find(row, fail)
            if ref is None:
                continue
            member = members.get(ref.pk) or Member.objects.select_related("organisation").get(pk=ref.pk)
            members[ref.pk] = member
            month = month_start(v["month"])
            paid_on = v["paid_on"] or today
            if paid_on > today:
                fail(row, "paid_on", _("交纳日期不能晚于今天"))
                continue
            if month > add_months(month_start(paid_on), rules.MAX_MONTHS_AHEAD):
                fail(row, "month", _("预交党费最多6个月"))
                continue
            due = due_for(member, month)
            if due is None:
                if month < first_month(member):
                    fail(
                        row,
                        "month",
                        _("%(name)s自%(from)s起交纳党费")
                        % {"name": member.name, "from": f"{first_month(member):%Y-%m}"},
                    )
                else:
                    fail(
                        row,
                        "month",
                        _("%(name)s尚未核定%(month)s的党费")
                        % {"name": member.name, "month": f"{month:%Y-%m}"},
                    )
                continue
            key = (member.pk, month)
            if key in seen:
                fail(row, "month", _("与第%(row)d行重复") % {"row": seen[key]})
                continue
            if Payment.objects.filter(member=member, month=month).exists():
                fail(
                    row,
                    "month",
                    _("%(name)s %(month)s的党费已交") % {"name": member.name, "month": f"{month:%Y-%m}"},
                )
                continue
            seen[key] = row.number
            v["_member"], v["_month"], v["_due"], v["_paid_on"] = member, month, due, paid_on
            plan.rows.append(row)

    def write(self, user: Any, plan: Plan) -> tuple[dict[str, int], list[Entry]]:
        payments = [
            Payment(
                member=r.values["_member"],
                area_code=r.values["_member"].area_code,
                org_path=r.values["_member"].organisation.path,
                month=r.values["_month"],
                amount=r.values["_due"],
                method=r.values["method"],
                paid_on=r.values["_paid_on"],
                recorded_by=user,
            )
            for r in plan.rows
        ]
        bulk.insert(Payment, payments)
        return {"payments": len(payments)}, [
            Entry(Action.CREATE, p, fields=("month", "amount", "method")) for p in payments
        ]

    def export_rows(self, actor: Any, area: str) -> Iterator[list[Any]]:
        qs = Payment.objects.visible_to(actor, self.export_permission).select_related("member__resident")
        if area:
            qs = qs.filter(area_code__startswith=area)
        for p in qs.order_by("org_path", "member_id", "month").iterator(chunk_size=2000):
            tail = p.member.resident.id_tail if p.member.resident else ""
            yield [
                p.member.name,
                tail,
                "" if tail else p.member.phone_masked,
                p.month,
                p.get_method_display(),
                p.paid_on,
                str(p.amount),
            ]


def register() -> None:
    from jiceng.rosters.registry import register as add

    add(DuesRoster())
