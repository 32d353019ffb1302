"""Roster API: upload a workbook (a job), follow its status, import its valid rows, export.

Mounted by jiceng/api.py at /api/v1/rosters/.
"""

import datetime
import io
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from jiceng.rosters import exports, services

router = Router(tags=["rosters"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
API_ERRORS = 500


class RowErrorOut(Schema):
    sheet: str
    row: int
    column: str
    message: str


class JobOut(Schema):
    id: UUID
    kind: str
    file_name: str
    status: str
    total_rows: int
    progress: int
    percent: int
    valid_rows: int
    error_rows: int
    error_count: int
    errors: list[RowErrorOut]
    created: dict[str, int]
    skipped_rows: list[int]
    message: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_error_count(obj: Any) -> int:
        return len(obj.errors)

    @staticmethod
    def resolve_errors(obj: Any) -> list[dict[str, Any]]:
        return list(obj.errors[:API_ERRORS])

    @staticmethod
    def resolve_created(obj: Any) -> dict[str, int]:
        return dict(obj.created_counts)


class ExportIn(Schema):
    kind: str
    area: str = ""
    q: str = ""
    purpose: str = ""
    reveal: bool = False


def _file(data: Any, name: str) -> FileResponse:
    return FileResponse(data, as_attachment=True, filename=name, content_type=XLSX)


@router.get("/templates/{kind}")
def template(request: HttpRequest, kind: str) -> Any:
    """The blank .xlsx template of a roster (buildings, households, residents)."""
    try:
        data = services.template_workbook(actor=request.user, kind=kind)
    except ValidationError:
        raise Http404 from None
    return _file(io.BytesIO(data), services.download_name(kind, _("模板")))


@router.post("/jobs", response={201: JobOut})
def upload(
    request: HttpRequest, kind: Form[str], file: File[UploadedFile], check_only: Form[bool] = False
) -> Any:
    """Upload a filled template; small files are validated (and imported if all rows pass) at once,
    large ones in the worker: poll the job until its status is done, failed or ready."""
    job = services.start_import(
        actor=request.user, kind=kind, file_name=file.name or "", data=file.read(), check_only=check_only
    )
    return Status(201, job)


@router.get("/jobs/{pk}", response=JobOut)
def job_status(request: HttpRequest, pk: UUID) -> Any:
    return services.get_job(request.user, pk)


@router.post("/jobs/{pk}/import-valid", response=JobOut)
def import_valid(request: HttpRequest, pk: UUID) -> Any:
    """Write only the rows without errors (one transaction) and list the skipped rows."""
    return services.import_valid_rows(actor=request.user, job=services.get_job(request.user, pk))


@router.post("/jobs/{pk}/confirm", response=JobOut)
def confirm(request: HttpRequest, pk: UUID) -> Any:
    """Import a job uploaded with check_only once its rows all passed."""
    return services.confirm_import(actor=request.user, job=services.get_job(request.user, pk))


@router.get("/jobs/{pk}/error-report")
def error_report(request: HttpRequest, pk: UUID) -> Any:
    job = services.get_job(request.user, pk, with_data=True)
    return _file(io.BytesIO(services.error_report(job)), services.download_name(job.kind, _("错误报告")))


@router.post("/export")
def export(request: HttpRequest, data: ExportIn) -> Any:
    """Download a roster as .xlsx; numbers masked unless `reveal` (needs permission and a purpose)."""
    result = exports.export_roster(actor=request.user, **data.dict())
    return _file(result.file, result.file_name)
