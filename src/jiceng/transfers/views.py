"""Pages of transfers of organisational relations (组织关系转接)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from weasyprint import HTML

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm, require
from jiceng.common.forms import add_errors
from jiceng.common.scoping import get_visible_or_404
from jiceng.party.models import Member, Organisation
from jiceng.people.models import CURRENT_STATUSES, Resident
from jiceng.transfers import queries, services
from jiceng.transfers.forms import CloseForm, CompleteForm, InForm, OutForm
from jiceng.transfers.models import Direction, Status, Transfer


def _manageable(user: Any) -> Any:
    return Organisation.objects.visible_to(user, Perm.ORGLIFE_MANAGE).filter(active=True).order_by("path")


def _crumbs() -> list[tuple[str, str]]:
    return [(_("组织关系转接"), reverse("transfers:index"))]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.ORGLIFE_VIEW)
    status = request.GET.get("status", "")
    qs = Transfer.objects.visible_to(request.user).select_related("from_organisation", "to_organisation")
    if status in Status.values:
        qs = qs.filter(status=status)
    context = {
        "transfers": list(qs[:200]),
        "flagged": list(queries.to_transfer(request.user)[:200]),
        "statuses": Status.choices,
        "status": status,
        "can_manage": _manageable(request.user).exists(),
    }
    return render(request, "transfers/index.html", context)


@login_required
def new_out(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.ORGLIFE_MANAGE)
    members = (
        Member.objects.visible_to(request.user, Perm.ORGLIFE_MANAGE).filter(active=True).order_by("name")
    )
    initial = {"member": request.GET.get("member")} if request.GET.get("member") else {}
    form = OutForm(
        request.POST or None,
        members=members,
        organisations=Organisation.objects.filter(active=True).order_by("path"),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            row = services.transfer_out(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("介绍信已开具"))
            return redirect("transfers:transfer", pk=row.pk)
    return render(request, "transfers/form.html", {"form": form, "title": _("转出"), "crumbs": _crumbs()})


@login_required
def new_in(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.ORGLIFE_MANAGE)
    form = InForm(request.POST or None, organisations=_manageable(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            row = services.transfer_in(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("转入介绍信已登记"))
            return redirect("transfers:transfer", pk=row.pk)
    return render(request, "transfers/form.html", {"form": form, "title": _("转入"), "crumbs": _crumbs()})


def _incoming_residents(row: Transfer) -> Any:
    """For an incoming member: current residents of the receiving organisation's place with the
    same name who are not on the roll (register the resident first if there is none)."""
    if row.direction != Direction.INCOMING or row.to_organisation is None:
        return Resident.objects.none()
    return Resident.objects.filter(
        name=row.name,
        area_code__startswith=row.to_organisation.area_code[:12],
        residence_status__in=CURRENT_STATUSES,
        party_member__isnull=True,
    )


@login_required
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_visible_or_404(
        Transfer.objects.select_related("member", "from_organisation", "to_organisation"), request.user, pk=pk
    )
    receiving = row.to_organisation if row.direction != Direction.OUTGOING else None
    side = receiving or row.from_organisation
    context = {
        "transfer": row,
        "can_complete": row.status == Status.ISSUED
        and side is not None
        and has_perm(request.user, Perm.ORGLIFE_MANAGE, side),
        "can_close": row.status == Status.ISSUED and has_perm(request.user, Perm.ORGLIFE_MANAGE, row),
        "complete_form": CompleteForm(residents=_incoming_residents(row)),
        "close_form": CloseForm(),
        "incoming": row.direction == Direction.INCOMING,
        "crumbs": _crumbs(),
    }
    return render(request, "transfers/transfer.html", context)


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_visible_or_404(Transfer, request.user, pk=pk)
    form = CompleteForm(request.POST, residents=_incoming_residents(row))
    if form.is_valid():
        try:
            services.complete(actor=request.user, transfer=row, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("组织关系转接已完成"))
    else:
        messages.error(request, _("请填写完成日期"))
    return redirect("transfers:transfer", pk=row.pk)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_visible_or_404(Transfer, request.user, pk=pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.close(actor=request.user, transfer=row, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    else:
        messages.error(request, _("请选择处理方式并填写原因"))
    return redirect("transfers:transfer", pk=row.pk)


@login_required
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable introduction letter (党员组织关系介绍信) of an outgoing or internal transfer."""
    row = get_visible_or_404(
        Transfer.objects.select_related("member", "from_organisation", "to_organisation"), request.user, pk=pk
    )
    require(request.user, Perm.ORGLIFE_MANAGE, row)
    from jiceng.dues.models import Payment

    paid_until = (
        Payment.objects.filter(member=row.member).order_by("-month").values_list("month", flat=True).first()
        if row.member
        else None
    )
    html = render_to_string("transfers/letter.html", {"t": row, "paid_until": paid_until}, using="jinja2")
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(False, f"介绍信{row.letter_number}.pdf") or "inline"
    )
    return response
