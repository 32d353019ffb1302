"""The two formats of GeoReport v2: XML (required by the specification) and JSON, which the
specification derives from the XML by the Spark convention: a document is a root element holding
a list of same-named children, and in JSON that list is the whole document.

A response is built once as plain Python values (dicts keep the specification's field order) and
rendered in either format, so the two can never disagree.
"""

import json
import xml.etree.ElementTree as ET
from typing import Any

from django.http import HttpResponse

CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}

# A list element → the name of each of its children, as the specification's XML names them.
CHILDREN = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


class Open311Error(Exception):
    """An error the client caused, answered in the specification's error format."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = descriptions


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(name: str, value: Any) -> ET.Element:
    element = ET.Element(name)
    if isinstance(value, dict):
        element.extend(_element(key, item) for key, item in value.items())
    elif isinstance(value, list):
        element.extend(_element(CHILDREN[name], item) for item in value)
    elif value is not None:
        element.text = _text(value)
    return element


def to_xml(root: str, value: Any) -> bytes:
    # The declaration with encoding="utf-8" in double quotes, as the specification shows it.
    body = ET.tostring(_element(root, value), encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}'.encode()


def to_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def respond(fmt: str, root: str, value: Any, status: int = 200) -> HttpResponse:
    content = to_xml(root, value) if fmt == "xml" else to_json(value)
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    # The code in the body repeats the HTTP status: clients switch on either.
    errors = [{"code": error.status, "description": d} for d in error.descriptions]
    return respond(fmt, "errors", errors, status=error.status)
