"""Pages of 双报到: units and their figures, pairings, service posts, registrations and hours."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm, require
from jiceng.common.forms import add_errors
from jiceng.common.pagination import keyset_page
from jiceng.common.scoping import get_visible_or_404
from jiceng.units import queries, services
from jiceng.units.forms import (
    EndForm,
    PairingForm,
    PostEditForm,
    PostForm,
    PostsForm,
    RecordForm,
    RegisterForm,
    StaffRegisterForm,
    UnitEditForm,
    UnitForm,
)
from jiceng.units.models import InServiceRegistration, PairingStatus, UnitKind, hours_text

RECENT = 20


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _period(request: HttpRequest) -> queries.Period:
    return queries.Period.parse(request.GET.get("since"), request.GET.get("until"))


def _form_page(request: HttpRequest, form: Any, title: str, back: str = "") -> HttpResponse:
    return render(request, "units/form.html", {"form": form, "title": title, "back": back})


# ---- units ---------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Units of the user's area with their figures for the period, and each community's."""
    require(request.user, Perm.UNITS_MANAGE)
    period = _period(request)
    page = keyset_page(queries.units_for(request.user), request.GET.get("after"))
    figures = queries.unit_figures(request.user, period, [u.pk for u in page.items])
    rows = [(unit, figures.get(unit.pk, queries.Figures())) for unit in page.items]
    context = {
        "rows": rows,
        "page": page,
        "period": period,
        "kinds": dict(UnitKind.choices),
    }
    if _htmx(request):
        return render(request, "units/partials/unit_rows.html", context)
    context["communities"] = queries.community_figures(request.user, period)
    return render(request, "units/index.html", context)


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_visible_or_404(queries.units_for(request.user), request.user, pk=pk)
    period = _period(request)
    registrations = (
        queries.registrations_for(request.user, Perm.UNITS_MANAGE)
        .filter(work_unit=unit, ended_on__isnull=True)
        .prefetch_related("posts")
    )
    recent = queries.records_for(request.user, Perm.UNITS_MANAGE).filter(registration__work_unit=unit)[
        :RECENT
    ]
    return render(
        request,
        "units/unit.html",
        {
            "unit": unit,
            "period": period,
            "figures": queries.unit_figures(request.user, period, [unit.pk]).get(unit.pk, queries.Figures()),
            "pairings": queries.pairings_for(request.user).filter(unit=unit),
            "registrations": registrations[:200],
            "recent": recent,
            "can_change": has_perm(request.user, Perm.UNITS_MANAGE, unit),
            "end_form": EndForm(),
            "statuses": dict(PairingStatus.choices),
        },
    )


