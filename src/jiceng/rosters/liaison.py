"""The liaison roster (党员联系户): one row per household and the member who looks after it.

The member is named with the last four characters of their ID number (members who are
residents here) or their phone number; the household by its address, as in the households and
residents rosters. The rules are `party.services.link_household`'s: the member is on the roll,
and a household has one current liaison member (the import never replaces one: changing a
household's member is done on its page, where the old link is ended).
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import scope_for
from jiceng.audit.models import Action
from jiceng.audit.services import Entry
from jiceng.common import bulk, crypto
from jiceng.common.identity import normalize_phone
from jiceng.dashboard import queries as figures
from jiceng.party.models import LiaisonLink, LinkSource, Member
from jiceng.people.models import Household
from jiceng.rosters.base import Column, Plan, Roster, Row, Sheet
from jiceng.rosters.places import BuildingLookup, address, address_columns

AUDITED_FIELDS = ("member", "household", "started_on")


@dataclass(frozen=True)
class MemberRef:
    pk: int
    name: str
    active: bool
    area_code: str
    id_tail: str
    phone_hash: str


class LiaisonRoster(Roster):
    kind = "liaison"
    sheet_title = _l("联系户")
    import_permission = Perm.PARTY_IMPORT
    export_permission = Perm.PARTY_EXPORT
    export_purpose = _l("导出党员个人信息须说明用途")
    columns = (
        Column("member", _l("党员姓名"), required=True, max_length=50, example="张三", width=10),
        Column(
            "id_tail",
            _l("身份证后4位"),
            max_length=4,
            example="1234",
            width=10,
            hint=_l("本社区居民党员填身份证号码后4位；也可改填党员的联系电话"),
        ),
        Column("member_phone", _l("党员电话"), max_length=20, width=14),
        *address_columns(room_example="301"),
        Column("started_on", _l("开始日期"), kind="date", hint=_l("不填为导入当天")),
    )

    def check(self, user: Any, sheet: Sheet, rows: list[Row], plan: Plan) -> None:
        def fail(row: Row, key: str, message: str) -> None:
            plan.errors.append(self.error(sheet, row.number, key, message))

        places = BuildingLookup(user, {r.values["estate"] for r in rows}, self.import_permission)
        households = {
            (h.building_id, h.unit, h.room): h
            for h in Household.objects.filter(building_id__in=places.building_ids()).only(
                "pk", "building_id", "unit", "room", "area_code"
            )
        }
        current = dict(
            LiaisonLink.objects.filter(
                household_id__in=[h.pk for h in households.values()], ended_on__isnull=True
            ).values_list("household_id", "member__name")
        )
        members = self._members(user, {r.values["member"] for r in rows})
        view_scope = scope_for(user, Perm.PEOPLE_VIEW)
        change_scope = scope_for(user, Perm.PARTY_CHANGE)
        first_row: dict[int, int] = {}
        today = timezone.localdate()
        for row in rows:
            v = row.values
            before = len(plan.errors)
            member = self._member(row, members, change_scope, fail)
            household = None
            building, key, message = places.find(v["estate"], v["building"], v["unit"])
            if building is None:
                fail(row, key, message)
            else:
                household = households.get((building.pk, v["unit"], v["room"]))
                if household is None:
                    fail(
                        row,
                        "room",
                        _("%(address)s尚未登记，请先导入住户")
                        % {"address": address(building, v["unit"], v["room"])},
                    )
                elif not view_scope.covers(household.area_code, household.pk):
                    fail(row, "room", _("您没有查看该户的权限"))
            if household is not None and len(plan.errors) == before:
                if household.pk in first_row:
                    fail(
                        row,
                        "room",
                        _("与第%(row)d行是同一户：一户只能有一名联系党员") % {"row": first_row[household.pk]},
                    )
                elif household.pk in current:
                    fail(row, "room", _("该户已由%(name)s联系") % {"name": current[household.pk]})
            if len(plan.errors) > before or member is None or household is None:
                continue
            first_row[household.pk] = row.number
            v["_member"], v["_household"] = member, household
            v["started_on"] = v["started_on"] or today
            plan.rows.append(row)

    def _members(self, user: Any, names: set[str]) -> dict[str, list[MemberRef]]:
        """The members the user may import for, by name, with what tells namesakes apart."""
        found: dict[str, list[MemberRef]] = defaultdict(list)
        rows = (
            Member.objects.visible_to(user, self.import_permission)
            .filter(name__in=names)
            .values_list("pk", "name", "active", "area_code", "resident__id_tail", "phone_hash")
        )
        for pk, name, active, area_code, id_tail, phone_hash in rows:
            found[name].append(MemberRef(pk, name, active, area_code, id_tail or "", phone_hash))
        return found

    def _member(
        self, row: Row, members: dict[str, list[MemberRef]], change_scope: Any, fail: Any
    ) -> MemberRef | None:
        v = row.values
        tail = (v["id_tail"] or "").upper()
        phone = v["member_phone"]
        if not tail and not phone:
            fail(row, "id_tail", _("请填写党员身份证号码后4位或党员电话，以确认是哪一位党员"))
            return None
        named = members.get(v["member"], [])
        if tail:
            found = [m for m in named if m.id_tail == tail]
            key = "id_tail"
        else:
            try:
                phone_hash = crypto.lookup_hash(normalize_phone(phone))
            except ValidationError as exc:
                fail(row, "member_phone", exc.messages[0])
                return None
            found = [m for m in named if m.phone_hash == phone_hash]
            key = "member_phone"
        # Two records of one person: one left the roll, the other is current.
        if len(found) > 1:
            found = [m for m in found if m.active] or found
        if not found:
            fail(row, key, _("找不到党员“%(name)s”，或其不在您的管辖范围内") % {"name": v["member"]})
            return None
        if len(found) > 1:
            fail(row, key, _("有多名党员与此相符，请改填党员电话") if tail else _("有多名党员与此相符"))
            return None
        member = found[0]
        if not member.active:
            fail(row, "member", _("%(name)s已离册") % {"name": member.name})
            return None
        if not change_scope.covers(member.area_code):
            fail(row, "member", _("您没有为%(name)s安排联系户的权限") % {"name": member.name})
            return None
        return member

    def write(self, user: Any, plan: Plan) -> tuple[dict[str, int], list[Entry]]:
        links = [
            LiaisonLink(
                member_id=r.values["_member"].pk,
                household_id=r.values["_household"].pk,
                area_code=r.values["_household"].area_code,
                started_on=r.values["started_on"],
                source=LinkSource.IMPORT,
            )
            for r in plan.rows
        ]
        bulk.insert(LiaisonLink, links)
        figures.invalidate(*{link.area_code for link in links})
        entries = [Entry(Action.CREATE, link, fields=AUDITED_FIELDS) for link in links]
        return {"links": len(links)}, entries
