"""The party chain's JSON API under /api/v1/party/: organisations and their committees, members,
central households, liaison links, coverage and liaison assignment proposals.

Reads go through the scoped queries (an object outside the user's scope is 404, as a missing one
is); every write through a service, whose rule errors answer 422 keyed by field. Phone numbers
are always masked.
"""

import datetime
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm
from jiceng.common.pagination import keyset_rows
from jiceng.common.scoping import get_visible_or_404
from jiceng.party import queries, services
from jiceng.party.models import (
    AssignmentProposal,
    CentralHousehold,
    Education,
    LiaisonLink,
    LiaisonVisit,
    Member,
    MemberCategory,
    MemberStatus,
    Organisation,
    OrgKind,
    OrgType,
    Position,
    VisitWay,
)
from jiceng.party.record import year_record
from jiceng.people import queries as people_queries
from jiceng.people.models import Gender, Household, format_address
from jiceng.territory.models import Area

router = Router(tags=["party"])


# ---- schemas -------------------------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    org_type: str
    parent_id: int | None
    area_code: str
    depth: int
    founded_on: datetime.date | None
    joint_units: int | None
    sort_order: int
    active: bool


class FindingOut(Schema):
    level: str
    message: str


class SeatOut(Schema):
    member_id: int
    member_name: str
    position: str


class TermOut(Schema):
    id: int
    elected_on: datetime.date
    ends_on: datetime.date
    seats: list[SeatOut]


class OrganisationDetail(OrganisationOut):
    term_years: int
    members: int
    full_members: int
    findings: list[FindingOut]
    current_term: TermOut | None
    next_election_due: datetime.date | None
    election_overdue: bool


class OrganisationIn(Schema):
    name: str
    kind: str
    org_type: str
    area: str
    parent_id: int | None = None
    founded_on: datetime.date | None = None
    joint_units: int | None = None
    sort_order: int = 0


class OrganisationUpdate(Schema):
    name: str | None = None
    founded_on: datetime.date | None = None
    joint_units: int | None = None
    sort_order: int | None = None
    active: bool | None = None


class SeatIn(Schema):
    member_id: int
    position: str


class ElectionIn(Schema):
    elected_on: datetime.date
    seats: list[SeatIn]


class ChainNode(Schema):
    id: int
    name: str
    kind: str
    org_type: str
    area_code: str
    members: int
    full_members: int
    central_households: int
    liaison_households: int


class ChainOut(Schema):
    organisation: ChainNode | None
    items: list[ChainNode]


class MemberOut(Schema):
    id: int
    organisation_id: int
    area_code: str
    resident_id: int | None
    household_id: int | None
    name: str
    gender: str
    birth_date: datetime.date
    residence_elsewhere: str
    phone: str
    joined_on: datetime.date
    full_on: datetime.date | None
    status: str
    category: str
    education: str
    occupation: str
    central_household_id: int | None
    active: bool
    left_on: datetime.date | None
    left_reason: str

    @staticmethod
    def resolve_phone(obj: Any) -> str:
        return str(obj.phone_masked)


class LinkOut(Schema):
    id: int
    member_id: int
    member_name: str
    household_id: int
    address: str
    area_code: str
    source: str
    started_on: datetime.date
    ended_on: datetime.date | None


class MemberDetail(MemberOut):
    liaison_households: list[LinkOut]


class MemberIn(Schema):
    organisation_id: int
    joined_on: datetime.date
    status: str
    full_on: datetime.date | None = None
    # A resident of the community, or else a person living elsewhere: name, gender, birth date
    # and residence_elsewhere are then required.
    resident_id: int | None = None
    # Optional for a person living elsewhere: gender and birth date then come from it, and the
    # same person cannot be put on a second roll.
    id_number: str = ""
    name: str = ""
    gender: str = ""
    birth_date: datetime.date | None = None
    residence_elsewhere: str = ""
    phone: str = ""
    category: str = MemberCategory.REGISTERED
    education: str = ""
    occupation: str = ""


