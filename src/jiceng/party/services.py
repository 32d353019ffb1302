"""Every change to the party chain. Each service checks permission, runs in one transaction and
writes the audit record; the rules it enforces are in rules.py."""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm, require
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.common import crypto
from jiceng.common.identity import normalize_phone
from jiceng.common.masking import mask_id_number, mask_phone
from jiceng.common.services import apply_changes
from jiceng.dashboard import queries as figures
from jiceng.party import assignment, queries, rules
from jiceng.party.models import (
    AssignmentProposal,
    CentralHousehold,
    CommitteeSeat,
    LiaisonLink,
    LiaisonVisit,
    LinkSource,
    Member,
    MemberStatus,
    Organisation,
    OrgKind,
    OrgType,
    Position,
    ProposalStatus,
    ProposedLink,
    Term,
    VisitWay,
)
from jiceng.people.models import Household, PoliticalStatus, Resident
from jiceng.people.validation import check_identity
from jiceng.territory.models import Area, Level

# A child ranks below its parent: 党委 → 党总支 → 党支部 → 党小组.
_RANK = {OrgKind.COMMITTEE: 0, OrgKind.GENERAL_BRANCH: 1, OrgKind.BRANCH: 2, OrgKind.GROUP: 3}
ORGANISATION_FIELDS = ("name", "founded_on", "joint_units", "sort_order", "active")
MEMBER_FIELDS = (
    "joined_on",
    "full_on",
    "status",
    "category",
    "education",
    "occupation",
    "residence_elsewhere",
    "organisation",
)


# ---- organisations -----------------------------------------------------------------------


def check_placement(kind: str, org_type: str, parent: Organisation | None, area: Area) -> None:
    if kind not in OrgKind.values or org_type not in OrgType.values:
        raise ValidationError({"kind": _("请选择组织类别和组织类型")})
    errors: dict[str, str] = {}
    if org_type == OrgType.GRID and (kind != OrgKind.BRANCH or area.level != Level.GRID):
        errors["area"] = _("网格党支部应为党支部，并对应一个网格")
    if org_type == OrgType.COMMUNITY and area.level != Level.COMMUNITY:
        errors["area"] = _("社区党组织应对应一个社区")
    if area.level not in (Level.COMMUNITY, Level.GRID):
        errors["area"] = _("党组织应设在社区或网格")
    if parent is not None:
        if _RANK[OrgKind(kind)] <= _RANK[OrgKind(parent.kind)]:
            errors["kind"] = _("%(kind)s不能设在%(parent)s之下") % {
                "kind": OrgKind(kind).label,
                "parent": OrgKind(parent.kind).label,
            }
        if not area.code.startswith(parent.area_code[:12]):
            errors["area"] = _("下级党组织应在上级党组织所在社区之内")
    elif kind in (OrgKind.BRANCH, OrgKind.GROUP) and org_type != OrgType.JOINT:
        errors["parent"] = _("请选择上级党组织")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_organisation(
    *,
    actor: Any,
    name: str,
    kind: str,
    org_type: str,
    area: Area,
    parent: Organisation | None = None,
    founded_on: datetime.date | None = None,
    joint_units: int | None = None,
    sort_order: int = 0,
) -> Organisation:
    require(actor, Perm.PARTY_CHANGE, parent if parent is not None else area)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写组织名称")})
    check_placement(kind, org_type, parent, area)
    rules.check_joint_units(org_type, joint_units)
    if (
        org_type == OrgType.GRID
        and Organisation.objects.filter(org_type=OrgType.GRID, area=area, active=True).exists()
    ):
        raise ValidationError({"area": _("%(grid)s已有网格党支部") % {"grid": area.name}})
    org = Organisation.objects.create(
        name=name,
        kind=kind,
        org_type=org_type,
        parent=parent,
        area=area,
        area_code=area.code,
        founded_on=founded_on,
        joint_units=joint_units,
        sort_order=sort_order,
        depth=parent.depth + 1 if parent else 0,
    )
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save(update_fields=["path"])
    audit.record(actor, Action.CREATE, org, fields=["name", "kind", "org_type", "parent", "area"])
    figures.invalidate(org.area_code)
    return org


