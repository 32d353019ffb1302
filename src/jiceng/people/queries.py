"""Read paths for households and residents, always scoped to what the user may see."""

import re
from collections.abc import Iterator
from typing import Any

from django.db.models import CharField, Func, Q, QuerySet

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import Scope, scope_for
from jiceng.common import crypto
from jiceng.common.identity import normalize_phone
from jiceng.people.models import CURRENT_STATUSES, Household, Resident, format_address

LATIN = re.compile(r"^[a-zA-Z]+$")  # a search by pinyin or initials
_ADDRESS = re.compile(r"^(?P<building>\d+)(?:号楼|栋|幢)?-?(?:(?P<unit>\d+)单元)?-?(?P<room>\d+)?室?$")


def residents_for(user: Any) -> QuerySet[Resident]:
    return Resident.objects.visible_to(user).select_related("household__building__estate")


def households_for(user: Any) -> QuerySet[Household]:
    return Household.objects.visible_to(user).select_related("building__estate", "head")


# What a resident list shows (the API's ResidentOut): no timestamps, no pinyin or hash columns.
RESIDENT_COLUMNS = (
    "id",
    "area_code",
    "name",
    "gender",
    "birth_date",
    "id_mask",
    "phone_mask",
    "ethnicity",
    "political_status",
    "relation_to_head",
    "residence_status",
    "moved_out_on",
    "moved_out_to",
    "household_id",
)


def household_rows(households: QuerySet[Household], with_head_name: bool = False) -> Iterator[dict[str, Any]]:
    """Households as plain dicts for lists: no model instances, one query."""
    columns = ["id", "building_id", "area_code", "unit", "room", "household_type", "head_id"]
    for r in households.values(*columns, "building__name", "building__estate__name", "head__name"):
        row: dict[str, Any] = dict(r)
        row["address"] = format_address(
            row.pop("building__estate__name"), row.pop("building__name"), row["unit"], row["room"]
        )
        head_name = row.pop("head__name")
        if with_head_name:
            row["head_name"] = head_name or ""
        yield row


def household_page_rows(households: QuerySet[Household]) -> Iterator[dict[str, Any]]:
    return household_rows(households, with_head_name=True)


_ADDRESS_COLUMNS = (
    "household__building__estate__name",
    "household__building__name",
    "household__unit",
    "household__room",
)


def resident_rows(residents: QuerySet[Resident], with_address: bool = False) -> Iterator[dict[str, Any]]:
    """Residents as plain dicts for lists (the API's ResidentOut), numbers masked; the search
    page adds each one's address and whether they still live here."""
    for r in residents.values(*RESIDENT_COLUMNS, *(_ADDRESS_COLUMNS if with_address else ())):
        row: dict[str, Any] = dict(r)
        address = format_address(*(row.pop(c) for c in _ADDRESS_COLUMNS)) if with_address else None
        yield shaped_row(row, address)


def shaped_row(row: dict[str, Any], address: str | None = None) -> dict[str, Any]:
    """A resident's row of RESIDENT_COLUMNS as lists show it, numbers masked under their own
    names; given an address, a row of the search page (also whether they still live here)."""
    row["id_number"] = row.pop("id_mask")
    row["phone"] = row.pop("phone_mask")
    if address is not None:
        row["address"] = address
        row["current"] = row["residence_status"] in CURRENT_STATUSES
    return row


def resident_page_rows(residents: QuerySet[Resident]) -> Iterator[dict[str, Any]]:
    return resident_rows(residents, with_address=True)


def search_residents(user: Any, text: str, include_former: bool = False) -> QuerySet[Resident]:
    """Find residents by name, full pinyin or initials (张三: zhangsan, zs), the last four
    characters of the ID or phone number, a whole ID or phone number, or an address such as
    “3号楼2单元301” or “世纪花园3号楼”."""
    communities = search_communities(scope_for(user, Perm.PEOPLE_VIEW))
    return matching(residents_for(user), text, include_former, communities)


class CommunityOf(Func):
    """A grid's or community's code cut to its community (12 digits). On PostgreSQL residents
    are indexed by it with their initials and with their pinyin (migration 0006), so a search
    within a community reads its matches only, not every match in the district or every
    resident of the community."""

    template = "SUBSTR(%(expressions)s, 1, 12)"
    output_field = CharField()


def search_communities(scope: Scope) -> tuple[str, ...]:
    """The communities that hold all of a scope, when its areas are communities or grids
    (a secretary's, a grid worker's); none for a street or wider, or a scope with households."""
    codes = scope.area_codes
    if not codes or scope.household_ids or any(len(code) < 12 for code in codes):
        return ()
    return tuple(sorted({code[:12] for code in codes}))


def matching(
    qs: QuerySet[Resident], text: str, include_former: bool, communities: tuple[str, ...] = ()
) -> QuerySet[Resident]:
    """The residents of `qs` that `text` finds (the rules of `search_residents`); `communities`
    hold every row of `qs`, and narrow a search by letters to the index of those communities."""
    text = re.sub(r"\s+", "", text or "")
    if not include_former:
        qs = qs.filter(residence_status__in=CURRENT_STATUSES)
    if not text:
        return qs.none()
    if LATIN.match(text):
        key = text.lower()
        if communities:
            qs = qs.alias(community=CommunityOf("area_code")).filter(community__in=communities)
        return qs.filter(Q(name_initials__startswith=key) | Q(name_pinyin__startswith=key))
    upper = text.upper()
    if len(upper) == 4 and (upper.isdigit() or (upper[:3].isdigit() and upper[3] == "X")):
        return qs.filter(Q(id_tail=upper) | Q(phone_tail=upper))
    if len(upper) == 18:
        return qs.filter(id_hash=crypto.lookup_hash(upper))
    if text.isdigit() and len(text) >= 7:
        try:
            return qs.filter(phone_hash=crypto.lookup_hash(normalize_phone(text)))
        except Exception:  # not a phone number: fall through to the address search
            pass
    return qs.filter(Q(name__contains=text) | _address_q(text))


def _address_q(text: str) -> Q:
    estate_match = Q(household__building__estate__name__contains=text)
    # Strip a leading estate name: “世纪花园3号楼2单元301” → “3号楼2单元301”.
    tail = re.sub(r"^[^\d]+", "", text)
    m = _ADDRESS.match(tail)
    if not m:
        return estate_match
    prefix = text[: len(text) - len(tail)]
    condition = Q(household__building__name__in=[f"{m['building']}号楼", f"{m['building']}栋", m["building"]])
    if prefix:
        condition &= Q(household__building__estate__name__contains=prefix)
    if m["unit"]:
        condition &= Q(household__unit=int(m["unit"]))
    if m["room"]:
        condition &= Q(household__room=m["room"])
    return estate_match | condition
