"""Chinese first, English when chosen."""

from django.conf import settings

from tests.conftest import World


def test_pages_are_chinese_even_for_an_english_browser(world: World):
    content = world.client("grid01").get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "首页" in content


def test_choosing_english_switches_the_pages(world: World):
    client = world.client("grid01")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Home" in client.get("/").content.decode()


def test_the_api_honours_accept_language(world: World):
    import json

    client = world.client("grid01")
    body = json.dumps(
        {"household_id": world.household1.pk, "name": "王五", "id_number": "110105194912310021"}
    )
    zh = client.post("/api/v1/people/residents", body, content_type="application/json")
    en = client.post(
        "/api/v1/people/residents", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "校验位" in zh.json()["errors"]["id_number"][0]
    assert "check character" in en.json()["errors"]["id_number"][0]
