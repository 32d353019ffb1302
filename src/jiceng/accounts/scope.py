"""What part of the territory, or which households, a user may act on with a permission."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jiceng.accounts.roles import PERSON_SCOPED_ROLES, ROLE_PERMISSIONS

if TYPE_CHECKING:
    from jiceng.accounts.models import User


@dataclass(frozen=True)
class Scope:
    area_codes: tuple[str, ...] = ()
    household_ids: tuple[int, ...] = ()

    def covers(self, code: str, household_id: int | None = None) -> bool:
        if any(code.startswith(prefix) for prefix in self.area_codes):
            return True
        return household_id is not None and household_id in self.household_ids

    @property
    def is_empty(self) -> bool:
        return not self.area_codes and not self.household_ids


def bindings(user: "User") -> list[tuple[str, str | None]]:
    cached: list[tuple[str, str | None]] | None = getattr(user, "_bindings_cache", None)
    if cached is None:
        cached = list(user.role_bindings.values_list("role", "area__code"))
        user._bindings_cache = cached  # type: ignore[attr-defined]
    return cached


def scope_for(user: Any, permission: str) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    # Kept on the user object, which lives for one request: a page asks for the same scope often.
    memo: dict[str, Scope] = user.__dict__.setdefault("_scope_memo", {})
    if permission not in memo:
        memo[permission] = _compute_scope(user, permission)
    return memo[permission]


def _compute_scope(user: Any, permission: str) -> Scope:
    codes: set[str] = set()
    households: set[int] = set()
    for role, code in bindings(user):
        if permission not in ROLE_PERMISSIONS.get(role, ()):
            continue
        if role in PERSON_SCOPED_ROLES:
            if user.resident_id:
                households.add(_household_of(user))
        elif code:
            codes.add(code)
    # A code inside another one adds nothing: keep the widest prefixes only.
    widest = tuple(sorted(c for c in codes if not any(c != o and c.startswith(o) for o in codes)))
    return Scope(area_codes=widest, household_ids=tuple(sorted(households)))


def _household_of(user: Any) -> int:
    cached: int | None = getattr(user, "_household_cache", None)
    if cached is None:
        from jiceng.people.models import Resident

        cached = Resident.objects.filter(pk=user.resident_id).values_list("household_id", flat=True).get()
        user._household_cache = cached
    return cached


def has_perm(user: Any, permission: str, obj: Any = None) -> bool:
    """May `user` do `permission` at all (obj None) or on this object (by its scope code)?"""
    scope = scope_for(user, permission)
    if obj is None:
        return not scope.is_empty or _holds_global(user, permission)
    code = getattr(obj, "scope_code", None)
    if code is None:
        return _holds_global(user, permission)
    return scope.covers(code, getattr(obj, "scope_household_id", None))


def _holds_global(user: Any, permission: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return any(permission in ROLE_PERMISSIONS.get(role, ()) and code is None for role, code in bindings(user))


def require(user: Any, permission: str, obj: Any = None) -> None:
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if not has_perm(user, permission, obj):
        raise PermissionDenied(_("您没有权限执行此操作"))