@transaction.atomic
def update_organisation(*, actor: Any, organisation: Organisation, **fields: Any) -> Organisation:
    require(actor, Perm.PARTY_CHANGE, organisation)
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    rules.check_joint_units(org.org_type, fields.get("joint_units", org.joint_units))
    changed = apply_changes(org, {k: v for k, v in fields.items() if k in ORGANISATION_FIELDS})
    if "active" in changed and not org.active and org.members.filter(active=True).exists():
        raise ValidationError({"active": _("该组织还有在册党员，请先转移党员再撤销")})
    if changed:
        org.save(update_fields=[*changed, "updated_at"])
        audit.record(actor, Action.UPDATE, org, fields=changed)
        figures.invalidate(org.area_code)
    return org


def member_counts(organisation: Organisation) -> tuple[int, int]:
    """(members, full members) of the organisation and the organisations below it."""
    counts = Member.objects.filter(organisation__path__startswith=organisation.path, active=True).aggregate(
        all=Count("id"), full=Count("id", filter=Q(status=MemberStatus.FULL))
    )
    return counts["all"], counts["full"]


def setup_findings(organisation: Organisation) -> list[rules.Finding]:
    members, full = member_counts(organisation)
    return rules.setup_findings(organisation.kind, organisation.org_type, members, full)


@transaction.atomic
def elect_committee(
    *,
    actor: Any,
    organisation: Organisation,
    elected_on: datetime.date,
    seats: Sequence[tuple[Member, str]],
) -> Term:
    """Record an election: the current term ends and a new one starts with these seats."""
    require(actor, Perm.PARTY_CHANGE, organisation)
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    errors = [
        member.name
        for member, _position in seats
        if not member.active or not member.organisation.path.startswith(org.path)
    ]
    if errors:
        raise ValidationError({"seats": _("%(names)s不是本组织的在册党员") % {"names": "、".join(errors)}})
    if len({m.pk for m, _p in seats}) != len(seats):
        raise ValidationError({"seats": _("同一名党员不能担任两个职务")})
    _members, full = member_counts(org)
    rules.check_committee(org.kind, full, [position for _m, position in seats])
    current = Term.objects.filter(organisation=org, ended_on__isnull=True).first()
    if current is not None:
        if elected_on <= current.elected_on:
            raise ValidationError(
                {"elected_on": _("选举日期应晚于上届选举日期%(d)s") % {"d": current.elected_on}}
            )
        current.ended_on = elected_on
        current.save(update_fields=["ended_on"])
    term = Term.objects.create(
        organisation=org,
        area_code=org.area_code,
        elected_on=elected_on,
        ends_on=rules.term_end(elected_on, org.term_years),
    )
    CommitteeSeat.objects.bulk_create([CommitteeSeat(term=term, member=m, position=p) for m, p in seats])
    audit.record(actor, Action.CREATE, term, fields=["elected_on", "ends_on", "seats"])
    return term


def current_term(organisation: Organisation) -> Term | None:
    return Term.objects.filter(organisation=organisation, ended_on__isnull=True).first()


def secretary_of(organisation: Organisation) -> Member | None:
    seat = (
        CommitteeSeat.objects.filter(
            term__organisation=organisation, term__ended_on__isnull=True, position=Position.SECRETARY
        )
        .select_related("member")
        .first()
    )
    return seat.member if seat else None


# ---- members -------------------------------------------------------------------------------


def _phone_fields(phone: str) -> dict[str, str]:
    clean = normalize_phone(phone) if phone and phone.strip() else ""
    return {
        "phone": clean,
        "phone_hash": crypto.lookup_hash(clean) if clean else "",
        "phone_mask": mask_phone(clean),
    }


def _political_status(status: str) -> str:
    return (
        PoliticalStatus.PROBATIONARY if status == MemberStatus.PROBATIONARY else PoliticalStatus.PARTY_MEMBER
    )


