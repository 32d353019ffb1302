"""Pages of the chain and of liaison coverage: the chain view (expanded level by level), coverage
figures of an area, the grid page, reviewing and confirming an assignment proposal, and a
household's liaison member."""

from itertools import groupby
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm, require, scope_for
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.common.forms import add_errors
from jiceng.common.pagination import keyset_page, keyset_rows
from jiceng.common.scoping import get_visible_or_404
from jiceng.party import queries, services
from jiceng.party.models import (
    AssignmentProposal,
    LiaisonLink,
    Member,
    Nearness,
    Organisation,
    OrgType,
    ProposalStatus,
)
from jiceng.people.models import Household
from jiceng.people.queries import household_page_rows, households_for
from jiceng.territory.models import CHILD_LEVEL, Area, Level, ancestor_codes

DEFAULT_TARGET = 10


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# ---- the chain -------------------------------------------------------------------------------


def _org_nodes(user: Any, organisations: list[Organisation]) -> list[dict[str, Any]]:
    """Organisations with their subtree figures, and whether the user may open the coverage of
    their place (a branch secretary's scope is the branch, not the grid's households)."""
    figures = queries.subtree_figures(organisations)
    scope = scope_for(user, Perm.PARTY_VIEW)
    return [
        {
            "org": org,
            "figures": figures[org.pk],
            "coverage": scope.covers(org.area_code),
            "grid": org.org_type == OrgType.GRID,
        }
        for org in organisations
    ]


@login_required
def chain(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.PARTY_VIEW)
    roots = queries.chain_roots(request.user)
    return render(request, "party/liaison/chain.html", {"nodes": _org_nodes(request.user, roots)})


@login_required
def chain_tree(request: HttpRequest) -> JsonResponse:
    """The organisations in the user's scope for the ECharts tree: one root, the scope's own or
    a named one above several."""
    require(request.user, Perm.PARTY_VIEW)
    roots = queries.organisation_tree(request.user)
    if len(roots) == 1:
        tree: dict[str, Any] = roots[0]
    else:
        tree = {"name": _("党组织"), "value": sum(r["value"] for r in roots), "children": roots}
    return JsonResponse({"tree": tree, "members_label": _("党员")})