class MemberUpdate(Schema):
    organisation_id: int | None = None
    joined_on: datetime.date | None = None
    full_on: datetime.date | None = None
    status: str | None = None
    category: str | None = None
    education: str | None = None
    occupation: str | None = None
    residence_elsewhere: str | None = None
    phone: str | None = None


class EndMembershipIn(Schema):
    on: datetime.date
    reason: str


class CentralHouseholdOut(Schema):
    id: int
    household_id: int
    address: str
    keeper_id: int
    keeper_name: str
    organisation_id: int
    area_code: str
    designated_on: datetime.date
    linked_members: int


class CentralHouseholdIn(Schema):
    keeper_id: int
    designated_on: datetime.date
    organisation_id: int | None = None


class AttachIn(Schema):
    member_ids: list[int]


class AttachOut(Schema):
    attached: int


class LinkIn(Schema):
    member_id: int
    household_id: int
    started_on: datetime.date | None = None
    replace: bool = False


class EndLinkIn(Schema):
    on: datetime.date | None = None


class ChildCoverageOut(Schema):
    code: str
    name: str
    households: int
    covered: int
    share: float


class LoadOut(Schema):
    label: str
    members: int


class CoverageOut(Schema):
    area_code: str
    area_name: str
    households: int
    covered: int
    uncovered: int
    share: float
    members: int
    members_without_household: int
    load: list[LoadOut]
    by_child: list[ChildCoverageOut]


class UncoveredHouseholdOut(Schema):
    id: int
    area_code: str
    address: str
    head_name: str


class ProposalIn(Schema):
    grid: str
    target: int = 10
    cross_grid: bool = False


class ProposedLinkOut(Schema):
    id: int
    member_id: int
    member_name: str
    household_id: int
    address: str
    nearness: int


class ProposalOut(Schema):
    id: int
    grid_code: str
    target: int
    cross_grid: bool
    status: str
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    uncovered_before: int
    left_uncovered: int
    links: list[ProposedLinkOut]


class ConfirmIn(Schema):
    excluded: list[int] = []


class ConfirmOut(Schema):
    status: str
    linked: int
    skipped: int


class Page(Schema):
    next_cursor: int | None


class OrganisationPage(Page):
    items: list[OrganisationOut]


class MemberPage(Page):
    items: list[MemberOut]


class CentralHouseholdPage(Page):
    items: list[CentralHouseholdOut]


class LinkPage(Page):
    items: list[LinkOut]


class UncoveredHouseholdPage(Page):
    items: list[UncoveredHouseholdOut]


# ---- helpers -------------------------------------------------------------------------------


def _json(page: dict[str, Any]) -> JsonResponse:
    # Lists are built as dicts in the shape of their schema, which the OpenAPI docs show;
    # answering them directly skips re-validating 50 rows a request (as people/api.py does).
    return JsonResponse(page, json_dumps_params={"ensure_ascii": False})


def _check_choices(**fields: tuple[str | None, type[models.TextChoices]]) -> None:
    """A value outside a field's choices is the user's error: 422 keyed by the field."""
    errors = {
        name: _("无效的选项：%(value)s") % {"value": value}
        for name, (value, choices) in fields.items()
        if value is not None and value != "" and value not in choices.values
    }
    if errors:
        raise ValidationError(errors)


