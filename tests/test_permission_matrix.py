"""Generated scoping matrix over every page URL and every API route.

Each URL pattern and API route must appear in the tables below, so a new endpoint cannot be
added without saying which object it touches; the tests then prove, for every one of them, that
- a grid worker of grid 1 gets 404 for grid 2's objects, on reads and writes;
- a resident sees nothing outside their own household, the system administrator no resident;
- anonymous users are sent to the login page (pages) or get 401 (API).
"""

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jiceng.accounts.models import ApiToken
from jiceng.api import api
from jiceng.rosters.models import ImportJob
from tests.appeals import matrix_api as appeals_matrix_api
from tests.appeals import matrix_pages as appeals_matrix_pages
from tests.birthdays import matrix as birthdays_matrix
from tests.conftest import World
from tests.development import matrix as development_matrix
from tests.dues import matrix as dues_matrix
from tests.meetings import matrix as meetings_matrix
from tests.notifications import matrix as notifications_matrix
from tests.party import matrix_api, matrix_liaison, matrix_pages
from tests.party.factories import party_world
from tests.training import matrix as training_matrix
from tests.transfers import matrix as transfers_matrix
from tests.units import matrix as units_matrix

# Each part of the platform lists its own URL names and routes beside its tests.
PARTS = [
    matrix_pages,
    matrix_liaison,
    matrix_api,
    units_matrix,
    notifications_matrix,
    appeals_matrix_api,
    appeals_matrix_pages,
    meetings_matrix,
    training_matrix,
    development_matrix,
    dues_matrix,
    transfers_matrix,
    birthdays_matrix,
]

# Pages anyone may open without logging in.
PUBLIC_PAGES = {
    "accounts:login",
    "accounts:login_totp",
    "accounts:totp_enroll",
    "set_language",
    # Open311 GeoReport v2 reads are public by the specification; without an api_key they show
    # public fields only (tests/open311 proves no personal data appears), with one the key's scope.
    "open311:discovery",
    "open311:services",
    "open311:service",
    "open311:requests",
    "open311:request",
    "open311:token",
}

# URL name -> the kwargs naming one of grid 2's objects (None: the page takes no object).
PAGE_OBJECTS: dict[str, Callable[[World], dict[str, Any]] | None] = {
    "dashboard:home": None,
    "accounts:logout": None,
    "accounts:password_change": None,
    "accounts:security": None,
    "accounts:revoke_token": lambda w: {"pk": ApiToken.issue(w.users["grid02"], "theirs")[0].pk},
    "accounts:users": None,
    "accounts:user": lambda w: {"pk": w.users["grid02"].pk},
    "accounts:user_action": lambda w: {"pk": w.users["grid02"].pk, "action": "unlock"},
    "territory:index": None,
    "territory:area": lambda w: {"code": w.grid2.code},
    "territory:area_edit": lambda w: {"code": w.grid2.code},
    "territory:area_new": lambda w: {"code": w.grid2.code},
    "territory:estate_new": lambda w: {"code": w.other_community.code},
    "territory:estate_edit": lambda w: {"pk": w.other_estate.pk},
    "territory:building_new": lambda w: {"code": w.grid2.code},
    "territory:building": lambda w: {"pk": w.building2.pk},
    "territory:building_edit": lambda w: {"pk": w.building2.pk},
    "people:search": None,
    "people:households": None,
    "people:household": lambda w: {"pk": w.household2.pk},
    "people:household_new": lambda w: {"building_pk": w.building2.pk},
    "people:household_edit": lambda w: {"pk": w.household2.pk},
    "people:resident_move": lambda w: {"pk": w.resident2.pk},
    "people:resident_new": lambda w: {"household_pk": w.household2.pk},
    "people:resident": lambda w: {"pk": w.resident2.pk},
    "people:resident_edit": lambda w: {"pk": w.resident2.pk},
    "people:resident_end": lambda w: {"pk": w.resident2.pk},
    "people:reveal": lambda w: {"pk": w.resident2.pk},
    "people:care_tags": None,
    "audit:log": None,
    "rosters:index": None,
    "rosters:export": None,
    "rosters:template": lambda w: {"kind": "residents"},
    "rosters:job": lambda w: {"pk": _their_job(w).pk},
    "rosters:job_progress": lambda w: {"pk": _their_job(w).pk},
    "rosters:error_report": lambda w: {"pk": _their_job(w).pk},
    "rosters:import_valid": lambda w: {"pk": _their_job(w).pk},
    "rosters:confirm": lambda w: {"pk": _their_job(w).pk},
    "workdays:index": None,
    "workdays:year": lambda w: {"year": 2027},
    "workdays:template": None,
    "appeal_measures:index": None,
    "appeal_measures:export": None,
    "appeal_measures:hot": None,
}
# Pages of the system administrator's configuration: everyone else is refused (403).
CONFIGURATION_PAGES = {"workdays:year", "appeal_categories:edit"}
for _part in PARTS:
    PAGE_OBJECTS.update(_part.PAGE_OBJECTS)


