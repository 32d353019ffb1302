"""Roster pages: templates, upload, the job with its progress and errors, and export."""

import io
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.common.forms import add_errors
from jiceng.rosters import exports, registry, services
from jiceng.rosters.base import Roster
from jiceng.rosters.forms import ExportForm, UploadForm
from jiceng.rosters.models import RosterKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Errors listed on the page; the error report workbook has them all.
PAGE_ERRORS = 500


def _xlsx(data: bytes, file_name: str) -> FileResponse:
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=file_name, content_type=XLSX)


def _initial_kind(request: HttpRequest, rosters: list[Roster]) -> str:
    kinds = [r.kind for r in rosters]
    asked = request.GET.get("kind", RosterKind.RESIDENTS)
    return asked if asked in kinds else kinds[0]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The rosters the user may import (the party chain's only with party.import) and their jobs."""
    rosters = registry.importable(request.user)
    if not rosters:
        raise PermissionDenied(_("您没有权限执行此操作"))
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"kind": _initial_kind(request, rosters)},
        rosters=rosters,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.start_import(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                data=upload.read(),
                check_only=form.cleaned_data["check_only"],
            )
        except ValidationError as exc:
            add_errors(form, exc, default_field="file")
        else:
            return redirect("rosters:job", pk=job.pk)
    context = {
        "form": form,
        "rosters": [(r.kind, RosterKind(r.kind).label, r) for r in rosters],
        "jobs": services.recent_jobs(request.user),
        "can_export": bool(registry.exportable(request.user)),
    }
    return render(request, "rosters/index.html", context)


@login_required
def template_download(request: HttpRequest, kind: str) -> FileResponse:
    try:
        data = services.template_workbook(actor=request.user, kind=kind)
    except ValidationError:
        raise Http404 from None
    return _xlsx(data, services.download_name(kind, _("模板")))


def _job_context(request: HttpRequest, pk: UUID) -> dict[str, object]:
    job = services.get_job(request.user, pk)
    return {"job": job, "errors": job.errors[:PAGE_ERRORS], "more_errors": len(job.errors) > PAGE_ERRORS}


@login_required
def job_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    return render(request, "rosters/job.html", _job_context(request, pk))


@login_required
def job_progress(request: HttpRequest, pk: UUID) -> HttpResponse:
    """HTMX: the status card, polled every second while the job runs; the full page once it ends."""
    context = _job_context(request, pk)
    response = render(request, "rosters/partials/job_status.html", context)
    if not context["job"].is_running:  # type: ignore[attr-defined]
        response["HX-Refresh"] = "true"
    return response


@login_required
def job_error_report(request: HttpRequest, pk: UUID) -> HttpResponse | FileResponse:
    job = services.get_job(request.user, pk, with_data=True)
    try:
        data = services.error_report(job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("rosters:job", pk=job.pk)
    return _xlsx(data, services.download_name(job.kind, _("错误报告")))


@login_required
@require_POST
def job_import_valid(request: HttpRequest, pk: UUID) -> HttpResponse:
    job = services.get_job(request.user, pk)
    try:
        services.import_valid_rows(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("rosters:job", pk=job.pk)


@login_required
@require_POST
def job_confirm(request: HttpRequest, pk: UUID) -> HttpResponse:
    job = services.get_job(request.user, pk)
    try:
        services.confirm_import(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("rosters:job", pk=job.pk)


@login_required
def export(request: HttpRequest) -> HttpResponse | FileResponse:
    rosters = registry.exportable(request.user)
    if not rosters:
        raise PermissionDenied(_("您没有权限执行此操作"))
    form = ExportForm(
        request.POST or None, initial={"kind": _initial_kind(request, rosters)}, rosters=rosters
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = exports.export_roster(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("reveal", str(exc))
        else:
            return FileResponse(result.file, as_attachment=True, filename=result.file_name, content_type=XLSX)
    return render(request, "rosters/export.html", {"form": form})
