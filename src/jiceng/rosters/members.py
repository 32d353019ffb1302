"""The party members roster: one row per member, found among the residents by ID number.

A member whose ID number belongs to a current resident the importer may see is that resident
(name, gender, birth date and home come from the resident record); anyone else is a member
living elsewhere, whose birth date and gender come from the ID number (GB 11643) and who needs
a place of residence. The rules are `party.services.register_member`'s, with the dates checked
by `party.rules.check_member_dates` (发展党员工作细则 第五条、第三十三条).
"""

import datetime
import random
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm
from jiceng.audit.models import Action
from jiceng.audit.services import Entry
from jiceng.common import bulk
from jiceng.common.masking import mask_id_number, mask_phone
from jiceng.dashboard import queries as figures
from jiceng.demo.idgen import id_number as example_id_number
from jiceng.party import rules
from jiceng.party.models import Education, Member, MemberCategory, MemberStatus, Organisation
from jiceng.people.models import CURRENT_STATUSES, PoliticalStatus, Resident
from jiceng.people.validation import Identity, check_identity
from jiceng.rosters.base import Column, Plan, Roster, Row, Sheet

# SQLite allows 32,766 host parameters a statement; stay well below (as the residents roster).
HASH_CHUNK = 5000
AUDITED_FIELDS = ("name", "joined_on", "status", "organisation", "phone")
# The resident record's political status follows the member's status (as register_member does).
POLITICAL_STATUS = {
    MemberStatus.FULL: PoliticalStatus.PARTY_MEMBER,
    MemberStatus.PROBATIONARY: PoliticalStatus.PROBATIONARY,
}


def _example_id() -> str:
    return example_id_number(random.Random(1), "370303", datetime.date(1975, 10, 1), True)


