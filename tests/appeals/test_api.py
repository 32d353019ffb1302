"""The appeals API (/api/v1/appeals/): submission, the steps with their versions, scope, photos,
lists and the category tree."""

import datetime
import io
import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from jiceng.accounts.models import ApiToken
from jiceng.appeals import services as appeals
from jiceng.appeals.models import Appeal, Category, Channel
from jiceng.units.models import SinkingUnit, UnitKind
from tests.conftest import World, _user
from tests.party.factories import party_world

API = "/api/v1/appeals"


class Api:
    """A client acting with a persona's bearer token."""

    def __init__(self, w: World, persona: str) -> None:
        _, token = ApiToken.issue(w.users[persona], "t")
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params, **self.auth)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            API + path, json.dumps(body or {}), content_type="application/json", **self.auth
        )

    def upload(self, path: str, files: list[Any], **fields: str) -> Any:
        return self.client.post(API + path, {"photos": files, **fields}, **self.auth)


def _photo(name: str = "p.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _submit(w: World, persona: str = "resident", **fields: Any) -> dict[str, Any]:
    party_world(w)  # 王五 liaises with 李四's household
    body = {
        "category": "garbage",
        "text": "楼下垃圾三天没有清运，气味很大",
        "household_id": w.household2.pk,
        "reporter_phone": "13912345678",
        **fields,
    }
    response = Api(w, persona).post("/", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_a_resident_submits_and_grid02_accepts_and_dispatches(world: World):
    appeal = _submit(world)
    assert appeal["area_code"] == world.grid2.code and appeal["status"] == "submitted"
    assert appeal["reporter_phone"] == "139****5678"  # masked, never the number
    assert "13912345678" not in json.dumps(appeal)
    assert (appeal["channel"], appeal["category_code"], appeal["version"]) == ("api", "garbage", 1)

    grid02 = Api(world, "grid02")
    accepted = grid02.post(f"/{appeal['id']}/accept", {"version": 1})
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["status"], accepted.json()["version"]) == ("accepted", 2)
    dispatched = grid02.post(f"/{appeal['id']}/dispatch", {"version": 2}).json()
    assert dispatched["status"] == "dispatched"
    assert (dispatched["handler_id"], dispatched["handler_type"]) == (world.users["grid02"].pk, "grid_worker")
    assert dispatched["resolution_due"] is not None and dispatched["overdue"] is False

    detail = Api(world, "resident").get(f"/{appeal['id']}")
    assert detail.status_code == 200
    events = detail.json()["events"]
    assert [e["kind"] for e in events] == ["submitted", "accepted", "dispatched"]
    assert events[1]["actor_name"] == "grid02"


def test_a_stale_version_answers_409_and_other_errors_422(world: World):
    appeal = _submit(world)
    grid02, secretary = Api(world, "grid02"), Api(world, "secretary")
    assert grid02.post(f"/{appeal['id']}/accept", {"version": 1}).status_code == 200
    # The secretary acts on the page as it was before grid02 accepted it.
    stale = secretary.post(f"/{appeal['id']}/reject", {"version": 1, "reason": "重复反映"})
    assert stale.status_code == 409
    assert "grid02" in stale.json()["detail"] and "受理" in stale.json()["detail"]
    assert Appeal.objects.get(pk=appeal["id"]).status == "accepted"  # nothing lost, nothing changed
    # A step that does not fit the status, or a missing reason, stays a 422 keyed by field.
    wrong = secretary.post(f"/{appeal['id']}/close", {"version": 2})
    assert wrong.status_code == 422 and "status" in wrong.json()["errors"]
    invalid = secretary.post(f"/{appeal['id']}/dispatch", {"version": 2, "handler_type": "nonsense"})
    assert invalid.status_code == 422 and "handler_type" in invalid.json()["errors"]


def test_grid01_gets_404_for_grid2s_appeal(world: World):
    appeal = _submit(world)
    grid01 = Api(world, "grid01")
    assert grid01.get(f"/{appeal['id']}").status_code == 404
    assert grid01.post(f"/{appeal['id']}/accept", {"version": 1}).status_code == 404
    assert grid01.get("/").json()["items"] == []
    # Nor may grid01 name grid 2's household, or merge grid 2's appeal into its own.
    body = {"category": "garbage", "text": "楼道里堆满杂物，影响通行", "household_id": world.household2.pk}
    assert grid01.post("/", body).status_code == 404
    own = _submit(world, "grid01", household_id=world.household1.pk)
    assert grid01.post(f"/{own['id']}/merge", {"version": 1, "into_id": appeal["id"]}).status_code == 404
    # grid02 sees it; the resident only their own appeals.
    assert Api(world, "grid02").get(f"/{appeal['id']}").status_code == 200
    assert Api(world, "resident").get(f"/{own['id']}").status_code == 404


def test_a_resident_may_not_take_a_staff_step(world: World):
    appeal = _submit(world)
    response = Api(world, "resident").post(f"/{appeal['id']}/accept", {"version": 1})
    assert response.status_code == 403


def test_photos_at_most_nine_and_images_only(world: World):
    appeal = _submit(world)
    resident = Api(world, "resident")
    first = resident.upload(f"/{appeal['id']}/photos", [_photo(f"{i}.png") for i in range(7)])
    assert first.status_code == 201, first.content
    assert len(first.json()["photo_ids"]) == 7
    too_many = resident.upload(f"/{appeal['id']}/photos", [_photo("a.png"), _photo("b.png"), _photo("c.png")])
    assert too_many.status_code == 422 and "photos" in too_many.json()["errors"]
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    assert resident.upload(f"/{appeal['id']}/photos", [fake]).status_code == 422
    assert resident.upload(f"/{appeal['id']}/photos", [_photo(), _photo()]).status_code == 201
    assert Appeal.objects.get(pk=appeal["id"]).photos.count() == 9
    assert resident.upload(f"/{appeal['id']}/photos", [_photo()]).status_code == 422
    detail = resident.get(f"/{appeal['id']}").json()
    assert len(detail["photo_ids"]) == 9
    assert len(detail["events"][0]["photo_ids"]) == 9  # with the submission
    # Another grid's worker does not even see it.
    assert Api(world, "grid01").upload(f"/{appeal['id']}/photos", [_photo()]).status_code == 404


def test_a_handlers_photos_are_a_handling_note(world: World):
    appeal = _submit(world)
    grid02 = Api(world, "grid02")
    grid02.post(f"/{appeal['id']}/accept", {"version": 1})
    response = grid02.upload(f"/{appeal['id']}/photos", [_photo()], note="现场照片")
    assert response.status_code == 201, response.content
    last = grid02.get(f"/{appeal['id']}").json()["events"][-1]
    assert (last["kind"], last["note"], last["photo_ids"]) == (
        "note",
        "现场照片",
        response.json()["photo_ids"],
    )


def test_the_whole_cycle_through_the_api(world: World):
    appeal = _submit(world)
    pk = appeal["id"]
    grid02, resident = Api(world, "grid02"), Api(world, "resident")
    version = 1
    for step, body in [
        ("accept", {}),
        ("dispatch", {}),
        ("start", {}),
        ("pause", {"reason": "等居民在家"}),
        ("resume", {}),
        ("handle", {"result": "已清运"}),
    ]:
        response = grid02.post(f"/{pk}/{step}", {"version": version, **body})
        assert response.status_code == 200, (step, response.content)
        version = response.json()["version"]
    assert grid02.post(f"/{pk}/notes", {"text": "已回访"}).status_code == 200
    verified = resident.post(f"/{pk}/verify", {"version": version, "resolved": True})
    assert verified.status_code == 200 and verified.json()["status"] == "verified"
    closed = grid02.post(f"/{pk}/close", {"version": verified.json()["version"]})
    assert closed.json()["status"] == "closed"
    rated = resident.post(f"/{pk}/rate", {"rating": "satisfied", "comment": "很快"})
    assert rated.status_code == 200 and rated.json()["rating"] == "satisfied"
    assert resident.post(f"/{pk}/rate", {"rating": "satisfied"}).status_code == 422  # once


def test_a_consultation_is_answered(world: World):
    appeal = _submit(world, category="policy", kind="consultation", text="请问老年人优待证怎么办理？")
    answered = Api(world, "secretary").post(
        f"/{appeal['id']}/answer", {"version": 1, "reply": "带身份证到社区办理"}
    )
    assert answered.status_code == 200 and answered.json()["status"] == "closed"


def test_helpers_join_and_the_appeal_is_still_one(world: World):
    appeal = _submit(world)
    grid02 = Api(world, "grid02")
    grid02.post(f"/{appeal['id']}/accept", {"version": 1})
    for persona in ("staff", "secretary"):
        response = grid02.post(f"/{appeal['id']}/helpers", {"user_id": world.users[persona].pk})
        assert response.status_code == 200, response.content
    # Two helpers: the scope's join must not repeat the appeal.
    assert grid02.get(f"/{appeal['id']}").status_code == 200
    assert [a["id"] for a in grid02.get("/").json()["items"]] == [appeal["id"]]
    assert [a["id"] for a in Api(world, "staff").get("/", mine="true").json()["items"]] == [appeal["id"]]
    # A person outside the appeal's community cannot be named.
    outsider = _user("outsider", "grid_worker", world.other_community)
    assert grid02.post(f"/{appeal['id']}/helpers", {"user_id": outsider.pk}).status_code == 404


def test_dispatch_to_a_unit_needs_a_reason_and_a_unit_serving_there(world: World):
    appeal = _submit(world)
    street_unit = SinkingUnit.objects.create(
        name="区城管委", kind=UnitKind.AGENCY, area=world.street, area_code=world.street.code
    )
    other_unit = SinkingUnit.objects.create(
        name="南定物业",
        kind=UnitKind.ENTERPRISE,
        area=world.other_community,
        area_code=world.other_community.code,
    )
    grid02 = Api(world, "grid02")
    grid02.post(f"/{appeal['id']}/accept", {"version": 1})
    body = {"version": 2, "handler_type": "sinking_unit", "unit_id": street_unit.pk}
    no_reason = grid02.post(f"/{appeal['id']}/dispatch", body)
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["errors"]
    assert grid02.post(f"/{appeal['id']}/dispatch", {**body, "unit_id": other_unit.pk}).status_code == 404
    sent = grid02.post(f"/{appeal['id']}/dispatch", {**body, "reason": "需城管执法"})
    assert sent.status_code == 200, sent.content
    assert (sent.json()["handler_unit_id"], sent.json()["handler_id"]) == (street_unit.pk, None)


def test_list_filters(world: World):
    party_world(world)
    garbage = appeals.submit(
        actor=world.users["grid02"],
        channel=Channel.PATROL,
        category=Category.objects.get(code="garbage"),
        text="垃圾桶满溢无人清理",
        household=world.household2,
    )
    lift = appeals.submit(
        actor=world.users["grid01"],
        channel=Channel.PATROL,
        category=Category.objects.get(code="lift"),
        text="一单元电梯停在三楼不动",
        building=world.building1,
    )
    appeals.accept(actor=world.users["secretary"], appeal=lift, version=1)
    late = appeals.dispatch(actor=world.users["secretary"], appeal=lift, version=2)
    Appeal.objects.filter(pk=late.pk).update(resolution_due=timezone.now() - datetime.timedelta(hours=1))
    secretary = Api(world, "secretary")

    def ids(**params: Any) -> list[int]:
        response = secretary.get("/", **params)
        assert response.status_code == 200
        return [row["id"] for row in response.json()["items"]]

    assert ids() == [garbage.pk, lift.pk]
    assert ids(status="submitted") == [garbage.pk]
    assert ids(status="open") == [garbage.pk, lift.pk]
    appeals.reject(actor=world.users["secretary"], appeal=garbage, version=garbage.version, reason="重复")
    assert ids(status="open") == [lift.pk] and ids(status="rejected") == [garbage.pk]
    assert ids(category="environment") == [garbage.pk]  # a parent includes its children
    assert ids(category="lift") == [lift.pk]
    assert ids(area=world.grid1.code) == [lift.pk]
    assert ids(overdue="true") == [lift.pk]
    assert ids(overdue="false") == [garbage.pk]
    assert ids(mine="true") == []
    assert [r["id"] for r in Api(world, "grid01").get("/", mine="true").json()["items"]] == [lift.pk]
    assert ids(size=1) == [garbage.pk]
    assert secretary.get("/", size=1).json()["next_cursor"] == garbage.pk
    assert ids(size=1, after=garbage.pk) == [lift.pk]


def test_the_list_costs_the_same_queries_for_more_rows(world: World):
    _submit(world)
    secretary = Api(world, "secretary")
    secretary.get("/")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as one:
        secretary.get("/")
    for _ in range(3):
        _submit(world)
    with CaptureQueriesContext(connection) as four:
        assert len(secretary.get("/").json()["items"]) == 4
    assert len(four) == len(one)


def test_categories_are_the_active_tree_with_limits(world: World):
    Category.objects.filter(code="pets").update(active=False)
    Category.objects.filter(code="environment").update(active=False)  # and its children with it
    response = Api(world, "resident").get("/categories")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert "pets" not in rows and "environment" not in rows and "garbage" not in rows
    utilities = rows["utilities"]
    assert (utilities["parent_id"], utilities["depth"]) == (rows["facility"]["id"], 1)
    assert (utilities["resolution_limit"], utilities["resolution_unit"]) == (24, "hours")
    codes = list(rows)
    assert codes.index("facility") < codes.index("utilities") < codes.index("property")