def _their_job(w: World) -> ImportJob:
    """An import job of grid 2's worker: only its owner may see it."""
    return ImportJob.objects.create(
        user=w.users["grid02"], kind="residents", file_name="x.xlsx", data=b"x", status="failed"
    )


def _page_names() -> Iterator[str]:
    def walk(patterns: list[Any], namespace: str = "") -> Iterator[str]:
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith("api/"):
                    continue  # the API has its own matrix below
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                yield namespace + p.name

    yield from walk(get_resolver().url_patterns)


def _scoped_pages() -> list[str]:
    return sorted(n for n, objects in PAGE_OBJECTS.items() if objects is not None)


def test_every_page_url_is_in_the_matrix():
    missing = set(_page_names()) - set(PAGE_OBJECTS) - PUBLIC_PAGES
    assert not missing, f"add these URL names to PAGE_OBJECTS: {sorted(missing)}"


@pytest.fixture
def other_estate(world: World) -> World:
    from jiceng.territory.models import Estate

    world.other_estate = Estate.objects.create(  # type: ignore[attr-defined]
        community=world.other_community, area_code=world.other_community.code, name="南定小区"
    )
    return world


@pytest.mark.parametrize("name", _scoped_pages())
@pytest.mark.parametrize("method", ["get", "post"])
def test_grid01_gets_404_for_grid02_objects(other_estate: World, name: str, method: str):
    world = other_estate
    objects = PAGE_OBJECTS[name]
    assert objects is not None
    url = reverse(name, kwargs=objects(world))
    response = getattr(world.client("grid01"), method)(url, {"reason": "test", "field": "id_number"})
    if method == "get" and response.status_code == 405:
        return  # a POST-only action: its POST case below must answer 404
    if name == "rosters:template":
        assert response.status_code in (200, 405), url  # a blank template holds no data
        return
    if (name.startswith("accounts:") and name != "accounts:revoke_token") or name in CONFIGURATION_PAGES:
        assert response.status_code in (403, 404), url  # not their business at all
    else:
        assert response.status_code == 404, f"{method.upper()} {url} gave {response.status_code}"


@pytest.mark.parametrize("name", sorted(PAGE_OBJECTS))
def test_anonymous_users_are_sent_to_login(other_estate: World, name: str):
    objects = PAGE_OBJECTS[name]
    url = reverse(name, kwargs=objects(other_estate) if objects else None)
    response = other_estate.client("anonymous").get(url)
    if name == "accounts:logout":
        assert response.status_code == 405  # logging out is POST only
        return
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


@pytest.mark.parametrize("name", [n for n, o in PAGE_OBJECTS.items() if o is None and n != "accounts:logout"])
@pytest.mark.parametrize(
    ("persona", "hidden"),
    [
        ("grid01", "李四"),
        ("resident", "张三"),
        ("member", "李四"),
        ("sysadmin", "张三"),
        ("sysadmin", "李四"),
        ("security", "张三"),
    ],
)
def test_lists_never_show_people_outside_the_scope(world: World, name: str, persona: str, hidden: str):
    party_world(world)  # members, links and a central household in both grids
    url = reverse(name)
    # Queries that match both residents (the page echoes the query, so names are not used).
    queries = ["zs", "ls", "zhangsan", "lisi", "世纪花园", "1号楼", "2号楼", "5678", world.resident2.id_tail]
    for params in [{}] + [{"q": q, "area": world.community.code} for q in queries]:
        response = world.client(persona).get(url, params)
        assert response.status_code in (200, 302, 403), url
        # Downloads (a blank .xlsx template) are bytes: decode what can be decoded.
        assert hidden not in response.content.decode(errors="replace"), (
            f"{persona} saw {hidden} on {url}?{params}"
        )


