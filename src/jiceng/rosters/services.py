"""Roster imports and exports: every state change of an import job, and the audited export.

`import_rows` is the whole import in one call (read with calamine, validate every row with
lookup dictionaries built by a handful of queries, bulk insert in one transaction, audit); the
pages, the API, the `jiceng import` command, the background task and the benchmark all use it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.accounts.scope import require, scope_for
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.audit.services import Entry
from jiceng.dashboard import queries as figures
from jiceng.rosters import workbooks
from jiceng.rosters.base import Plan, Progress, RowError
from jiceng.rosters.models import ImportJob, JobStatus, RosterKind
from jiceng.rosters.registry import get_roster

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# Errors kept on a job: enough to fix a file; the error report carries them all the same way.
MAX_STORED_ERRORS = 20000
COUNT_LABELS = {
    "buildings": "楼栋",
    "households": "住户",
    "residents": "居民",
    "organisations": "党组织",
    "members": "党员",
    "links": "联系户",
}


@dataclass
class ImportResult:
    kind: str
    sheet: str = ""
    total_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    written: bool = False

    @property
    def error_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    def errors_as_dicts(self) -> list[dict[str, Any]]:
        return [e.as_dict(self.sheet) for e in self.errors]


def import_rows(
    user: Any,
    kind: str,
    source: str | Path | bytes,
    valid_only: bool = False,
    *,
    check_only: bool = False,
    label: str = "",
    progress: Progress | None = None,
    before_write: Callable[[], None] | None = None,
) -> ImportResult:
    """Import a roster workbook. Every row is validated before anything is written; nothing is
    written if any row fails, unless `valid_only`, which writes the valid rows and skips the
    others. All writes and their audit records go in one transaction."""
    roster = get_roster(kind)
    require(user, roster.import_permission)
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    sheet = roster.read(data)
    result = ImportResult(kind=kind, sheet=sheet.name, total_rows=len(sheet.rows))
    if not sheet.rows:
        raise ValidationError(_("工作表“%(sheet)s”中没有数据行") % {"sheet": sheet.name})
    plan = Plan()
    rows = roster.parse(sheet, plan.errors, progress)
    roster.check(user, sheet, rows, plan)
    plan.errors.sort(key=lambda e: (e.row, e.col or 0))
    result.errors = plan.errors
    if progress:
        progress(len(sheet.rows))
    if check_only or (plan.errors and not valid_only) or not plan.rows:
        return result
    if before_write:
        before_write()
    try:
        with transaction.atomic():
            created, entries = roster.write(user, plan)
            summary = "，".join(f"{COUNT_LABELS.get(k, k)} {n}" for k, n in created.items())
            entries.append(
                Entry(
                    Action.IMPORT,
                    object_type=f"rosters.{kind}",
                    object_id=label[:64],
                    object_repr=f"{RosterKind(kind).label} {label}：{summary}；跳过 {len(result.error_rows)} 行",
                    fields=sorted(created),
                )
            )
            audit.record_many(user, entries)
    except IntegrityError:
        # Another import or a page registered the same person or dwelling after validation.
        raise ValidationError(_("导入期间数据已被他人修改，未写入任何数据，请重新上传")) from None
    figures.invalidate(*scope_for(user, roster.import_permission).area_codes)
    result.created = created
    result.written = True
    return result


def start_import(
    *, actor: Any, kind: str, file_name: str, data: bytes, check_only: bool = False
) -> ImportJob:
    """Keep the upload as a job and validate it: inline for small files, in the worker (with a
    progress bar) for more than settings.IMPORT_INLINE_MAX_ROWS rows."""
    roster = get_roster(kind)
    require(actor, roster.import_permission)
    if not file_name.lower().endswith(".xlsx"):
        raise ValidationError({"file": _("请上传 .xlsx 格式的 Excel 文件（可先下载模板）")})
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("文件过大，请拆分后分批导入（每个文件不超过50MB）")})
    try:
        total = len(roster.read(data).rows)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    if total == 0:
        raise ValidationError({"file": _("文件中没有数据行")})
    job = ImportJob.objects.create(
        user=actor, kind=kind, file_name=file_name[-200:], data=data, total_rows=total, check_only=check_only
    )
    _dispatch(job)
    return job


def import_valid_rows(*, actor: Any, job: ImportJob) -> ImportJob:
    """The user's explicit choice “只导入正确的行”: validate again and write the valid rows."""
    require(actor, get_roster(job.kind).import_permission)
    if job.status != JobStatus.FAILED or job.valid_rows == 0:
        raise ValidationError(_("这个文件没有可以导入的正确行"))
    return _restart(job, valid_only=True)


