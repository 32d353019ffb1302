"""Exports of what a user may see to .xlsx, streamed with openpyxl's write-only mode.

Each roster is exported with its own permission (people.export, or party.export for the party
chain). 个人信息保护法 and GB/T 35273: ID and phone numbers are masked unless the user may see
every exported row in full (Perm.PEOPLE_REVEAL) and asks for it with a purpose; rosters of
people (residents, members, liaison links) always need a purpose; every export is audited with
its purpose and row count. The columns are the import template's, so an export
with full numbers can be corrected and imported again.
"""

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import IO, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import require, scope_for
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.common.scoping import ScopedQuerySet
from jiceng.party.models import LiaisonLink, Member, Organisation
from jiceng.people.models import CURRENT_STATUSES, Household, Resident
from jiceng.people.queries import search_residents
from jiceng.rosters.models import RosterKind
from jiceng.rosters.registry import get_roster
from jiceng.territory.models import Building

CHUNK = 2000


@dataclass
class Export:
    file: IO[bytes]
    rows: int
    file_name: str
    revealed: bool


def export_roster(
    *, actor: Any, kind: str, area: str = "", q: str = "", purpose: str = "", reveal: bool = False
) -> Export:
    """Write the rows `actor` may export to a temporary .xlsx file (rewound, ready to stream)."""
    roster = get_roster(kind)
    require(actor, roster.export_permission)
    purpose = purpose.strip()
    if (roster.export_purpose or reveal) and len(purpose) < 2:
        message = roster.export_purpose or _l("导出居民个人信息须说明用途")
        raise ValidationError({"purpose": str(message)})
    scoped = partial(_scoped, actor=actor, area=area, permission=roster.export_permission)
    if kind == RosterKind.RESIDENTS:
        qs: Any = _residents(actor, area, q)
        if (
            reveal
            and qs.exclude(
                pk__in=Resident.objects.visible_to(actor, Perm.PEOPLE_REVEAL).values("pk")
            ).exists()
        ):
            raise PermissionDenied(_("您没有查看其中部分居民完整身份证号码和电话的权限，请只导出脱敏数据"))
        rows: Iterator[list[Any]] = _resident_rows(qs, reveal)
    elif kind == RosterKind.MEMBERS:
        members = scoped(Member.objects.filter(active=True))
        if reveal and members.exclude(_revealable(actor)).exists():
            raise PermissionDenied(_("您没有查看其中部分党员完整身份证号码和电话的权限，请只导出脱敏数据"))
        rows = _member_rows(members, reveal)
    elif kind == RosterKind.HOUSEHOLDS:
        reveal = False
        rows = _household_rows(scoped(Household.objects.all()).select_related("building__estate", "head"))
    elif kind == RosterKind.ORGANISATIONS:
        reveal = False
        # By path: a parent comes before its children, so the file can be imported again.
        rows = _organisation_rows(scoped(Organisation.objects.all()).order_by("path"))
    elif kind == RosterKind.LIAISON:
        reveal = False
        rows = _liaison_rows(scoped(LiaisonLink.objects.filter(ended_on__isnull=True)))
    elif kind == RosterKind.BUILDINGS:
        reveal = False
        rows = _building_rows(scoped(Building.objects.all()).select_related("estate", "grid"))
    else:
        reveal = False
        rows = iter(roster.export_rows(actor, area))
    extra = [_("户主")] if kind == RosterKind.HOUSEHOLDS else []
    wb = Workbook(write_only=True)
    ws: Any = wb.create_sheet(roster.sheet_name)
    header = []
    for title in [c.title for c in roster.columns] + extra:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows:
        ws.append(row)
        count += 1
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the caller streams the file and closes it
    wb.save(out)
    out.seek(0)
    audit.record(
        actor,
        Action.EXPORT,
        object_type=f"rosters.{kind}",
        object_id=area[:64],
        object_repr=_("%(roster)s %(n)d 行") % {"roster": RosterKind(kind).label, "n": count},
        fields=["id_number", "phone"] if reveal else [],
        reason=purpose,
    )
    suffix = _("（含完整号码）") if reveal else ""
    return Export(file=out, rows=count, file_name=f"{RosterKind(kind).label}{suffix}.xlsx", revealed=reveal)