@pytest.mark.parametrize("name", ["people:resident", "people:household"])
def test_the_system_administrator_sees_no_resident(world: World, name: str):
    objects = PAGE_OBJECTS[name]
    assert objects is not None
    assert world.client("sysadmin").get(reverse(name, kwargs=objects(world))).status_code == 404


def test_a_resident_sees_their_own_household_only(world: World):
    client = world.client("resident")  # 李四, who lives in household 2
    assert client.get(reverse("people:household", kwargs={"pk": world.household2.pk})).status_code == 200
    assert client.get(reverse("people:household", kwargs={"pk": world.household1.pk})).status_code == 404
    assert client.get(reverse("people:resident", kwargs={"pk": world.resident1.pk})).status_code == 404
    assert client.get(reverse("territory:area", kwargs={"code": world.grid2.code})).status_code == 404


# ---- the API -------------------------------------------------------------------------------

# "METHOD path" -> (path parameters naming grid 2's objects, a valid body for writes).
API_ROUTES: dict[str, tuple[Callable[[World], dict[str, Any]], dict[str, Any] | None]] = {
    "GET /api/v1/territory/areas": (lambda w: {}, None),
    "GET /api/v1/territory/areas/{code}": (lambda w: {"code": w.grid2.code}, None),
    "PATCH /api/v1/territory/areas/{code}": (lambda w: {"code": w.grid2.code}, {"name": "x"}),
    "POST /api/v1/territory/areas/{code}/children": (
        lambda w: {"code": w.grid2.code},
        {"code": "1", "name": "x"},
    ),
    "GET /api/v1/territory/estates": (lambda w: {}, None),
    "POST /api/v1/territory/areas/{code}/estates": (
        lambda w: {"code": w.other_community.code},
        {"name": "x"},
    ),
    "GET /api/v1/territory/buildings": (lambda w: {}, None),
    "GET /api/v1/territory/buildings/{pk}": (lambda w: {"pk": w.building2.pk}, None),
    "POST /api/v1/territory/areas/{code}/buildings": (
        lambda w: {"code": w.grid2.code},
        {"estate_id": 0, "name": "9号楼"},
    ),
    "GET /api/v1/people/households": (lambda w: {}, None),
    "PATCH /api/v1/people/households/{pk}": (
        lambda w: {"pk": w.household2.pk},
        {"household_type": "floating"},
    ),
    "PATCH /api/v1/territory/estates/{pk}": (lambda w: {"pk": w.other_estate.pk}, {"name": "x"}),
    "PATCH /api/v1/territory/buildings/{pk}": (lambda w: {"pk": w.building2.pk}, {"units": 3}),
    "POST /api/v1/people/households": (lambda w: {}, {"building_id": 0, "unit": 1, "room": "301"}),
    "GET /api/v1/people/households/{pk}": (lambda w: {"pk": w.household2.pk}, None),
    "GET /api/v1/people/residents": (lambda w: {}, None),
    "POST /api/v1/people/residents": (lambda w: {}, {"household_id": 0, "name": "王五", "id_number": "x"}),
    "GET /api/v1/people/residents/{pk}": (lambda w: {"pk": w.resident2.pk}, None),
    "PATCH /api/v1/people/residents/{pk}": (lambda w: {"pk": w.resident2.pk}, {"name": "x"}),
    "POST /api/v1/people/residents/{pk}/end": (lambda w: {"pk": w.resident2.pk}, {"on": "2026-01-01"}),
    "POST /api/v1/people/residents/{pk}/reveal": (
        lambda w: {"pk": w.resident2.pk},
        {"field": "id_number", "reason": "test"},
    ),
    "GET /api/v1/rosters/templates/{kind}": (lambda w: {"kind": "residents"}, None),
    "POST /api/v1/rosters/jobs": (lambda w: {}, {}),
    "GET /api/v1/rosters/jobs/{pk}": (lambda w: {"pk": _their_job(w).pk}, None),
    "GET /api/v1/rosters/jobs/{pk}/error-report": (lambda w: {"pk": _their_job(w).pk}, None),
    "POST /api/v1/rosters/jobs/{pk}/import-valid": (lambda w: {"pk": _their_job(w).pk}, {}),
    "POST /api/v1/rosters/jobs/{pk}/confirm": (lambda w: {"pk": _their_job(w).pk}, {}),
    "POST /api/v1/rosters/export": (lambda w: {}, {"kind": "residents"}),
    "GET /api/v1/workdays/years/{year}": (lambda w: {"year": 2026}, None),
    "GET /api/v1/workdays/due": (lambda w: {}, None),
}
# Routes that hold no data of any place: the holiday calendar is the same for everyone.
PLACELESS_ROUTES = {"GET /api/v1/rosters/templates/{kind}", "GET /api/v1/workdays/years/{year}"}
# Figures of an area: someone without one (a resident, the system administrator) is refused.
AREA_FIGURES = {"GET /api/v1/appeals/measures", "GET /api/v1/appeals/hot"}
# Bodies naming grid 2's building or household by id.
API_BODY_OBJECTS: dict[str, Callable[[World], dict[str, Any]]] = {
    "POST /api/v1/territory/areas/{code}/buildings": lambda w: {"estate_id": w.estate.pk},
    "POST /api/v1/people/households": lambda w: {"building_id": w.building2.pk},
    "POST /api/v1/people/residents": lambda w: {"household_id": w.household2.pk},
}
for _part in PARTS:
    API_ROUTES.update(_part.API_ROUTES)
    API_BODY_OBJECTS.update(_part.API_BODY_OBJECTS)