def _changes(data: Schema, nullable: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields a PATCH body sets; null clears only a field that may be empty."""
    return {k: v for k, v in data.dict(exclude_unset=True).items() if v is not None or k in nullable}


def _visible_members(user: Any, ids: list[int]) -> list[Member]:
    """The members named by id, every one visible to the user (else 404, as for one object)."""
    found = {m.pk: m for m in queries.members_for(user).select_related("organisation").filter(pk__in=ids)}
    if set(ids) - set(found):
        raise Http404
    return [found[pk] for pk in ids]


def _party_area_or_404(user: Any, code: str) -> Area:
    """An area inside the user's party scope. Areas above one's own are visible for breadcrumbs,
    but their figures include other grids: those are 404 here."""
    area = get_visible_or_404(Area, user, code=code)
    if not has_perm(user, Perm.PARTY_VIEW, area):
        raise Http404
    return area


def _organisation_rows(qs: QuerySet[Organisation]) -> Iterator[dict[str, Any]]:
    columns = list(OrganisationOut.model_fields)
    yield from qs.values(*columns)


_MEMBER_COLUMNS = [c for c in MemberOut.model_fields if c != "phone"]


def _member_rows(qs: QuerySet[Member]) -> Iterator[dict[str, Any]]:
    # Masks are stored beside the encrypted number: a list never decrypts.
    for row in qs.values(*_MEMBER_COLUMNS, "phone_mask"):
        row["phone"] = row.pop("phone_mask")
        yield row


_ADDRESS = (
    "household__building__estate__name",
    "household__building__name",
    "household__unit",
    "household__room",
)


def _link_rows(qs: QuerySet[LiaisonLink]) -> Iterator[dict[str, Any]]:
    columns = ("id", "member_id", "member__name", "household_id", "area_code", "source", "started_on")
    for row in qs.values(*columns, "ended_on", *_ADDRESS):
        row["member_name"] = row.pop("member__name")
        row["address"] = format_address(*(row.pop(c) for c in _ADDRESS))
        yield row


def _central_rows(qs: QuerySet[CentralHousehold]) -> Iterator[dict[str, Any]]:
    columns = ("id", "household_id", "keeper_id", "keeper__name", "organisation_id", "area_code")
    linked = Count("linked_members", filter=Q(linked_members__active=True))
    for row in qs.annotate(linked=linked).values(*columns, "designated_on", "linked", *_ADDRESS):
        row["keeper_name"] = row.pop("keeper__name")
        row["linked_members"] = row.pop("linked")
        row["address"] = format_address(*(row.pop(c) for c in _ADDRESS))
        yield row


def _uncovered_rows(qs: QuerySet[Household]) -> Iterator[dict[str, Any]]:
    for row in people_queries.household_rows(qs, with_head_name=True):
        yield {k: row[k] for k in UncoveredHouseholdOut.model_fields}


def _term(term: Any) -> dict[str, Any]:
    seats = term.seats.select_related("member").order_by("id")
    return {
        "id": term.pk,
        "elected_on": term.elected_on,
        "ends_on": term.ends_on,
        "seats": [
            {"member_id": s.member_id, "member_name": s.member.name, "position": s.position} for s in seats
        ],
    }


def _organisation_detail(org: Organisation) -> dict[str, Any]:
    members, full = services.member_counts(org)
    term = services.current_term(org)
    return {
        **{name: getattr(org, name) for name in OrganisationOut.model_fields},
        "term_years": org.term_years,
        "members": members,
        "full_members": full,
        "findings": [{"level": f.level, "message": f.message} for f in services.setup_findings(org)],
        "current_term": _term(term) if term else None,
        "next_election_due": term.ends_on if term else None,
        "election_overdue": bool(term and term.ends_on < timezone.localdate()),
    }


def _chain_nodes(organisations: list[Organisation]) -> list[dict[str, Any]]:
    figures = queries.subtree_figures(organisations)
    return [
        {
            "id": org.pk,
            "name": org.name,
            "kind": org.kind,
            "org_type": org.org_type,
            "area_code": org.area_code,
            **vars(figures[org.pk]),
        }
        for org in organisations
    ]


def _member_detail(user: Any, member: Member) -> Member:
    # The member's current liaison households, read through the scoped query, ride on the instance
    # so that MemberOut's masking resolver applies unchanged.
    member.liaison_households = list(  # type: ignore[attr-defined]
        _link_rows(queries.liaison_households_of(user, member))
    )
    return member


def _proposal(proposal: AssignmentProposal) -> dict[str, Any]:
    links = proposal.links.values("id", "member_id", "member__name", "household_id", "nearness", *_ADDRESS)
    return {
        "id": proposal.pk,
        "grid_code": proposal.area_code,
        "target": proposal.target,
        "cross_grid": proposal.cross_grid,
        "status": proposal.status,
        "created_at": proposal.created_at,
        "decided_at": proposal.decided_at,
        "uncovered_before": proposal.uncovered_before,
        "left_uncovered": proposal.left_uncovered,
        "links": [
            {
                "id": row["id"],
                "member_id": row["member_id"],
                "member_name": row["member__name"],
                "household_id": row["household_id"],
                "nearness": row["nearness"],
                "address": format_address(*(row[c] for c in _ADDRESS)),
            }
            for row in links
        ],
    }


# ---- organisations and their committees ------------------------------------------------------


@router.get("/organisations", response=OrganisationPage)
def list_organisations(
    request: HttpRequest,
    parent: int | None = None,
    area: str = "",
    after: int | None = None,
    size: int = 50,
) -> Any:
    """Organisations in scope; `parent` gives one organisation's children, `area` a place's."""
    qs = queries.organisations_for(request.user)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    if area:
        qs = qs.filter(area_code__startswith=area)
    return _json(keyset_rows(qs, _organisation_rows, after, size))


@router.get("/organisations/{pk}", response=OrganisationDetail)
def get_organisation(request: HttpRequest, pk: int) -> Any:
    """One organisation with the branch rules' findings, its current term and committee, and when
    the next election is due."""
    return _organisation_detail(
        get_visible_or_404(queries.organisations_for(request.user), request.user, pk=pk)
    )


@router.post("/organisations", response={201: OrganisationOut})
def create_organisation(request: HttpRequest, data: OrganisationIn) -> Any:
    if data.parent_id is not None:
        parent = get_visible_or_404(queries.organisations_for(request.user), request.user, pk=data.parent_id)
        # Below a visible organisation, any place of its community: a branch secretary's scope is
        # their branch's subtree, not a place, so the area cannot be checked against their scope.
        area = get_object_or_404(Area, code=data.area, code__startswith=parent.area_code[:12])
    else:
        parent, area = None, _party_area_or_404(request.user, data.area)
    _check_choices(kind=(data.kind, OrgKind), org_type=(data.org_type, OrgType))
    fields = data.dict(exclude={"area", "parent_id"})
    org = services.create_organisation(actor=request.user, area=area, parent=parent, **fields)
    return Status(201, org)


@router.patch("/organisations/{pk}", response=OrganisationOut)
def update_organisation(request: HttpRequest, pk: int, data: OrganisationUpdate) -> Any:
    org = get_visible_or_404(queries.organisations_for(request.user), request.user, pk=pk)
    fields = _changes(data, nullable=("founded_on", "joint_units"))
    return services.update_organisation(actor=request.user, organisation=org, **fields)


@router.post("/organisations/{pk}/terms", response={201: TermOut})
def elect_committee(request: HttpRequest, pk: int, data: ElectionIn) -> Any:
    """Record an election: the current term ends and a new one starts with these seats."""
    org = get_visible_or_404(queries.organisations_for(request.user), request.user, pk=pk)
    members = _visible_members(request.user, [s.member_id for s in data.seats])
    bad = [s.position for s in data.seats if s.position not in Position.values]
    if bad:
        raise ValidationError({"seats": _("无效的职务：%(value)s") % {"value": "、".join(bad)}})
    seats = [(m, s.position) for m, s in zip(members, data.seats, strict=True)]
    term = services.elect_committee(
        actor=request.user, organisation=org, elected_on=data.elected_on, seats=seats
    )
    return Status(201, _term(term))


@router.get("/chain", response=ChainOut)
def chain(request: HttpRequest) -> Any:
    """The top organisations the user sees, each with its whole subtree's figures."""
    return {"organisation": None, "items": _chain_nodes(queries.chain_roots(request.user))}


@router.get("/organisations/{pk}/children", response=ChainOut)
def chain_children(request: HttpRequest, pk: int) -> Any:
    """An organisation and the organisations directly below it, each with its subtree's figures."""
    org = get_visible_or_404(queries.organisations_for(request.user), request.user, pk=pk)
    nodes = _chain_nodes([org, *queries.child_organisations(request.user, org)])
    return {"organisation": nodes[0], "items": nodes[1:]}


# ---- members -------------------------------------------------------------------------------


@router.get("/members", response=MemberPage)
def list_members(
    request: HttpRequest,
    organisation: int | None = None,
    area: str = "",
    status: str = "",
    category: str = "",
    q: str = "",
    include_former: bool = False,
    after: int | None = None,
    size: int = 50,
) -> Any:
    """Members on the roll in scope; `q` matches the name, or a resident member's pinyin or
    initials (张三: zhangsan, zs)."""
    qs = queries.members_for(request.user)
    if not include_former:
        qs = qs.filter(active=True)
    if organisation is not None:
        qs = qs.filter(organisation_id=organisation)
    if area:
        qs = qs.filter(area_code__startswith=area)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    text = q.strip()
    if text:
        key = text.lower()
        qs = qs.filter(
            Q(name__contains=text)
            | Q(resident__name_initials__startswith=key)
            | Q(resident__name_pinyin__startswith=key)
        )
    return _json(keyset_rows(qs, _member_rows, after, size))


@router.get("/members/{pk}", response=MemberDetail)
def get_member(request: HttpRequest, pk: int) -> Any:
    """One member with the households they currently liaise with."""
    member = get_visible_or_404(queries.members_for(request.user), request.user, pk=pk)
    return _member_detail(request.user, member)


@router.post("/members", response={201: MemberOut})
def create_member(request: HttpRequest, data: MemberIn) -> Any:
    """Put a member on the roll: `resident_id` for a resident of the community; otherwise name,
    gender, birth_date and residence_elsewhere."""
    org = get_visible_or_404(queries.organisations_for(request.user), request.user, pk=data.organisation_id)
    resident = (
        get_visible_or_404(people_queries.residents_for(request.user), request.user, pk=data.resident_id)
        if data.resident_id is not None
        else None
    )
    _check_choices(
        status=(data.status, MemberStatus),
        category=(data.category, MemberCategory),
        education=(data.education, Education),
        gender=(data.gender, Gender),
    )
    fields = data.dict(exclude={"organisation_id", "resident_id"})
    member = services.register_member(actor=request.user, organisation=org, resident=resident, **fields)
    return Status(201, member)


@router.patch("/members/{pk}", response=MemberOut)
def update_member(request: HttpRequest, pk: int, data: MemberUpdate) -> Any:
    """Change a member's record; `organisation_id` moves them to another organisation in scope."""
    member = get_visible_or_404(queries.members_for(request.user), request.user, pk=pk)
    fields = _changes(data, nullable=("full_on",))
    fields.pop("organisation_id", None)
    if data.organisation_id is not None:
        fields["organisation"] = get_visible_or_404(
            queries.organisations_for(request.user), request.user, pk=data.organisation_id
        )
    _check_choices(
        status=(data.status, MemberStatus),
        category=(data.category, MemberCategory),
        education=(data.education, Education),
    )
    return services.update_member(actor=request.user, member=member, **fields)


@router.post("/members/{pk}/end", response=MemberOut)
def end_membership(request: HttpRequest, pk: int, data: EndMembershipIn) -> Any:
    """Take a member off the roll (transferred out, deceased …); their liaison links end too."""
    member = get_visible_or_404(queries.members_for(request.user), request.user, pk=pk)
    return services.end_membership(actor=request.user, member=member, on=data.on, reason=data.reason)


# ---- central households --------------------------------------------------------------------


@router.get("/central-households", response=CentralHouseholdPage)
def list_central_households(
    request: HttpRequest,
    organisation: int | None = None,
    area: str = "",
    after: int | None = None,
    size: int = 50,
) -> Any:
    qs = queries.central_households_for(request.user)
    if organisation is not None:
        qs = qs.filter(organisation_id=organisation)
    if area:
        qs = qs.filter(area_code__startswith=area)
    return _json(keyset_rows(qs, _central_rows, after, size))


@router.post("/central-households", response={201: CentralHouseholdOut})
def create_central_household(request: HttpRequest, data: CentralHouseholdIn) -> Any:
    """Designate the keeper's household as a central household (of the keeper's organisation
    unless `organisation_id` names another)."""
    keeper = get_visible_or_404(queries.members_for(request.user), request.user, pk=data.keeper_id)
    org = (
        get_visible_or_404(queries.organisations_for(request.user), request.user, pk=data.organisation_id)
        if data.organisation_id is not None
        else None
    )
    central = services.designate_central_household(
        actor=request.user, keeper=keeper, designated_on=data.designated_on, organisation=org
    )
    return Status(201, next(_central_rows(CentralHousehold.objects.filter(pk=central.pk))))


@router.post("/central-households/{pk}/members", response=AttachOut)
def attach_members(request: HttpRequest, pk: int, data: AttachIn) -> Any:
    """Link members to the central household (each member belongs to one at a time)."""
    central = get_object_or_404(queries.central_households_for(request.user), pk=pk)
    members = _visible_members(request.user, data.member_ids)
    return {"attached": services.attach_members(actor=request.user, central=central, members=members)}


# ---- liaison links and coverage ----------------------------------------------------------------


@router.get("/links", response=LinkPage)
def list_links(
    request: HttpRequest,
    member: int | None = None,
    household: int | None = None,
    area: str = "",
    include_ended: bool = False,
    after: int | None = None,
    size: int = 50,
) -> Any:
    """Liaison links in scope, current ones unless `include_ended`."""
    qs = LiaisonLink.objects.visible_to(request.user)
    if not include_ended:
        qs = qs.filter(ended_on__isnull=True)
    if member is not None:
        qs = qs.filter(member_id=member)
    if household is not None:
        qs = qs.filter(household_id=household)
    if area:
        qs = qs.filter(area_code__startswith=area)
    return _json(keyset_rows(qs, _link_rows, after, size))


@router.post("/links", response={201: LinkOut})
def create_link(request: HttpRequest, data: LinkIn) -> Any:
    """The member liaises with the household; `replace` ends the household's current link."""
    member = get_visible_or_404(queries.members_for(request.user), request.user, pk=data.member_id)
    household = get_visible_or_404(Household, request.user, pk=data.household_id)
    link = services.link_household(
        actor=request.user,
        member=member,
        household=household,
        started_on=data.started_on,
        replace=data.replace,
    )
    return Status(201, next(_link_rows(LiaisonLink.objects.filter(pk=link.pk))))


@router.post("/links/{pk}/end", response=LinkOut)
def end_link(request: HttpRequest, pk: int, data: EndLinkIn) -> Any:
    link = get_visible_or_404(LiaisonLink, request.user, pk=pk)
    services.end_link(actor=request.user, link=link, on=data.on)
    return next(_link_rows(LiaisonLink.objects.filter(pk=link.pk)))


@router.get("/coverage/{code}", response=CoverageOut)
def coverage(request: HttpRequest, code: str) -> Any:
    """Households covered by a liaison member in an area (grid, community, street or district),
    per child area, and members' loads."""
    figures = queries.coverage(_party_area_or_404(request.user, code))
    return {
        "area_code": figures.area.code,
        "area_name": figures.area.name,
        "households": figures.households,
        "covered": figures.covered,
        "uncovered": figures.uncovered,
        "share": figures.share,
        "members": figures.members,
        "members_without_household": figures.members_without_household,
        "load": [{"label": label, "members": n} for label, n in figures.load],
        "by_child": figures.by_child,
    }


@router.get("/uncovered-households", response=UncoveredHouseholdPage)
def list_uncovered_households(
    request: HttpRequest, area: str = "", after: int | None = None, size: int = 50
) -> Any:
    """Households someone lives in that have no current liaison member."""
    qs = queries.uncovered_households(request.user, area)
    if not has_perm(request.user, Perm.PARTY_VIEW):
        qs = qs.none()  # a resident sees their own household, but not the party's coverage of it
    return _json(keyset_rows(qs, _uncovered_rows, after, size))


# ---- liaison assignment proposals ----------------------------------------------------------------


@router.post("/proposals", response={201: ProposalOut})
def create_proposal(request: HttpRequest, data: ProposalIn) -> Any:
    """Propose liaison links for a grid's uncovered households, nearest first, about `target`
    households a member; nothing is linked until the proposal is confirmed."""
    grid = _party_area_or_404(request.user, data.grid)
    proposal = services.propose_assignment(
        actor=request.user, grid=grid, target=data.target, cross_grid=data.cross_grid
    )
    return Status(201, _proposal(proposal))


@router.get("/proposals/{pk}", response=ProposalOut)
def get_proposal(request: HttpRequest, pk: int) -> Any:
    return _proposal(get_visible_or_404(AssignmentProposal, request.user, pk=pk))


@router.post("/proposals/{pk}/confirm", response=ConfirmOut)
def confirm_proposal(request: HttpRequest, pk: int, data: ConfirmIn) -> Any:
    """Link the proposed households except the `excluded` proposed links (their ids)."""
    proposal = get_visible_or_404(AssignmentProposal, request.user, pk=pk)
    linked, skipped = services.confirm_proposal(actor=request.user, proposal=proposal, excluded=data.excluded)
    proposal.refresh_from_db(fields=["status"])
    return {"status": proposal.status, "linked": linked, "skipped": skipped}


@router.post("/proposals/{pk}/discard", response=ProposalOut)
def discard_proposal(request: HttpRequest, pk: int) -> Any:
    proposal = get_visible_or_404(AssignmentProposal, request.user, pk=pk)
    services.discard_proposal(actor=request.user, proposal=proposal)
    proposal.refresh_from_db()
    return _proposal(proposal)


# ---- liaison visits and the yearly record ---------------------------------------------------


class VisitIn(Schema):
    link_id: int
    visited_on: datetime.date
    way: str = VisitWay.IN_PERSON
    summary: str
    needs: str = ""


class VisitOut(Schema):
    id: int
    link_id: int
    member_id: int
    household_id: int
    address: str
    visited_on: datetime.date
    way: str
    summary: str
    needs: str


def _visit_out(visit: LiaisonVisit) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "link_id": visit.link_id,
        "member_id": visit.member_id,
        "household_id": visit.household_id,
        "address": visit.household.address,
        "visited_on": visit.visited_on,
        "way": visit.way,
        "summary": visit.summary,
        "needs": visit.needs,
    }


