"""Open311 GeoReport v2 as the specification (http://wiki.open311.org/GeoReport_v2) writes it:
element and field names, formats, the open/closed mapping, filters, errors; the key's scope; and
no personal data without a key."""

import datetime
import json
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jiceng.accounts.models import ApiToken
from jiceng.appeals import services as appeals
from jiceng.appeals.models import Appeal, AppealEvent, Category, Channel, EventKind, Helper, Status
from jiceng.audit.models import AuditEvent
from jiceng.open311.places import contains
from jiceng.open311.records import open_or_closed
from jiceng.territory.models import Area
from tests.conftest import World
from tests.party.factories import party_world

BASE = "/open311/v2"
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
# A square around grid 1 (longitude, latitude), as the grid map draws it.
GRID1_BOUNDARY = {
    "type": "Polygon",
    "coordinates": [[[118.0, 36.8], [118.1, 36.8], [118.1, 36.9], [118.0, 36.9], [118.0, 36.8]]],
}


def key(world: World, persona: str) -> str:
    return ApiToken.issue(world.users[persona], "open311 client")[1]


def xml(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def as_json(response: Any) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def post(fmt: str = "json", **fields: str) -> Any:
    # What Open311 clients send: a form, no session, no CSRF token.
    return Client(enforce_csrf_checks=True).post(
        f"{BASE}/requests.{fmt}", urlencode(fields), content_type="application/x-www-form-urlencoded"
    )


@pytest.fixture
def filed(world: World) -> dict[str, Appeal]:
    """李四's appeal in grid 2 (open), 张三's in grid 1 (rejected: closed), one from 100 days ago."""
    party_world(world)
    lisi = appeals.submit(
        actor=world.users["resident"],
        channel=Channel.RESIDENT,
        category=Category.objects.get(code="garbage"),
        text="李四反映：楼下垃圾三天没有清运",
        household=world.household2,
        reporter_name="李四",
        reporter_phone="13900001111",
    )
    zhangsan = appeals.submit(
        actor=world.users["member"],
        channel=Channel.PHONE,
        category=Category.objects.get(code="lift"),
        text="张三反映：电梯停在三楼不动",
        household=world.household1,
        reporter_name="张三",
        reporter_phone="13812345678",
    )
    zhangsan = appeals.reject(
        actor=world.users["grid01"], appeal=zhangsan, version=zhangsan.version, reason="张三已自行联系维保"
    )
    old = appeals.submit(
        actor=world.users["grid01"],
        channel=Channel.PATROL,
        category=Category.objects.get(code="corridor"),
        text="一单元楼道堆放杂物",
        building=world.building1,
    )
    Appeal.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=100))
    return {"lisi": lisi, "zhangsan": zhangsan, "old": old}


def ids(response: Any) -> set[int]:
    return {row["service_request_id"] for row in as_json(response)}


# ---- services ----------------------------------------------------------------------------------


