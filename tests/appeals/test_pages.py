"""The appeal pages: a resident raises one from the phone page and follows it in 我的诉求; grid 2's
worker takes it through the cycle on the pages; staff take a call with the caller lookup; scope,
stale versions and the queue's cost."""

import datetime
import io
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
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
from jiceng.appeals.views import QUEUE_PAGE_SIZE
from jiceng.audit.models import Action, AuditEvent
from tests.conftest import World


def _png(name: str = "p.png", colour: str = "red") -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def _submit(w: World, category: str = "garbage", **fields: object) -> Appeal:
    return appeals.submit(
        actor=w.users["resident"],  # 李四, household 2 in grid 2
        channel=Channel.RESIDENT,
        category=Category.objects.get(code=category),
        text="楼下垃圾三天没有清运，气味很大",
        household=w.household2,
        **fields,  # type: ignore[arg-type]
    )


def _act(client, appeal: Appeal, action: str, **data: object):
    """Post one step with the version the page showed, and follow back to the appeal's page."""
    appeal.refresh_from_db()
    url = reverse("appeals:act", kwargs={"pk": appeal.pk, "action": action})
    return client.post(url, {"version": appeal.version, **data}, follow=True)


def _text(response) -> str:
    return response.content.decode()


def test_a_resident_submits_with_a_photo_and_sees_it_in_my_appeals(world: World):
    client = world.client("resident")
    page = _text(client.get(reverse("appeals:new")))
    assert "世纪花园2号楼1单元201室" in page  # the place is their own household
    assert 'name="channel"' not in page and "来电" not in page  # no staff fields
    garbage = Category.objects.get(code="garbage")
    response = client.post(
        reverse("appeals:new"),
        {
            "category": garbage.pk,
            "text": "楼下垃圾三天没有清运，气味很大",
            "address": "1单元门口",
            "anonymous": "on",
            "photos": [_png("a.png"), _png("b.png", "blue")],
        },
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("appeals:detail", args=[appeal.pk])
    assert (appeal.channel, appeal.household, appeal.category, appeal.anonymous) == (
        Channel.RESIDENT,
        world.household2,
        garbage,
        True,
    )
    assert appeal.reporter_name == "李四" and appeal.address == "1单元门口" and appeal.photos.count() == 2
    mine = _text(client.get(reverse("appeals:index")))
    assert "我的诉求" in mine and appeal.number in mine and "待受理" in mine and 'class="steps' in mine
    detail = _text(client.get(reverse("appeals:detail", args=[appeal.pk])))
    photo = appeal.photos.order_by("id").first()
    assert reverse("appeals:photo", args=[photo.pk]) in detail
    assert 'data-testid="steps"' not in detail  # nothing for the resident to do yet
    served = client.get(reverse("appeals:photo", args=[photo.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"\x89PNG")
    assert world.client("grid02").get(reverse("appeals:photo", args=[photo.pk])).status_code == 200
    assert world.client("grid01").get(reverse("appeals:photo", args=[photo.pk])).status_code == 404
    assert world.client("member").get(reverse("appeals:photo", args=[photo.pk])).status_code == 404


def test_a_submission_without_text_keeps_what_was_typed(world: World):
    client = world.client("resident")
    response = client.post(
        reverse("appeals:new"),
        {"category": Category.objects.get(code="garbage").pk, "text": "脏", "address": "东门"},
    )
    assert (
        response.status_code == 200 and "至少5个字" in _text(response) and 'value="东门"' in _text(response)
    )
    assert not Appeal.objects.exists()


def test_more_than_nine_photos_or_a_file_that_is_no_image_are_refused(world: World):
    client = world.client("resident")
    data = {"category": Category.objects.get(code="garbage").pk, "text": "楼下垃圾三天没有清运"}
    page = _text(
        client.post(reverse("appeals:new"), {**data, "photos": [_png(f"{i}.png") for i in range(10)]})
    )
    assert "每件诉求最多9张照片" in page
    not_an_image = io.BytesIO(b"%PDF-1.4 not a photo")
    not_an_image.name = "x.png"
    page = _text(client.post(reverse("appeals:new"), {**data, "photos": [not_an_image]}))
    assert 'id="id_photos"' in page and "invalid-feedback" in page
    assert not Appeal.objects.exists()


def test_the_category_select_groups_the_tree(world: World):
    page = _text(world.client("resident").get(reverse("appeals:new")))
    group = re.search(r'<optgroup label="环境卫生">(.*?)</optgroup>', page, re.S)
    assert group is not None and "垃圾清运" in group.group(1) and "楼道堆物" in group.group(1)
    assert '<optgroup label="邻里纠纷">' not in page and ">邻里纠纷</option>" in page


def test_grid02_takes_it_through_the_cycle_on_the_pages(world: World):
    appeal = _submit(world)
    grid02, resident = world.client("grid02"), world.client("resident")
    queue = _text(grid02.get(reverse("appeals:index")))
    assert appeal.number in queue and "诉求办理" in queue
    assert appeal.number not in _text(world.client("grid01").get(reverse("appeals:index")))

    page = _text(grid02.get(reverse("appeals:detail", args=[appeal.pk])))
    assert 'data-testid="step-accept"' in page and 'data-testid="step-dispatch"' not in page
    assert "已受理" in _text(_act(grid02, appeal, "accept"))

    page = _text(grid02.get(reverse("appeals:detail", args=[appeal.pk])))
    assert re.search(r'data-testid="default-route">[^<]*<strong>grid02</strong>', page)
    assert "已派单给grid02" in _text(_act(grid02, appeal, "dispatch"))
    appeal.refresh_from_db()
    assert (appeal.status, appeal.handler) == (Status.DISPATCHED, world.users["grid02"])
    page = _text(grid02.get(reverse("appeals:detail", args=[appeal.pk])))
    assert "办结时限" in page and "剩余" in page

    _act(grid02, appeal, "note", text="已联系物业")
    page = _text(_act(grid02, appeal, "handle", result="已清运并消杀", photos=[_png("after.png")]))
    assert "已提交办理结果" in page
    appeal.refresh_from_db()
    assert appeal.status == Status.HANDLED and appeal.events.get(kind=EventKind.HANDLED).photos.count() == 1
    assert 'data-testid="event-photo"' in page and "已联系物业" in page

    # The resident confirms it is solved; the worker closes it; the resident rates it.
    assert 'data-testid="step-verify"' in _text(resident.get(reverse("appeals:detail", args=[appeal.pk])))
    assert "已确认解决" in _text(_act(resident, appeal, "verify", resolved="1"))
    assert "已办结" in _text(_act(grid02, appeal, "close"))
    page = _text(resident.get(reverse("appeals:detail", args=[appeal.pk])))
    assert 'data-testid="rate-form"' in page
    page = _text(_act(resident, appeal, "rate", rating=Rating.SATISFIED, comment="很及时"))
    assert "感谢您的评价" in page and 'data-testid="rate-form"' not in page
    appeal.refresh_from_db()
    assert (appeal.status, appeal.rating, appeal.rating_comment) == (
        Status.CLOSED,
        Rating.SATISFIED,
        "很及时",
    )
    kinds = list(appeal.events.values_list("kind", flat=True))
    assert kinds == ["submitted", "accepted", "dispatched", "note", "handled", "verified", "closed", "rated"]
    for kind in kinds:
        assert f'data-testid="event-{kind}"' in page


def test_a_dissatisfied_rating_on_the_page_reopens_and_flags_it(world: World):
    appeal = _submit(world)
    grid02 = world.users["grid02"]
    for step in (appeals.accept, appeals.dispatch):
        appeal = step(actor=grid02, appeal=appeal, version=appeal.version)
    appeal = appeals.handle(actor=grid02, appeal=appeal, version=appeal.version, result="已清运")
    appeal = appeals.verify(actor=grid02, appeal=appeal, version=appeal.version, resolved=True)
    appeal = appeals.close(actor=grid02, appeal=appeal, version=appeal.version)
    page = _text(
        _act(world.client("resident"), appeal, "rate", rating=Rating.DISSATISFIED, comment="还有味道")
    )
    assert "重新办理" in page and 'data-testid="flagged"' in page
    queue = _text(world.client("grid02").get(reverse("appeals:index")))
    assert appeal.number in queue and 'data-testid="flagged"' in queue


def test_grid01_gets_404_for_grid_2s_appeal(world: World):
    appeal = _submit(world)
    for persona in ("grid01", "member"):
        client = world.client(persona)
        assert client.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 404
        response = client.post(
            reverse("appeals:act", kwargs={"pk": appeal.pk, "action": "accept"}), {"version": appeal.version}
        )
        assert response.status_code == 404
    assert Appeal.objects.get(pk=appeal.pk).status == Status.SUBMITTED
    assert world.client("grid02").get(reverse("appeals:detail", args=[appeal.pk])).status_code == 200
    assert world.client("secretary").get(reverse("appeals:detail", args=[appeal.pk])).status_code == 200


def test_a_stale_version_shows_who_changed_it(world: World):
    appeal = _submit(world)
    seen = appeal.version  # grid02 opened the page
    appeals.accept(actor=world.users["staff"], appeal=appeal, version=seen)
    response = world.client("grid02").post(
        reverse("appeals:act", kwargs={"pk": appeal.pk, "action": "reject"}),
        {"version": seen, "reason": "不属实"},
        follow=True,
    )
    page = _text(response)
    assert response.redirect_chain[-1][0] == reverse("appeals:detail", args=[appeal.pk])
    assert re.search(r"alert-danger[^>]*>该诉求已被staff受理（[\d:]+），请刷新后再操作<", page)
    assert Appeal.objects.get(pk=appeal.pk).status == Status.ACCEPTED
    # The page shown again offers the step that fits the new status.
    assert 'data-testid="step-dispatch"' in page and 'data-testid="step-accept"' not in page


def test_a_resident_cannot_take_a_workers_step(world: World):
    appeal = _submit(world)
    page = _text(_act(world.client("resident"), appeal, "accept"))
    assert "您没有权限执行此操作" in page
    assert Appeal.objects.get(pk=appeal.pk).status == Status.SUBMITTED
    response = world.client("grid02").post(
        reverse("appeals:act", kwargs={"pk": appeal.pk, "action": "explode"})
    )
    assert response.status_code == 404


def test_a_step_with_a_missing_reason_is_refused_with_a_message(world: World):
    appeal = _submit(world)
    page = _text(_act(world.client("grid02"), appeal, "reject", reason=""))
    assert "理由" in page and Appeal.objects.get(pk=appeal.pk).status == Status.SUBMITTED


def test_an_override_needs_a_reason_and_goes_to_the_chosen_handler(world: World):
    appeal = _submit(world)
    staff = world.client("staff")
    _act(staff, appeal, "accept")
    chosen = {"handler_type": HandlerType.COMMUNITY_STAFF, "handler": world.users["staff"].pk}
    page = _text(_act(staff, appeal, "dispatch", **chosen))
    assert "请说明理由" in page and Appeal.objects.get(pk=appeal.pk).status == Status.ACCEPTED
    page = _text(_act(staff, appeal, "dispatch", **chosen, reason="需协调物业公司"))
    appeal.refresh_from_db()
    assert (appeal.status, appeal.handler) == (Status.DISPATCHED, world.users["staff"])
    assert appeal.events.get(kind=EventKind.DISPATCHED).note == "需协调物业公司" and "需协调物业公司" in page


def test_pause_and_resume_on_the_page(world: World):
    appeal = _submit(world)
    grid02 = world.client("grid02")
    _act(grid02, appeal, "accept")
    _act(grid02, appeal, "dispatch")
    page = _text(_act(grid02, appeal, "pause", reason="等待居民在家"))
    assert "计时已暂停" in page and 'data-testid="step-resume"' in page
    page = _text(_act(grid02, appeal, "resume"))
    assert "已恢复计时" in page and Appeal.objects.get(pk=appeal.pk).paused_at is None


def test_a_consultation_is_answered_on_the_page(world: World):
    appeal = _submit(world, category="policy", kind=AppealKind.CONSULTATION)
    staff = world.client("staff")
    page = _text(staff.get(reverse("appeals:detail", args=[appeal.pk])))
    assert 'data-testid="step-answer"' in page and 'data-testid="step-accept"' not in page
    _act(staff, appeal, "answer", reply="可到社区服务大厅办理")
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED and appeal.result == "可到社区服务大厅办理"
    # A consultation is not rated.
    assert 'data-testid="rate-form"' not in _text(
        world.client("resident").get(reverse("appeals:detail", args=[appeal.pk]))
    )


def test_staff_take_a_call_with_the_caller_lookup(world: World):
    grid01 = world.client("grid01")
    found = _text(grid01.get(reverse("appeals:lookup"), {"reporter_phone": "138 1234 5678"}))
    assert "张三" in found and "世纪花园1号楼1单元101室" in found
    assert f"building={world.building1.pk}" in found and f"selected={world.household1.pk}" in found
    # Grid 2's worker does not find grid 1's resident; a resident may not look anyone up.
    assert "张三" not in _text(
        world.client("grid02").get(reverse("appeals:lookup"), {"reporter_phone": "13812345678"})
    )
    assert (
        world.client("resident").get(reverse("appeals:lookup"), {"reporter_phone": "13812345678"}).status_code
        == 403
    )

    options = _text(grid01.get(reverse("appeals:households"), {"building": world.building1.pk}))
    assert "1单元101室" in options
    assert "201室" not in _text(grid01.get(reverse("appeals:households"), {"building": world.building2.pk}))

    page = _text(grid01.get(reverse("appeals:new")))
    assert "来电" in page and "1号楼" in page and "2号楼" not in page  # buildings of grid 1 only
    response = grid01.post(
        reverse("appeals:new"),
        {
            "kind": AppealKind.APPEAL,
            "channel": Channel.PHONE,
            "reporter_phone": "13812345678",
            "reporter_name": "张三",
            "building": world.building1.pk,
            "household": world.household1.pk,
            "category": Category.objects.get(code="lighting").pk,
            "text": "楼前路灯不亮已经一周",
        },
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert (appeal.channel, appeal.household, appeal.area_code, appeal.submitter) == (
        Channel.PHONE,
        world.household1,
        world.grid1.code,
        world.users["grid01"],
    )
    assert appeal.reporter_name == "张三" and appeal.reporter_phone_mask == "138****5678"
    page = _text(grid01.get(reverse("appeals:detail", args=[appeal.pk])))
    assert "138****5678" in page and "13812345678" not in page


def test_staff_must_name_a_place_and_only_one_in_their_area(world: World):
    grid01 = world.client("grid01")
    data = {
        "kind": AppealKind.APPEAL,
        "channel": Channel.PATROL,
        "category": Category.objects.get(code="garbage").pk,
        "text": "道路旁堆放建筑垃圾",
    }
    page = _text(grid01.post(reverse("appeals:new"), data))
    assert "请选择诉求发生的楼栋、住户或网格" in page
    page = _text(grid01.post(reverse("appeals:new"), {**data, "building": world.building2.pk}))
    assert "选择一个有效的选项" in page or "Select a valid choice" in page
    assert grid01.post(reverse("appeals:new"), {**data, "area": world.grid1.pk}).status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.area_code, appeal.channel, appeal.building) == (world.grid1.code, Channel.PATROL, None)


def test_calling_back_is_audited_and_for_handlers_only(world: World):
    appeal = _submit(world, reporter_phone="13912345678")
    response = world.client("grid02").get(reverse("appeals:call", args=[appeal.pk]))
    assert response.status_code == 302 and response["Location"] == "tel:13912345678"
    assert AuditEvent.objects.filter(action=Action.REVEAL, object_id=str(appeal.pk)).count() == 1
    assert world.client("resident").get(reverse("appeals:call", args=[appeal.pk])).status_code == 404


def test_an_appeal_with_two_helpers_is_shown_once(world: World):
    appeal = _submit(world)
    grid02 = world.users["grid02"]
    appeal = appeals.accept(actor=grid02, appeal=appeal, version=appeal.version)
    appeal = appeals.dispatch(actor=grid02, appeal=appeal, version=appeal.version)
    appeals.add_helper(actor=grid02, appeal=appeal, user=world.users["staff"])
    appeals.add_helper(actor=grid02, appeal=appeal, user=world.users["secretary"])
    client = world.client("staff")
    assert client.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 200
    assert _text(client.get(reverse("appeals:index"))).count('data-testid="appeal-row"') == 1
    mine = _text(client.get(reverse("appeals:index"), {"mine": "1"}))  # staff helps with it
    assert mine.count('data-testid="appeal-row"') == 1


def _row(w: World, status: str = Status.SUBMITTED, category: str = "garbage", **fields: object) -> Appeal:
    """An appeal row written directly: the queue's tests need many, the cycle is tested elsewhere."""
    appeal = Appeal.objects.create(
        number=f"JC{Appeal.objects.count():012d}",
        channel=Channel.RESIDENT,
        category=Category.objects.get(code=category),
        text="楼道里堆满杂物，影响通行",
        submitter=w.users["resident"],
        household=w.household2,
        building=w.building2,
        address="世纪花园2号楼1单元201室",
        area_code=w.grid2.code,
        status=status,
        **fields,  # type: ignore[arg-type]
    )
    return appeal


def test_the_queue_filters(world: World):
    now = timezone.now()
    late = _row(
        world,
        Status.DISPATCHED,
        handler=world.users["grid02"],
        resolution_due=now - datetime.timedelta(hours=2),
    )
    on_time = _row(
        world,
        Status.IN_PROGRESS,
        handler=world.users["staff"],
        resolution_due=now + datetime.timedelta(days=2),
    )
    closed = _row(world, Status.CLOSED, category="lighting")
    client = world.client("grid02")

    def numbers(**params: str) -> set[str]:
        page = _text(client.get(reverse("appeals:index"), params))
        return {a.number for a in (late, on_time, closed) if a.number in page}

    assert numbers() == {late.number, on_time.number}  # open ones by default
    assert numbers(status="all") == {late.number, on_time.number, closed.number}
    assert numbers(status="closed") == {closed.number}
    assert numbers(overdue="1") == {late.number}
    assert numbers(mine="1") == {late.number}
    facility = Category.objects.get(code="facility")  # 路灯照明 is below 设施报修
    assert numbers(status="all", category=str(facility.pk)) == {closed.number}
    page = _text(client.get(reverse("appeals:index")))
    assert page.count('data-testid="overdue"') == 1


def test_the_queue_pages_by_key(world: World):
    for _ in range(QUEUE_PAGE_SIZE + 2):
        _row(world)
    client = world.client("grid02")
    rows = sorted(Appeal.objects.values_list("pk", flat=True))
    last = rows[QUEUE_PAGE_SIZE - 1]
    first = _text(client.get(reverse("appeals:index"), {"mine": "", "status": "submitted"}))
    assert first.count('data-testid="appeal-row"') == QUEUE_PAGE_SIZE == 20
    assert f"status=submitted&amp;after={last}" in first and "加载更多" in first
    rest = client.get(
        reverse("appeals:index"), {"status": "submitted", "after": last}, HTTP_HX_REQUEST="true"
    )
    content = _text(rest)
    assert (
        "<html" not in content
        and content.count('data-testid="appeal-row"') == 2
        and "加载更多" not in content
    )


def test_the_queue_costs_the_same_queries_for_more_rows(world: World):
    now = timezone.now()
    for persona in ("grid02", "resident"):
        Appeal.objects.all().delete()
        client = world.client(persona)
        url = reverse("appeals:index")
        _row(world, Status.DISPATCHED, handler=world.users["grid02"], resolution_due=now)
        client.get(url)  # the first request of a session loads more (session, user)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        for i in range(QUEUE_PAGE_SIZE - 5):  # more rows, all on the first page
            _row(world, Status.DISPATCHED if i % 2 else Status.SUBMITTED, flagged=bool(i % 3))
        with CaptureQueriesContext(connection) as many:
            content = _text(client.get(url))
        assert content.count('data-testid="appeal-row"') == QUEUE_PAGE_SIZE - 4
        assert len(many) == len(few), f"{persona}: {len(few)} queries with few rows, {len(many)} with more"


def test_a_duplicate_is_merged_and_a_rejection_shows_its_reason(world: World):
    first, second, third = _submit(world), _submit(world), _submit(world)
    grid02 = world.client("grid02")
    page = _text(_act(grid02, second, "merge", into=first.number.lower()))
    assert f"已并入{first.number}" in page and reverse("appeals:detail", args=[first.pk]) in page
    assert Appeal.objects.get(pk=second.pk).status == Status.MERGED
    page = _text(_act(grid02, third, "merge", into="JC000"))
    assert "没有找到编号为JC000的诉求" in page
    page = _text(_act(grid02, third, "reject", reason="不属于社区受理范围"))
    assert "不予受理理由" in page and "不属于社区受理范围" in page and 'data-testid="steps"' not in page
    # The resident sees the outcome of each in 我的诉求.
    mine = _text(world.client("resident").get(reverse("appeals:index")))
    assert "已合并" in mine and "不予受理" in mine


def test_the_appeal_page_offers_a_similar_open_appeal_for_merging(world: World):
    first = _submit(world)
    second = appeals.submit(
        actor=world.users["grid02"],
        channel=Channel.PATROL,
        category=Category.objects.get(code="garbage"),
        text="2号楼楼下垃圾堆积，三天没人清运",
        building=world.building2,
    )
    grid02 = world.client("grid02")
    page = _text(grid02.get(reverse("appeals:detail", args=[second.pk])))
    assert 'data-testid="similar-appeals"' in page and f'data-testid="merge-into-{first.number}"' in page
    page = _text(_act(grid02, second, "merge", into=first.number))
    assert f"已并入{first.number}" in page and Appeal.objects.get(pk=second.pk).status == Status.MERGED
    # Another category, or a different matter, is not offered.
    other = _submit(world, category="parking")
    assert 'data-testid="similar-appeals"' not in _text(
        grid02.get(reverse("appeals:detail", args=[other.pk]))
    )


def test_the_handlers_queue_lists_the_oldest_appeal_first(world: World):
    first = _submit(world)
    second = _submit(world, category="corridor")
    page = _text(world.client("grid02").get(reverse("appeals:index")))
    assert page.index(first.number) < page.index(second.number)
