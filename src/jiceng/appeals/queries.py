"""Read paths of the appeal pages, always scoped: the queue, an appeal's timeline, the residents a
caller may be, and whom an appeal may be dispatched to."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from jiceng.accounts.models import User
from jiceng.accounts.roles import Role
from jiceng.appeals import routing
from jiceng.appeals.models import OPEN_STATUSES, Appeal, AppealEvent, Category, Helper, Status
from jiceng.common import crypto
from jiceng.common.compiled import CompiledQuery, columns, joined
from jiceng.common.identity import normalize_phone
from jiceng.people.models import CURRENT_STATUSES, Household, Resident
from jiceng.territory.models import Building, Estate, ancestor_codes
from jiceng.units.models import SinkingUnit

# The clock runs from dispatch until the handler reports the result.
RUNNING_STATUSES = (Status.DISPATCHED, Status.IN_PROGRESS)
TEXT_PREVIEW = 60
CALLER_LIMIT = 10


def appeals_for(user: Any) -> QuerySet[Appeal]:
    return Appeal.objects.visible_to(user)


@dataclass(frozen=True)
class QueueFilter:
    status: str = "open"  # "open", "all" or one Status value
    category: int | None = None  # a category and its sub-categories
    overdue: bool = False
    mine: bool = False  # handled or helped by the user


def queue(user: Any, f: QueueFilter, now: datetime.datetime) -> QuerySet[Appeal]:
    qs = appeals_for(user)
    if f.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status in Status.values:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(Q(category_id=f.category) | Q(category__parent_id=f.category))
    if f.overdue:
        qs = qs.filter(status__in=RUNNING_STATUSES, paused_at__isnull=True, resolution_due__lt=now)
    if f.mine:
        qs = qs.filter(mine_q(user))
    return qs


def mine_q(user: Any, *, raised: bool = False) -> Q:
    """The appeals the user handles or helps with (and, with `raised`, those they submitted).
    The helped ones as a list of keys, not a join or subquery, as in the scope: each appeal once,
    and PostgreSQL can use its indexes for every part."""
    helping = list(Helper.objects.filter(user_id=user.pk).values_list("appeal_id", flat=True))
    q = Q(handler_id=user.pk) | Q(pk__in=helping)
    return q | Q(submitter_id=user.pk) if raised else q


def own_household(user: Any) -> Household | None:
    """The household of the resident the account belongs to, if any."""
    resident = Resident.objects.select_related("household").filter(pk=user.resident_id or 0).first()
    return resident.household if resident is not None else None


_ROW_COLUMNS = (
    "id",
    "number",
    "kind",
    "status",
    "text",
    "address",
    "created_at",
    "response_due",
    "resolution_due",
    "responded_at",
    "paused_at",
    "flagged",
    "rating",
    "category__name",
    "handler__display_name",
    "handler__username",
)


def queue_rows(appeals: QuerySet[Appeal], now: datetime.datetime) -> Iterator[dict[str, Any]]:
    """Appeals as plain dicts for the queue, one query, with their overdue marks."""
    for r in appeals.values(*_ROW_COLUMNS):
        row: dict[str, Any] = dict(r)
        text = row["text"]
        row["text"] = text if len(text) <= TEXT_PREVIEW else text[:TEXT_PREVIEW] + "…"
        # Formatted here, once a row: Django's date filter costs more than the rest of the row.
        row["created"] = timezone.localtime(row["created_at"]).strftime("%m-%d %H:%M")
        due = row["resolution_due"]
        row["due"] = timezone.localtime(due).strftime("%m-%d %H:%M") if due is not None else ""
        row["category"] = row.pop("category__name")
        row["handler"] = row.pop("handler__display_name") or row.pop("handler__username") or ""
        row.pop("handler__username", None)
        running = row["status"] in RUNNING_STATUSES and row["paused_at"] is None
        row["overdue"] = running and due is not None and due < now
        row["response_late"] = (
            running
            and row["responded_at"] is None
            and row["response_due"] is not None
            and row["response_due"] < now
        )
        yield row


def category_choices(active_only: bool) -> list[Any]:
    """The category tree as grouped choices: a top category without sub-categories is one
    option; one with sub-categories is a group holding itself and all below it."""
    children: dict[int | None, list[dict[str, Any]]] = {}
    for c in Category.objects.order_by("sort_order", "id").values("id", "name", "parent_id", "active"):
        children.setdefault(c["parent_id"], []).append(dict(c))

    def below(parent_id: int, prefix: str) -> Iterator[tuple[int, str]]:
        for c in children.get(parent_id, []):
            if c["active"] or not active_only:
                yield c["id"], prefix + c["name"]
            yield from below(c["id"], prefix + c["name"] + " / ")

    choices: list[Any] = []
    for top in children.get(None, []):
        options = [(top["id"], top["name"])] if top["active"] or not active_only else []
        options += list(below(top["id"], ""))
        if len(options) == 1 and not children.get(top["id"]):
            choices.append(options[0])
        elif options:
            choices.append((top["name"], options))
    return choices


def timeline(appeal: Appeal) -> list[AppealEvent]:
    return list(
        AppealEvent.objects.filter(appeal=appeal)
        .select_related("actor")
        .prefetch_related("photos")
        .order_by("at", "id")
    )


def callers(user: Any, phone: str) -> list[Resident]:
    """Current residents the user may see whose phone number is this one (by its lookup hash)."""
    try:
        number = normalize_phone(phone)
    except ValidationError:
        return []
    return list(
        Resident.objects.visible_to(user)
        .filter(phone_hash=crypto.lookup_hash(number), residence_status__in=CURRENT_STATUSES)
        .select_related("household__building__estate")
        .order_by("name", "id")[:CALLER_LIMIT]
    )


def handler_candidates(appeal: Appeal) -> QuerySet[User]:
    """Who may be chosen to handle it: the community's staff and grid workers, and the
    household's liaison member."""
    community = appeal.area_code[:12]
    condition = Q(
        role_bindings__role__in=[Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY],
        role_bindings__area__code__startswith=community,
    )
    liaison = routing.user_of(appeal.liaison_member) if appeal.liaison_member_id else None
    if liaison is not None:
        condition |= Q(pk=liaison.pk)
    return User.objects.filter(condition, is_active=True).distinct().order_by("username")


