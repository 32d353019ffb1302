"""Pages of the party chain: organisations and their elections, members, central households and
the identity sign. Reads go through the scoped queries (404 outside the scope), writes through
the services (which check permission)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm, require
from jiceng.common.forms import add_errors
from jiceng.common.labels import labels
from jiceng.common.pagination import keyset_rows
from jiceng.common.scoping import get_visible_or_404
from jiceng.party import documents, queries, rules, services
from jiceng.party.forms import (
    AttachMembersForm,
    CentralHouseholdForm,
    ElectionForm,
    EndMembershipForm,
    MemberEditForm,
    MemberForm,
    OrganisationEditForm,
    OrganisationForm,
    SeatFormSet,
)
from jiceng.party.models import (
    CommitteeSeat,
    Member,
    MemberCategory,
    MemberStatus,
    Organisation,
    OrgKind,
    OrgType,
    Position,
)
from jiceng.people import queries as people_queries
from jiceng.people.models import CURRENT_STATUSES, Gender
from jiceng.territory.models import Area, Level

# The organisation list shows at most this many; a district filters by area.
ORGANISATION_LIMIT = 300
# A member list filter offers at most this many organisations.
FILTER_ORGANISATIONS = 500
# An organisation page lists at most this many of its own members (the member list has all).
OWN_MEMBERS_SHOWN = 100
RESIDENT_RESULTS = 20
# Warn about the next election this many days before the term ends.
ELECTION_WARNING_DAYS = 90
_POSITION_ORDER = {p: i for i, p in enumerate(Position.values)}


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _labels() -> dict[str, dict[str, str]]:
    """Choice labels, translated once a process and language (common/labels.py)."""
    return {
        "kind": labels(OrgKind),
        "org_type": labels(OrgType),
        "status": labels(MemberStatus),
        "category": labels(MemberCategory),
        "gender": labels(Gender),
        "position": labels(Position),
    }


def _changeable_organisations(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(user, Perm.PARTY_CHANGE).filter(active=True).order_by("path")


def _crumbs(organisation: Organisation | None, user: Any) -> list[tuple[str, str]]:
    crumbs = [(_("党组织"), _url("party:organisations"))]
    if organisation is None:
        return crumbs
    ancestor_pks = [int(pk) for pk in organisation.path.strip("/").split("/")]
    above = queries.organisations_for(user).filter(pk__in=ancestor_pks).order_by("depth")
    return crumbs + [(o.name, _url("party:organisation", pk=o.pk)) for o in above]


def _url(name: str, **kwargs: Any) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs or None)


# ---- organisations -----------------------------------------------------------------------


@dataclass
class TreeRow:
    organisation: Organisation
    indent: int
    figures: queries.OrgFigures
    findings: list[rules.Finding]


def _tree(organisations: list[Organisation]) -> list[TreeRow]:
    """The organisations in tree order (children by sort order and name), each indented by how
    many of its ancestors are in the list: a filtered list keeps its shape."""
    by_path = {o.path: o for o in organisations}
    children: dict[str, list[Organisation]] = {}
    roots: list[Organisation] = []
    for org in organisations:
        parent_path = org.path[: org.path.rstrip("/").rfind("/") + 1]
        nearest = next(
            (p for p in _ancestor_paths(parent_path) if p in by_path),
            None,
        )
        (children.setdefault(nearest, []) if nearest else roots).append(org)
    figures = queries.subtree_figures(organisations)
    rows: list[TreeRow] = []

    def walk(orgs: list[Organisation], indent: int) -> None:
        for org in sorted(orgs, key=lambda o: (o.sort_order, o.name, o.pk)):
            f = figures[org.pk]
            found = rules.setup_findings(org.kind, org.org_type, f.members, f.full_members)
            rows.append(TreeRow(org, indent, f, found))
            walk(children.get(org.path, []), indent + 1)

    walk(sorted(roots, key=lambda o: (o.area_code, o.sort_order, o.name, o.pk)), 0)
    return rows


def _ancestor_paths(path: str) -> list[str]:
    """ "/1/2/3/" → ["/1/2/3/", "/1/2/", "/1/"], nearest first."""
    parts = path.strip("/").split("/") if path.strip("/") else []
    return ["/" + "/".join(parts[:n]) + "/" for n in range(len(parts), 0, -1)]


@login_required
def organisations(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.PARTY_VIEW)
    area = request.GET.get("area", "").strip()
    text = request.GET.get("q", "").strip()
    qs = queries.organisations_for(request.user).filter(active=True)
    if area:
        qs = qs.filter(area_code__startswith=area)
    if text:
        qs = qs.filter(name__contains=text)
    found = list(qs.select_related("area").order_by("path")[: ORGANISATION_LIMIT + 1])
    context = {
        "rows": _tree(found[:ORGANISATION_LIMIT]),
        "limited": len(found) > ORGANISATION_LIMIT,
        "q": text,
        "area": area,
        "labels": _labels(),
        "can_create": has_perm(request.user, Perm.PARTY_CHANGE),
        # A street or district picks one community at a time.
        "communities": list(
            Area.objects.visible_to(request.user, Perm.PARTY_VIEW)
            .filter(level=Level.COMMUNITY)
            .order_by("code")
        ),
    }
    return render(request, "party/organisations.html", context)


def _election(term: Any, today: datetime.date) -> dict[str, Any]:
    if term is None:
        return {"state": "none"}
    days = (term.ends_on - today).days
    state = "overdue" if days < 0 else "soon" if days <= ELECTION_WARNING_DAYS else "ok"
    return {"state": state, "days": abs(days), "due": term.ends_on}


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    org = get_visible_or_404(Organisation.objects.select_related("parent", "area"), user, pk=pk)
    term = services.current_term(org)
    seats = (
        sorted(term.seats.select_related("member"), key=lambda s: (_POSITION_ORDER[s.position], s.pk))
        if term
        else []
    )
    children = queries.child_organisations(user, org)
    figures = queries.subtree_figures([org, *children])
    own = list(queries.members_of(user, org)[: OWN_MEMBERS_SHOWN + 1])
    centrals = (
        queries.central_households_for(user)
        .filter(organisation=org)
        .annotate(linked=Count("linked_members", filter=Q(linked_members__active=True)))
        .order_by("area_code", "id")
    )
    context = {
        "org": org,
        "crumbs": _crumbs(org.parent, user),
        "term": term,
        "seats": seats,
        "election": _election(term, timezone.localdate()),
        "findings": services.setup_findings(org),
        "figures": figures[org.pk],
        "children": [
            (
                c,
                figures[c.pk],
                rules.setup_findings(c.kind, c.org_type, figures[c.pk].members, figures[c.pk].full_members),
            )
            for c in children
        ],
        "members": own[:OWN_MEMBERS_SHOWN],
        "more_members": len(own) > OWN_MEMBERS_SHOWN,
        "centrals": list(centrals),
        "labels": _labels(),
        "can_change": has_perm(user, Perm.PARTY_CHANGE, org),
        "parent_visible": org.parent is not None and has_perm(user, Perm.PARTY_VIEW, org.parent),
    }
    return render(request, "party/organisation.html", context)


def _organisation_areas(user: Any, parent: Organisation | None) -> QuerySet[Area]:
    """Communities and grids the user may set an organisation in; under a parent, also the
    places within the parent's (a branch secretary's scope is the branch, not a place)."""
    places = Q(code__in=[a.code for a in _changeable_places(user)])
    if parent is not None:
        places |= Q(code__startswith=parent.area_code)
    return Area.objects.filter(places, level__in=(Level.COMMUNITY, Level.GRID)).order_by("code")


def _changeable_places(user: Any) -> list[Area]:
    # Area.visible_to also names the ancestors of one's area (for breadcrumbs): keep only the
    # places the permission covers.
    visible = Area.objects.visible_to(user, Perm.PARTY_CHANGE).filter(level__in=(Level.COMMUNITY, Level.GRID))
    return [a for a in visible if has_perm(user, Perm.PARTY_CHANGE, a)]


@login_required
def organisation_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, Perm.PARTY_CHANGE)
    parent = None
    if request.GET.get("parent"):
        parent = get_visible_or_404(Organisation, user, pk=request.GET["parent"])
        require(user, Perm.PARTY_CHANGE, parent)
    initial: dict[str, Any] = {"parent": parent}
    if parent is not None:
        initial["area"] = parent.area
    form = OrganisationForm(
        request.POST or None,
        initial=initial,
        parents=_changeable_organisations(user),
        areas=_organisation_areas(user, parent),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["sort_order"] = data["sort_order"] or 0
        try:
            org = services.create_organisation(actor=user, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已成立%(name)s") % {"name": org.name})
            return redirect("party:organisation", pk=org.pk)
    title = _("新建党组织") + (f" · {parent.name}" if parent else "")
    return render(request, "party/form.html", {"form": form, "title": title, "crumbs": _crumbs(parent, user)})


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    org = get_visible_or_404(Organisation, user, pk=pk)
    require(user, Perm.PARTY_CHANGE, org)
    fields = ("name", "founded_on", "joint_units", "sort_order", "active")
    form = OrganisationEditForm(request.POST or None, initial={f: getattr(org, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(actor=user, organisation=org, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("party:organisation", pk=org.pk)
    return render(
        request,
        "party/form.html",
        {"form": form, "title": _("编辑") + f" · {org.name}", "crumbs": _crumbs(org, user)},
    )


@login_required
def elect(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an election: the date and the elected committee (or secretary), one row a seat."""
    user = request.user
    org = get_visible_or_404(Organisation, user, pk=pk)
    require(user, Perm.PARTY_CHANGE, org)
    candidates = {
        m.pk: m
        for m in queries.members_for(user)
        .filter(organisation__path__startswith=org.path, active=True)
        .select_related("organisation")
        .order_by("organisation__path", "name", "id")
    }
    choices = [
        (m.pk, m.name if m.organisation_id == org.pk else f"{m.name}（{m.organisation.name}）")
        for m in candidates.values()
    ]
    term = services.current_term(org)
    current = [{"member": s.member_id, "position": s.position} for s in term.seats.all()] if term else []
    form = ElectionForm(request.POST or None)
    seats = SeatFormSet(
        request.POST or None, initial=current, prefix="seat", form_kwargs={"members": choices}
    )
    if request.method == "POST" and form.is_valid() and seats.is_valid():
        chosen = [
            (candidates[row["member"]], row["position"])
            for row in seats.cleaned_data
            if row.get("member") and row.get("position")
        ]
        try:
            services.elect_committee(
                actor=user, organisation=org, elected_on=form.cleaned_data["elected_on"], seats=chosen
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已记录%(name)s的换届选举") % {"name": org.name})
            return redirect("party:organisation", pk=org.pk)
    _members, full = services.member_counts(org)
    context = {
        "org": org,
        "form": form,
        "seats": seats,
        "full_members": full,
        "committee_needed": org.kind == OrgKind.BRANCH and full >= rules.MIN_FULL_MEMBERS_FOR_COMMITTEE,
        "is_branch": org.kind == OrgKind.BRANCH,
        "crumbs": _crumbs(org, user),
    }
    return render(request, "party/elect.html", context)


# ---- members -------------------------------------------------------------------------------

_MEMBER_COLUMNS = (
    "id",
    "name",
    "gender",
    "birth_date",
    "status",
    "category",
    "joined_on",
    "phone_mask",
    "active",
    "left_on",
    "organisation_id",
    "organisation__name",
    "load",
)


def _member_rows(members: QuerySet[Member]) -> Any:
    yield from members.values(*_MEMBER_COLUMNS)


@login_required
def members(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, Perm.PARTY_VIEW)
    params = {
        k: request.GET.get(k, "").strip()
        for k in ("q", "organisation", "status", "category", "state", "area")
    }
    qs = queries.members_for(user).filter(active=params["state"] != "left")
    if params["q"]:
        qs = qs.filter(name__contains=params["q"])
    if params["area"]:
        qs = qs.filter(area_code__startswith=params["area"])
    if params["status"] in MemberStatus.values:
        qs = qs.filter(status=params["status"])
    if params["category"] in MemberCategory.values:
        qs = qs.filter(category=params["category"])
    if params["organisation"]:
        chosen = (
            queries.organisations_for(user).filter(pk=params["organisation"]).first()
            if params["organisation"].isdigit()
            else None
        )
        qs = qs.filter(organisation__path__startswith=chosen.path) if chosen else qs.none()
    qs = qs.annotate(load=Count("liaison_links", filter=Q(liaison_links__ended_on__isnull=True)))
    page = keyset_rows(qs, _member_rows, request.GET.get("after"))
    context: dict[str, Any] = {"page": page, "params": params, "labels": _labels()}
    if _htmx(request):  # "load more" appends rows; a changed filter replaces the table
        partial = "member_rows" if request.GET.get("after") else "member_table"
        return render(request, f"party/partials/{partial}.html", context)
    context.update(
        organisations=list(
            queries.organisations_for(user).filter(active=True).order_by("path")[:FILTER_ORGANISATIONS]
        ),
        statuses=MemberStatus.choices,
        categories=MemberCategory.choices,
        can_create=has_perm(user, Perm.PARTY_CHANGE),
    )
    return render(request, "party/members.html", context)


def _member(user: Any, pk: int) -> Member:
    return get_visible_or_404(
        Member.objects.select_related(
            "organisation", "household__building__estate", "central_household__household__building__estate"
        ),
        user,
        pk=pk,
    )


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    member = _member(user, pk)
    links = list(queries.liaison_households_of(user, member))
    seats = sorted(
        CommitteeSeat.objects.filter(member=member, term__ended_on__isnull=True).select_related(
            "term__organisation"
        ),
        key=lambda s: _POSITION_ORDER[s.position],
    )
    can_change = has_perm(user, Perm.PARTY_CHANGE, member)
    kept = member.kept_central_households.select_related("household__building__estate").first()
    context = {
        "member": member,
        "links": [(link, has_perm(user, Perm.PEOPLE_VIEW, link.household)) for link in links],
        "seats": seats,
        "kept": kept,
        "can_change": can_change,
        "can_print": _may_print_sign(user, member),
        "org_visible": has_perm(user, Perm.PARTY_VIEW, member.organisation),
        "home_visible": member.household is not None and has_perm(user, Perm.PEOPLE_VIEW, member.household),
        "end_form": EndMembershipForm(initial={"on": timezone.localdate()}),
        "can_designate": can_change and member.active and member.household_id is not None and kept is None,
        "crumbs": [(_("党员"), _url("party:members"))],
    }
    return render(request, "party/member.html", context)


def _resident_results(user: Any, text: str) -> list[dict[str, Any]]:
    """Current residents the user may see matching the search, each marked when already a member."""
    found = people_queries.search_residents(user, text)[:RESIDENT_RESULTS]
    rows = list(people_queries.resident_page_rows(found)) if text else []
    members = set(
        Member.objects.filter(resident_id__in=[r["id"] for r in rows]).values_list("resident_id", flat=True)
    )
    for row in rows:
        row["is_member"] = row["id"] in members
    return rows


@login_required
def member_new(request: HttpRequest) -> HttpResponse:
    """Put a member on the roll: search for a resident (HTMX fragment on the same URL) or enter a
    member who lives elsewhere."""
    user = request.user
    require(user, Perm.PARTY_CHANGE)
    organisation = None
    if request.GET.get("organisation"):
        organisation = get_visible_or_404(Organisation, user, pk=request.GET["organisation"])
        require(user, Perm.PARTY_CHANGE, organisation)
    text = request.GET.get("q", "").strip()
    can_search = has_perm(user, Perm.PEOPLE_VIEW)
    results = _resident_results(user, text) if text and can_search else []
    if _htmx(request) and request.method == "GET":
        return render(
            request,
            "party/partials/resident_results.html",
            {"q": text, "results": results, "labels": _labels()},
        )
    residents = people_queries.residents_for(user).filter(residence_status__in=CURRENT_STATUSES)
    form = MemberForm(
        request.POST or None,
        initial={"organisation": organisation},
        organisations=_changeable_organisations(user),
        residents=residents,
    )
    if request.method == "POST" and form.is_valid():
        try:
            member = services.register_member(actor=user, **form.service_arguments())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已登记党员%(name)s") % {"name": member.name})
            return redirect("party:member", pk=member.pk)
    picked = form["resident"].value() if form.is_bound else None
    picked_resident = residents.filter(pk=picked).first() if picked and str(picked).isdigit() else None
    context = {
        "form": form,
        "q": text,
        "results": results,
        "can_search": can_search,
        "picked": picked_resident,
        "labels": _labels(),
        "crumbs": _crumbs(organisation, user),
    }
    return render(request, "party/member_new.html", context)


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    member = _member(user, pk)
    require(user, Perm.PARTY_CHANGE, member)
    fields = ("organisation", "joined_on", "status", "full_on", "category", "education", "occupation")
    initial = {f: getattr(member, f) for f in fields} | {"residence_elsewhere": member.residence_elsewhere}
    form = MemberEditForm(
        request.POST or None, initial=initial, organisations=_changeable_organisations(user)
    )
    if member.resident_id:
        del form.fields["residence_elsewhere"]  # a resident lives where their household is
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        phone = data.pop("phone") or None
        try:
            services.update_member(actor=user, member=member, phone=phone, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("party:member", pk=member.pk)
    crumbs = [(_("党员"), _url("party:members")), (member.name, _url("party:member", pk=member.pk))]
    return render(
        request,
        "party/form.html",
        {"form": form, "title": _("编辑党员") + f" · {member.name}", "crumbs": crumbs},
    )


@login_required
@require_POST
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    member = _member(user, pk)
    form = EndMembershipForm(request.POST)
    if form.is_valid():
        try:
            services.end_membership(actor=user, member=member, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(name)s已离册") % {"name": member.name})
    else:
        messages.error(request, _("请填写离册日期和原因"))
    return redirect("party:member", pk=member.pk)


def _may_print_sign(user: Any, member: Member) -> bool:
    """A member prints their own sign; whoever may change the member's record prints theirs."""
    own = member.resident_id is not None and member.resident_id == getattr(user, "resident_id", None)
    return member.active and (own or has_perm(user, Perm.PARTY_CHANGE, member))


@login_required
def identity_sign(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request.user, pk)
    if not _may_print_sign(request.user, member):
        raise PermissionDenied(_("您没有权限执行此操作"))
    response = HttpResponse(documents.identity_sign_pdf(member), content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(False, _("共产党员户-%(name)s.pdf") % {"name": member.name}) or "inline"
    )
    return response


# ---- central households ----------------------------------------------------------------------


@login_required
def central_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a member's home a central household (党员中心户) of their organisation."""
    user = request.user
    keeper = _member(user, pk)
    require(user, Perm.PARTY_CHANGE, keeper)
    form = CentralHouseholdForm(request.POST or None, initial={"designated_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            central = services.designate_central_household(
                actor=user, keeper=keeper, designated_on=form.cleaned_data["designated_on"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已设立党员中心户"))
            return redirect("party:central", pk=central.pk)
    crumbs = [(_("党员"), _url("party:members")), (keeper.name, _url("party:member", pk=keeper.pk))]
    return render(request, "party/central_new.html", {"form": form, "keeper": keeper, "crumbs": crumbs})


@login_required
def central_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A central household: its keeper and linked members; attach members of the branch, or detach."""
    user = request.user
    central = queries.central_households_for(user).filter(pk=pk).first()
    if central is None:
        raise Http404
    org = central.organisation
    can_change = has_perm(user, Perm.PARTY_CHANGE, org)
    linked = (
        queries.members_for(user)
        .filter(central_household=central, active=True)
        .select_related("organisation")
        .order_by("name", "id")
    )
    candidates = (
        queries.members_for(user)
        .filter(organisation__path__startswith=org.path, active=True)
        .exclude(central_household=central)
        .select_related("central_household__household__building__estate")
        .order_by("name", "id")
    )
    form = AttachMembersForm(request.POST or None, candidates=candidates)
    if request.method == "POST":
        require(user, Perm.PARTY_CHANGE, org)
        if "detach" in request.POST:
            member = get_visible_or_404(linked, user, pk=request.POST["detach"])
            services.detach_member(actor=user, member=member)
            messages.success(request, _("已将%(name)s移出该中心户") % {"name": member.name})
            return redirect("party:central", pk=central.pk)
        if form.is_valid():
            try:
                count = services.attach_members(
                    actor=user, central=central, members=form.cleaned_data["members"]
                )
            except ValidationError as exc:
                add_errors(form, exc, default_field="members")
            else:
                messages.success(request, _("已联系党员%(n)d名") % {"n": count})
                return redirect("party:central", pk=central.pk)
    context = {
        "central": central,
        "org": org,
        "linked": list(linked),
        "form": form,
        "can_change": can_change,
        "labels": _labels(),
        "crumbs": _crumbs(org, user),
    }
    return render(request, "party/central.html", context)
