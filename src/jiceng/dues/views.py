"""Pages of party dues: the monthly ledger, a member's dues, the collection report and its export."""

import datetime
import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm, require
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.common.scoping import get_visible_or_404
from jiceng.dues import queries, services
from jiceng.dues.forms import AssessForm, ExtraForm, HardshipForm, PayForm, PeriodForm
from jiceng.dues.models import Assessment, ExtraPayment, Hardship
from jiceng.dues.services import month_start
from jiceng.party.models import Member, Organisation


def _organisations(user: Any) -> Any:
    return Organisation.objects.visible_to(user, Perm.ORGLIFE_VIEW).filter(active=True).order_by("path")


def _organisation(user: Any, pk: Any) -> Organisation:
    try:
        return _organisations(user).get(pk=pk)
    except (Organisation.DoesNotExist, ValueError):
        raise Http404 from None


def _member(user: Any, pk: int) -> Member:
    """A member whose dues the user may see (organisational-life scope, or themselves)."""
    try:
        return (
            Member.objects.visible_to(user, Perm.ORGLIFE_VIEW)
            .select_related("organisation")
            .get(pk=pk, active=True)
        )
    except Member.DoesNotExist:
        raise Http404 from None


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _month(text: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return month_start(default)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """One organisation's ledger for a month; a member without any organisation in view goes to
    their own dues."""
    require(request.user, Perm.ORGLIFE_VIEW)
    organisations = list(_organisations(request.user))
    if not organisations:
        own = Member.objects.filter(
            resident_id=getattr(request.user, "resident_id", None) or 0, active=True
        ).first()
        if own is None:
            raise Http404
        return redirect("dues:member", pk=own.pk)
    chosen = request.GET.get("organisation")
    organisation = _organisation(request.user, chosen) if chosen else organisations[0]
    today = timezone.localdate()
    month = _month(request.GET.get("month"), today)
    lines = queries.ledger(queries.members_of(organisation), month, today)
    context = {
        "organisations": organisations,
        "organisation": organisation,
        "month": month,
        "lines": lines,
        "due_total": sum((line.due for line in lines if line.due is not None), 0),
        "paid_total": sum((line.paid.amount for line in lines if line.paid is not None), 0),
        "can_manage": has_perm(request.user, Perm.ORGLIFE_MANAGE, organisation),
        "pay_form": PayForm(initial={"month": month}),
    }
    return render(request, "dues/index.html", context)


@login_required
@require_POST
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Record one month's dues of the ticked members, all or none."""
    organisation = _organisation(request.user, pk)
    form = PayForm(request.POST)
    back = reverse("dues:index") + f"?organisation={organisation.pk}&month={request.POST.get('month', '')}"
    if not form.is_valid():
        messages.error(request, _("请填写所属月份、方式和交纳日期"))
        return redirect(back)
    ids = [int(v) for v in request.POST.getlist("member") if v.isdigit()]
    members = list(
        Member.objects.filter(
            pk__in=ids, active=True, organisation__path__startswith=organisation.path
        ).select_related("organisation")
    )
    if not members:
        messages.error(request, _("请勾选交纳党费的党员"))
        return redirect(back)
    try:
        done = services.record_payments(actor=request.user, members=members, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已记录%(n)d名党员的党费") % {"n": len(done)})
    return redirect(back)


@login_required
def member(request: HttpRequest, pk: int) -> HttpResponse:
    row = _member(request.user, pk)
    today = timezone.localdate()
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdigit() and 2000 <= int(asked) <= today.year + 1 else today.year
    can_manage = has_perm(request.user, Perm.ORGLIFE_MANAGE, row)
    own = row.resident_id is not None and row.resident_id == getattr(request.user, "resident_id", None)
    assessments = list(Assessment.objects.filter(member=row).order_by("-effective_from", "-id"))
    parent = row.organisation.parent
    context = {
        "member": row,
        "year": year,
        "months": queries.member_months(row, year, today),
        "summary": queries.member_year_summary(row, year),
        "assessments": assessments,
        "show_base": can_manage or own,
        "can_manage": can_manage,
        "can_approve": parent is not None and has_perm(request.user, Perm.ORGLIFE_MANAGE, parent),
        "extras": list(ExtraPayment.objects.filter(member=row).order_by("-paid_on")[:20]),
        "assess_form": AssessForm(),
        "extra_form": ExtraForm(),
        "hardship_form": HardshipForm(),
        "reviewed": Hardship.REVIEWED,
        "crumbs": [(_("党费"), reverse("dues:index"))],
    }
    return render(request, "dues/member.html", context)


@login_required
@require_POST
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    row = _member(request.user, pk)
    form = AssessForm(request.POST)
    if form.is_valid():
        try:
            services.assess(actor=request.user, member=row, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("党费已核定"))
    else:
        messages.error(request, _("请完整填写核定信息"))
    return redirect("dues:member", pk=row.pk)


@login_required
@require_POST
def extra(request: HttpRequest, pk: int) -> HttpResponse:
    row = _member(request.user, pk)
    form = ExtraForm(request.POST)
    if form.is_valid():
        try:
            done = services.record_extra(actor=request.user, member=row, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request, _("已记录自愿多交党费，全额上缴中央") if done.to_centre else _("已记录自愿多交党费")
            )
    else:
        messages.error(request, _("请填写金额、方式和日期"))
    return redirect("dues:member", pk=row.pk)


@login_required
@require_POST
def hardship(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_visible_or_404(
        Assessment.objects.select_related("member__organisation"), request.user, pk=pk
    )
    try:
        if request.POST.get("action") == "approve":
            services.approve_hardship(actor=request.user, assessment=assessment)
            messages.success(request, _("困难减免已批准"))
        else:
            form = HardshipForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写减免后金额和困难情况"))
            services.review_hardship(actor=request.user, assessment=assessment, **form.cleaned_data)
            messages.success(request, _("支部已审核，待上级党委批准"))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("dues:member", pk=assessment.member_id)


@login_required
def report(request: HttpRequest) -> HttpResponse | FileResponse:
    """The collection report of an organisation for a period, on the page or as .xlsx."""
    require(request.user, Perm.ORGLIFE_VIEW)
    organisations = list(_organisations(request.user))
    if not organisations:
        raise Http404
    chosen = request.GET.get("organisation")
    organisation = _organisation(request.user, chosen) if chosen else organisations[0]
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial={"first": datetime.date(today.year, 1, 1), "last": today})
    first, last = datetime.date(today.year, 1, 1), month_start(today)
    if form.is_valid():
        first, last = month_start(form.cleaned_data["first"]), month_start(form.cleaned_data["last"])
    result = queries.collection(organisation, first, last, today)
    if request.GET.get("format") == "xlsx":
        require(request.user, Perm.PARTY_EXPORT, organisation)
        return _report_xlsx(request, result, first, last)
    context = {
        "organisations": organisations,
        "organisation": organisation,
        "result": result,
        "form": form,
        "first": first,
        "last": last,
    }
    return render(request, "dues/report.html", context)


def _report_xlsx(
    request: HttpRequest, result: queries.Collection, first: datetime.date, last: datetime.date
) -> FileResponse:
    wb = Workbook(write_only=True)
    ws: Any = wb.create_sheet(_("党费收缴情况"))
    ws.append(
        [
            _("党组织"),
            _("期间"),
            _("党员人数"),
            _("应交（元）"),
            _("实交（元）"),
            _("收缴率"),
            _("自愿多交（元）"),
            _("其中上缴中央（元）"),
        ]
    )
    rate = f"{result.rate * 100:.1f}%" if result.rate is not None else "-"
    ws.append(
        [
            result.organisation.name,
            f"{first:%Y-%m}—{last:%Y-%m}",
            result.members,
            float(result.due),
            float(result.collected),
            rate,
            float(result.extra),
            float(result.to_centre),
        ]
    )
    ws.append([])
    ws.append([_("欠交党员"), _("欠交月份"), _("连续6个月未交")])
    for line in result.in_arrears:
        ws.append(
            [line.member.name, "、".join(f"{m:%Y-%m}" for m in line.arrears), _("是") if line.flagged else ""]
        )
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    wb.save(out)
    out.seek(0)
    audit.record(
        request.user,
        Action.EXPORT,
        result.organisation,
        object_type="dues.report",
        reason=f"{first:%Y-%m}—{last:%Y-%m}",
    )
    return FileResponse(
        out, as_attachment=True, filename=f"{result.organisation.name}党费收缴{first:%Y%m}-{last:%Y%m}.xlsx"
    )