@login_required
def unit_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.UNITS_MANAGE)
    form = UnitForm(request.POST or None)
    form.fields["area"].queryset = queries.managing_areas_for(request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.create_unit(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已添加单位%(name)s") % {"name": unit.name})
            return redirect("units:unit", pk=unit.pk)
    return _form_page(request, form, _("添加下沉单位"))


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_visible_or_404(queries.units_for(request.user), request.user, pk=pk)
    require(request.user, Perm.UNITS_MANAGE, unit)
    fields = ("name", "kind", "contact_person", "office_phone", "address", "active")
    form = UnitEditForm(request.POST or None, initial={f: getattr(unit, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_unit(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("units:unit", pk=unit.pk)
    return _form_page(request, form, _("编辑单位") + f" · {unit.name}")


# ---- pairings ------------------------------------------------------------------------------


@login_required
def pairing_new(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_visible_or_404(queries.units_for(request.user), request.user, pk=pk)
    form = PairingForm(request.POST or None)
    form.fields["community"].queryset = queries.communities_for(request.user).filter(  # type: ignore[attr-defined]
        code__startswith=unit.area_code
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pair_unit(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已登记结对"))
            return redirect("units:unit", pk=unit.pk)
    return _form_page(request, form, _("结对社区") + f" · {unit.name}")


@login_required
@require_POST
def pairing_end(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_visible_or_404(queries.pairings_for(request.user), request.user, pk=pk)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.end_pairing(actor=request.user, pairing=pairing, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已结束与%(c)s的结对") % {"c": pairing.community.name})
    else:
        messages.error(request, _("请填写结束日期和原因"))
    return redirect("units:unit", pk=pairing.unit_id)


# ---- service posts -------------------------------------------------------------------------


@login_required
def posts(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.UNITS_MANAGE)
    area = request.GET.get("area", "")
    qs = queries.with_takers(queries.posts_for(request.user))
    if area:
        qs = qs.filter(area_code__startswith=area)
    context = {"page": keyset_page(qs, request.GET.get("after")), "area": area}
    template = "units/partials/post_rows.html" if _htmx(request) else "units/posts.html"
    return render(request, template, context)


def _post_units(user: Any) -> Any:
    return queries.units_for(user).filter(active=True).order_by("name")


@login_required
def post_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.UNITS_MANAGE)
    form = PostForm(request.POST or None)
    form.fields["community"].queryset = queries.communities_for(request.user)  # type: ignore[attr-defined]
    form.fields["unit"].queryset = _post_units(request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            post = services.create_post(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已添加岗位%(name)s") % {"name": post.name})
            return redirect(f"{reverse('units:posts')}?area={post.area_code}")
    return _form_page(request, form, _("添加服务岗位"))


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_visible_or_404(queries.posts_for(request.user), request.user, pk=pk)
    require(request.user, Perm.UNITS_MANAGE, post)
    fields = ("name", "capacity", "description", "unit", "active")
    form = PostEditForm(request.POST or None, initial={f: getattr(post, f) for f in fields})
    form.fields["unit"].queryset = _post_units(request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            services.update_post(actor=request.user, post=post, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect(f"{reverse('units:posts')}?area={post.area_code}")
    return _form_page(request, form, _("编辑岗位") + f" · {post.name}")


# ---- registrations -------------------------------------------------------------------------


@login_required
def registrations(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.UNITS_MANAGE)
    area = request.GET.get("area", "")
    qs = queries.registrations_for(request.user, Perm.UNITS_MANAGE).filter(ended_on__isnull=True)
    if area:
        qs = qs.filter(area_code__startswith=area)
    page = keyset_page(qs.prefetch_related("posts"), request.GET.get("after"))
    context = {"page": page, "area": area}
    template = "units/partials/registration_rows.html" if _htmx(request) else "units/registrations.html"
    return render(request, template, context)


@login_required
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_visible_or_404(queries.registrations_for(request.user), request.user, pk=pk)
    period = queries.Period.year_to_date()
    records = registration.records.select_related("post", "recorded_by")[:100]
    return render(
        request,
        "units/registration.html",
        {
            "registration": registration,
            "posts": registration.posts.all(),
            "records": records,
            "hours_this_year": hours_text(queries.member_hours([registration.pk], period)),
            "is_staff": has_perm(request.user, Perm.UNITS_MANAGE, registration),
            "end_form": EndForm(),
        },
    )


def _limit_register_form(form: RegisterForm, community: Any, units: Any) -> None:
    form.fields["work_unit"].queryset = units  # type: ignore[attr-defined]
    form.fields["posts"].queryset = queries.posts_open_to(community)  # type: ignore[attr-defined]


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """我要报到: an in-service member registers at the community where they live."""
    require(request.user, Perm.SERVICE_RECORD)
    member = queries.own_member(request.user)
    community = services.home_community(member) if member is not None else None
    current = (
        InServiceRegistration.objects.filter(member=member, ended_on__isnull=True).first() if member else None
    )
    if current is not None:
        messages.info(request, _("您已于%(d)s报到") % {"d": current.registered_on})
        return redirect("units:registration", pk=current.pk)
    form = RegisterForm(request.POST or None)
    if community is not None:
        _limit_register_form(form, community, queries.units_open_to(community).order_by("name"))
    if request.method == "POST" and member is not None and form.is_valid():
        try:
            registration = services.register(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("报到成功，欢迎您参与社区服务"))
            return redirect("units:registration", pk=registration.pk)
    return render(
        request,
        "units/register.html",
        {"form": form, "member": member, "community": community},
    )


@login_required
def registration_new(request: HttpRequest) -> HttpResponse:
    """Staff register an in-service member who lives in their community (e.g. from a paper form)."""
    require(request.user, Perm.UNITS_MANAGE)
    form = StaffRegisterForm(request.POST or None)
    form.fields["member"].queryset = queries.members_to_register(request.user)  # type: ignore[attr-defined]
    form.fields["work_unit"].queryset = queries.units_for(request.user).filter(active=True).order_by("name")  # type: ignore[attr-defined]
    form.fields["posts"].queryset = queries.with_takers(  # type: ignore[attr-defined]
        queries.posts_for(request.user).filter(active=True)
    ).order_by("area_code", "name")
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.register(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已为%(name)s登记报到") % {"name": registration.member.name})
            return redirect("units:registration", pk=registration.pk)
    return _form_page(request, form, _("登记在职党员报到"))


@login_required
def registration_posts(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_visible_or_404(queries.registrations_for(request.user), request.user, pk=pk)
    form = PostsForm(request.POST or None, initial={"posts": list(registration.posts.all())})
    form.fields["posts"].queryset = queries.posts_for_registration(registration)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            services.choose_posts(actor=request.user, registration=registration, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存认领的岗位"))
            return redirect("units:registration", pk=registration.pk)
    return _form_page(request, form, _("认领岗位") + f" · {registration.member.name}")


@login_required
@require_POST
def registration_end(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_visible_or_404(queries.registrations_for(request.user), request.user, pk=pk)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.end_registration(actor=request.user, registration=registration, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已结束报到"))
    else:
        messages.error(request, _("请填写结束日期和原因"))
    return redirect("units:registration", pk=registration.pk)


# ---- service hours -------------------------------------------------------------------------


@login_required
def record_new(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_visible_or_404(queries.registrations_for(request.user), request.user, pk=pk)
    form = RecordForm(request.POST or None, initial={"post": registration.posts.first()})
    form.fields["post"].queryset = queries.posts_for_registration(registration)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_service(
                actor=request.user, registration=registration, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("已记录%(d)s服务%(h)s小时") % {"d": record.served_on, "h": record.hours_text},
            )
            return redirect("units:registration", pk=registration.pk)
    return _form_page(request, form, _("记录服务时长") + f" · {registration.member.name}")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """A member's own registrations and service history, with this year's hours."""
    require(request.user, Perm.SERVICE_RECORD)
    period = queries.Period.year_to_date()
    own = list(queries.registrations_for(request.user, Perm.SERVICE_RECORD).order_by("-registered_on", "-pk"))
    records = queries.records_for(request.user, Perm.SERVICE_RECORD)[:200]
    return render(
        request,
        "units/mine.html",
        {
            "registrations": own,
            "current": next((r for r in own if r.is_current), None),
            "records": records,
            "hours_this_year": hours_text(queries.member_hours([r.pk for r in own], period)),
            "period": period,
        },
    )