@transaction.atomic
def register_member(
    *,
    actor: Any,
    organisation: Organisation,
    joined_on: datetime.date,
    status: str,
    resident: Resident | None = None,
    name: str = "",
    gender: str = "",
    birth_date: datetime.date | None = None,
    phone: str = "",
    full_on: datetime.date | None = None,
    id_number: str = "",
    **fields: Any,
) -> Member:
    """Put a member on the roll: a resident of the community, or a person living elsewhere
    (then name, gender, birth date and where they live are required)."""
    require(actor, Perm.PARTY_CHANGE, organisation)
    errors: dict[str, str] = {}
    if resident is not None:
        if not resident.is_current:
            errors["resident"] = _("该居民已迁出或已故")
        elif Member.objects.filter(resident=resident).exists():
            errors["resident"] = _("%(name)s已在党员名册中") % {"name": resident.name}
        name, gender, birth_date = resident.name, resident.gender, resident.birth_date
        phone = phone or resident.phone
        ids = {"id_hash": resident.id_hash, "id_tail": resident.id_tail, "id_mask": resident.id_number_masked}
    else:
        name = name.strip()
        if not name:
            errors["name"] = _("请填写姓名")
        if not gender:
            errors["gender"] = _("请选择性别")
        if birth_date is None:
            errors["birth_date"] = _("请填写出生日期")
        if not str(fields.get("residence_elsewhere", "")).strip():
            errors["residence_elsewhere"] = _("不是本社区居民的党员，请填写居住地")
        ids = {}
        if id_number.strip():
            try:
                identity = check_identity(id_number, "", birth_date, gender or None)
            except ValidationError as exc:
                errors.update({k: v[0] for k, v in exc.message_dict.items()})
            else:
                birth_date, gender = identity.birth_date, identity.gender
                ids = {
                    "id_hash": identity.id_hash,
                    "id_tail": identity.id_number[-4:],
                    "id_mask": mask_id_number(identity.id_number),
                }
                errors.pop("birth_date", None)
                errors.pop("gender", None)
    try:
        phone_fields = _phone_fields(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
        phone_fields = {}
    if ids.get("id_hash") and Member.objects.filter(id_hash=ids["id_hash"], active=True).exists():
        errors["id_number"] = _("该身份证号码的党员已在党员名册中")
    if errors:
        raise ValidationError(errors)
    assert birth_date is not None
    rules.check_member_dates(birth_date, joined_on, status, full_on)
    member = Member.objects.create(
        organisation=organisation,
        area_code=organisation.area_code,
        resident=resident,
        household_id=resident.household_id if resident else None,
        home_area_code=resident.area_code if resident else "",
        name=name,
        gender=gender,
        birth_date=birth_date,
        joined_on=joined_on,
        full_on=full_on,
        status=status,
        **phone_fields,
        **ids,
        **{k: v for k, v in fields.items() if k in MEMBER_FIELDS and k != "organisation"},
    )
    if resident is not None:
        Resident.objects.filter(pk=resident.pk).update(political_status=_political_status(status))
    figures.invalidate(member.area_code, *([resident.area_code] if resident else []))
    audit.record(
        actor, Action.CREATE, member, fields=["name", "joined_on", "status", "organisation", "phone"]
    )
    return member


@transaction.atomic
def update_member(*, actor: Any, member: Member, phone: str | None = None, **fields: Any) -> Member:
    require(actor, Perm.PARTY_CHANGE, member)
    target = fields.get("organisation")
    if target is not None and target.pk != member.organisation_id:
        require(actor, Perm.PARTY_CHANGE, target)
    row = Member.objects.select_for_update().select_related("organisation").get(pk=member.pk)
    changes = {k: v for k, v in fields.items() if k in MEMBER_FIELDS}
    if phone is not None:
        changes.update(_phone_fields(phone))
    changed = apply_changes(row, changes)
    rules.check_member_dates(row.birth_date, row.joined_on, row.status, row.full_on)
    if "organisation" in changed:
        row.area_code = row.organisation.area_code
        changed.append("area_code")
    if changed:
        row.save(update_fields=[*changed, "updated_at"])
        if "status" in changed and row.resident_id:
            Resident.objects.filter(pk=row.resident_id).update(political_status=_political_status(row.status))
        audit.record(
            actor, Action.UPDATE, row, fields=[c for c in changed if c not in ("phone_hash", "phone_mask")]
        )
        figures.invalidate(
            member.area_code, row.area_code, *([row.home_area_code] if row.home_area_code else [])
        )
    return row


@transaction.atomic
def end_membership(*, actor: Any, member: Member, on: datetime.date, reason: str) -> Member:
    """Take a member off this roll (transferred out, deceased …); their links end the same day."""
    require(actor, Perm.PARTY_CHANGE, member)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写离册原因")})
    row = Member.objects.select_for_update().get(pk=member.pk)
    if not row.active:
        raise ValidationError({"__all__": _("该党员已离册")})
    row.active, row.left_on, row.left_reason, row.central_household = False, on, reason.strip(), None
    row.save(update_fields=["active", "left_on", "left_reason", "central_household", "updated_at"])
    current = LiaisonLink.objects.filter(member=row, ended_on__isnull=True)
    figures.invalidate(*set(current.values_list("area_code", flat=True)))
    ended = current.update(ended_on=on)
    audit.record(actor, Action.UPDATE, row, fields=["active", "left_on", "left_reason"], reason=reason)
    figures.invalidate(row.area_code)
    if ended:
        audit.record(
            actor,
            Action.UPDATE,
            row,
            fields=["liaison_links"],
            reason=_("离册，结束联系户%(n)d户") % {"n": ended},
        )
    return row


def sync_member_residence(actor: Any, resident: Resident, on: datetime.date) -> None:
    """Called when a resident moves or leaves: a member's home follows their resident record, and
    an in-service registration (双报到, at the community where one lives) ends when they leave
    that community."""
    from jiceng.units.models import InServiceRegistration

    Member.objects.filter(resident=resident).update(
        household_id=resident.household_id if resident.is_current else None,
        home_area_code=resident.area_code if resident.is_current else "",
    )
    community = resident.area_code[:12] if resident.is_current else ""
    left = InServiceRegistration.objects.filter(member__resident=resident, ended_on__isnull=True).exclude(
        area_code=community
    )
    for registration in left:
        registration.ended_on = max(on, registration.registered_on)
        registration.end_reason = _("迁出报到社区")
        registration.save(update_fields=["ended_on", "end_reason"])
        audit.record(
            actor,
            Action.UPDATE,
            registration,
            fields=["ended_on", "end_reason"],
            reason=registration.end_reason,
        )


def regrid_building(building: Any) -> None:
    """A building moved to another grid: its households' links, central households and the
    homes of the members living there follow."""
    LiaisonLink.objects.filter(household__building=building).update(area_code=building.area_code)
    CentralHousehold.objects.filter(household__building=building).update(area_code=building.area_code)
    Member.objects.filter(household__building=building).update(home_area_code=building.area_code)


# ---- central households ----------------------------------------------------------------------


@transaction.atomic
def designate_central_household(
    *, actor: Any, keeper: Member, designated_on: datetime.date, organisation: Organisation | None = None
) -> CentralHousehold:
    organisation = organisation or keeper.organisation
    require(actor, Perm.PARTY_CHANGE, organisation)
    if keeper.household_id is None or not keeper.active:
        raise ValidationError({"keeper": _("党员中心户应设在本社区在住党员的家中")})
    household = Household.objects.get(pk=keeper.household_id)
    if CentralHousehold.objects.filter(household=household).exists():
        raise ValidationError({"keeper": _("%(h)s已是党员中心户") % {"h": household}})
    central = CentralHousehold.objects.create(
        household=household,
        keeper=keeper,
        organisation=organisation,
        area_code=household.area_code,
        designated_on=designated_on,
    )
    Member.objects.filter(pk=keeper.pk).update(central_household=central)
    audit.record(actor, Action.CREATE, central, fields=["household", "keeper", "organisation"])
    figures.invalidate(central.area_code, organisation.area_code)
    return central


@transaction.atomic
def attach_members(*, actor: Any, central: CentralHousehold, members: Iterable[Member]) -> int:
    """Link members to a central household (about ten each); a member belongs to one at a time."""
    require(actor, Perm.PARTY_CHANGE, central.organisation)
    chosen = list(members)
    outside = [
        m.name
        for m in chosen
        if not m.active or not m.organisation.path.startswith(central.organisation.path)
    ]
    if outside:
        raise ValidationError({"members": _("%(names)s不是该支部的在册党员") % {"names": "、".join(outside)}})
    count = Member.objects.filter(pk__in=[m.pk for m in chosen]).update(central_household=central)
    audit.record(actor, Action.UPDATE, central, fields=["linked_members"])
    figures.invalidate(central.area_code)
    return count


@transaction.atomic
def detach_member(*, actor: Any, member: Member) -> None:
    require(actor, Perm.PARTY_CHANGE, member)
    Member.objects.filter(pk=member.pk).update(central_household=None)
    audit.record(actor, Action.UPDATE, member, fields=["central_household"])
    figures.invalidate(member.area_code)


# ---- liaison links -------------------------------------------------------------------------


@transaction.atomic
def link_household(
    *,
    actor: Any,
    member: Member,
    household: Household,
    started_on: datetime.date | None = None,
    replace: bool = False,
    source: str = LinkSource.MANUAL,
) -> LiaisonLink:
    require(actor, Perm.PARTY_CHANGE, member)
    require(actor, Perm.PEOPLE_VIEW, household)
    member = Member.objects.get(pk=member.pk)  # the caller's copy may predate a change
    if not member.active:
        raise ValidationError({"member": _("%(name)s已离册") % {"name": member.name}})
    started_on = started_on or timezone.localdate()
    current = (
        LiaisonLink.objects.select_for_update().filter(household=household, ended_on__isnull=True).first()
    )
    if current is not None:
        if current.member_id == member.pk:
            raise ValidationError({"household": _("%(h)s已由该党员联系") % {"h": household}})
        if not replace:
            raise ValidationError(
                {"household": _("%(h)s已由%(name)s联系") % {"h": household, "name": current.member.name}}
            )
        current.ended_on = started_on
        current.save(update_fields=["ended_on"])
    link = LiaisonLink.objects.create(
        member=member,
        household=household,
        area_code=household.area_code,
        started_on=started_on,
        source=source,
    )
    audit.record(actor, Action.CREATE, link, fields=["member", "household", "started_on"])
    figures.invalidate(link.area_code)
    return link


@transaction.atomic
def end_link(*, actor: Any, link: LiaisonLink, on: datetime.date | None = None) -> LiaisonLink:
    require(actor, Perm.PARTY_CHANGE, link)
    if link.ended_on is not None:
        raise ValidationError({"__all__": _("该联系关系已结束")})
    link.ended_on = on or timezone.localdate()
    link.save(update_fields=["ended_on"])
    audit.record(actor, Action.UPDATE, link, fields=["ended_on"])
    figures.invalidate(link.area_code)
    return link


def may_record_visit(actor: Any, link: LiaisonLink) -> bool:
    """The link's own member records their visits; whoever may change the link records for them."""
    member_resident = link.member.resident_id
    own = member_resident is not None and member_resident == getattr(actor, "resident_id", None)
    return (own and has_perm(actor, Perm.VISIT_RECORD)) or has_perm(actor, Perm.PARTY_CHANGE, link)


@transaction.atomic
def record_visit(
    *,
    actor: Any,
    link: LiaisonLink,
    visited_on: datetime.date,
    way: str,
    summary: str,
    needs: str = "",
) -> LiaisonVisit:
    """Record one contact of a liaison member with their household (联系户走访)."""
    if not may_record_visit(actor, link):
        raise PermissionDenied(_("只有联系党员本人或社区工作人员可以登记走访"))
    summary, needs = summary.strip(), needs.strip()
    errors: dict[str, str] = {}
    if visited_on > timezone.localdate():
        errors["visited_on"] = _("走访日期不能晚于今天")
    elif visited_on < link.started_on:
        errors["visited_on"] = _("走访日期早于联系关系开始的日期（%(on)s）") % {"on": link.started_on}
    elif link.ended_on is not None and visited_on > link.ended_on:
        errors["visited_on"] = _("该联系关系已于%(on)s结束，之后的走访不能登记在此户") % {"on": link.ended_on}
    if way not in VisitWay.values:
        errors["way"] = _("请选择走访方式")
    if len(summary) < 2:
        errors["summary"] = _("请简要填写走访情况")
    if errors:
        raise ValidationError(errors)
    visit = LiaisonVisit.objects.create(
        link=link,
        member=link.member,
        household=link.household,
        area_code=link.area_code,
        visited_on=visited_on,
        way=way,
        summary=summary,
        needs=needs,
        recorded_by=actor,
    )
    audit.record(actor, Action.CREATE, visit, fields=["visited_on", "way", "summary", "needs"])
    return visit


def _place(building_id: int, unit: int, estate_id: int, name: str, grid_code: str) -> assignment.Place:
    return assignment.Place(
        building_id, unit, estate_id, assignment.building_number(name, building_id), grid_code
    )


def _home(member: Member) -> assignment.Place | None:
    home = member.household
    if home is None:
        return None
    return _place(
        home.building_id, home.unit, home.building.estate_id, home.building.name, member.home_area_code
    )


@transaction.atomic
def propose_assignment(
    *, actor: Any, grid: Area, target: int = 10, cross_grid: bool = False
) -> AssignmentProposal:
    """Propose liaison links for the grid's uncovered households; nothing is linked until the
    secretary confirms."""
    require(actor, Perm.PARTY_CHANGE, grid)
    if grid.level != Level.GRID:
        raise ValidationError({"grid": _("请选择一个网格")})
    if not 1 <= target <= 50:
        raise ValidationError({"target": _("每名党员联系户数应在1到50之间")})
    rows = queries.uncovered(Household.objects.filter(area_code__startswith=grid.code)).values_list(
        "id", "building_id", "unit", "building__estate_id", "building__name", "area_code"
    )
    houses = [(hid, _place(b, u, e, n, g)) for hid, b, u, e, n, g in rows]
    community = grid.code[:12]
    pool = Member.objects.filter(active=True).filter(
        Q(home_area_code=grid.code) | Q(household__isnull=True, organisation__area_code=grid.code)
    )
    if cross_grid:
        pool = Member.objects.filter(active=True).filter(
            Q(home_area_code__startswith=community)
            | Q(household__isnull=True, organisation__area_code=grid.code)
        )
    candidates = [
        assignment.Candidate(m.pk, _home(m), m.load)
        for m in pool.select_related("household__building").annotate(
            load=Count("liaison_links", filter=Q(liaison_links__ended_on__isnull=True))
        )
    ]
    proposals = assignment.propose(houses, candidates, target)
    proposal = AssignmentProposal.objects.create(
        grid=grid,
        area_code=grid.code,
        target=target,
        cross_grid=cross_grid,
        created_by=actor,
        uncovered_before=len(houses),
        left_uncovered=len(houses) - len(proposals),
    )
    ProposedLink.objects.bulk_create(
        [
            ProposedLink(
                proposal=proposal, member_id=p.member_id, household_id=p.household_id, nearness=p.nearness
            )
            for p in proposals
        ],
        batch_size=1000,
    )
    audit.record(actor, Action.CREATE, proposal, fields=["grid", "target", "cross_grid"])
    return proposal


@transaction.atomic
def confirm_proposal(
    *, actor: Any, proposal: AssignmentProposal, excluded: Iterable[int] = ()
) -> tuple[int, int]:
    """Link the proposed households, except the excluded proposed links; a household linked by
    someone else since the proposal was made is skipped. Returns (linked, skipped)."""
    require(actor, Perm.PARTY_CHANGE, proposal)
    row = AssignmentProposal.objects.select_for_update().get(pk=proposal.pk)
    if row.status != ProposalStatus.DRAFT:
        raise ValidationError({"__all__": _("该方案%(status)s") % {"status": row.get_status_display()}})
    skip = set(excluded)
    links = [p for p in row.links.all() if p.pk not in skip]
    taken = set(
        LiaisonLink.objects.filter(
            household_id__in=[p.household_id for p in links], ended_on__isnull=True
        ).values_list("household_id", flat=True)
    )
    left = set(
        Member.objects.filter(pk__in={p.member_id for p in links}, active=False).values_list("pk", flat=True)
    )
    today = timezone.localdate()
    areas = dict(
        Household.objects.filter(pk__in=[p.household_id for p in links]).values_list("id", "area_code")
    )
    new = [
        LiaisonLink(
            member_id=p.member_id,
            household_id=p.household_id,
            area_code=areas[p.household_id],
            started_on=today,
            source=LinkSource.ASSIGNMENT,
        )
        for p in links
        if p.household_id not in taken and p.member_id not in left
    ]
    try:
        with transaction.atomic():
            LiaisonLink.objects.bulk_create(new, batch_size=1000)
    except IntegrityError:
        raise ValidationError({"__all__": _("有住户刚刚被其他人分配了联系党员，请重新生成方案")}) from None
    figures.invalidate(*{link.area_code for link in new})
    row.status, row.decided_by, row.decided_at = ProposalStatus.CONFIRMED, actor, timezone.now()
    row.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        actor, Action.UPDATE, row, fields=["status"], reason=_("确认联系户%(n)d户") % {"n": len(new)}
    )
    return len(new), len(links) - len(new)


@transaction.atomic
def discard_proposal(*, actor: Any, proposal: AssignmentProposal) -> None:
    require(actor, Perm.PARTY_CHANGE, proposal)
    row = AssignmentProposal.objects.select_for_update().get(pk=proposal.pk)
    if row.status != ProposalStatus.DRAFT:
        raise ValidationError({"__all__": _("该方案%(status)s") % {"status": row.get_status_display()}})
    row.status, row.decided_by, row.decided_at = ProposalStatus.DISCARDED, actor, timezone.now()
    row.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(actor, Action.UPDATE, row, fields=["status"])
