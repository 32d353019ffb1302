"""Authentication with lock-out: after LOGIN_MAX_FAILURES failures the account locks for
LOGIN_LOCKOUT_MINUTES (等保2.0 level 3 commonly asks 5 failures, 30 minutes)."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jiceng.accounts.models import User, user_by_key
from jiceng.audit import services as audit
from jiceng.audit.models import Action


class LockoutModelBackend(ModelBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not reveal names
            return None
        if user.is_locked:
            audit.record(None, Action.LOGIN_FAILED, user, outcome="locked")
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_logins:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
                user.failed_logins = 0
            return user
        register_failure(user)
        return None

    def get_user(self, user_id: Any) -> User | None:
        """The session's user, on every request: by a compiled query (common/compiled.py)."""
        try:
            user = user_by_key(int(user_id))
        except (TypeError, ValueError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None


def register_failure(user: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        failures = User.objects.values_list("failed_logins", flat=True).get(pk=user.pk)
        audit.record(None, Action.LOGIN_FAILED, user, outcome=f"failure {failures}")
        if failures >= settings.LOGIN_MAX_FAILURES:
            until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            User.objects.filter(pk=user.pk).update(locked_until=until, failed_logins=0)
            audit.record(None, Action.LOCKED, user, outcome="locked", reason=f"until {until.isoformat()}")
