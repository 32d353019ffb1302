"""Pages of membership development: the board, a new application, each person's file."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm, require
from jiceng.common.forms import add_errors
from jiceng.common.scoping import get_visible_or_404
from jiceng.development import queries, services
from jiceng.development.checklist import checklist
from jiceng.development.forms import STEPS, ApplyForm, make_form
from jiceng.development.models import Development, Stage
from jiceng.party.models import Organisation, OrgKind
from jiceng.people import queries as people_queries
from jiceng.people.models import Resident

SEARCH_RESULTS = 20


def _crumbs() -> list[tuple[str, str]]:
    return [(_("发展党员"), reverse("development:index"))]


def _branches(user: Any) -> Any:
    return (
        Organisation.objects.visible_to(user, Perm.ORGLIFE_MANAGE)
        .filter(active=True, kind__in=[OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE])
        .order_by("path")
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Who is at which stage and what each is due for."""
    require(request.user, Perm.ORGLIFE_VIEW)
    today = timezone.localdate()
    rows = queries.board(request.user, today)
    by_stage = [(s, [r for r in rows if r.dev.stage == s]) for s in Stage.values]
    context = {
        "by_stage": [(Stage(s).label, group) for s, group in by_stage if group],
        "total": len(rows),
        "overdue": sum(r.overdue for r in rows),
        "can_manage": _branches(request.user).exists(),
        "today": today,
    }
    return render(request, "development/index.html", context)


@login_required
def new(request: HttpRequest) -> HttpResponse:
    """Register an application: find the resident, then the branch and the date."""
    require(request.user, Perm.ORGLIFE_MANAGE)
    branches = _branches(request.user)
    resident = None
    if request.GET.get("resident") or request.POST.get("resident"):
        pk = request.GET.get("resident") or request.POST.get("resident")
        resident = get_visible_or_404(people_queries.residents_for(request.user), request.user, pk=pk)
    q = request.GET.get("q", "").strip()
    results = (
        list(
            people_queries.resident_page_rows(
                people_queries.search_residents(request.user, q)[:SEARCH_RESULTS]
            )
        )
        if q and resident is None
        else []
    )
    form = None
    if resident is not None:
        form = ApplyForm(
            request.POST or None,
            residents=Resident.objects.filter(pk=resident.pk),
            organisations=branches,
            initial={"resident": resident.pk},
        )
        if request.method == "POST" and form.is_valid():
            try:
                dev = services.apply(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已登记%(name)s的入党申请") % {"name": dev.name})
                return redirect("development:person", pk=dev.pk)
    context = {"q": q, "results": results, "resident": resident, "form": form, "crumbs": _crumbs()}
    return render(request, "development/new.html", context)


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    dev = get_visible_or_404(
        Development.objects.select_related("organisation", "member"), request.user, pk=pk
    )
    can_manage = has_perm(request.user, Perm.ORGLIFE_MANAGE, dev)
    steps = [s for s in STEPS.values() if dev.stage in s.stages] if can_manage else []
    context = {
        "dev": dev,
        "steps": [(s, make_form(s, dev)) for s in steps],
        "checklist": checklist(dev),
        "dues": queries.dues_of(dev, timezone.localdate()),
        "reports": list(dev.reports.all()),
        "reviews": list(dev.reviews.all()),
        "contacts": list(dev.contacts.all()),
        "introducers": list(dev.introducers.all()),
        "can_manage": can_manage,
        "crumbs": _crumbs(),
    }
    return render(request, "development/person.html", context)


@login_required
@require_POST
def step(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    dev = get_visible_or_404(
        Development.objects.select_related("organisation", "member"), request.user, pk=pk
    )
    chosen = STEPS.get(key)
    if chosen is None:
        raise Http404
    form = make_form(chosen, dev, request.POST)
    if form.is_valid():
        try:
            chosen.run(actor=request.user, dev=dev, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("%(step)s：已登记") % {"step": chosen.label})
            return redirect("development:person", pk=dev.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, f"{chosen.label}：{error}")
    return redirect("development:person", pk=dev.pk)


@login_required
@require_POST
def receive(request: HttpRequest, pk: int) -> HttpResponse:
    dev = get_visible_or_404(Development, request.user, pk=pk)
    try:
        services.mark_received(actor=request.user, dev=dev, kind=request.POST.get("kind", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("development:person", pk=dev.pk)
