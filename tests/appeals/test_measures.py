"""Response, resolution and satisfaction rates, time to resolve, overdue, and hot issues."""

import datetime

import pytest
from django.utils import timezone

from jiceng.appeals import services as appeals
from jiceng.appeals.measures import Period, hot_issues, measures, total_of
from jiceng.appeals.models import Appeal, AppealKind, Category, Channel, Rating
from tests.conftest import World
from tests.party.factories import party_world

ALL_TIME = Period(
    datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC), timezone.now() + datetime.timedelta(days=1)
)


def _new(w: World, text: str, category: str = "garbage", **fields: object) -> Appeal:
    return appeals.submit(
        actor=w.users["resident"],
        channel=Channel.RESIDENT,
        category=Category.objects.get(code=category),
        text=text,
        household=w.household2,
        **fields,  # type: ignore[arg-type]
    )


def _through(w: World, appeal: Appeal, rating: str) -> Appeal:
    grid02 = w.users["grid02"]
    for step in (appeals.accept, appeals.dispatch, appeals.start):
        appeal = step(actor=grid02, appeal=appeal, version=appeal.version)
    appeal = appeals.handle(actor=grid02, appeal=appeal, version=appeal.version, result="已处理")
    appeal = appeals.verify(actor=grid02, appeal=appeal, version=appeal.version, resolved=True)
    appeal = appeals.close(actor=grid02, appeal=appeal, version=appeal.version)
    return appeals.rate(actor=w.users["resident"], appeal=appeal, rating=rating)


@pytest.fixture
def history(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    party_world(world)
    _through(world, _new(world, "楼下垃圾没有清运"), Rating.SATISFIED)
    _through(world, _new(world, "楼下垃圾又堆满了"), Rating.DISSATISFIED)  # reopened: not resolved
    late = _new(world, "路灯坏了很久", category="lighting")
    grid02 = world.users["grid02"]
    late = appeals.accept(actor=grid02, appeal=late, version=late.version)
    month_ago = timezone.now() - datetime.timedelta(days=30)
    monkeypatch.setattr(appeals, "_now", lambda: month_ago)
    appeals.dispatch(actor=grid02, appeal=late, version=late.version)  # never taken up: overdue
    monkeypatch.undo()
    appeals.answer(
        actor=grid02,
        appeal=_new(world, "请问居住证怎么办理", category="policy", kind=AppealKind.CONSULTATION),
        version=1,
        reply="到服务大厅",
    )
    return world


def test_the_rates_of_an_area(history: World):
    [total] = measures(Appeal.objects.visible_to(history.users["secretary"]), ALL_TIME)
    assert (total.dispatched, total.responded_in_time, total.resolved) == (3, 2, 1)  # consultations left out
    assert (total.rated, total.satisfied, total.overdue) == (2, 1, 1)
    assert total.response_rate == pytest.approx(2 / 3) and total.satisfaction_rate == 0.5
    assert total.closed == 1 and total.average_hours is not None and total.average_hours < 1


def test_by_grid_and_by_category_and_only_what_one_may_see(history: World):
    by_grid = measures(Appeal.objects.visible_to(history.users["secretary"]), ALL_TIME, group="15")
    assert [(m.key, m.dispatched) for m in by_grid] == [(history.grid2.code, 3)]
    by_category = {m.label: m for m in measures(Appeal.objects.all(), ALL_TIME, group="category")}
    assert by_category["垃圾清运"].dispatched == 2 and by_category["路灯照明"].overdue == 1
    assert measures(Appeal.objects.visible_to(history.users["grid01"]), ALL_TIME) == []


def test_the_total_is_the_sum_of_the_groups(history: World):
    appeals_ = Appeal.objects.all()
    [direct] = measures(appeals_, ALL_TIME)
    for group in ("category", "15"):
        rows = measures(appeals_, ALL_TIME, group=group)
        summed = total_of(rows)
        assert (summed.dispatched, summed.responded_in_time, summed.resolved, summed.rated) == (3, 2, 1, 2)
        assert (summed.satisfied, summed.closed, summed.overdue) == (direct.satisfied, direct.closed, 1)
        assert summed.average_hours == pytest.approx(direct.average_hours)


def test_hot_issues_rise_against_last_month(history: World):
    now = timezone.localtime()
    this = Period.month(now.year, now.month)
    last_month = this.since - datetime.timedelta(days=1)
    last = Period.month(last_month.year, last_month.month)
    old = _new(history, "小区路灯一直不亮", category="lighting")
    Appeal.objects.filter(pk=old.pk).update(created_at=last.since + datetime.timedelta(days=2))
    categories, keywords = hot_issues(Appeal.objects.all(), this, last)
    assert categories[0].name == "垃圾清运" and categories[0].rise == 2
    assert all(t.name != "路灯照明" for t in categories)  # one this month, one last: not rising
    assert "垃圾" in [k.name for k in keywords]
