"""Read paths for the party chain and its coverage figures, always scoped to the user.

Coverage counts households where someone currently lives: a household is covered when it has a
current liaison member. Figures are counted live with grouped queries (two or three a page).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm
from jiceng.common.compiled import CompiledQuery
from jiceng.party.models import (
    CentralHousehold,
    CommitteeSeat,
    LiaisonLink,
    Member,
    MemberStatus,
    Organisation,
    Position,
)
from jiceng.people.models import CURRENT_STATUSES, Household, Resident
from jiceng.territory.models import CHILD_LEVEL, CODE_LENGTH, Area, Level

# Members' load, bucketed as the secretary reads it: none, a few, about ten, too many.
LOAD_BUCKETS = ((0, 0), (1, 5), (6, 10), (11, 15), (16, None))


def occupied_households(households: QuerySet[Household]) -> QuerySet[Household]:
    living = Resident.objects.filter(household=OuterRef("pk"), residence_status__in=CURRENT_STATUSES)
    return households.filter(Exists(living))


def _current_link() -> Exists:
    return Exists(LiaisonLink.objects.filter(household=OuterRef("pk"), ended_on__isnull=True))


@dataclass
class Coverage:
    area: Area
    households: int = 0
    covered: int = 0
    members: int = 0
    members_without_household: int = 0
    load: list[tuple[str, int]] = field(default_factory=list)
    by_child: list[dict[str, Any]] = field(default_factory=list)

    @property
    def uncovered(self) -> int:
        return self.households - self.covered

    @property
    def share(self) -> float:
        return self.covered / self.households if self.households else 0.0


def _bucket_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(n)d户以上") % {"n": low}
    if low == high:
        return _("%(n)d户") % {"n": low}
    return _("%(low)d–%(high)d户") % {"low": low, "high": high}


COVERAGE_LIVE_SECONDS = 600


def _coverage_key(code: str) -> str:
    return f"party:coverage:{code}"


def coverage(area: Area) -> Coverage:
    """Households covered by a liaison member, per child area, and members' loads, for an area
    (grid, community, street or district) the caller has already checked the user may see.

    Kept in the cache and dropped by every change of a liaison link, member or household in the
    area (`invalidate_coverage`), so the figures are live; a street's or district's figures also
    expire after the dashboard's refresh period, as residents moving in and out change them."""
    result: Coverage | None = cache.get(_coverage_key(area.code))
    if result is None:
        result = count_coverage(area)
        seconds = (
            COVERAGE_LIVE_SECONDS
            if len(area.code) >= CODE_LENGTH[Level.COMMUNITY]
            else settings.DASHBOARD_CACHE_SECONDS
        )
        cache.set(_coverage_key(area.code), result, seconds)
    return result


