import pytest


@pytest.mark.parametrize(
    "persona",
    [
        "district",
        "street",
        "secretary",
        "staff",
        "grid01",
        "member",
        "resident",
        "sysadmin",
        "security",
        "auditor",
    ],
)
def test_every_persona_gets_a_home_page(world, persona):
    response = world.client(persona).get("/")
    assert response.status_code == 200
    assert "基层治理平台" in response.content.decode()
