"""The appeal cycle (接诉即办) after GB/T 30428: every step, its permission, its refusals, the
clock in working days, and concurrent changes."""

import datetime
import io
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jiceng.appeals import services as appeals
from jiceng.appeals.models import (
    Appeal,
    AppealKind,
    Category,
    Channel,
    EventKind,
    HandlerType,
    Rating,
    Status,
)
from jiceng.audit.models import AuditEvent
from jiceng.notifications.models import Notification
from jiceng.workdays import calendar
from tests.conftest import World
from tests.party.factories import party_world

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _photo(name: str = "p.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _submit(w: World, category: str = "garbage", **fields: object) -> Appeal:
    party_world(w)
    return appeals.submit(
        actor=w.users["resident"],  # 李四, household 2 in grid 2
        channel=Channel.RESIDENT,
        category=Category.objects.get(code=category),
        text="楼下垃圾三天没有清运，气味很大",
        household=w.household2,
        **fields,  # type: ignore[arg-type]
    )


def test_the_default_categories_follow_beijings_tiers(db: object):
    assert Category.objects.get(code="safety").resolution_limit == 2
    assert Category.objects.get(code="utilities").resolution_unit == "hours"
    garbage = Category.objects.get(code="garbage")
    assert (garbage.parent.code, garbage.resolution_limit, garbage.resolution_unit) == (
        "environment",
        7,
        "working_days",
    )
    assert Category.objects.get(code="dispute").resolution_limit == 15


def test_a_whole_life_from_submission_to_rating(world: World):
    appeal = _submit(world)
    assert appeal.number.startswith("JC") and appeal.area_code == world.grid2.code
    assert appeal.liaison_member.name == "王五"  # the household's liaison member is known
    grid02 = world.users["grid02"]
    appeal = appeals.accept(actor=grid02, appeal=appeal, version=appeal.version)
    appeal = appeals.dispatch(actor=grid02, appeal=appeal, version=appeal.version)
    assert (appeal.handler, appeal.handler_type) == (
        grid02,
        HandlerType.GRID_WORKER,
    )  # routed to the grid's worker
    assert appeal.resolution_due == calendar.due_after(appeal.dispatched_at, 7, "working_days")
    appeal = appeals.start(actor=grid02, appeal=appeal, version=appeal.version)
    appeals.add_note(actor=grid02, appeal=appeal, text="已联系物业", photos=[_photo()])
    appeal = appeals.handle(
        actor=grid02, appeal=Appeal.objects.get(pk=appeal.pk), version=appeal.version, result="已清运"
    )
    appeal = appeals.verify(
        actor=world.users["resident"], appeal=appeal, version=appeal.version, resolved=True
    )
    appeal = appeals.close(actor=grid02, appeal=appeal, version=appeal.version)
    appeal = appeals.rate(
        actor=world.users["resident"], appeal=appeal, rating=Rating.SATISFIED, comment="很快"
    )
    kinds = list(appeal.events.values_list("kind", flat=True))
    assert kinds == [
        "submitted",
        "accepted",
        "dispatched",
        "started",
        "note",
        "handled",
        "verified",
        "closed",
        "rated",
    ]
    assert appeal.photos.count() == 1 and appeal.status == Status.CLOSED and appeal.rating == Rating.SATISFIED
    assert AuditEvent.objects.filter(object_type="appeals.appeal", object_id=str(appeal.pk)).count() >= 9
    assert (
        Notification.objects.filter(recipient=world.users["resident"], title__contains=appeal.number).count()
        >= 3
    )


def test_an_illegal_step_is_refused_with_a_clear_message(world: World):
    appeal = _submit(world)
    with pytest.raises(ValidationError) as exc:
        appeals.close(actor=world.users["grid02"], appeal=appeal, version=appeal.version)
    assert "待受理" in exc.value.message_dict["status"][0]


def test_another_grids_worker_cannot_touch_it(world: World):
    appeal = _submit(world)
    with pytest.raises(PermissionDenied):
        appeals.accept(actor=world.users["grid01"], appeal=appeal, version=appeal.version)


def test_two_workers_at_once_one_succeeds_and_the_other_is_told_why(world: World):
    appeal = _submit(world)
    seen = appeal.version
    appeals.accept(actor=world.users["grid02"], appeal=appeal, version=seen)
    with pytest.raises(ValidationError) as exc:
        appeals.reject(actor=world.users["staff"], appeal=appeal, version=seen, reason="不属实")
    assert "grid02" in exc.value.message_dict["version"][0] and "受理" in exc.value.message_dict["version"][0]
    assert Appeal.objects.get(pk=appeal.pk).status == Status.ACCEPTED


def test_a_dissatisfied_rating_reopens_once_and_flags_the_secretary(world: World):
    appeal = _submit(world)
    grid02, resident = world.users["grid02"], world.users["resident"]
    for step in (appeals.accept, appeals.dispatch, appeals.start):
        appeal = step(actor=grid02, appeal=appeal, version=appeal.version)
    appeal = appeals.handle(actor=grid02, appeal=appeal, version=appeal.version, result="已清运")
    appeal = appeals.verify(actor=grid02, appeal=appeal, version=appeal.version, resolved=True)
    appeal = appeals.close(actor=grid02, appeal=appeal, version=appeal.version)
    appeal = appeals.rate(actor=resident, appeal=appeal, rating=Rating.DISSATISFIED, comment="还有味道")
    assert (appeal.status, appeal.reopened, appeal.flagged) == (Status.DISPATCHED, 1, True)
    assert Notification.objects.filter(recipient=world.users["secretary"], title__contains="不满意").exists()
    appeal = appeals.start(actor=grid02, appeal=appeal, version=appeal.version)
    appeal = appeals.handle(actor=grid02, appeal=appeal, version=appeal.version, result="已消杀")
    appeal = appeals.verify(actor=grid02, appeal=appeal, version=appeal.version, resolved=True)
    appeal = appeals.close(actor=grid02, appeal=appeal, version=appeal.version)
    appeal = appeals.rate(actor=resident, appeal=appeal, rating=Rating.DISSATISFIED)
    assert appeal.status == Status.CLOSED and appeal.reopened == 1  # reopened once only
    with pytest.raises(ValidationError):  # one rating per closure
        appeals.rate(actor=resident, appeal=appeal, rating=Rating.DISSATISFIED)


def test_a_consultation_is_answered_and_closed_at_once(world: World):
    appeal = _submit(world, category="policy", kind=AppealKind.CONSULTATION)
    appeal = appeals.answer(
        actor=world.users["staff"], appeal=appeal, version=appeal.version, reply="可到社区服务大厅办理"
    )
    assert appeal.status == Status.CLOSED and appeal.result.startswith("可到")


def test_a_return_and_a_manual_override_need_reasons(world: World):
    appeal = _submit(world)
    grid02, staff = world.users["grid02"], world.users["staff"]
    appeal = appeals.accept(actor=grid02, appeal=appeal, version=appeal.version)
    appeal = appeals.dispatch(actor=grid02, appeal=appeal, version=appeal.version)
    with pytest.raises(ValidationError):
        appeals.return_appeal(actor=grid02, appeal=appeal, version=appeal.version, reason="")
    appeal = appeals.return_appeal(actor=grid02, appeal=appeal, version=appeal.version, reason="属物业职责")
    assert appeal.status == Status.ACCEPTED and appeal.handler is None
    with pytest.raises(ValidationError) as exc:
        appeals.dispatch(
            actor=staff,
            appeal=appeal,
            version=appeal.version,
            handler_type=HandlerType.COMMUNITY_STAFF,
            handler=staff,
        )
    assert "reason" in exc.value.message_dict
    appeal = appeals.dispatch(
        actor=staff,
        appeal=appeal,
        version=appeal.version,
        handler_type=HandlerType.COMMUNITY_STAFF,
        handler=staff,
        reason="协调物业公司",
    )
    assert appeal.handler == staff and appeal.events.filter(kind=EventKind.RETURNED).exists()


def test_the_clock_counts_working_days_across_national_day(world: World, monkeypatch: pytest.MonkeyPatch):
    moment = datetime.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr(appeals, "_now", lambda: moment)
    Category.objects.filter(code="garbage").update(resolution_limit=3)
    appeal = _submit(world)
    appeal = appeals.accept(actor=world.users["grid02"], appeal=appeal, version=appeal.version)
    appeal = appeals.dispatch(actor=world.users["grid02"], appeal=appeal, version=appeal.version)
    # 1–7 October are the holiday; 8, 9 and Saturday 10 October (a make-up working day) count.
    assert appeal.resolution_due == datetime.datetime(2026, 10, 10, 10, 0, tzinfo=SHANGHAI)


def test_a_paused_clock_moves_the_due_date_and_overdue_appeals_are_escalated(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    start = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)  # a Monday
    monkeypatch.setattr(appeals, "_now", lambda: start)
    appeal = _submit(world, category="utilities")  # 24 hours
    grid02 = world.users["grid02"]
    appeal = appeals.accept(actor=grid02, appeal=appeal, version=appeal.version)
    appeal = appeals.dispatch(actor=grid02, appeal=appeal, version=appeal.version)
    appeal = appeals.pause(actor=grid02, appeal=appeal, version=appeal.version, reason="等待居民在家")
    monkeypatch.setattr(appeals, "_now", lambda: start + datetime.timedelta(hours=5))
    appeal = appeals.resume(actor=grid02, appeal=appeal, version=appeal.version)
    assert appeal.resolution_due == start + datetime.timedelta(hours=29) and appeal.paused_seconds == 5 * 3600
    assert appeals.warn_and_escalate(start + datetime.timedelta(hours=24)) == (1, 0)  # past 80 %
    assert appeals.warn_and_escalate(start + datetime.timedelta(hours=30)) == (0, 1)
    assert appeals.warn_and_escalate(start + datetime.timedelta(hours=31)) == (0, 0)  # once
    assert Notification.objects.filter(recipient=world.users["secretary"], title__contains="超期").exists()
    assert Appeal.objects.get(pk=appeal.pk).flagged


def test_the_liaison_member_is_told_when_the_appeal_is_dispatched(world: World):
    from jiceng.accounts.models import RoleBinding, User
    from jiceng.accounts.roles import Role

    p = party_world(world)
    wang = User.objects.create(username="wangwu", resident=p.resident3)
    RoleBinding.objects.create(user=wang, role=Role.PARTY_MEMBER, area=world.community)
    appeal = _submit(world)
    appeal = appeals.accept(actor=world.users["grid02"], appeal=appeal, version=appeal.version)
    appeals.dispatch(actor=world.users["grid02"], appeal=appeal, version=appeal.version)
    assert Notification.objects.filter(recipient=wang, title__contains="您联系的住户").exists()


def test_an_appeal_with_two_helpers_is_seen_once(world: World):
    from jiceng.common.scoping import get_visible_or_404

    appeal = _submit(world)
    grid02 = world.users["grid02"]
    appeal = appeals.accept(actor=grid02, appeal=appeal, version=appeal.version)
    appeal = appeals.dispatch(actor=grid02, appeal=appeal, version=appeal.version)
    appeals.add_helper(actor=grid02, appeal=appeal, user=world.users["staff"])
    appeals.add_helper(actor=grid02, appeal=appeal, user=world.users["grid01"])
    assert get_visible_or_404(Appeal, world.users["grid01"], pk=appeal.pk) == appeal  # a helper from grid 1
    assert Appeal.objects.visible_to(world.users["secretary"]).filter(pk=appeal.pk).count() == 1