def _api_routes() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, methods in schema["paths"].items() for method in methods}


def test_every_api_route_is_in_the_matrix():
    routes = _api_routes()
    assert routes - set(API_ROUTES) == set(), (
        f"add these routes to API_ROUTES: {sorted(routes - set(API_ROUTES))}"
    )
    assert set(API_ROUTES) - routes == set(), "API_ROUTES names routes that no longer exist"


def _call(client: Any, route: str, world: World, **headers: str) -> Any:
    method, path = route.split(" ", 1)
    params, body = API_ROUTES[route]
    url = path.format(**params(world))
    if body is None:
        return client.generic(method, url, **headers)
    body = {**body, **API_BODY_OBJECTS.get(route, lambda w: {})(world)}
    return client.generic(method, url, data=json.dumps(body), content_type="application/json", **headers)


@pytest.mark.parametrize("route", sorted(API_ROUTES))
def test_api_anonymous_gets_401(other_estate: World, route: str):
    assert _call(other_estate.client("anonymous"), route, other_estate).status_code == 401


@pytest.mark.parametrize("route", sorted(r for r in API_ROUTES if "{" in r or r in API_BODY_OBJECTS))
def test_api_grid01_gets_404_for_grid02_objects(other_estate: World, route: str):
    _, token = ApiToken.issue(other_estate.users["grid01"], "matrix")
    response = _call(
        other_estate.client("anonymous"), route, other_estate, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    if route in PLACELESS_ROUTES:
        assert response.status_code == 200  # a blank template or the calendar holds no one's data
    elif route == "POST /api/v1/territory/areas/{code}/buildings":
        # grid01 may see the estate (its buildings span both grids) but not grid 2.
        assert response.status_code == 404
    else:
        assert response.status_code == 404, f"{route} gave {response.status_code}: {response.content[:200]!r}"


@pytest.mark.parametrize("route", sorted(r for r in API_ROUTES if r.startswith("GET") and "{" not in r))
@pytest.mark.parametrize(
    ("persona", "hidden"), [("grid01", "李四"), ("resident", "张三"), ("sysadmin", "张三")]
)
def test_api_lists_never_show_people_outside_the_scope(world: World, route: str, persona: str, hidden: str):
    party_world(world)
    response = _call(world.client(persona), route, world)
    if route in AREA_FIGURES and persona != "grid01":
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert hidden not in response.content.decode()


def test_positive_control_the_secretary_finds_both_residents(world: World):
    # Without this, the "never shows" tests above could pass on an empty page.
    content = world.client("secretary").get(reverse("people:search"), {"q": "ls"}).content.decode()
    assert "李四" in content
    content = world.client("grid01").get(reverse("people:search"), {"q": "zs"}).content.decode()
    assert "张三" in content


def test_positive_control_the_secretary_sees_both_grids_party_lists(world: World):
    party_world(world)
    client = world.client("secretary")
    assert "王五" in client.get(reverse("party:members")).content.decode()
    assert "王五" in client.get("/api/v1/party/members").content.decode()
    # 王五 looks after 李四's household: the link list names the household's grid-2 address.
    assert "2号楼" in client.get("/api/v1/party/links").content.decode()
