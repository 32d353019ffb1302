"""Appeal categories as GeoReport services and appeals as service requests, with the
specification's field names in its order.

Two views of a service request:
- public (no api_key): what anyone may read. No personal data: no description or status notes
  (free text can name people), the place no finer than the building (no unit or room), and an
  appeal marked anonymous (对外匿名) only as far as its grid or community; coordinates rounded to
  about 100 m. Reporter names and phones are never part of either view.
- scoped (an api_key): the appeals the key's user may see anyway (`visible_to`), in full.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.appeals.models import OPEN_STATUSES, Appeal, Category
from jiceng.common.pinyin import full_pinyin, initials
from jiceng.territory.models import Area

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# The one attribute every service takes (see `definition`).
ANONYMOUS = "anonymous"


def w3c(moment: datetime.datetime | None) -> str | None:
    """The W3C profile of ISO 8601 with the offset, in the platform's time zone."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def open_or_closed(status: str) -> str:
    """The specification knows two states: every step before closure is open; closed, rejected
    and merged appeals are closed."""
    return "open" if status in OPEN_STATUSES else "closed"


def _limit(category: Category) -> str:
    return f"{category.resolution_limit}{category.get_resolution_unit_display()}"


def services(categories: list[Category]) -> list[dict[str, Any]]:
    """A category with sub-categories is the group of its children and of itself."""
    parents = {c.parent_id for c in categories if c.parent_id}
    rows = []
    for category in categories:
        group = category.parent.name if category.parent else category.name if category.pk in parents else None
        rows.append(
            {
                "service_code": category.code,
                "service_name": category.name,
                "description": _("%(name)s，办结时限%(limit)s")
                % {"name": category.name, "limit": _limit(category)},
                "metadata": True,
                "type": "realtime",
                # Pinyin and initials, as people search the rest of the platform.
                "keywords": ", ".join(
                    k for k in (full_pinyin(category.name), initials(category.name), group) if k
                ),
                "group": group,
            }
        )
    return rows


def definition(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": ANONYMOUS,
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": None,
                "order": 1,
                "description": _("对外匿名：公开查询时不显示所在楼栋，只显示所在网格或社区"),
                "values": [
                    {"key": "false", "name": _("公开到楼栋")},
                    {"key": "true", "name": _("对外匿名")},
                ],
            }
        ],
    }


def service_notice(appeal: Appeal) -> str:
    return _("诉求编号%(number)s，%(category)s类诉求办结时限%(limit)s") % {
        "number": appeal.number,
        "category": appeal.category.name,
        "limit": _limit(appeal.category),
    }


def _agency(appeal: Appeal) -> str | None:
    """Who handles it, as an office: never the name of a person."""
    if appeal.handler_unit is not None:
        return appeal.handler_unit.name
    if appeal.handler_department:
        return appeal.handler_department
    return appeal.get_handler_type_display() if appeal.handler_type else None


def _coordinate(value: Decimal | None, places: int) -> float | None:
    return None if value is None else float(round(value, places))


def service_requests(appeals: Iterable[Appeal], *, public: bool) -> list[dict[str, Any]]:
    rows = list(appeals)
    # Places without a building, and anonymous appeals in public, are named by their area.
    area_names = dict(Area.objects.filter(code__in={a.area_code for a in rows}).values_list("code", "name"))
    return [_request(a, public, area_names) for a in rows]


def _request(appeal: Appeal, public: bool, area_names: dict[str, str]) -> dict[str, Any]:
    if public:
        coarse = appeal.anonymous or appeal.building is None
        address = area_names.get(appeal.area_code) if coarse else str(appeal.building)
        address_id = None if coarse else appeal.building_id
    else:
        address = appeal.address or area_names.get(appeal.area_code)
        address_id = appeal.building_id
    closed = appeal.status not in OPEN_STATUSES
    places = 3 if public else 6
    return {
        "service_request_id": appeal.pk,
        "status": open_or_closed(appeal.status),
        "status_notes": None if public else appeal.result or None,
        "service_name": appeal.category.name,
        "service_code": appeal.category.code,
        "description": None if public else appeal.text,
        "agency_responsible": _agency(appeal),
        "service_notice": service_notice(appeal),
        "requested_datetime": w3c(appeal.created_at),
        "updated_datetime": w3c((appeal.closed_at if closed else None) or appeal.updated_at),
        "expected_datetime": w3c(appeal.resolution_due),
        "address": address,
        "address_id": address_id,
        "zipcode": None,
        "lat": _coordinate(appeal.latitude, places),
        "long": _coordinate(appeal.longitude, places),
        "media_url": None,
    }