def unit_candidates(appeal: Appeal) -> QuerySet[SinkingUnit]:
    """Sinking units managed by the appeal's community or the street and district above it."""
    community = appeal.area_code[:12]
    return SinkingUnit.objects.filter(active=True, area_code__in=[*ancestor_codes(community), community])


def category_by_code(code: str, active_only: bool = True) -> Category | None:
    """The category of this code (asked at every intake: compiled once a process)."""
    found = _CATEGORY_BY_CODE.instances(code)
    category: Category | None = found[0] if found else None
    return category if category is None or category.active or not active_only else None


_CATEGORY_BY_CODE = CompiledQuery(lambda code: Category.objects.filter(code=code)[:1], "-sample-code-")


def visible_household(user: Any, pk: int) -> Household:
    """The household an appeal is raised at, with its building and estate, if the user may see
    it (the rule of `Household.objects.visible_to`: in their areas, or their own); else 404.
    Asked at every intake: one compiled query instead of the scoped join compiled each time."""
    from django.http import Http404

    from jiceng.accounts.scope import has_perm

    rows = _HOUSEHOLD_WITH_PLACE.rows(pk)
    if not rows:
        raise Http404
    household, building, estate = joined(rows[0], Household, Building, Estate)
    building._state.fields_cache["estate"] = estate
    household._state.fields_cache["building"] = building
    if not has_perm(user, Household.scope_view_permission, household):
        raise Http404
    return household


_HOUSEHOLD_WITH_PLACE = CompiledQuery(
    lambda pk: Household.objects.filter(pk=pk).values_list(
        *columns(Household), *columns(Building, "building__"), *columns(Estate, "building__estate__")
    ),
    -90_417_233,
)