def confirm_import(*, actor: Any, job: ImportJob) -> ImportJob:
    """Write a file that was only checked (status ready); it is validated again first."""
    require(actor, get_roster(job.kind).import_permission)
    if job.status != JobStatus.READY:
        raise ValidationError(_("这个文件不在待导入状态"))
    return _restart(job, valid_only=False)


def _restart(job: ImportJob, valid_only: bool) -> ImportJob:
    claimed = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
        status=JobStatus.PENDING, valid_only=valid_only, check_only=False, progress=0
    )
    if not claimed:  # a second click while the first runs
        raise ValidationError(_("这个文件正在处理中"))
    job.refresh_from_db()
    _dispatch(job)
    return job


def _dispatch(job: ImportJob) -> None:
    if job.total_rows > settings.IMPORT_INLINE_MAX_ROWS:
        from jiceng.rosters.tasks import run_import_job

        run_import_job(str(job.pk))
    else:
        run_job(job.pk)
    job.refresh_from_db()


def run_job(job_id: Any) -> None:
    """Validate and (unless told to stop or errors forbid it) import one job, recording progress."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    jobs = ImportJob.objects.filter(pk=job.pk)
    jobs.update(status=JobStatus.VALIDATING, progress=0, message="")

    def progress(n: int) -> None:
        jobs.update(progress=n)

    def before_write() -> None:
        jobs.update(status=JobStatus.IMPORTING)

    try:
        result = import_rows(
            job.user,
            job.kind,
            bytes(job.data),
            valid_only=job.valid_only,
            check_only=job.check_only,
            label=job.file_name,
            progress=progress,
            before_write=before_write,
        )
    except ValidationError as exc:
        jobs.update(
            status=JobStatus.FAILED, message="；".join(exc.messages)[:300], finished_at=timezone.now()
        )
        return
    except PermissionDenied as exc:  # the uploader lost the permission before the worker ran
        jobs.update(status=JobStatus.FAILED, message=str(exc)[:300], finished_at=timezone.now())
        return
    except Exception:
        # Never leave a job "running" for ever: its page would poll without end.
        jobs.update(status=JobStatus.FAILED, message=_("导入出错，未写入任何数据，请联系系统管理员"))
        raise
    if result.written:
        status = JobStatus.DONE
    elif result.errors:
        status = JobStatus.FAILED
    else:
        status = JobStatus.READY
    jobs.update(
        status=status,
        total_rows=result.total_rows,
        error_rows=len(result.error_rows),
        progress=result.total_rows,
        created_counts=result.created,
        errors=result.errors_as_dicts()[:MAX_STORED_ERRORS],
        skipped_rows=result.error_rows if result.written else [],
        finished_at=timezone.now() if status != JobStatus.READY else None,
    )


def get_job(user: Any, pk: Any, *, with_data: bool = False) -> ImportJob:
    """A user sees only their own jobs; anyone else's is simply not found."""
    qs = ImportJob.objects.all() if with_data else ImportJob.objects.defer("data")
    try:
        return qs.get(pk=pk, user_id=user.pk)
    except (ImportJob.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def recent_jobs(user: Any, limit: int = 20) -> list[ImportJob]:
    return list(ImportJob.objects.defer("data", "errors").filter(user_id=user.pk)[:limit])


def template_workbook(*, actor: Any, kind: str) -> bytes:
    roster = get_roster(kind)
    require(actor, roster.import_permission)
    return workbooks.template(roster)


def error_report(job: ImportJob) -> bytes:
    if not job.errors:
        raise ValidationError(_("这个文件没有错误"))
    return workbooks.error_report(bytes(job.data), job.errors)


def download_name(kind: str, suffix: str) -> str:
    return f"{RosterKind(kind).label}{suffix}.xlsx"