@router.get("/members/{pk}/visits", response=list[VisitOut])
def list_visits(request: HttpRequest, pk: int, year: int | None = None) -> Any:
    """The member's liaison visits, newest first (of one year if given; at most 500)."""
    member = get_visible_or_404(queries.members_for(request.user), request.user, pk=pk)
    qs = LiaisonVisit.objects.filter(member=member).select_related("household__building")
    if year is not None:
        qs = qs.filter(visited_on__year=year)
    return [_visit_out(v) for v in qs[:500]]


@router.post("/members/{pk}/visits", response={201: VisitOut})
def create_visit(request: HttpRequest, pk: int, data: VisitIn) -> Any:
    """Record a visit to one of the member's households: by the member, or by a worker of the place."""
    member = get_visible_or_404(queries.members_for(request.user), request.user, pk=pk)
    link = get_object_or_404(
        LiaisonLink.objects.select_related("member", "household"), pk=data.link_id, member=member
    )
    if not services.may_record_visit(request.user, link):
        raise Http404
    visit = services.record_visit(actor=request.user, **data.dict(exclude={"link_id"}), link=link)
    return Status(201, _visit_out(visit))


@router.get("/members/{pk}/record")
def member_record(request: HttpRequest, pk: int, year: int | None = None) -> Any:
    """The member's yearly record (党员年度纪实): sections of figures from every part of the platform."""
    member = get_visible_or_404(queries.members_for(request.user), request.user, pk=pk)
    return year_record(member, year or timezone.localdate().year, request.user).as_dict()
