"""Pages for households and residents: search, lists, records, and recording moves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm, require
from jiceng.common.forms import add_errors
from jiceng.common.labels import labels
from jiceng.common.pagination import keyset_rows
from jiceng.common.scoping import get_visible_or_404
from jiceng.party import queries as party_queries
from jiceng.people import queries, services
from jiceng.people.forms import (
    CareTagForm,
    EndResidenceForm,
    HouseholdEditForm,
    HouseholdForm,
    MoveForm,
    ResidentEditForm,
    ResidentForm,
    RevealForm,
)
from jiceng.people.models import CURRENT_STATUSES, CareTag, Gender, HouseholdType, ResidenceStatus
from jiceng.people.search import page_rows as search_rows
from jiceng.territory.models import Building

SEARCH_LIMIT = 50


def _labels() -> dict[str, dict[str, str]]:
    """Choice labels, translated once a process and language (common/labels.py)."""
    return {
        "household_type": labels(HouseholdType),
        "gender": labels(Gender),
        "residence_status": labels(ResidenceStatus),
    }


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def search(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.PEOPLE_VIEW)
    text = request.GET.get("q", "").strip()
    former = request.GET.get("former") == "1"
    results = search_rows(request.user, text, former, SEARCH_LIMIT) if text else []
    context = {
        "q": text,
        "former": former,
        "results": results,
        "limited": len(results) == SEARCH_LIMIT,
        "labels": _labels(),
    }
    template = "people/partials/search_results.html" if _htmx(request) else "people/search.html"
    return render(request, template, context)


@login_required
def households(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.PEOPLE_VIEW)
    area = request.GET.get("area", "")
    qs = queries.households_for(request.user)
    if area:
        qs = qs.filter(area_code__startswith=area)
    page = keyset_rows(qs, queries.household_page_rows, request.GET.get("after"))
    context = {"page": page, "area": area, "labels": _labels()}
    template = "people/partials/household_rows.html" if _htmx(request) else "people/households.html"
    return render(request, template, context)


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(queries.households_for(request.user), request.user, pk=pk)
    members = queries.residents_for(request.user).filter(household=household).prefetch_related("care_tags")
    history = household.residence_records.select_related("resident").order_by("-moved_in_on", "-id")[:50]
    return render(
        request,
        "people/household.html",
        {
            "household": household,
            "members": members,
            "history": history,
            "can_change": has_perm(request.user, Perm.PEOPLE_CHANGE, household),
            "liaison": party_queries.liaison_of(household),
        },
    )


@login_required
def household_new(request: HttpRequest, building_pk: int) -> HttpResponse:
    building = get_visible_or_404(Building.objects.select_related("estate"), request.user, pk=building_pk)
    require(request.user, Perm.PEOPLE_CHANGE, building)
    form = HouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.create_household(actor=request.user, building=building, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已登记住户"))
            return redirect("people:household", pk=household.pk)
    return render(request, "people/form.html", {"form": form, "title": _("登记住户") + f" · {building}"})


@login_required
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(queries.households_for(request.user), request.user, pk=pk)
    require(request.user, Perm.PEOPLE_CHANGE, household)
    form = HouseholdEditForm(
        request.POST or None, initial={"household_type": household.household_type, "head": household.head}
    )
    form.fields["head"].queryset = household.residents.filter(residence_status__in=CURRENT_STATUSES)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            services.update_household(actor=request.user, household=household, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("people:household", pk=household.pk)
    return render(request, "people/form.html", {"form": form, "title": _("编辑住户") + f" · {household}"})


@login_required
def resident_move(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_visible_or_404(queries.residents_for(request.user), request.user, pk=pk)
    require(request.user, Perm.PEOPLE_CHANGE, resident)
    form = MoveForm(request.POST or None)
    form.fields["building"].queryset = (  # type: ignore[attr-defined]
        Building.objects.visible_to(request.user, Perm.PEOPLE_CHANGE).select_related("estate")
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = (
            queries.households_for(request.user)
            .filter(building=data["building"], unit=data["unit"], room=data["room"].strip())
            .first()
        )
        if target is None:
            form.add_error("room", _("该地址尚未登记住户，请先登记住户"))
        else:
            try:
                services.move_resident(actor=request.user, resident=resident, household=target, on=data["on"])
            except ValidationError as exc:
                add_errors(form, exc, default_field="room")
            else:
                messages.success(
                    request,
                    _("已登记%(name)s迁至%(address)s") % {"name": resident.name, "address": target.address},
                )
                return redirect("people:resident", pk=resident.pk)
    return render(request, "people/form.html", {"form": form, "title": _("户间迁移") + f" · {resident.name}"})


@login_required
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_visible_or_404(
        queries.residents_for(request.user).prefetch_related("care_tags"), request.user, pk=pk
    )
    records = resident.residence_records.select_related("household__building__estate")
    services.record_view(actor=request.user, resident=resident)
    return render(
        request,
        "people/resident.html",
        {
            "resident": resident,
            "records": records,
            "can_change": has_perm(request.user, Perm.PEOPLE_CHANGE, resident),
            "can_reveal": has_perm(request.user, Perm.PEOPLE_REVEAL, resident),
            "end_form": EndResidenceForm(),
        },
    )


@login_required
def resident_new(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = get_visible_or_404(queries.households_for(request.user), request.user, pk=household_pk)
    require(request.user, Perm.PEOPLE_CHANGE, household)
    form = ResidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            resident = services.register_resident(
                actor=request.user, household=household, care_tags=list(data.pop("care_tags")), **data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已登记居民%(name)s") % {"name": resident.name})
            return redirect("people:household", pk=household.pk)
    return render(request, "people/form.html", {"form": form, "title": _("登记居民") + f" · {household}"})


@login_required
def resident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_visible_or_404(queries.residents_for(request.user), request.user, pk=pk)
    require(request.user, Perm.PEOPLE_CHANGE, resident)
    fields = ("name", "ethnicity", "political_status", "relation_to_head", "residence_status", "moved_in_on")
    initial = {f: getattr(resident, f) for f in fields} | {"care_tags": list(resident.care_tags.all())}
    form = ResidentEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("id_number", "phone") or v}
        try:
            services.update_resident(
                actor=request.user, resident=resident, care_tags=list(data.pop("care_tags")), **data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("people:resident", pk=resident.pk)
    return render(request, "people/form.html", {"form": form, "title": _("编辑居民") + f" · {resident.name}"})


@login_required
@require_POST
def resident_end(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_visible_or_404(queries.residents_for(request.user), request.user, pk=pk)
    form = EndResidenceForm(request.POST)
    if form.is_valid():
        try:
            services.end_residence(actor=request.user, resident=resident, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已登记%(name)s迁出") % {"name": resident.name})
    else:
        messages.error(request, _("请填写日期"))
    return redirect("people:resident", pk=resident.pk)


@login_required
@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """HTMX: show one full number in place of its mask, after the user states a reason."""
    resident = get_visible_or_404(queries.residents_for(request.user), request.user, pk=pk)
    form = RevealForm(request.POST)
    value, error = "", ""
    if form.is_valid():
        try:
            value = services.reveal(actor=request.user, resident=resident, **form.cleaned_data)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("请说明查看完整信息的事由")
    masked = {"id_number": resident.id_number_masked, "phone": resident.phone_masked}.get(
        request.POST.get("field", "")
    )
    return render(
        request,
        "people/partials/reveal_field.html",
        {
            "value": value,
            "error": error,
            "field": request.POST.get("field", ""),
            "resident": resident,
            "masked": masked,
            "can_reveal": has_perm(request.user, Perm.PEOPLE_REVEAL, resident),
        },
    )


@login_required
def care_tags(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.SYSTEM_CONFIGURE)
    form = CareTagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_care_tag(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("people:care_tags")
    return render(request, "people/care_tags.html", {"form": form, "tags": CareTag.objects.all()})
