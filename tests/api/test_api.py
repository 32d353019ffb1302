"""The JSON API: personal access tokens, masking, the same services and errors as the pages."""

import io
import json
from typing import Any

from django.core.management import call_command
from django.test import Client

from jiceng.accounts.models import ApiToken
from jiceng.audit.models import AuditEvent
from tests.conftest import World, make_id, with_wrong_check_character


def _token(username: str) -> str:
    out = io.StringIO()
    call_command("token", "create", username, "--name", "test", stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_token_create_prints_the_token_alone_on_its_last_line(world: World):
    token = _token("grid01")
    assert token.startswith("jc_") and " " not in token
    assert ApiToken.objects.filter(user__username="grid01").count() == 1
    assert token not in str(ApiToken.objects.values().get())  # only a digest is stored


def test_a_token_reads_the_users_scope_and_numbers_stay_masked(world: World):
    response = Client().get("/api/v1/people/residents", **_bearer(_token("grid01")))
    assert response.status_code == 200
    items = response.json()["items"]
    assert [r["name"] for r in items] == ["张三"]
    assert items[0]["id_number"] == world.resident1.id_number_masked
    assert items[0]["phone"] == "138****5678"


def test_revoked_and_unknown_tokens_get_401(world: World):
    token = _token("grid01")
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert Client().get("/api/v1/people/residents", **_bearer(token)).status_code == 401
    assert Client().get("/api/v1/people/residents", **_bearer("jc_nonsense")).status_code == 401


def test_a_session_works_but_writes_need_the_csrf_token(world: World):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["grid01"])
    assert client.get("/api/v1/people/households").status_code == 200
    response = client.post(
        f"/api/v1/people/residents/{world.resident1.pk}/reveal",
        json.dumps({"field": "phone", "reason": "回访"}),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_creating_a_resident_with_a_bad_id_number_gives_a_clear_422(world: World):
    bad = with_wrong_check_character(make_id(seed=9))
    response = Client().post(
        "/api/v1/people/residents",
        json.dumps({"household_id": world.household1.pk, "name": "王五", "id_number": bad}),
        content_type="application/json",
        **_bearer(_token("grid01")),
    )
    assert response.status_code == 422
    assert "校验位" in response.json()["errors"]["id_number"][0]


def test_creating_a_resident_through_the_api_uses_the_service(world: World):
    response = Client().post(
        "/api/v1/people/residents",
        json.dumps(
            {
                "household_id": world.household1.pk,
                "name": "王五",
                "id_number": make_id(seed=9),
                "care_tags": ["veteran"],
            }
        ),
        content_type="application/json",
        **_bearer(_token("grid01")),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["birth_date"] == "1980-05-17" and body["gender"] == "M"
    assert AuditEvent.objects.filter(action="create", object_id=str(body["id"]), actor_name="grid01").exists()


def test_reveal_through_the_api_needs_permission_and_is_logged(world: World):
    url = f"/api/v1/people/residents/{world.resident1.pk}/reveal"
    body = json.dumps({"field": "id_number", "reason": "办理低保"})
    response = Client().post(url, body, content_type="application/json", **_bearer(_token("grid01")))
    assert response.json()["value"] == world.resident1.id_number
    assert AuditEvent.objects.filter(action="reveal", reason="办理低保").count() == 1
    response = Client().post(url, body, content_type="application/json", **_bearer(_token("member01")))
    assert response.status_code == 403  # a party member sees their household, not full numbers


def test_list_pages_follow_the_cursor(world: World):
    token = _token("secretary")
    first = Client().get("/api/v1/people/households?size=1", **_bearer(token)).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = (
        Client()
        .get(f"/api/v1/people/households?size=1&after={first['next_cursor']}", **_bearer(token))
        .json()
    )
    assert second["items"][0]["id"] != first["items"][0]["id"] and second["next_cursor"] is None


def test_openapi_docs_are_served(world: World):
    assert Client().get("/api/v1/docs").status_code == 200
    assert "/api/v1/people/residents" in Client().get("/api/v1/openapi.json").json()["paths"]


def test_list_items_have_exactly_the_documented_fields(world: World):
    from jiceng.people.api import HouseholdOut, ResidentOut

    token = _token("secretary")
    households = Client().get("/api/v1/people/households", **_bearer(token)).json()["items"]
    residents = Client().get("/api/v1/people/residents", **_bearer(token)).json()["items"]
    assert set(households[0]) == set(HouseholdOut.model_fields)
    assert set(residents[0]) == set(ResidentOut.model_fields)
    assert households[0]["address"] == "世纪花园1号楼1单元101室"
    assert residents[0]["id_number"] == world.resident1.id_number_masked
    assert residents[0]["birth_date"] == world.resident1.birth_date.isoformat()


def test_managing_estates_buildings_and_households_through_the_api(world: World):
    token = _token("secretary")

    def patch(url: str, body: dict) -> Any:
        return Client().patch(url, json.dumps(body), content_type="application/json", **_bearer(token))

    response = patch(f"/api/v1/territory/estates/{world.estate.pk}", {"property_management": "none"})
    assert response.status_code == 200 and response.json()["is_three_no"] is True
    response = patch(f"/api/v1/territory/buildings/{world.building1.pk}", {"grid_code": world.grid2.code})
    assert response.status_code == 200 and response.json()["grid_id"] == world.grid2.pk
    response = patch(f"/api/v1/people/households/{world.household2.pk}", {"household_type": "floating"})
    assert response.status_code == 200 and response.json()["household_type"] == "floating"
    response = patch(f"/api/v1/people/households/{world.household2.pk}", {"head_id": world.resident1.pk})
    assert response.status_code == 422  # 张三 lives in another household