def _scoped(qs: QuerySet[Any], *, actor: Any, area: str, permission: str) -> QuerySet[Any]:
    qs = cast(ScopedQuerySet[Any], qs).visible_to(actor, permission)
    if area:
        qs = qs.filter(area_code__startswith=area)
    return qs.order_by("area_code", "pk")


def _within(codes: tuple[str, ...], field: str) -> Q:
    condition = Q(pk__in=[])
    for code in codes:
        condition |= Q(**{f"{field}__startswith": code})
    return condition


def _revealable(actor: Any) -> Q:
    """Members whose full numbers `actor` may see: their organisation's place and, for a
    resident, their home are both within the user's people.reveal scope."""
    codes = scope_for(actor, Perm.PEOPLE_REVEAL).area_codes
    return _within(codes, "area_code") & (Q(resident__isnull=True) | _within(codes, "home_area_code"))


def _residents(actor: Any, area: str, q: str) -> QuerySet[Resident]:
    qs = (
        search_residents(actor, q)
        if q.strip()
        else Resident.objects.filter(residence_status__in=CURRENT_STATUSES)
    )
    return (
        _scoped(qs, actor=actor, area=area, permission=Perm.PEOPLE_EXPORT)
        .select_related("household__building__estate")
        .prefetch_related("care_tags")
    )


def _resident_rows(qs: QuerySet[Resident], reveal: bool) -> Iterator[list[Any]]:
    for r in qs.iterator(chunk_size=CHUNK):
        household = r.household
        yield [
            household.building.estate.name,
            household.building.name,
            household.unit,
            household.room,
            household.get_household_type_display(),
            r.name,
            r.id_number if reveal else r.id_number_masked,
            r.get_gender_display(),
            r.birth_date,
            r.phone if reveal else r.phone_masked,
            r.ethnicity,
            r.get_political_status_display(),
            r.get_relation_to_head_display(),
            r.get_residence_status_display(),
            r.moved_in_on,
            "、".join(t.name for t in r.care_tags.all()),
        ]


def _household_rows(qs: QuerySet[Household]) -> Iterator[list[Any]]:
    for h in qs.iterator(chunk_size=CHUNK):
        yield [
            h.building.estate.name,
            h.building.name,
            h.unit,
            h.room,
            h.get_household_type_display(),
            h.head.name if h.head else "",
        ]


def _building_rows(qs: QuerySet[Building]) -> Iterator[list[Any]]:
    for b in qs.iterator(chunk_size=CHUNK):
        yield [b.grid.name, b.estate.name, b.name, b.units, b.floors]


def _organisation_rows(qs: QuerySet[Organisation]) -> Iterator[list[Any]]:
    for o in qs.select_related("parent", "area").iterator(chunk_size=CHUNK):
        yield [
            o.name,
            o.get_kind_display(),
            o.get_org_type_display(),
            o.parent.name if o.parent else "",
            o.area.code,
            o.founded_on,
            o.joint_units,
        ]


def _member_rows(qs: QuerySet[Member], reveal: bool) -> Iterator[list[Any]]:
    # Encrypted numbers are decrypted only when they are exported in full.
    hidden = [] if reveal else ["phone", "resident__id_number"]
    qs = qs.select_related("organisation", "resident").defer("resident__phone", *hidden)
    for m in qs.iterator(chunk_size=CHUNK):
        resident = m.resident
        id_number = (resident.id_number if reveal else resident.id_number_masked) if resident else ""
        yield [
            m.name,
            id_number,
            m.residence_elsewhere,
            m.organisation.name,
            m.joined_on,
            m.full_on,
            m.get_status_display(),
            m.get_category_display(),
            m.get_education_display(),
            m.occupation,
            m.phone if reveal else m.phone_masked,
        ]


def _liaison_rows(qs: QuerySet[LiaisonLink]) -> Iterator[list[Any]]:
    """Current links; the member's phone is always masked (the members roster can reveal it)."""
    yield from (
        list(values)
        for values in qs.values_list(
            "member__name",
            "member__resident__id_tail",
            "member__phone_mask",
            "household__building__estate__name",
            "household__building__name",
            "household__unit",
            "household__room",
            "started_on",
        ).iterator(chunk_size=CHUNK)
    )
