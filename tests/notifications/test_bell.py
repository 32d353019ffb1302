"""The bell in every page's menu counts the user's unread messages."""

from jiceng.notifications import services
from tests.conftest import World


def _badge(content: bytes) -> str:
    html = content.decode()
    start = html.index('data-testid="notification-bell"')
    return html[start : html.index("</a>", start)]


def test_the_bell_counts_unread_messages_and_clears_when_read(world: World):
    client = world.client("secretary")
    assert "badge" not in _badge(client.get("/").content)
    services.notify([world.users["secretary"], world.users["staff"]], "第一网格党支部任期将满")
    assert ">1</span>" in _badge(client.get("/").content)
    services.mark_read(world.users["secretary"])
    assert "badge" not in _badge(client.get("/").content)
    assert ">1</span>" in _badge(world.client("staff").get("/").content)
