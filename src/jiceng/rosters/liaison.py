"""The liaison roster (党员联系户): one row per household and the member who looks after it.

The member is named with the last four characters of their ID number (members who are
residents here) or their phone number; the household by its address, as in the households and
residents rosters. The rules are `party.services.link_household`'s: the member is on the roll,
and a household has one current liaison member (the import never replaces one: changing a
household's member is done on its page, where the old link is ended).
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import scope_for
from jiceng.audit.models import Action
from jiceng.audit.services import Entry
from jiceng.common import bulk
from jiceng.dashboard import queries as figures
from jiceng.party.models import LiaisonLink, LinkSource
from jiceng.people.models import Household
from jiceng.rosters.base import Column, Plan, Roster, Row, Sheet
from jiceng.rosters.member_refs import MemberLookup, MemberRef
from jiceng.rosters.places import BuildingLookup, address, address_columns

AUDITED_FIELDS = ("member", "household", "started_on")


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
        members = MemberLookup(user, self.import_permission, {r.values["member"] for r in rows})
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

    def _member(self, row: Row, members: MemberLookup, change_scope: Any, fail: Any) -> MemberRef | None:
        member = members.find(row, fail)
        if member is not None and not change_scope.covers(member.area_code):
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
