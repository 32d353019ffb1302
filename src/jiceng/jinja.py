"""The Jinja2 environment for our pages: Django's url, static, gettext and a few filters."""

import datetime
from functools import lru_cache
from typing import Any

from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from jinja2 import Environment

from jiceng.common.navigation import can, nav_items, role_names
from jiceng.notifications.services import unread_count


def url(name: str, *args: Any, **kwargs: Any) -> str:
    if not args and not kwargs:
        return _plain_url(get_script_prefix(), name)
    return reverse(name, args=args or None, kwargs=kwargs or None)


@lru_cache(maxsize=512)
def _plain_url(prefix: str, name: str) -> str:
    # A URL without arguments only changes with the script prefix: reversed once a process.
    return reverse(name)


def csrf_once(request: HttpRequest) -> dict[str, Any]:
    """A context processor: one masked CSRF token for the whole page. Django's Jinja2 backend
    hands templates a lazy token that masks the secret again at every use (32 characters from
    the system's random source each), which a page with a few forms paid for a dozen times."""
    token = get_token(request)
    return {
        "csrf_token": token,
        "csrf_input": format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token),
    }


def format_date(value: Any, fmt: str = "Y-m-d") -> str:
    if not value:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)  # shown in Asia/Shanghai, stored in UTC
    return date_format(value, fmt)


def format_number(value: Any) -> str:
    return number_format(value, force_grouping=True) if value is not None else ""


def format_percent(value: float | None, digits: int = 1) -> str:
    return f"{value * 100:.{digits}f}%" if value is not None else ""


def environment(**options: Any) -> Environment:
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = Environment(**options)
    env.install_gettext_translations(translation, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        {
            "url": url,
            "static": static,
            "get_messages": get_messages,
            "can": can,
            "nav_items": nav_items,
            "role_names": role_names,
            "unread_count": unread_count,
        }
    )
    env.filters.update({"date": format_date, "number": format_number, "percent": format_percent})
    return env
