"""API authentication: the page session (with CSRF) or a personal access token (Bearer)."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from jiceng.accounts.models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionWithCsrf(SessionAuth):
    """The logged-in page session; unsafe methods need the CSRF token as pages do.

    An anonymous request gets 401 before any CSRF check (which would answer 403)."""

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.password_expired:
            return None
        return super().__call__(request)
