"""Entries for tests/test_permission_matrix.py (see its docstring): the pages and API routes of
三会一课, each naming grid 2's branch or its meeting. Grid workers hold no organisational-life
permission, so every one of them must answer 404; tests/meetings checks the finer scope."""

from collections.abc import Callable
from typing import Any

from jiceng.meetings.models import Attachment
from tests.conftest import World
from tests.meetings.factories import their_meeting
from tests.party.factories import party_world


def _meeting(w: World) -> dict[str, Any]:
    return {"pk": their_meeting(w).pk}


def _branch(w: World) -> dict[str, Any]:
    return {"pk": party_world(w).branch2.pk}


def _attachment(w: World) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    row = Attachment.objects.create(
        meeting=their_meeting(w), file=ContentFile(b"%PDF-1.4", name="minutes.pdf")
    )
    return {"pk": row.pk}


def _none(w: World) -> dict[str, Any]:
    return {}


PAGE_OBJECTS: dict[str, Callable[[World], dict[str, Any]] | None] = {
    "meetings:index": None,
    "meetings:board": None,
    "meetings:new": None,
    "meetings:organisation": _branch,
    "meetings:plan": _branch,
    "meetings:register": _branch,
    "meetings:talk": _branch,
    "meetings:meeting": _meeting,
    "meetings:edit": _meeting,
    "meetings:qr": _meeting,
    "meetings:leave": _meeting,
    "meetings:attendance": _meeting,
    "meetings:record": _meeting,
    "meetings:cancel": _meeting,
    "meetings:attach": _meeting,
    "meetings:attachment": _attachment,
    "meetings:sign": lambda w: {"token": their_meeting(w).sign_in_token},
}
_M = "/api/v1/meetings"
_SCHEDULE = {
    "organisation_id": 0,
    "meeting_type": "general",
    "title": "x",
    "starts_at": "2026-12-01T14:30:00+08:00",
}
API_ROUTES: dict[str, tuple[Callable[[World], dict[str, Any]], dict[str, Any] | None]] = {
    f"GET {_M}/meetings": (_none, None),
    f"GET {_M}/meetings/{{pk}}": (_meeting, None),
    f"POST {_M}/meetings": (_none, _SCHEDULE),
    f"PUT {_M}/meetings/{{pk}}": (_meeting, _SCHEDULE),
    f"POST {_M}/meetings/{{pk}}/sign-in": (_meeting, {}),
    f"POST {_M}/meetings/{{pk}}/leave": (_meeting, {"reason": "出差"}),
    f"POST {_M}/meetings/{{pk}}/attendance": (_meeting, {"present": []}),
    f"POST {_M}/meetings/{{pk}}/held": (_meeting, {"minutes": "会议记录会议记录会议记录"}),
    f"POST {_M}/meetings/{{pk}}/cancel": (_meeting, {"reason": "天气原因"}),
    f"POST {_M}/organisations/{{pk}}/plan": (_branch, {"year": 2026}),
    f"GET {_M}/organisations/{{pk}}/talks": (_branch, None),
    f"POST {_M}/organisations/{{pk}}/talks": (
        _branch,
        {"member_id": 0, "talked_on": "2026-03-01", "talker": "x"},
    ),
    f"GET {_M}/board": (_none, None),
}
API_BODY_OBJECTS: dict[str, Callable[[World], dict[str, Any]]] = {
    f"POST {_M}/meetings": lambda w: {"organisation_id": party_world(w).branch2.pk},
    f"PUT {_M}/meetings/{{pk}}": lambda w: {"organisation_id": party_world(w).branch2.pk},
    f"POST {_M}/organisations/{{pk}}/talks": lambda w: {"member_id": party_world(w).member2.pk},
}
