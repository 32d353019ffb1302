"""Exports of what a user may see to .xlsx, streamed with openpyxl's write-only mode.

个人信息保护法 and GB/T 35273: ID and phone numbers are masked unless the user may see every
exported row in full (Perm.PEOPLE_REVEAL) and asks for it with a purpose; every export is
audited with its purpose and row count. The columns are the import template's, so an export
with full numbers can be corrected and imported again.
"""

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import require
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.common.scoping import ScopedQuerySet
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
    require(actor, Perm.PEOPLE_EXPORT)
    roster = get_roster(kind)
    purpose = purpose.strip()
    if (kind == RosterKind.RESIDENTS or reveal) and len(purpose) < 2:
        raise ValidationError({"purpose": _("导出居民个人信息须说明用途")})
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
    elif kind == RosterKind.HOUSEHOLDS:
        reveal = False
        rows = _household_rows(
            _scoped(Household.objects.all(), actor, area).select_related("building__estate", "head")
        )
    else:
        reveal = False
        rows = _building_rows(_scoped(Building.objects.all(), actor, area).select_related("estate", "grid"))
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


def _scoped(qs: QuerySet[Any], actor: Any, area: str) -> QuerySet[Any]:
    qs = cast(ScopedQuerySet[Any], qs).visible_to(actor, Perm.PEOPLE_EXPORT)
    if area:
        qs = qs.filter(area_code__startswith=area)
    return qs.order_by("area_code", "pk")


def _residents(actor: Any, area: str, q: str) -> QuerySet[Resident]:
    qs = (
        search_residents(actor, q)
        if q.strip()
        else Resident.objects.filter(residence_status__in=CURRENT_STATUSES)
    )
    return (
        _scoped(qs, actor, area).select_related("household__building__estate").prefetch_related("care_tags")
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