def test_services_xml_has_the_specifications_elements(db: Any):
    root = xml(Client().get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    services = root.findall("service")
    assert len(services) == Category.objects.filter(active=True).count() > 0
    assert all(s.tag == "service" for s in root)
    garbage = next(s for s in services if s.findtext("service_code") == "garbage")
    assert [e.tag for e in garbage] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert garbage.findtext("service_name") == "垃圾清运"
    assert (garbage.findtext("metadata"), garbage.findtext("type")) == ("true", "realtime")
    assert garbage.findtext("group") == "环境卫生"  # the parent category
    assert "ljqy" in garbage.findtext("keywords", "")


def test_services_json_is_the_list_of_services(db: Any):
    services = as_json(Client().get(f"{BASE}/services.json"))
    environment = next(s for s in services if s["service_code"] == "environment")
    assert environment["metadata"] is True  # a JSON boolean, not "true"
    assert environment["group"] == "环境卫生"  # a parent groups itself with its children
    assert next(s for s in services if s["service_code"] == "pets")["group"] is None


def test_an_inactive_category_is_not_a_service(db: Any):
    Category.objects.filter(code="pets").update(active=False)
    codes = {s["service_code"] for s in as_json(Client().get(f"{BASE}/services.json"))}
    assert "pets" not in codes and "garbage" in codes
    assert Client().get(f"{BASE}/services/pets.json").status_code == 404


def test_service_definition_names_its_attributes(db: Any):
    root = xml(Client().get(f"{BASE}/services/garbage.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "garbage"
    attribute = root.find("attributes/attribute")
    assert attribute is not None
    assert [e.tag for e in attribute] == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert attribute.findtext("datatype") == "singlevaluelist"
    assert [v.findtext("key") for v in attribute.findall("values/value")] == ["false", "true"]
    assert as_json(Client().get(f"{BASE}/services/garbage.json"))["attributes"][0]["code"] == "anonymous"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_404_in_the_error_format(db: Any, fmt: str):
    response = Client().get(f"{BASE}/services/potholes.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        [error] = as_json(response)
        assert error["code"] == 404 and "potholes" in error["description"]
    else:
        root = xml(response)
        assert root.tag == "errors" and root.findtext("error/code") == "404"
        assert "potholes" in root.findtext("error/description", "")


def test_discovery_names_the_endpoint_and_formats(db: Any):
    document = as_json(Client().get(f"{BASE}/discovery.json"))
    [endpoint] = document["endpoints"]
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert (
        xml(Client().get(f"{BASE}/discovery.xml")).findtext("endpoints/endpoint/formats/format") == "text/xml"
    )


# ---- POST requests -----------------------------------------------------------------------------


def test_a_valid_key_files_an_appeal_through_the_appeals_service(world: World):
    party_world(world)
    audit_before = AuditEvent.objects.count()
    response = post(
        api_key=key(world, "grid01"),
        service_code="garbage",
        address_string="山东省淄博市张店区世纪花园1号楼东侧",
        description="垃圾桶满了没有人清运",
        first_name="三",
        last_name="张",
        phone="13812345678",
        email="zs@example.com",
    )
    assert response.status_code == 200, response.content
    [created] = as_json(response)
    assert list(created) == ["service_request_id", "service_notice", "account_id"]
    appeal = Appeal.objects.get(pk=created["service_request_id"])
    assert appeal.number in created["service_notice"]
    assert (appeal.channel, appeal.building, appeal.area_code) == (
        Channel.OPEN311,
        world.building1,
        world.grid1.code,
    )
    assert (appeal.submitter, appeal.reporter_name, appeal.reporter_phone) == (
        world.users["grid01"],
        "张三",
        "13812345678",
    )
    assert AppealEvent.objects.filter(appeal=appeal, kind=EventKind.SUBMITTED).exists()
    assert AuditEvent.objects.count() > audit_before


def test_the_xml_answer_to_a_post(world: World):
    response = post(
        "xml",
        api_key=key(world, "secretary"),
        service_code="lift",
        address_id=str(world.building2.pk),
        description="二号楼电梯异响",
        media_url="https://example.com/photo.jpg",
        **{"attribute[anonymous]": "true"},
    )
    root = xml(response)
    assert [e.tag for e in root.find("request")] == ["service_request_id", "service_notice", "account_id"]
    appeal = Appeal.objects.get(pk=root.findtext("request/service_request_id"))
    assert appeal.anonymous and appeal.building == world.building2
    assert "https://example.com/photo.jpg" in appeal.text
    assert root.findtext("request/account_id") == ""  # <account_id />, as the specification shows


@pytest.mark.parametrize("api_key", ["", "jc_not-a-token", "revoked"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_or_invalid_key_is_403(world: World, api_key: str, fmt: str):
    if api_key == "revoked":
        row, api_key = ApiToken.issue(world.users["grid01"], "old")
        ApiToken.objects.filter(pk=row.pk).update(revoked_at=timezone.now())
    response = post(
        fmt,
        api_key=api_key,
        service_code="garbage",
        address_string="世纪花园1号楼",
        description="垃圾没人清运",
    )
    assert response.status_code == 403
    if fmt == "json":
        assert [e["code"] for e in as_json(response)] == [403]
    else:
        assert [(e.tag, e.findtext("code")) for e in xml(response)] == [("error", "403")]
    assert not Appeal.objects.exists()


def test_the_key_may_come_in_the_query_string(world: World):
    response = Client(enforce_csrf_checks=True).post(
        f"{BASE}/requests.json?api_key={key(world, 'grid01')}",
        urlencode(
            {"service_code": "garbage", "address_string": "世纪花园1号楼", "description": "垃圾没人清运"}
        ),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, response.content


def test_a_missing_service_code_is_400_and_an_unknown_one_404(world: World):
    api_key = key(world, "grid01")
    response = post(api_key=api_key, address_string="世纪花园1号楼", description="垃圾没人清运")
    assert response.status_code == 400
    assert "service_code" in as_json(response)[0]["description"]
    response = post(api_key=api_key, service_code="potholes", address_string="世纪花园1号楼", description="x")
    assert response.status_code == 404


def test_the_place_must_resolve_within_the_keys_scope(world: World):
    api_key = key(world, "grid01")
    fields = {"api_key": api_key, "service_code": "garbage", "description": "垃圾没人清运"}
    response = post(**fields)
    assert response.status_code == 400 and "address_string" in as_json(response)[0]["description"]
    response = post(**fields, address_string="世纪花园2号楼")  # grid 2: not grid01's
    assert response.status_code == 400 and "世纪花园2号楼" in as_json(response)[0]["description"]
    response = post(**fields, address_id=str(world.building2.pk))
    assert response.status_code == 400
    response = post(**fields, lat="36.85")  # half a point
    assert response.status_code == 400 and "long" in as_json(response)[0]["description"]
    for lat, long in [("NaN", "118.05"), ("91", "118.05"), ("north", "118.05")]:
        assert post(**fields, lat=lat, long=long).status_code == 400, lat
    assert not Appeal.objects.exists()


def test_a_point_inside_a_grid_boundary_files_it_in_that_grid(world: World):
    Area.objects.filter(pk=world.grid1.pk).update(boundary=GRID1_BOUNDARY)
    fields = {"service_code": "garbage", "description": "路边垃圾没人清运", "lat": "36.85", "long": "118.05"}
    response = post(api_key=key(world, "staff"), **fields)
    assert response.status_code == 200, response.content
    appeal = Appeal.objects.get(pk=as_json(response)[0]["service_request_id"])
    assert appeal.area_code == world.grid1.code and appeal.building is None
    assert (str(appeal.latitude), str(appeal.longitude)) == ("36.850000", "118.050000")  # the pin is kept
    response = post(api_key=key(world, "staff"), **{**fields, "lat": "30.0"})
    assert response.status_code == 400


def test_a_resident_files_for_their_own_household(world: World):
    party_world(world)
    api_key = key(world, "resident")  # 李四, household 2
    response = post(
        api_key=api_key,
        service_code="garbage",
        address_string="世纪花园2号楼",
        description="楼下垃圾没人清运",
    )
    assert response.status_code == 200, response.content
    appeal = Appeal.objects.get(pk=as_json(response)[0]["service_request_id"])
    assert appeal.household == world.household2
    response = post(
        api_key=api_key, service_code="garbage", address_string="世纪花园1号楼", description="垃圾没人清运"
    )
    assert response.status_code == 400


def test_the_services_rules_answer_400(world: World):
    response = post(
        api_key=key(world, "grid01"), service_code="garbage", address_string="世纪花园1号楼", description="脏"
    )
    assert response.status_code == 400
    assert "至少5个字" in as_json(response)[0]["description"]


# ---- GET requests ------------------------------------------------------------------------------


def test_the_default_window_is_the_last_90_days(filed: dict[str, Appeal]):
    assert ids(Client().get(f"{BASE}/requests.json")) == {filed["lisi"].pk, filed["zhangsan"].pk}


def test_status_maps_every_open_step_to_open_and_the_rest_to_closed(filed: dict[str, Appeal]):
    rows = {r["service_request_id"]: r for r in as_json(Client().get(f"{BASE}/requests.json"))}
    assert rows[filed["lisi"].pk]["status"] == "open"  # submitted
    assert rows[filed["zhangsan"].pk]["status"] == "closed"  # rejected
    assert ids(Client().get(f"{BASE}/requests.json", {"status": "open"})) == {filed["lisi"].pk}
    assert ids(Client().get(f"{BASE}/requests.json", {"status": "closed"})) == {filed["zhangsan"].pk}
    assert len(ids(Client().get(f"{BASE}/requests.json", {"status": "open,closed"}))) == 2
    assert Client().get(f"{BASE}/requests.json", {"status": "pending"}).status_code == 400


@pytest.mark.parametrize("status", list(Status))
def test_every_status_maps_to_open_or_closed(status: Status):
    closed = {Status.CLOSED, Status.REJECTED, Status.MERGED}
    assert open_or_closed(status) == ("closed" if status in closed else "open")


def test_filters_by_service_code_dates_and_ids(filed: dict[str, Appeal]):
    client = Client()
    assert ids(client.get(f"{BASE}/requests.json", {"service_code": "lift"})) == {filed["zhangsan"].pk}
    assert len(ids(client.get(f"{BASE}/requests.json", {"service_code": "lift,garbage"}))) == 2
    start = (timezone.now() - datetime.timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - datetime.timedelta(days=50)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    assert ids(client.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end})) == {
        filed["old"].pk
    }
    # The id list overrides every other filter, the window included.
    both = f"{filed['old'].pk},{filed['lisi'].pk}"
    assert ids(client.get(f"{BASE}/requests.json", {"service_request_id": both, "status": "closed"})) == {
        filed["old"].pk,
        filed["lisi"].pk,
    }


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},  # over 90 days
        {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        {"service_request_id": "1,abc"},
        {"service_request_id": ",".join(str(n) for n in range(1, 1002))},  # over the 1,000 a list holds
    ],
)
def test_invalid_parameters_are_400(db: Any, params: dict[str, str]):
    response = Client().get(f"{BASE}/requests.xml", params)
    assert response.status_code == 400
    assert xml(response).findtext("error/code") == "400"


def test_one_request_in_xml(filed: dict[str, Appeal]):
    appeal = filed["zhangsan"]
    root = xml(Client().get(f"{BASE}/requests/{appeal.pk}.xml"))
    assert root.tag == "service_requests"
    [request] = root
    assert request.tag == "request" and [e.tag for e in request] == REQUEST_FIELDS
    assert request.findtext("status") == "closed"
    assert request.findtext("service_code") == "lift"
    assert request.findtext("address") == "世纪花园1号楼"
    assert request.findtext("requested_datetime", "").endswith("+08:00")
    assert request.findtext("updated_datetime") == timezone.localtime(appeal.closed_at).isoformat(
        timespec="seconds"
    )


@pytest.mark.parametrize("path", ["requests/999999.xml", "requests/abc.xml", "tokens/JC000.xml"])
def test_a_missing_request_or_token_is_404_in_the_error_format(db: Any, path: str):
    response = Client().get(f"{BASE}/{path}")
    assert response.status_code == 404
    assert xml(response).findtext("error/code") == "404"


def test_a_token_is_the_appeals_number(filed: dict[str, Appeal]):
    appeal = filed["lisi"]
    assert as_json(Client().get(f"{BASE}/tokens/{appeal.number}.json")) == [
        {"service_request_id": appeal.pk, "token": appeal.number}
    ]
    root = xml(Client().get(f"{BASE}/tokens/{appeal.number}.xml"))
    assert [e.tag for e in root.find("request")] == ["service_request_id", "token"]


def test_an_invalid_key_on_a_read_is_403(db: Any):
    assert Client().get(f"{BASE}/requests.json", {"api_key": "jc_nope"}).status_code == 403


def test_another_method_is_refused_in_the_error_format(db: Any):
    response = Client().delete(f"{BASE}/requests.json")
    assert response.status_code == 405 and response["Allow"] == "GET, POST, HEAD"
    assert as_json(response)[0]["code"] == 405
    assert Client().head(f"{BASE}/services.xml").status_code == 200  # as for any GET


# ---- scope and privacy -------------------------------------------------------------------------


def test_a_grid_workers_key_sees_its_own_grid_only(filed: dict[str, Appeal], world: World):
    api_key = key(world, "grid01")
    listed = ids(Client().get(f"{BASE}/requests.json", {"api_key": api_key}))
    assert filed["zhangsan"].pk in listed
    assert filed["lisi"].pk not in listed  # grid 2's
    lisi = filed["lisi"].pk
    assert Client().get(f"{BASE}/requests/{lisi}.json", {"api_key": api_key}).status_code == 404
    assert (
        ids(Client().get(f"{BASE}/requests.json", {"api_key": api_key, "service_request_id": str(lisi)}))
        == set()
    )
    number = filed["lisi"].number
    assert Client().get(f"{BASE}/tokens/{number}.json", {"api_key": api_key}).status_code == 404
    # Two helpers (协办) on one appeal still list it once.
    Helper.objects.create(appeal=filed["zhangsan"], user=world.users["staff"])
    Helper.objects.create(appeal=filed["zhangsan"], user=world.users["secretary"])
    rows = as_json(Client().get(f"{BASE}/requests.json", {"api_key": api_key}))
    assert [r["service_request_id"] for r in rows].count(filed["zhangsan"].pk) == 1
    # The community's secretary sees both grids.
    both = ids(Client().get(f"{BASE}/requests.json", {"api_key": key(world, "secretary")}))
    assert {filed["lisi"].pk, filed["zhangsan"].pk} <= both


def _anonymous_pages(filed: dict[str, Appeal]) -> list[str]:
    pages = [f"{BASE}/requests.{fmt}" for fmt in ("json", "xml")]
    for appeal in filed.values():
        pages += [f"{BASE}/requests/{appeal.pk}.json", f"{BASE}/requests/{appeal.pk}.xml"]
        pages.append(f"{BASE}/tokens/{appeal.number}.json")
    return pages


def test_no_personal_data_without_a_key(filed: dict[str, Appeal]):
    for url in _anonymous_pages(filed):
        for params in ({}, {"service_request_id": ",".join(str(a.pk) for a in filed.values())}):
            content = Client().get(url, params).content.decode()
            for secret in ("李四", "张三", "13900001111", "13812345678", "201室", "101室", "单元"):
                assert secret not in content, f"{secret} in {url}?{params}"


def test_positive_control_a_key_in_scope_reads_the_full_record(filed: dict[str, Appeal], world: World):
    # Without this, the test above could pass on empty answers.
    [row] = as_json(
        Client().get(f"{BASE}/requests/{filed['lisi'].pk}.json", {"api_key": key(world, "secretary")})
    )
    assert "李四" in row["description"]
    assert row["address"] == "世纪花园2号楼1单元201室"
    [public] = as_json(Client().get(f"{BASE}/requests/{filed['lisi'].pk}.json"))
    assert (public["description"], public["status_notes"], public["address"]) == (None, None, "世纪花园2号楼")
    assert public["address_id"] == world.building2.pk


def test_an_anonymous_appeal_is_named_by_its_grid_in_public(filed: dict[str, Appeal], world: World):
    Appeal.objects.filter(pk=filed["lisi"].pk).update(anonymous=True)
    [public] = as_json(Client().get(f"{BASE}/requests/{filed['lisi'].pk}.json"))
    assert (public["address"], public["address_id"]) == ("第二网格", None)


def test_the_list_costs_the_same_queries_for_more_rows(filed: dict[str, Appeal], world: World):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(f"{BASE}/requests.xml").status_code == 200
        return len(queries)

    few = count()
    for n in range(4):
        appeals.submit(
            actor=world.users["grid01"],
            channel=Channel.PATROL,
            category=Category.objects.get(code="lighting"),
            text=f"第{n}盏路灯不亮了",
            building=world.building1,
        )
    assert count() == few


def test_point_in_polygon_honours_holes():
    hole = [[118.04, 36.84], [118.06, 36.84], [118.06, 36.86], [118.04, 36.86], [118.04, 36.84]]
    donut = {"type": "Polygon", "coordinates": [GRID1_BOUNDARY["coordinates"][0], hole]}
    assert contains(GRID1_BOUNDARY, 118.05, 36.85)
    assert not contains(donut, 118.05, 36.85)
    assert contains(donut, 118.01, 36.81)
    assert not contains({"type": "Feature", "geometry": GRID1_BOUNDARY}, 117.9, 36.85)
    multi = {"type": "MultiPolygon", "coordinates": [[hole]]}
    assert contains(multi, 118.05, 36.85)
