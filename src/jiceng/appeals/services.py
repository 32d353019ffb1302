"""The appeal cycle. Each step is a service with its own permission, one transaction, an audit
record, a timeline event and notifications; an illegal step is refused with a clear message.

Concurrency: every change names the `version` of the appeal it was made on. The row is locked
(`SELECT … FOR UPDATE`) and a stale version is refused, naming who changed it and how, so when two
workers act on the same appeal exactly one succeeds and no update is lost.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.accounts.models import User
from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm, require, scope_for
from jiceng.appeals import duplicates, intake, routing
from jiceng.appeals.models import (
    OPEN_STATUSES,
    Appeal,
    AppealEvent,
    AppealKind,
    AppealPhoto,
    Category,
    EventKind,
    Helper,
    Rating,
    Status,
)
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.common import bulk, crypto
from jiceng.common.identity import normalize_phone
from jiceng.common.masking import mask_phone
from jiceng.notifications.services import notify
from jiceng.party import queries as party_queries
from jiceng.people.models import Household
from jiceng.territory.models import Area, Building
from jiceng.units.models import SinkingUnit
from jiceng.workdays import calendar

MAX_PHOTOS = 9
WARNING_SHARE = 0.8

# status → the statuses a step may move it to (GB/T 30428's cycle, with returns and reopening).
STEPS: dict[str, tuple[str, ...]] = {
    "accept": (Status.SUBMITTED,),
    "reject": (Status.SUBMITTED,),
    "merge": (Status.SUBMITTED, Status.ACCEPTED),
    "answer": (Status.SUBMITTED,),
    "dispatch": (Status.ACCEPTED,),
    "return": (Status.DISPATCHED, Status.IN_PROGRESS),
    "start": (Status.DISPATCHED,),
    "note": (Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.HANDLED),
    "handle": (Status.DISPATCHED, Status.IN_PROGRESS),
    "verify": (Status.HANDLED,),
    "close": (Status.VERIFIED,),
    "pause": (Status.DISPATCHED, Status.IN_PROGRESS),
}


def _now() -> datetime.datetime:
    return timezone.now()


def _locked(appeal: Appeal, version: int | None, step: str) -> Appeal:
    row = Appeal.objects.select_for_update().select_related("category").get(pk=appeal.pk)
    if version is not None and row.version != version:
        last = row.events.select_related("actor").order_by("-at", "-id").first()
        who = (last.actor.get_username() if last and last.actor else _("系统")) if last else _("他人")
        raise ValidationError(
            {
                "version": _("该诉求已被%(who)s%(what)s（%(when)s），请刷新后再操作")
                % {
                    "who": who,
                    "what": last.get_kind_display() if last else _("修改"),
                    "when": timezone.localtime(last.at).strftime("%H:%M:%S") if last else "",
                }
            }
        )
    allowed = STEPS.get(step)
    if allowed is not None and row.status not in allowed:
        raise ValidationError(
            {
                "status": _("诉求当前状态为“%(status)s”，不能%(step)s")
                % {"status": row.get_status_display(), "step": _STEP_NAMES[step]()}
            }
        )
    return row


_STEP_NAMES = {
    "accept": lambda: _("受理"),
    "reject": lambda: _("不予受理"),
    "merge": lambda: _("合并"),
    "answer": lambda: _("答复咨询"),
    "dispatch": lambda: _("派单"),
    "return": lambda: _("退单"),
    "start": lambda: _("开始办理"),
    "note": lambda: _("记录办理情况"),
    "handle": lambda: _("提交办理结果"),
    "verify": lambda: _("核查"),
    "close": lambda: _("办结"),
    "pause": lambda: _("暂停计时"),
}


def _save(
    row: Appeal, actor: Any, kind: str, fields: list[str], note: str = "", before: str = ""
) -> AppealEvent:
    row.version += 1
    row.save(update_fields=[*fields, "version", "updated_at"])
    event = AppealEvent.objects.create(
        appeal=row,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=before or row.status,
        to_status=row.status,
        note=note,
    )
    audit.record(actor, Action.UPDATE, row, fields=fields, reason=note[:200])
    return event


def _may_handle(actor: Any, row: Appeal) -> bool:
    """The assigned handler, a helper (协办), or anyone who handles appeals in the place."""
    if getattr(actor, "pk", None) and (row.handler_id == actor.pk or row.helpers.filter(user=actor).exists()):
        return True
    return has_perm(actor, Perm.APPEALS_HANDLE, row)


def _require_handler(actor: Any, row: Appeal) -> None:
    if not _may_handle(actor, row):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("您不是该诉求的承办人"))


def attach_photos(row: Appeal, event: AppealEvent | None, actor: Any, photos: Iterable[Any]) -> None:
    files = list(photos)
    if not files:
        return
    if row.photos.count() + len(files) > MAX_PHOTOS:
        raise ValidationError({"photos": _("每件诉求最多%(n)d张照片") % {"n": MAX_PHOTOS}})
    for f in files:
        AppealPhoto.objects.create(
            appeal=row, event=event, image=f, uploaded_by=actor if getattr(actor, "pk", None) else None
        )


# ---- intake ----------------------------------------------------------------------------------


@transaction.atomic
def submit(
    *,
    actor: Any,
    channel: str,
    category: Category,
    text: str,
    kind: str = AppealKind.APPEAL,
    household: Household | None = None,
    building: Building | None = None,
    area: Area | None = None,
    address: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    anonymous: bool = False,
    photos: Iterable[Any] = (),
    point: tuple[Decimal, Decimal] | None = None,
) -> Appeal:
    """Take in an appeal or consultation from any channel. The place is the household, else the
    building, else an area (a grid or community) the actor works in; `point` is an optional map
    pin (latitude, longitude, WGS84)."""
    errors: dict[str, str] = {}
    text = text.strip()
    if len(text) < 5:
        errors["text"] = _("请把诉求写清楚（至少5个字）")
    if not category.active:
        errors["category"] = _("该类别已停用")
    if household is not None:
        building = household.building
    place: Any = household or building or area
    if place is None:
        errors["household"] = _("请选择诉求发生的住户、楼栋或网格")
    phone = ""
    if reporter_phone.strip():
        try:
            phone = normalize_phone(reporter_phone)
        except ValidationError as exc:
            errors["reporter_phone"] = exc.messages[0]
    if point is not None and not (
        all(p.is_finite() for p in point) and -90 <= point[0] <= 90 and -180 <= point[1] <= 180
    ):
        errors["latitude"] = _("地图标注的经纬度无效（纬度-90至90，经度-180至180）")
    if errors:
        raise ValidationError(errors)
    require(actor, Perm.APPEALS_SUBMIT, place)
    code = place.area_code if not isinstance(place, Area) else place.code
    key = bulk.next_key(Appeal)
    appeal = Appeal.objects.create(
        pk=key,
        number=_number(key) if key else f"T{timezone.localdate():%Y%m%d}",  # SQLite: set below
        kind=kind,
        channel=channel,
        category=category,
        text=text,
        keywords=" ".join(duplicates.keywords(text)),
        anonymous=anonymous,
        submitter=actor if getattr(actor, "pk", None) else None,
        reporter_name=reporter_name.strip()
        or (
            getattr(actor, "display_name", "") or actor.get_full_name() if getattr(actor, "pk", None) else ""
        ),
        reporter_phone=phone,
        reporter_phone_hash=crypto.lookup_hash(phone) if phone else "",
        reporter_phone_mask=mask_phone(phone),
        household=household,
        building=building,
        address=address.strip() or (str(household) if household else str(building) if building else ""),
        area_code=code,
        latitude=point[0].quantize(Decimal("0.000001")) if point else None,
        longitude=point[1].quantize(Decimal("0.000001")) if point else None,
        liaison_member_id=party_queries.liaison_member_id(household.pk) if household is not None else None,
    )
    if key is None:
        appeal.number = _number(appeal.pk)
        Appeal.objects.filter(pk=appeal.pk).update(number=appeal.number)
    attach_photos(appeal, None, actor, photos)
    # The timeline's first event, the audit record and the notifications: intake.py.
    intake.queue(appeal)
    return appeal


def _number(key: int) -> str:
    return f"JC{timezone.localdate():%Y%m%d}{key:06d}"


def takes_for_others(user: Any) -> bool:
    """Staff take appeals for anyone in their area; others raise their own."""
    return has_perm(user, Perm.APPEALS_HANDLE) and bool(scope_for(user, Perm.APPEALS_SUBMIT).area_codes)


# ---- acceptance ------------------------------------------------------------------------------


@transaction.atomic
def accept(*, actor: Any, appeal: Appeal, version: int) -> Appeal:
    require(actor, Perm.APPEALS_HANDLE, appeal)
    row = _locked(appeal, version, "accept")
    if row.kind == AppealKind.CONSULTATION:
        raise ValidationError({"status": _("咨询请直接答复")})
    before, row.status = row.status, Status.ACCEPTED
    _save(row, actor, EventKind.ACCEPTED, ["status"], before=before)
    notify([row.submitter], _("您的诉求%(n)s已受理") % {"n": row.number}, link=f"/appeals/{row.pk}/")
    return row


@transaction.atomic
def answer(*, actor: Any, appeal: Appeal, version: int, reply: str) -> Appeal:
    """A consultation (咨询) is answered and closed at once."""
    require(actor, Perm.APPEALS_HANDLE, appeal)
    row = _locked(appeal, version, "answer")
    if row.kind != AppealKind.CONSULTATION:
        raise ValidationError({"status": _("诉求需受理后派单办理")})
    if not reply.strip():
        raise ValidationError({"reply": _("请填写答复内容")})
    before = row.status
    row.status, row.result, row.closed_at = Status.CLOSED, reply.strip(), _now()
    _save(
        row, actor, EventKind.ANSWERED, ["status", "result", "closed_at"], note=reply.strip(), before=before
    )
    notify(
        [row.submitter],
        _("您的咨询%(n)s已答复") % {"n": row.number},
        body=reply[:200],
        link=f"/appeals/{row.pk}/",
    )
    return row


@transaction.atomic
def reject(*, actor: Any, appeal: Appeal, version: int, reason: str) -> Appeal:
    require(actor, Perm.APPEALS_HANDLE, appeal)
    if len(reason.strip()) < 2:
        raise ValidationError({"reason": _("请说明不予受理的理由")})
    row = _locked(appeal, version, "reject")
    before = row.status
    row.status, row.result, row.closed_at = Status.REJECTED, reason.strip(), _now()
    _save(
        row, actor, EventKind.REJECTED, ["status", "result", "closed_at"], note=reason.strip(), before=before
    )
    notify(
        [row.submitter],
        _("您的诉求%(n)s不予受理") % {"n": row.number},
        body=reason[:200],
        link=f"/appeals/{row.pk}/",
    )
    return row


@transaction.atomic
def merge(*, actor: Any, appeal: Appeal, version: int, into: Appeal) -> Appeal:
    """A duplicate of an open appeal is merged into it; its submitter follows the other one."""
    require(actor, Perm.APPEALS_HANDLE, appeal)
    require(actor, Perm.APPEALS_HANDLE, into)
    row = _locked(appeal, version, "merge")
    target = Appeal.objects.select_for_update().get(pk=into.pk)
    if target.pk == row.pk or not target.is_open or target.merged_into_id:
        raise ValidationError({"into": _("只能合并到另一件未办结的诉求")})
    before = row.status
    row.status, row.merged_into, row.closed_at = Status.MERGED, target, _now()
    _save(
        row,
        actor,
        EventKind.MERGED,
        ["status", "merged_into", "closed_at"],
        note=target.number,
        before=before,
    )
    AppealEvent.objects.create(appeal=target, kind=EventKind.MERGED, actor=actor, note=row.number)
    notify(
        [row.submitter],
        _("您的诉求%(n)s已并入%(m)s一并办理") % {"n": row.number, "m": target.number},
        link=f"/appeals/{target.pk}/",
    )
    return row


# ---- dispatch --------------------------------------------------------------------------------


@transaction.atomic
def dispatch(
    *,
    actor: Any,
    appeal: Appeal,
    version: int,
    handler_type: str | None = None,
    handler: User | None = None,
    unit: SinkingUnit | None = None,
    department: str = "",
    reason: str = "",
) -> Appeal:
    """Send the appeal to its handler: by default the route for its place and category; another
    choice (a manual override) needs a reason. The clock starts at the first dispatch."""
    require(actor, Perm.APPEALS_HANDLE, appeal)
    row = _locked(appeal, version, "dispatch")
    default = routing.route(row)
    chosen = routing.Route(handler_type or default.handler_type, handler, unit, department.strip())
    if handler_type is None and handler is None and unit is None and not department:
        chosen = default
    overridden = (
        chosen.handler_type,
        getattr(chosen.handler, "pk", None),
        getattr(chosen.unit, "pk", None),
        chosen.department,
    ) != (
        default.handler_type,
        getattr(default.handler, "pk", None),
        getattr(default.unit, "pk", None),
        default.department,
    )
    if overridden and len(reason.strip()) < 2:
        raise ValidationError({"reason": _("改派给非默认承办人，请说明理由")})
    if chosen.handler is None and chosen.unit is None and not chosen.department:
        raise ValidationError({"handler": _("没有找到承办人，请指定")})
    if chosen.handler is not None and not has_perm(chosen.handler, Perm.APPEALS_VIEW):
        raise ValidationError({"handler": _("%(user)s不能承办诉求") % {"user": chosen.handler}})
    now = _now()
    before = row.status
    row.status = Status.DISPATCHED
    row.handler_type, row.handler, row.handler_unit, row.handler_department = (
        chosen.handler_type,
        chosen.handler,
        chosen.unit,
        chosen.department,
    )
    fields = ["status", "handler_type", "handler", "handler_unit", "handler_department"]
    if row.dispatched_at is None:
        row.dispatched_at = now
        category = row.category
        row.response_due = calendar.due_after(now, category.response_limit, category.response_unit)
        row.resolution_due = calendar.due_after(now, category.resolution_limit, category.resolution_unit)
        fields += ["dispatched_at", "response_due", "resolution_due"]
    note = reason.strip() if overridden else ""
    _save(row, actor, EventKind.DISPATCHED, fields, note=note, before=before)
    notify(
        [chosen.handler],
        _("新派单：%(n)s %(c)s") % {"n": row.number, "c": row.category.name},
        body=row.text[:200],
        link=f"/appeals/{row.pk}/",
    )
    liaison_user = routing.user_of(row.liaison_member)
    if liaison_user is not None and liaison_user != chosen.handler:
        notify(
            [liaison_user],
            _("您联系的住户有诉求：%(n)s") % {"n": row.number},
            body=row.text[:200],
            link=f"/appeals/{row.pk}/",
        )
    return row


@transaction.atomic
def return_appeal(*, actor: Any, appeal: Appeal, version: int, reason: str) -> Appeal:
    """退单: the handler sends back an appeal outside their remit; it waits for re-dispatch."""
    row = _locked(appeal, version, "return")
    _require_handler(actor, row)
    if len(reason.strip()) < 2:
        raise ValidationError({"reason": _("请说明退单理由")})
    before = row.status
    row.status, row.handler = Status.ACCEPTED, None
    row.handler_unit, row.handler_department = None, ""
    _save(
        row,
        actor,
        EventKind.RETURNED,
        ["status", "handler", "handler_unit", "handler_department"],
        note=reason.strip(),
        before=before,
    )
    notify(
        routing.handlers_of_place(row.area_code),
        _("诉求%(n)s被退回，请重新派单") % {"n": row.number},
        body=reason[:200],
        link=f"/appeals/{row.pk}/",
    )
    return row


@transaction.atomic
def add_helper(
    *, actor: Any, appeal: Appeal, user: User | None = None, unit: SinkingUnit | None = None
) -> Helper:
    """协办: another worker or unit joins the handling."""
    row = Appeal.objects.select_for_update().get(pk=appeal.pk)
    _require_handler(actor, row)
    if (user is None) == (unit is None):
        raise ValidationError({"helper": _("请选择一名协办人或一个协办单位")})
    if not row.is_open:
        raise ValidationError({"status": _("诉求已办结")})
    helper = Helper.objects.create(appeal=row, user=user, unit=unit)
    AppealEvent.objects.create(appeal=row, kind=EventKind.JOINED, actor=actor, note=str(user or unit))
    audit.record(actor, Action.UPDATE, row, fields=["helpers"])
    notify([user], _("请协办诉求%(n)s") % {"n": row.number}, link=f"/appeals/{row.pk}/")
    return helper


# ---- handling --------------------------------------------------------------------------------


@transaction.atomic
def start(*, actor: Any, appeal: Appeal, version: int) -> Appeal:
    """The handler takes it up: this is the response the response rate counts."""
    row = _locked(appeal, version, "start")
    _require_handler(actor, row)
    before, row.status = row.status, Status.IN_PROGRESS
    fields = ["status"]
    if row.responded_at is None:
        row.responded_at = _now()
        fields.append("responded_at")
    _save(row, actor, EventKind.STARTED, fields, before=before)
    return row


@transaction.atomic
def add_note(*, actor: Any, appeal: Appeal, text: str, photos: Iterable[Any] = ()) -> AppealEvent:
    row = _locked(appeal, None, "note")
    _require_handler(actor, row)
    files = list(photos)
    if not text.strip() and not files:
        raise ValidationError({"text": _("请填写办理情况或上传照片")})
    event = AppealEvent.objects.create(
        appeal=row,
        kind=EventKind.NOTE,
        actor=actor,
        note=text.strip(),
        from_status=row.status,
        to_status=row.status,
    )
    attach_photos(row, event, actor, files)
    audit.record(actor, Action.UPDATE, row, fields=["events", *(["photos"] if files else [])])
    return event


@transaction.atomic
def handle(*, actor: Any, appeal: Appeal, version: int, result: str, photos: Iterable[Any] = ()) -> Appeal:
    row = _locked(appeal, version, "handle")
    _require_handler(actor, row)
    if len(result.strip()) < 2:
        raise ValidationError({"result": _("请填写办理结果")})
    now = _now()
    before = row.status
    row.status, row.result, row.handled_at = Status.HANDLED, result.strip(), now
    fields = ["status", "result", "handled_at"]
    if row.responded_at is None:
        row.responded_at = now
        fields.append("responded_at")
    if row.paused_at is not None:
        _unpause(row, now)
        fields += ["paused_at", "paused_seconds", "response_due", "resolution_due"]
    event = _save(row, actor, EventKind.HANDLED, fields, note=result.strip(), before=before)
    attach_photos(row, event, actor, photos)
    notify(
        [row.submitter],
        _("您的诉求%(n)s已办理，请确认") % {"n": row.number},
        body=result[:200],
        link=f"/appeals/{row.pk}/",
    )
    return row


@transaction.atomic
def verify(*, actor: Any, appeal: Appeal, version: int, resolved: bool, note: str = "") -> Appeal:
    """Checked on site by a grid worker, or confirmed by the resident who raised it; not
    resolved sends it back to the handler."""
    row = _locked(appeal, version, "verify")
    is_submitter = getattr(actor, "pk", None) is not None and row.submitter_id == actor.pk
    if not is_submitter:
        require(actor, Perm.APPEALS_HANDLE, row)
    before = row.status
    row.status = Status.VERIFIED if resolved else Status.IN_PROGRESS
    _save(
        row,
        actor,
        EventKind.VERIFIED,
        ["status"],
        note=note.strip() or (_("已解决") if resolved else _("未解决")),
        before=before,
    )
    if not resolved:
        notify(
            [row.handler],
            _("诉求%(n)s核查未通过，请继续办理") % {"n": row.number},
            body=note[:200],
            link=f"/appeals/{row.pk}/",
        )
    return row


@transaction.atomic
def close(*, actor: Any, appeal: Appeal, version: int) -> Appeal:
    require(actor, Perm.APPEALS_HANDLE, appeal)
    row = _locked(appeal, version, "close")
    before = row.status
    row.status, row.closed_at = Status.CLOSED, _now()
    _save(row, actor, EventKind.CLOSED, ["status", "closed_at"], before=before)
    notify([row.submitter], _("您的诉求%(n)s已办结，请评价") % {"n": row.number}, link=f"/appeals/{row.pk}/")
    return row


@transaction.atomic
def rate(*, actor: Any, appeal: Appeal, rating: str, comment: str = "") -> Appeal:
    """The resident rates a closed appeal; "dissatisfied" reopens it once and flags it to the
    community secretary."""
    row = Appeal.objects.select_for_update().select_related("category").get(pk=appeal.pk)
    if getattr(actor, "pk", None) is None or row.submitter_id != actor.pk:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("只有诉求人可以评价"))
    if rating not in Rating.values:
        raise ValidationError({"rating": _("请选择满意、基本满意或不满意")})
    if row.status != Status.CLOSED or row.kind != AppealKind.APPEAL:
        raise ValidationError({"rating": _("诉求办结后才能评价")})
    # One rating per closure: the first, and one more after the single reopening.
    if row.events.filter(kind=EventKind.RATED).count() > row.reopened:
        raise ValidationError({"rating": _("您已评价过")})
    row.rating, row.rating_comment, row.rated_at = rating, comment.strip()[:500], _now()
    fields = ["rating", "rating_comment", "rated_at"]
    note = f"{row.get_rating_display()} {comment.strip()}".strip()
    if rating == Rating.DISSATISFIED and row.reopened == 0:
        row.status, row.reopened, row.flagged, row.closed_at = Status.DISPATCHED, 1, True, None
        fields += ["status", "reopened", "flagged", "closed_at"]
        _save(row, actor, EventKind.RATED, fields, note=note, before=Status.CLOSED)
        AppealEvent.objects.create(
            appeal=row, kind=EventKind.REOPENED, actor=actor, from_status=Status.CLOSED, to_status=row.status
        )
        notify(
            [*routing.community_secretaries(row.area_code), row.handler],
            _("诉求%(n)s评价不满意，已重新办理") % {"n": row.number},
            body=comment[:200],
            link=f"/appeals/{row.pk}/",
        )
    else:
        _save(row, actor, EventKind.RATED, fields, note=note, before=row.status)
    return row


# ---- the clock -------------------------------------------------------------------------------


@transaction.atomic
def pause(*, actor: Any, appeal: Appeal, version: int, reason: str) -> Appeal:
    """Stop the clock while waiting for the resident; the pause is audited with its reason."""
    row = _locked(appeal, version, "pause")
    _require_handler(actor, row)
    if row.paused_at is not None:
        raise ValidationError({"status": _("计时已暂停")})
    if len(reason.strip()) < 2:
        raise ValidationError({"reason": _("请说明暂停计时的原因")})
    row.paused_at = _now()
    _save(row, actor, EventKind.PAUSED, ["paused_at"], note=reason.strip())
    return row


def _unpause(row: Appeal, now: datetime.datetime) -> None:
    assert row.paused_at is not None
    paused = now - row.paused_at
    row.paused_seconds += int(paused.total_seconds())
    if row.response_due and row.responded_at is None:
        row.response_due += paused
    if row.resolution_due:
        row.resolution_due += paused
    row.paused_at = None


@transaction.atomic
def resume(*, actor: Any, appeal: Appeal, version: int) -> Appeal:
    row = _locked(appeal, version, "resume")
    _require_handler(actor, row)
    if row.paused_at is None:
        raise ValidationError({"status": _("计时没有暂停")})
    _unpause(row, _now())
    _save(row, actor, EventKind.RESUMED, ["paused_at", "paused_seconds", "response_due", "resolution_due"])
    return row


def warn_and_escalate(now: datetime.datetime | None = None) -> tuple[int, int]:
    """Run by the worker: a warning to the handler at 80 % of the time, and appeals past their
    resolution limit escalated to the community secretary, each once. Returns (warned, escalated)."""
    now = now or _now()
    warned = escalated = 0
    running = Appeal.objects.filter(
        status__in=OPEN_STATUSES, paused_at__isnull=True, resolution_due__isnull=False
    )
    for row in running.filter(warned_at__isnull=True, resolution_due__gt=now).select_related("category"):
        assert row.dispatched_at is not None and row.resolution_due is not None
        if now < row.dispatched_at + (row.resolution_due - row.dispatched_at) * WARNING_SHARE:
            continue
        with transaction.atomic():
            Appeal.objects.filter(pk=row.pk, warned_at__isnull=True).update(warned_at=now)
            AppealEvent.objects.create(appeal=row, kind=EventKind.WARNED, to_status=row.status)
            notify(
                [row.handler],
                _("诉求%(n)s即将超期（%(due)s）")
                % {"n": row.number, "due": timezone.localtime(row.resolution_due).strftime("%m-%d %H:%M")},
                link=f"/appeals/{row.pk}/",
            )
        warned += 1
    for row in running.filter(escalated_at__isnull=True, resolution_due__lte=now):
        with transaction.atomic():
            Appeal.objects.filter(pk=row.pk, escalated_at__isnull=True).update(escalated_at=now, flagged=True)
            AppealEvent.objects.create(appeal=row, kind=EventKind.ESCALATED, to_status=row.status)
            audit.record(None, Action.UPDATE, row, fields=["escalated_at", "flagged"], reason="overdue")
            notify(
                routing.community_secretaries(row.area_code),
                _("诉求%(n)s已超期，请督办") % {"n": row.number},
                link=f"/appeals/{row.pk}/",
            )
        escalated += 1
    return warned, escalated
