"""Per-request login policy: record the client address for the audit log, send users whose
password has expired (PASSWORD_MAX_AGE_DAYS) to change it before anything else, and keep an
active session alive (the idle timeout is SESSION_IDLE_MINUTES)."""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from jiceng.audit.context import client_address

_EXEMPT_PREFIXES = ("/static/", "/accounts/", "/i18n/", "/favicon")
# Saving the session renews its expiry; doing it at most once a minute spares a database write
# on almost every request, and the idle timeout stays exact to within that minute.
TOUCH_EVERY_SECONDS = 60


def request_address(request: HttpRequest) -> str:
    # Behind nginx the real client comes first in X-Forwarded-For (see docs/deployment.md).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", ""))[:64]


class LoginPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_address.set(request_address(request))
        try:
            user = request.user
            if (
                user.is_authenticated
                and getattr(user, "password_expired", False)
                and not request.path.startswith(_EXEMPT_PREFIXES)
                and not request.path.startswith("/api/")
            ):
                return redirect(reverse("accounts:password_change") + "?expired=1")
            response = self.get_response(request)
            if user.is_authenticated:
                touched = request.session.get("touched", 0)
                if time.time() - touched > TOUCH_EVERY_SECONDS:
                    request.session["touched"] = int(time.time())
            return response
        finally:
            client_address.reset(token)
