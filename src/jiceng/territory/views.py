"""The territory browser: district → street → community → grid → building, within one's scope."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm, require
from jiceng.common.forms import add_errors
from jiceng.common.scoping import get_visible_or_404
from jiceng.people.queries import households_for
from jiceng.territory import queries, services
from jiceng.territory.forms import AreaForm, BuildingForm, EstateForm
from jiceng.territory.models import CHILD_LEVEL, CODE_LENGTH, Area, Building, Estate, Level, ancestor_codes


def _crumbs(area: Area, include_self: bool = False) -> list[tuple[str, str]]:
    codes = ancestor_codes(area.code) + ([area.code] if include_self else [])
    above = Area.objects.filter(code__in=codes).order_by("code")
    return [(a.name, reverse("territory:area", args=[a.code])) for a in above]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.TERRITORY_VIEW)
    roots = list(queries.scope_roots(request.user))
    if len(roots) == 1:
        return redirect("territory:area", code=roots[0].code)
    return render(request, "territory/index.html", {"roots": roots})


@login_required
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    area = get_visible_or_404(Area, request.user, code=code)
    user = request.user
    if not has_perm(user, Perm.TERRITORY_VIEW, area):
        # An ancestor of the user's own area: visible by name, not browsable.
        return redirect("territory:index")
    context: dict = {
        "area": area,
        "crumbs": _crumbs(area),
        "can_change": has_perm(user, Perm.TERRITORY_CHANGE, area),
    }
    child_level = CHILD_LEVEL.get(Level(area.level))
    if child_level:
        children = list(Area.objects.visible_to(user).filter(parent=area).order_by("code"))
        counts = queries.child_counts(area.code, CODE_LENGTH[child_level], user)
        context.update(children=children, counts=counts, child_level=child_level)
    if area.level == Level.COMMUNITY:
        context["estates"] = queries.estates_in(user, area)
    if area.level == Level.GRID:
        context["buildings"] = queries.buildings_in(user, area)
        context["boundary"] = json.dumps(area.boundary) if area.boundary else ""
    return render(request, "territory/area.html", context)


@login_required
def area_new(request: HttpRequest, code: str) -> HttpResponse:
    parent = get_visible_or_404(Area, request.user, code=code)
    require(request.user, Perm.TERRITORY_CHANGE, parent)
    form = AreaForm(request.POST or None, initial={"code": parent.code})
    if request.method == "POST" and form.is_valid():
        try:
            area = services.create_area(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已新增%(name)s") % {"name": area.name})
            return redirect("territory:area", code=area.code)
    level = CHILD_LEVEL.get(Level(parent.level))
    return render(
        request,
        "territory/form.html",
        {
            "form": form,
            "title": _("在%(parent)s下新增%(level)s")
            % {"parent": parent.name, "level": level.label if level else ""},
            "crumbs": _crumbs(parent, include_self=True),
        },
    )


@login_required
def area_edit(request: HttpRequest, code: str) -> HttpResponse:
    area = get_visible_or_404(Area, request.user, code=code)
    require(request.user, Perm.TERRITORY_CHANGE, area)
    initial = {
        "code": area.code,
        "name": area.name,
        "boundary": json.dumps(area.boundary, ensure_ascii=False) if area.boundary else "",
    }
    form = AreaForm(request.POST or None, initial=initial)
    form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.update_area(
                actor=request.user,
                area=area,
                name=form.cleaned_data["name"],
                boundary=form.cleaned_data["boundary"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("territory:area", code=area.code)
    return render(
        request,
        "territory/form.html",
        {"form": form, "title": _("编辑%(name)s") % {"name": area.name}, "crumbs": _crumbs(area)},
    )


@login_required
def estate_new(request: HttpRequest, code: str) -> HttpResponse:
    community = get_visible_or_404(Area, request.user, code=code, level=Level.COMMUNITY)
    require(request.user, Perm.TERRITORY_CHANGE, community)
    form = EstateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_estate(actor=request.user, community=community, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已新增小区"))
            return redirect("territory:area", code=community.code)
    return render(
        request, "territory/form.html", {"form": form, "title": _("新增小区"), "crumbs": _crumbs(community)}
    )


@login_required
def estate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    estate = get_visible_or_404(Estate, request.user, pk=pk)
    require(request.user, Perm.TERRITORY_CHANGE, estate)
    form = EstateForm.for_estate(estate, request.POST)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_estate(actor=request.user, estate=estate, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("territory:area", code=estate.area_code)
    return render(request, "territory/form.html", {"form": form, "title": estate.name, "crumbs": []})


@login_required
def building_new(request: HttpRequest, code: str) -> HttpResponse:
    grid = get_visible_or_404(Area, request.user, code=code, level=Level.GRID)
    require(request.user, Perm.TERRITORY_CHANGE, grid)
    form = BuildingForm(request.POST or None)
    del form.fields["grid"]  # the building goes into this grid
    form.fields["estate"].queryset = Estate.objects.filter(community_id=grid.parent_id)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            services.create_building(actor=request.user, grid=grid, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已新增楼栋"))
            return redirect("territory:area", code=grid.code)
    return render(
        request,
        "territory/form.html",
        {"form": form, "title": _("新增楼栋"), "crumbs": _crumbs(grid, include_self=True)},
    )


@login_required
def building_edit(request: HttpRequest, pk: int) -> HttpResponse:
    building = get_visible_or_404(Building.objects.select_related("estate", "grid"), request.user, pk=pk)
    require(request.user, Perm.TERRITORY_CHANGE, building)
    fields = ("estate", "name", "units", "floors")
    form = BuildingForm(
        request.POST or None, initial={f: getattr(building, f) for f in fields} | {"grid": building.grid}
    )
    form.fields["estate"].queryset = Estate.objects.filter(community_id=building.grid.parent_id)  # type: ignore[attr-defined]
    form.fields["grid"].queryset = Area.objects.visible_to(request.user, Perm.TERRITORY_CHANGE).filter(  # type: ignore[attr-defined]
        parent_id=building.grid.parent_id, level=Level.GRID
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_building(actor=request.user, building=building, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("territory:building", pk=building.pk)
    return render(
        request,
        "territory/form.html",
        {"form": form, "title": _("编辑楼栋"), "crumbs": _crumbs(building.grid, include_self=True)},
    )


@login_required
def building_detail(request: HttpRequest, pk: int) -> HttpResponse:
    building = get_visible_or_404(Building.objects.select_related("estate", "grid"), request.user, pk=pk)
    households = households_for(request.user).filter(building=building).order_by("unit", "room")
    return render(
        request,
        "territory/building.html",
        {
            "building": building,
            "households": households,
            "crumbs": _crumbs(building.grid, include_self=True),
            "can_change_people": has_perm(request.user, Perm.PEOPLE_CHANGE, building),
        },
    )