class MemberRoster(Roster):
    kind = "members"
    sheet_title = _l("党员")
    import_permission = Perm.PARTY_IMPORT
    export_permission = Perm.PARTY_EXPORT
    export_purpose = _l("导出党员个人信息须说明用途")
    columns = (
        Column("name", _l("姓名"), required=True, max_length=50, example="张三", width=10),
        Column(
            "id_number",
            _l("身份证号码"),
            kind="id",
            required=True,
            width=22,
            hint=_l("本社区在住居民按身份证号码找到居民档案；性别和出生日期按身份证号码确定"),
        ),
        Column(
            "residence_elsewhere",
            _l("居住地（非本社区）"),
            max_length=200,
            width=24,
            hint=_l("本社区在住居民不填；居住在本社区以外的党员必填"),
        ),
        Column(
            "organisation",
            _l("所在党组织"),
            required=True,
            max_length=100,
            example="第一网格党支部",
            width=20,
        ),
        Column("joined_on", _l("入党日期"), kind="date", required=True, example="2001-07-01"),
        Column("full_on", _l("转正日期"), kind="date", example="2002-07-01", hint=_l("预备党员不填")),
        Column(
            "status",
            _l("党员类别"),
            kind="choice",
            choices=MemberStatus,
            required=True,
            example=str(MemberStatus.FULL.label),
        ),
        Column(
            "category",
            _l("党员分类"),
            kind="choice",
            choices=MemberCategory,
            example=str(MemberCategory.REGISTERED.label),
            width=18,
        ),
        Column(
            "education", _l("学历"), kind="choice", choices=Education, example=str(Education.UNIVERSITY.label)
        ),
        Column("occupation", _l("职业"), max_length=100, example="退休"),
        Column(
            "phone",
            _l("联系电话"),
            max_length=20,
            example="13912345678",
            hint=_l("本社区居民不填时使用居民档案中的电话"),
        ),
    )

    def example_rows(self) -> Iterable[list[Any]]:
        values = {c.key: c.example for c in self.columns}
        values["id_number"] = _example_id()
        yield [values[c.key] for c in self.columns]

    def check(self, user: Any, sheet: Sheet, rows: list[Row], plan: Plan) -> None:
        def fail(row: Row, key: str, message: str) -> None:
            plan.errors.append(self.error(sheet, row.number, key, message))

        identities: dict[int, Identity] = {}
        for row in rows:
            try:
                identities[row.number] = check_identity(row.values["id_number"], row.values["phone"] or "")
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    fail(row, key, messages[0])
        residents = self._residents(user, [i.id_hash for i in identities.values()])
        on_roll = set(
            Member.objects.filter(resident_id__in=[r.pk for r in residents.values()]).values_list(
                "resident_id", flat=True
            )
        )
        # Members living elsewhere are known by their ID number's hash, on any roll (a person is on
        # one organisation's roll at a time).
        hashes = [i.id_hash for i in identities.values()]
        elsewhere: set[str] = set()
        for start in range(0, len(hashes), HASH_CHUNK):
            elsewhere.update(
                Member.objects.filter(
                    active=True, id_hash__in=hashes[start : start + HASH_CHUNK]
                ).values_list("id_hash", flat=True)
            )
        organisations: dict[str, list[Organisation]] = defaultdict(list)
        for org in Organisation.objects.visible_to(user, self.import_permission).filter(active=True):
            organisations[org.name].append(org)

        first_row_of_id: dict[str, int] = {}
        failed = {e.row for e in plan.errors}
        for row in rows:
            v = row.values
            before = len(plan.errors)
            organisation = self._organisation(user, row, organisations, fail)
            identity = identities.get(row.number)
            resident = residents.get(identity.id_hash) if identity else None
            if identity is not None:
                if identity.id_hash in first_row_of_id:
                    fail(
                        row,
                        "id_number",
                        _("与第%(row)d行的身份证号码重复") % {"row": first_row_of_id[identity.id_hash]},
                    )
                elif resident is not None:
                    if resident.pk in on_roll:
                        fail(row, "id_number", _("%(name)s已在党员名册中") % {"name": resident.name})
                    if resident.name != v["name"]:
                        fail(
                            row,
                            "name",
                            _("与身份证号码对应的居民“%(name)s”姓名不一致") % {"name": resident.name},
                        )
                elif not v["residence_elsewhere"]:
                    fail(
                        row,
                        "residence_elsewhere",
                        _("在本社区在住居民中找不到该身份证号码；居住在本社区以外的党员请填写居住地"),
                    )
                elif identity.id_hash in elsewhere:
                    fail(row, "id_number", _("该身份证号码的党员已在党员名册中"))
                try:
                    rules.check_member_dates(identity.birth_date, v["joined_on"], v["status"], v["full_on"])
                except ValidationError as exc:
                    for key, messages in exc.message_dict.items():
                        fail(row, key, messages[0])
            if len(plan.errors) > before or row.number in failed or identity is None or organisation is None:
                continue
            first_row_of_id[identity.id_hash] = row.number
            v["_identity"], v["_resident"], v["_organisation"] = identity, resident, organisation
            plan.rows.append(row)

    def _residents(self, user: Any, hashes: list[str]) -> dict[str, Resident]:
        """Current residents the user may see, by ID hash: a handful of queries for any file."""
        found: dict[str, Resident] = {}
        visible = Resident.objects.visible_to(user, Perm.PEOPLE_VIEW).filter(
            residence_status__in=CURRENT_STATUSES
        )
        for start in range(0, len(hashes), HASH_CHUNK):
            chunk = visible.filter(id_hash__in=hashes[start : start + HASH_CHUNK]).only(
                "pk", "id_hash", "name", "household_id", "area_code", "phone", "phone_hash", "phone_mask"
            )
            found.update((r.id_hash, r) for r in chunk)
        return found

    def _organisation(
        self, user: Any, row: Row, organisations: dict[str, list[Organisation]], fail: Any
    ) -> Organisation | None:
        name = row.values["organisation"]
        found = organisations.get(name, [])
        if not found:
            fail(row, "organisation", _("找不到党组织“%(name)s”，或它不在您的管辖范围内") % {"name": name})
            return None
        if len(found) > 1:
            fail(row, "organisation", _("有多个党组织名为“%(name)s”") % {"name": name})
            return None
        if not has_perm(user, Perm.PARTY_CHANGE, found[0]):
            fail(row, "organisation", _("您没有向“%(name)s”登记党员的权限") % {"name": name})
            return None
        return found[0]

    def write(self, user: Any, plan: Plan) -> tuple[dict[str, int], list[Entry]]:
        members = []
        for row in plan.rows:
            v = row.values
            identity: Identity = v["_identity"]
            resident: Resident | None = v["_resident"]
            organisation: Organisation = v["_organisation"]
            phone, phone_hash = identity.phone, identity.phone_hash
            if not phone and resident is not None:
                phone, phone_hash = resident.phone, resident.phone_hash
            members.append(
                Member(
                    organisation=organisation,
                    area_code=organisation.area_code,
                    resident_id=resident.pk if resident else None,
                    household_id=resident.household_id if resident else None,
                    home_area_code=resident.area_code if resident else "",
                    name=resident.name if resident else v["name"],
                    gender=identity.gender,
                    birth_date=identity.birth_date,
                    # Clear value here: EncryptedCharField.get_prep_value encrypts on insert.
                    phone=phone,
                    phone_hash=phone_hash,
                    phone_mask=mask_phone(phone),
                    residence_elsewhere="" if resident else v["residence_elsewhere"],
                    id_hash=identity.id_hash,
                    id_tail=identity.id_number[-4:],
                    id_mask=mask_id_number(identity.id_number),
                    joined_on=v["joined_on"],
                    full_on=v["full_on"],
                    status=v["status"],
                    category=v["category"] or MemberCategory.REGISTERED,
                    education=v["education"] or "",
                    occupation=v["occupation"] or "",
                )
            )
        bulk.insert(Member, members)
        for status, political in POLITICAL_STATUS.items():
            ids = [m.resident_id for m in members if m.resident_id and m.status == status]
            if ids:
                Resident.objects.filter(pk__in=ids).update(political_status=political)
        figures.invalidate(
            *{m.area_code for m in members} | {m.home_area_code for m in members if m.home_area_code}
        )
        entries = [Entry(Action.CREATE, m, fields=AUDITED_FIELDS) for m in members]
        return {"members": len(members)}, entries
