"""Pages of the community party school: courses, sessions and attendance, members' progress."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm, require
from jiceng.common.forms import add_errors
from jiceng.common.scoping import get_visible_or_404
from jiceng.party.models import Member, Organisation
from jiceng.training import documents, queries, services
from jiceng.training.forms import CourseForm, EnrolForm, RequirementForm, SessionForm
from jiceng.training.models import Course, Session


def _year(request: HttpRequest) -> int:
    asked = request.GET.get("year", "")
    this = timezone.localdate().year
    return int(asked) if asked.isdigit() and 2000 <= int(asked) <= this + 1 else this


def _organisations(user: Any, permission: str = Perm.ORGLIFE_VIEW) -> Any:
    return Organisation.objects.visible_to(user, permission).filter(active=True).order_by("path")


def _crumbs() -> list[tuple[str, str]]:
    return [(_("党校"), reverse("training:index"))]


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The year's courses in scope, by module; a member sees theirs and their progress."""
    require(request.user, Perm.ORGLIFE_VIEW)
    year = _year(request)
    courses = list(Course.objects.visible_to(request.user).filter(year=year).select_related("organisation"))
    own = (
        Member.objects.filter(resident_id=getattr(request.user, "resident_id", None) or 0, active=True)
        .select_related("organisation")
        .first()
    )
    context = {
        "year": year,
        "courses": courses,
        "own": queries.progress_of([own], year)[0] if own else None,
        "can_manage": _organisations(request.user, Perm.ORGLIFE_MANAGE).exists(),
        "organisations": list(_organisations(request.user)),
    }
    return render(request, "training/index.html", context)


@login_required
def course_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.ORGLIFE_MANAGE)
    form = CourseForm(request.POST or None, organisations=_organisations(request.user, Perm.ORGLIFE_MANAGE))
    if request.method == "POST" and form.is_valid():
        try:
            course = services.create_course(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("training:course", pk=course.pk)
    return render(request, "training/form.html", {"form": form, "title": _("新建课程"), "crumbs": _crumbs()})


@login_required
def course(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_visible_or_404(Course.objects.select_related("organisation"), request.user, pk=pk)
    can_manage = has_perm(request.user, Perm.ORGLIFE_MANAGE, row)
    enrolled = list(row.enrolments.select_related("member").order_by("member__name"))
    context = {
        "course": row,
        "sessions": list(row.sessions.all()),
        "enrolled": enrolled,
        "can_manage": can_manage,
        "session_form": SessionForm(),
        "enrol_form": EnrolForm(
            organisations=_organisations(request.user, Perm.ORGLIFE_MANAGE).filter(
                path__startswith=row.org_path
            )
        ),
        "crumbs": _crumbs(),
    }
    return render(request, "training/course.html", context)


@login_required
@require_POST
def session_new(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_visible_or_404(Course, request.user, pk=pk)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            services.add_session(actor=request.user, course=row, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("课次已添加"))
    else:
        messages.error(request, _("请填写时间、学时和授课人"))
    return redirect("training:course", pk=row.pk)


@login_required
@require_POST
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_visible_or_404(Course, request.user, pk=pk)
    form = EnrolForm(request.POST, organisations=_organisations(request.user, Perm.ORGLIFE_MANAGE))
    if form.is_valid():
        try:
            n = services.enrol(actor=request.user, course=row, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("新报名%(n)d人") % {"n": n})
    else:
        messages.error(request, _("请选择党组织"))
    return redirect("training:course", pk=row.pk)


@login_required
def session(request: HttpRequest, pk: int) -> HttpResponse:
    """A session's attendance: the enrolled members, ticked when present."""
    row = _session(request, pk)
    require(request.user, Perm.ORGLIFE_MANAGE, row.course)
    if request.method == "POST":
        try:
            present = [int(v) for v in request.POST.getlist("present")]
            n = services.record_attendance(actor=request.user, session=row, present=present)
        except ValueError:
            messages.error(request, _("出勤数据无效"))
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("已登记%(n)d人出席") % {"n": n})
            return redirect("training:course", pk=row.course_id)
    enrolled = list(row.course.enrolments.select_related("member").order_by("member__name"))
    ticked = set(row.attendances.values_list("member_id", flat=True))
    context = {"session": row, "enrolled": enrolled, "present": ticked, "crumbs": _crumbs()}
    return render(request, "training/session.html", context)


def _session(request: HttpRequest, pk: int) -> Session:
    row = Session.objects.select_related("course").filter(pk=pk).first()
    if row is None or not Course.objects.visible_to(request.user).filter(pk=row.course_id).exists():
        raise Http404
    return row


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation's members' hours this year against the requirement."""
    try:
        org = _organisations(request.user).get(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None
    year = _year(request)
    members = list(
        Member.objects.filter(active=True, organisation__path__startswith=org.path)
        .select_related("organisation")
        .order_by("name")
    )
    can_manage = has_perm(request.user, Perm.ORGLIFE_MANAGE, org)
    form = RequirementForm(request.POST or None, initial={"hours": queries.requirement_for(org, year)})
    if request.method == "POST":
        require(request.user, Perm.ORGLIFE_MANAGE, org)
        if form.is_valid():
            try:
                services.set_requirement(actor=request.user, organisation=org, year=year, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("学时要求已保存"))
                return redirect(reverse("training:progress", args=[org.pk]) + f"?year={year}")
    rows = queries.progress_of(members, year)
    context = {
        "organisation": org,
        "year": year,
        "rows": rows,
        "form": form,
        "can_manage": can_manage,
        "crumbs": _crumbs(),
    }
    return render(request, "training/progress.html", context)


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    year = _year(request)
    p = queries.progress_of([member], year)[0]
    if not p.complete:
        messages.error(
            request,
            _("%(name)s %(year)d年学时未达到要求或未完成“2+X”，不能颁发结业证书")
            % {"name": member.name, "year": year},
        )
        return redirect("training:index")
    root_pk = int(member.organisation.path.strip("/").split("/")[0])
    issuer = (
        Organisation.objects.filter(pk=root_pk).values_list("name", flat=True).first()
        or member.organisation.name
    )
    response = HttpResponse(documents.certificate_pdf(p, issuer), content_type="application/pdf")
    name = f"{member.name}{year}年党校结业证书.pdf"
    response["Content-Disposition"] = content_disposition_header(False, name) or "inline"
    return response


def _member(request: HttpRequest, pk: int) -> Member:
    """A member whose training the user may see: in the scope of orglife.view, or themselves."""
    row = Member.objects.select_related("organisation").filter(pk=pk, active=True).first()
    if row is None:
        raise Http404
    own = row.resident_id is not None and row.resident_id == getattr(request.user, "resident_id", None)
    if not own and not _organisations(request.user).filter(pk=row.organisation_id).exists():
        raise Http404
    return row
