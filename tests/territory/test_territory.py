"""The territory tree: GB/T 2260 codes, estates with property management, buildings in grids."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jiceng.territory import services
from jiceng.territory.models import Estate, Level
from tests.conftest import World


def test_a_grid_code_is_its_communitys_code_plus_three_digits(world: World):
    grid = services.create_area(
        actor=world.users["secretary"], parent=world.community, code="370303005001003", name="第三网格"
    )
    assert grid.level == Level.GRID and grid.parent == world.community


@pytest.mark.parametrize(
    ("code", "message"),
    [("37030300500103", "15位"), ("370303005002003", "开头"), ("37030300500100A", "15位")],
)
def test_wrong_codes_are_refused_with_the_reason(world: World, code: str, message: str):
    with pytest.raises(ValidationError) as exc:
        services.create_area(actor=world.users["secretary"], parent=world.community, code=code, name="x")
    assert message in exc.value.message_dict["code"][0]


def test_codes_are_unique(world: World):
    with pytest.raises(ValidationError):
        services.create_area(
            actor=world.users["secretary"], parent=world.community, code=world.grid1.code, name="重复"
        )


def test_a_community_secretary_cannot_add_to_another_community(world: World):
    with pytest.raises(PermissionDenied):
        services.create_area(
            actor=world.users["secretary"], parent=world.other_community, code="370303005002001", name="x"
        )


def test_a_grid_worker_cannot_change_the_territory(world: World):
    with pytest.raises(PermissionDenied):
        services.update_area(actor=world.users["grid01"], area=world.grid1, name="改名")


def test_a_boundary_must_be_a_geojson_polygon(world: World):
    with pytest.raises(ValidationError):
        services.update_area(
            actor=world.users["secretary"],
            area=world.grid1,
            name="第一网格",
            boundary={"type": "Point", "coordinates": [118.0, 36.8]},
        )
    polygon = {
        "type": "Polygon",
        "coordinates": [[[118.0, 36.8], [118.1, 36.8], [118.1, 36.9], [118.0, 36.8]]],
    }
    area = services.update_area(
        actor=world.users["secretary"], area=world.grid1, name="第一网格", boundary=polygon
    )
    assert area.boundary == polygon


def test_a_three_no_estate_is_recognised(world: World):
    estate = services.create_estate(
        actor=world.users["secretary"],
        community=world.community,
        name="老纺织厂宿舍",
        property_management="none",
    )
    assert estate.is_three_no
    assert list(Estate.objects.three_no()) == [estate]
    services.update_estate(actor=world.users["secretary"], estate=estate, has_owners_committee=True)
    assert not Estate.objects.get(pk=estate.pk).is_three_no


def test_a_property_company_needs_its_name(world: World):
    with pytest.raises(ValidationError) as exc:
        services.create_estate(
            actor=world.users["secretary"],
            community=world.community,
            name="新小区",
            property_management="company",
        )
    assert "property_company" in exc.value.message_dict


def test_a_building_must_be_in_its_estates_community(world: World):
    other = Estate.objects.create(
        community=world.other_community, area_code=world.other_community.code, name="南定"
    )
    with pytest.raises(ValidationError) as exc:
        services.create_building(actor=world.users["secretary"], grid=world.grid1, estate=other, name="1号楼")
    assert "estate" in exc.value.message_dict


def test_the_browser_shows_children_with_live_counts(world: World):
    content = world.client("street").get(f"/territory/{world.street.code}/").content.decode()
    assert "世纪花园社区" in content and "南定社区" in content
    content = world.client("secretary").get(f"/territory/{world.community.code}/").content.decode()
    assert "第一网格" in content and "第二网格" in content and "世纪花园" in content


def test_a_grid_worker_lands_on_their_grid(world: World):
    response = world.client("grid01").get("/territory/")
    assert response.status_code == 302 and response["Location"] == f"/territory/{world.grid1.code}/"
    content = world.client("grid01").get(response["Location"]).content.decode()
    assert "1号楼" in content and "2号楼" not in content


def test_adding_a_grid_through_the_page(world: World):
    response = world.client("secretary").post(
        f"/territory/{world.community.code}/new/", {"code": "370303005001003", "name": "第三网格"}
    )
    assert response.status_code == 302
    response = world.client("secretary").post(
        f"/territory/{world.community.code}/new/", {"code": "3703030050010", "name": "坏代码"}
    )
    assert "15位" in response.content.decode()


def test_moving_a_building_to_another_grid_through_the_page(world: World):
    client = world.client("secretary")
    url = f"/territory/buildings/{world.building1.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"grid": world.grid2.pk, "estate": world.estate.pk, "name": "1号楼", "units": 3, "floors": 7}
    )
    assert response.status_code == 302
    world.building1.refresh_from_db()
    assert (world.building1.area_code, world.building1.units) == (world.grid2.code, 3)
    assert world.client("grid01").get(url).status_code == 404