def invalidate_coverage(*area_codes: str) -> None:
    """Drop the coverage figures of these areas and of every area above them, and the chain's
    figures of their communities, now and after the commit (so that figures counted
    mid-transaction are not kept)."""
    keys = {_coverage_key(code[:n]) for code in area_codes for n in CODE_LENGTH.values() if len(code) >= n}
    community = CODE_LENGTH[Level.COMMUNITY]
    keys |= {_figures_key(code[:community]) for code in area_codes if len(code) >= community}
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def count_coverage(area: Area) -> Coverage:
    code = area.code
    result = Coverage(area=area)
    child_level = CHILD_LEVEL.get(Level(area.level))
    child_length = CODE_LENGTH[child_level] if child_level else len(code)
    rows = (
        occupied_households(Household.objects.filter(area_code__startswith=code))
        .annotate(child=Substr("area_code", 1, child_length), linked=_current_link())
        .values("child")
        .annotate(n=Count("id"), covered=Count("id", filter=Q(linked=True)))
        .order_by("child")
    )
    names = dict(Area.objects.filter(parent=area).values_list("code", "name")) if child_level else {}
    for row in rows:
        result.households += row["n"]
        result.covered += row["covered"]
        if child_level:
            result.by_child.append(
                {
                    "code": row["child"],
                    "name": names.get(row["child"], row["child"]),
                    "households": row["n"],
                    "covered": row["covered"],
                    "share": row["covered"] / row["n"] if row["n"] else 0.0,
                }
            )
    members = Member.objects.filter(area_code__startswith=code, active=True)
    result.members = members.count()
    loads = Counter(
        dict(
            LiaisonLink.objects.filter(member__in=members, ended_on__isnull=True)
            .values_list("member_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    result.members_without_household = result.members - len(loads)
    histogram = Counter(loads.values())
    histogram[0] = result.members_without_household
    for low, high in LOAD_BUCKETS:
        n = sum(v for k, v in histogram.items() if k >= low and (high is None or k <= high))
        result.load.append((_bucket_label(low, high), n))
    return result


def uncovered(households: QuerySet[Household]) -> QuerySet[Household]:
    """Of these households, those with someone living there and no current liaison member."""
    return occupied_households(households).exclude(_current_link())


def uncovered_households(user: Any, area_code: str) -> QuerySet[Household]:
    return (
        uncovered(Household.objects.visible_to(user).filter(area_code__startswith=area_code))
        .select_related("building__estate")
        .order_by("area_code", "building_id", "unit", "room")
    )


def members_without_household(user: Any, area_code: str) -> QuerySet[Member]:
    linked = LiaisonLink.objects.filter(member=OuterRef("pk"), ended_on__isnull=True)
    return (
        Member.objects.visible_to(user)
        .filter(area_code__startswith=area_code, active=True)
        .exclude(Exists(linked))
        .select_related("organisation")
        .order_by("organisation__path", "name")
    )


# ---- the chain -----------------------------------------------------------------------------


def organisations_for(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(user, Perm.PARTY_VIEW)


def members_for(user: Any) -> QuerySet[Member]:
    return Member.objects.visible_to(user, Perm.PARTY_VIEW)


def chain_roots(user: Any) -> list[Organisation]:
    """The top organisations the user sees: a community's committee, a grid's branch …"""
    visible = organisations_for(user).filter(active=True)
    return list(visible.exclude(parent__in=visible.values("pk")).order_by("area_code", "sort_order", "path"))


@dataclass
class OrgFigures:
    members: int = 0
    full_members: int = 0
    central_households: int = 0
    liaison_households: int = 0


def subtree_figures(organisations: list[Organisation]) -> dict[int, OrgFigures]:
    """Members, full members, central households and liaison households of each organisation's
    whole subtree. Organisations sit in a community or one of its grids, so each community's
    figures are counted together (three grouped queries) and kept in the cache until a change
    there (`invalidate_coverage`)."""
    communities = {org.area_code[: CODE_LENGTH[Level.COMMUNITY]] for org in organisations}
    by_community = _communities_figures(communities)
    return {
        org.pk: by_community[org.area_code[: CODE_LENGTH[Level.COMMUNITY]]].get(org.pk, OrgFigures())
        for org in organisations
    }


def _communities_figures(communities: Iterable[str]) -> dict[str, dict[int, OrgFigures]]:
    """Subtree figures of every organisation of each community, by community and organisation
    id: read from the cache in one round trip (a street's chain page shows about 14), counted
    and kept for the communities missing there."""
    keys = {_figures_key(c): c for c in communities}
    found = {keys[k]: v for k, v in cache.get_many(list(keys)).items()}
    for key, community in keys.items():
        if community not in found:
            found[community] = _count_community_figures(community)
            cache.set(key, found[community], COVERAGE_LIVE_SECONDS)
    return found


def _figures_key(community: str) -> str:
    return f"party:figures:{community}"


def _count_community_figures(community: str) -> dict[int, OrgFigures]:
    paths = dict(Organisation.objects.filter(area_code__startswith=community).values_list("id", "path"))
    figures = {pk: OrgFigures() for pk in paths}

    def add(org_id: int, name: str, n: int) -> None:
        # Every organisation on the path from the root down to this one counts it.
        for ancestor in paths.get(org_id, "").strip("/").split("/"):
            if ancestor and int(ancestor) in figures:
                entry = figures[int(ancestor)]
                setattr(entry, name, getattr(entry, name) + n)

    member_rows = (
        Member.objects.filter(area_code__startswith=community, active=True)
        .values("organisation_id")
        .annotate(n=Count("id"), full=Count("id", filter=Q(status=MemberStatus.FULL)))
        .order_by()
    )
    for row in member_rows:
        add(row["organisation_id"], "members", row["n"])
        add(row["organisation_id"], "full_members", row["full"])
    for org_id, n in (
        CentralHousehold.objects.filter(organisation__area_code__startswith=community)
        .values_list("organisation_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        add(org_id, "central_households", n)
    for org_id, n in (
        LiaisonLink.objects.filter(member__area_code__startswith=community, ended_on__isnull=True)
        .values_list("member__organisation_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        add(org_id, "liaison_households", n)
    return figures


def child_organisations(user: Any, organisation: Organisation) -> list[Organisation]:
    return list(
        organisations_for(user).filter(parent=organisation, active=True).order_by("sort_order", "name", "id")
    )


def central_households_of(user: Any, organisation: Organisation) -> QuerySet[CentralHousehold]:
    return (
        CentralHousehold.objects.visible_to(user)
        .filter(organisation=organisation)
        .select_related("keeper", "household__building__estate")
        .annotate(linked=Count("linked_members", filter=Q(linked_members__active=True)))
        .order_by("area_code", "id")
    )


def members_of(
    user: Any, organisation: Organisation, central: CentralHousehold | None = None
) -> QuerySet[Member]:
    """An organisation's own members (not its sub-organisations'), with their liaison loads;
    with `central`, those linked to that central household."""
    qs = members_for(user).filter(organisation=organisation, active=True)
    qs = qs.filter(central_household=central) if central is not None else qs
    return qs.annotate(load=Count("liaison_links", filter=Q(liaison_links__ended_on__isnull=True))).order_by(
        "name", "id"
    )


def liaison_households_of(user: Any, member: Member) -> QuerySet[LiaisonLink]:
    return (
        LiaisonLink.objects.visible_to(user)
        .filter(member=member, ended_on__isnull=True)
        .select_related("household__building__estate", "household__head")
        .order_by("household__area_code", "household__building_id", "household__unit", "household__room")
    )


def liaison_of(household: Household) -> LiaisonLink | None:
    """The household's current liaison member: residents may know who looks after them."""
    return (
        LiaisonLink.objects.filter(household=household, ended_on__isnull=True)
        .select_related("member__central_household__household__building__estate")
        .first()
    )


def liaison_member_id(household_id: int) -> int | None:
    """The key of the member of `liaison_of`, without loading anything else (asked at every
    appeal intake)."""
    found = _LIAISON_MEMBER_ID.rows(household_id)
    return found[0][0] if found else None


_LIAISON_MEMBER_ID = CompiledQuery(
    lambda household_id: (
        LiaisonLink.objects.filter(household_id=household_id, ended_on__isnull=True)
        .order_by("pk")
        .values_list("member_id")[:1]
    ),
    -70_514_391,
)


def central_households_for(user: Any) -> QuerySet[CentralHousehold]:
    """Central households the user sees: those in their area, and those of the organisations they
    see (a branch secretary's scope is their branch's subtree, not a place: accounts/scope.py)."""
    return CentralHousehold.objects.filter(
        Q(pk__in=CentralHousehold.objects.visible_to(user).values("pk"))
        | Q(organisation__in=organisations_for(user).values("pk"))
    ).select_related("keeper", "organisation", "household__building__estate")


# ---- the chain picture, the grid page and assignment review (liaison_views.py) --------------


def organisation_tree(user: Any) -> list[dict[str, Any]]:
    """The active organisations the user sees as nested nodes (name, area code, members of the
    whole subtree) for the ECharts tree: two queries, summed up the tree in Python."""
    visible = organisations_for(user).filter(active=True)
    rows = list(visible.values("id", "name", "parent_id", "area_code", "depth").order_by("path"))
    own = dict(
        Member.objects.filter(organisation__in=visible.values("pk"), active=True)
        .values_list("organisation_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    nodes = {
        r["id"]: {"id": r["id"], "name": r["name"], "code": r["area_code"], "value": own.get(r["id"], 0)}
        for r in rows
    }
    roots: list[dict[str, Any]] = []
    for r in rows:  # in path order: a parent comes before its children
        parent = nodes.get(r["parent_id"]) if r["parent_id"] else None
        if parent is None:
            roots.append(nodes[r["id"]])
        else:
            parent.setdefault("children", []).append(nodes[r["id"]])
    for r in sorted(rows, key=lambda row: -row["depth"]):  # deepest first: children add to parents
        parent = nodes.get(r["parent_id"]) if r["parent_id"] else None
        if parent is not None:
            parent["value"] += nodes[r["id"]]["value"]
    return roots


def grid_branch(user: Any, grid: Area) -> Organisation | None:
    """The grid's party branch (网格党支部), if the user sees it."""
    from jiceng.party.models import OrgType

    return organisations_for(user).filter(org_type=OrgType.GRID, area=grid, active=True).first()


def central_households_in(user: Any, organisation: Organisation) -> QuerySet[CentralHousehold]:
    """An organisation's central households with their linked member counts, seen by place or
    through the organisation."""
    return (
        central_households_for(user)
        .filter(organisation=organisation)
        .annotate(linked=Count("linked_members", filter=Q(linked_members__active=True)))
        .order_by("area_code", "id")
    )


def grid_members(user: Any, grid: Area, branch: Organisation | None) -> QuerySet[Member]:
    """Members serving a grid, with their liaison loads: those of its branch (and the groups
    below it) and those living in the grid, as the assignment draws on both."""
    where = Q(home_area_code=grid.code) | Q(area_code=grid.code)
    if branch is not None:
        where |= Q(organisation__path__startswith=branch.path)
    return (
        members_for(user)
        .filter(where, active=True)
        .select_related("organisation", "household__building__estate")
        .annotate(load=Count("liaison_links", filter=Q(liaison_links__ended_on__isnull=True)))
        .order_by("load", "name", "id")
    )


def current_loads(member_ids: list[int]) -> dict[int, int]:
    """Current liaison households of each member, in one grouped query."""
    return dict(
        LiaisonLink.objects.filter(member_id__in=member_ids, ended_on__isnull=True)
        .values_list("member_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def linkable_members(user: Any, household: Household) -> QuerySet[Member]:
    """Active members of the household's community who may be its liaison, those living in the
    same building first, then the same grid, each with their current load."""
    from django.db.models import Case, IntegerField, Value, When

    nearness = Case(
        When(household__building_id=household.building_id, then=Value(0)),
        When(home_area_code=household.area_code, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        members_for(user)
        .filter(area_code__startswith=household.area_code[: CODE_LENGTH[Level.COMMUNITY]], active=True)
        .annotate(near=nearness, load=Count("liaison_links", filter=Q(liaison_links__ended_on__isnull=True)))
        .order_by("near", "load", "name", "id")
    )


def central_members(user: Any, central: CentralHousehold) -> QuerySet[Member]:
    """The active members linked to a central household, with their liaison loads."""
    return (
        members_for(user)
        .filter(central_household=central, active=True)
        .annotate(load=Count("liaison_links", filter=Q(liaison_links__ended_on__isnull=True)))
        .order_by("name", "id")
    )


def secretaries_of(organisation: Organisation) -> list[Any]:
    """Who answers for an organisation's duties: its current secretary (if they have an account)
    and the community secretaries of its community."""
    from jiceng.accounts.models import RoleBinding, User
    from jiceng.accounts.roles import Role

    community = organisation.area_code[:12]
    prefixes = [community[:n] for n in (6, 9, 12)]
    users = list(
        User.objects.filter(
            is_active=True,
            role_bindings__in=RoleBinding.objects.filter(
                role=Role.COMMUNITY_SECRETARY, area__code__in=prefixes
            ),
        ).distinct()
    )
    secretary = (
        CommitteeSeat.objects.filter(
            term__organisation=organisation,
            term__ended_on__isnull=True,
            position=Position.SECRETARY,
            member__resident__isnull=False,
        )
        .values_list("member__resident_id", flat=True)
        .first()
    )
    if secretary:
        users += [u for u in User.objects.filter(resident_id=secretary, is_active=True) if u not in users]
    return users