@login_required
def chain_node(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """One level of the chain, loaded when it is opened: an organisation's child organisations,
    central households and the members linked to none; a central household's members; a
    member's liaison households."""
    require(request.user, Perm.PARTY_VIEW)
    user = request.user
    context: dict[str, Any] = {"kind": kind}
    if kind == "org":
        org = get_visible_or_404(Organisation, user, pk=pk, active=True)
        context.update(
            title=org.name,
            children=_org_nodes(user, queries.child_organisations(user, org)),
            centrals=list(queries.central_households_in(user, org)),
            members=list(queries.members_of(user, org).filter(central_household__isnull=True)),
        )
    elif kind == "central":
        central = (
            queries.central_households_for(user).filter(pk=pk).select_related("household__building").first()
        )
        if central is None:
            raise Http404
        context.update(
            title=_("党员中心户") + " · " + central.household.address,
            members=list(queries.central_members(user, central)),
        )
    elif kind == "member":
        member = get_visible_or_404(Member, user, pk=pk, active=True)
        context.update(title=member.name, links=list(queries.liaison_households_of(user, member)))
    else:
        raise Http404
    template = "party/liaison/chain_children.html" if _htmx(request) else "party/liaison/chain_node.html"
    return render(request, template, context)


# ---- coverage --------------------------------------------------------------------------------


def _area(request: HttpRequest) -> Area | HttpResponse:
    """The area named by ?area= (default: the user's own), which must lie within the user's
    scope. An area above it (the community of a grid worker) sends them to their own part;
    any other area is not found."""
    require(request.user, Perm.PARTY_VIEW)
    roots = scope_for(request.user, Perm.PARTY_VIEW).area_codes
    if not roots:
        raise PermissionDenied(_("联系户覆盖情况按辖区统计，您的角色未绑定辖区"))
    code = request.GET.get("area", "").strip() or roots[0]
    if not any(code.startswith(root) for root in roots):
        inside = [root for root in roots if root.startswith(code)]
        if inside and len(code) >= 6:
            return redirect(f"{request.path}?{urlencode({'area': inside[0]})}")
        raise Http404
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise Http404
    return area


def _crumbs(user: Any, area: Area) -> list[tuple[str, str]]:
    scope = scope_for(user, Perm.PARTY_VIEW)
    above = Area.objects.filter(code__in=ancestor_codes(area.code)).order_by("code")
    base = reverse("party:coverage")
    return [(a.name, f"{base}?area={a.code}") for a in above if scope.covers(a.code)]


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    if isinstance(area, HttpResponse):
        return area
    figures = queries.coverage(area)
    child_level = CHILD_LEVEL.get(Level(area.level))
    chart = {
        "labels": [label for label, _n in figures.load],
        "values": [n for _label, n in figures.load],
        "name": _("党员人数"),
    }
    return render(
        request,
        "party/liaison/coverage.html",
        {
            "area": area,
            "figures": figures,
            "child_level": child_level,
            "chart": chart,
            "crumbs": _crumbs(request.user, area),
            "can_assign": area.level == Level.GRID and has_perm(request.user, Perm.PARTY_CHANGE, area),
        },
    )


def _grid_names(codes: set[str]) -> dict[str, str]:
    return dict(Area.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}


@login_required
def uncovered(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    if isinstance(area, HttpResponse):
        return area
    qs = queries.uncovered_households(request.user, area.code)
    page = keyset_rows(qs, household_page_rows, request.GET.get("after"))
    context = {
        "area": area,
        "page": page,
        "grids": _grid_names({row["area_code"] for row in page["items"]}),
        "crumbs": [*_crumbs(request.user, area), (area.name, _coverage_url(area))],
    }
    template = "party/liaison/uncovered_rows.html" if _htmx(request) else "party/liaison/uncovered.html"
    return render(request, template, context)


def _coverage_url(area: Area) -> str:
    return f"{reverse('party:coverage')}?area={area.code}"


@login_required
def idle_members(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    if isinstance(area, HttpResponse):
        return area
    qs = queries.members_without_household(request.user, area.code)
    page = keyset_page(qs, request.GET.get("after"))
    context = {
        "area": area,
        "page": page,
        "grids": _grid_names({m.home_area_code for m in page.items if m.home_area_code}),
        "crumbs": [*_crumbs(request.user, area), (area.name, _coverage_url(area))],
    }
    template = "party/liaison/idle_rows.html" if _htmx(request) else "party/liaison/idle_members.html"
    return render(request, template, context)


# ---- the grid and its assignment ------------------------------------------------------------


def _grid(request: HttpRequest, code: str) -> tuple[Area, Organisation | None]:
    """A grid the user sees by place, or through its branch (a branch secretary)."""
    grid = Area.objects.filter(code=code, level=Level.GRID).first()
    if grid is None:
        raise Http404
    branch = queries.grid_branch(request.user, grid)
    if branch is None and not has_perm(request.user, Perm.PARTY_VIEW, grid):
        raise Http404
    return grid, branch


@login_required
def grid(request: HttpRequest, code: str) -> HttpResponse:
    area, branch = _grid(request, code)
    user = request.user
    can_change = has_perm(user, Perm.PARTY_CHANGE, area)
    drafts = (
        list(AssignmentProposal.objects.visible_to(user).filter(grid=area, status=ProposalStatus.DRAFT)[:5])
        if can_change
        else []
    )
    return render(
        request,
        "party/liaison/grid.html",
        {
            "area": area,
            "branch": branch,
            "secretary": services.secretary_of(branch) if branch else None,
            "members": list(queries.grid_members(user, area, branch)),
            "centrals": list(queries.central_households_in(user, branch)) if branch else [],
            "figures": queries.coverage(area),
            "can_change": can_change,
            "can_list": has_perm(user, Perm.PARTY_VIEW, area),
            "drafts": drafts,
        },
    )


class AssignForm(forms.Form):
    target = forms.IntegerField(
        label=gettext_lazy("每名党员联系户数"),
        min_value=1,
        max_value=50,
        initial=DEFAULT_TARGET,
        help_text=gettext_lazy("按此数量均衡分配，已达到的党员不再分配"),
    )
    cross_grid = forms.BooleanField(
        label=gettext_lazy("允许跨网格分配（本网格党员不足时，由本社区其他网格的党员联系）"), required=False
    )


@login_required
def assign(request: HttpRequest, code: str) -> HttpResponse:
    area, _branch = _grid(request, code)
    require(request.user, Perm.PARTY_CHANGE, area)
    form = AssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.propose_assignment(actor=request.user, grid=area, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("party:proposal", pk=proposal.pk)
    return render(
        request,
        "party/liaison/assign.html",
        {"area": area, "form": form, "figures": queries.coverage(area)},
    )


def _proposal(request: HttpRequest, pk: int) -> AssignmentProposal:
    return get_visible_or_404(
        AssignmentProposal.objects.select_related("grid", "created_by", "decided_by"), request.user, pk=pk
    )


@login_required
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposal grouped by member, nearest households first, each link excludable."""
    row = _proposal(request, pk)
    links = list(
        row.links.select_related("member", "household__building__estate", "household__head").order_by(
            "member__name",
            "member_id",
            "nearness",
            "household__building_id",
            "household__unit",
            "household__room",
        )
    )
    loads = queries.current_loads(list({link.member_id for link in links}))
    labels = {value: str(label) for value, label in Nearness.choices}
    groups = [
        {"member": items[0].member, "load": loads.get(member_id, 0), "links": items}
        for member_id, items in ((m, list(g)) for m, g in groupby(links, key=lambda link: link.member_id))
    ]
    return render(
        request,
        "party/liaison/proposal.html",
        {
            "proposal": row,
            "groups": groups,
            "proposed": len(links),
            "labels": labels,
            "draft": row.status == ProposalStatus.DRAFT,
        },
    )


def _excluded(request: HttpRequest) -> list[int]:
    return [int(v) for v in request.POST.getlist("exclude") if v.isdigit()]


@login_required
@require_POST
def proposal_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    row = _proposal(request, pk)
    try:
        linked, skipped = services.confirm_proposal(
            actor=request.user, proposal=row, excluded=_excluded(request)
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("party:proposal", pk=row.pk)
    text = _("已确认分配方案，新增联系户%(n)d户") % {"n": linked}
    if skipped:
        text += _("；%(n)d户已在此期间由他人联系或党员已离册，未分配") % {"n": skipped}
    messages.success(request, text)
    return redirect("party:grid", code=row.grid.code)


@login_required
@require_POST
def proposal_discard(request: HttpRequest, pk: int) -> HttpResponse:
    row = _proposal(request, pk)
    try:
        services.discard_proposal(actor=request.user, proposal=row)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("party:proposal", pk=row.pk)
    messages.success(request, _("已放弃该分配方案"))
    return redirect("party:grid", code=row.grid.code)


# ---- a household's liaison member ------------------------------------------------------------


class TelRedirect(HttpResponseRedirect):
    allowed_schemes = ["tel"]


@login_required
def call_liaison(request: HttpRequest, pk: int) -> HttpResponse:
    """Call the household's liaison member: the full number is never in a page; reaching it is
    an access to personal information and is written to the audit log (个人信息保护法)."""
    household = get_visible_or_404(households_for(request.user), request.user, pk=pk)
    link = queries.liaison_of(household)
    if link is None or not link.member.phone:
        raise Http404
    audit.record(request.user, Action.REVEAL, link.member, fields=["phone"], reason=_("联系联系户党员"))
    return TelRedirect(f"tel:{link.member.phone}")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("%(name)s（已联系%(n)d户）") % {"name": obj.name, "n": obj.load}


class LinkForm(forms.Form):
    member = MemberChoiceField(label=gettext_lazy("联系党员"), queryset=Member.objects.none())


@login_required
def link_household(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose (or change) the household's liaison member among the community's members."""
    household: Household = get_visible_or_404(households_for(request.user), request.user, pk=pk)
    require(request.user, Perm.PARTY_CHANGE, household)
    current = queries.liaison_of(household)
    form = LinkForm(request.POST or None)
    form.fields["member"].queryset = queries.linkable_members(request.user, household)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        member = form.cleaned_data["member"]
        try:
            services.link_household(
                actor=request.user, member=member, household=household, replace=current is not None
            )
        except ValidationError as exc:
            add_errors(form, exc, default_field="member")
        else:
            messages.success(request, _("已指定%(name)s联系本户") % {"name": member.name})
            return redirect("people:household", pk=household.pk)
    return render(
        request,
        "party/liaison/link_household.html",
        {"household": household, "current": current, "form": form},
    )


@login_required
@require_POST
def end_link(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_visible_or_404(LiaisonLink, request.user, pk=pk)
    try:
        services.end_link(actor=request.user, link=link)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已结束联系"))
    return redirect("people:household", pk=link.household_id)
