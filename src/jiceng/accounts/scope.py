"""What part of the territory, or which households, a user may act on with a permission."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jiceng.accounts.roles import (
    BRANCH_COMMITTEE_PERMISSIONS,
    PERSON_SCOPED_ROLES,
    ROLE_PERMISSIONS,
    Perm,
    Role,
)
from jiceng.common.compiled import CompiledQuery

if TYPE_CHECKING:
    from jiceng.accounts.models import User


@dataclass(frozen=True)
class Scope:
    area_codes: tuple[str, ...] = ()
    household_ids: tuple[int, ...] = ()
    # Party organisations (their paths) whose subtree the user's committee seats open.
    org_paths: tuple[str, ...] = ()
    # The user's own resident record, for the records that are about them (their member record).
    resident_id: int | None = None
    # The user themself, for records that name them (appeals they raised or handle).
    user_id: int | None = None

    def covers(self, code: str, household_id: int | None = None) -> bool:
        if any(code.startswith(prefix) for prefix in self.area_codes):
            return True
        return household_id is not None and household_id in self.household_ids

    def covers_object(self, obj: Any, code: str) -> bool:
        if self.covers(code, getattr(obj, "scope_household_id", None)):
            return True
        path = getattr(obj, "scope_org_path", None) if self.org_paths else None
        if path and any(path.startswith(p) for p in self.org_paths):
            return True
        if self.resident_id is not None and getattr(obj, "scope_resident_id", None) == self.resident_id:
            return True
        return self.user_id is not None and self.user_id in getattr(obj, "scope_user_ids", ())

    @property
    def is_empty(self) -> bool:
        return (
            not self.area_codes
            and not self.household_ids
            and not self.org_paths
            and not self.resident_id
            and not self.user_id
        )


def _bindings_query(user_id: int) -> Any:
    from jiceng.accounts.models import RoleBinding

    return RoleBinding.objects.filter(user_id=user_id).values_list("role", "area__code")


# Asked on every request: compiled once a process (see common/compiled.py).
_BINDINGS = CompiledQuery(_bindings_query, -70_514_391)


def bindings(user: "User") -> list[tuple[str, str | None]]:
    cached: list[tuple[str, str | None]] | None = getattr(user, "_bindings_cache", None)
    if cached is None:
        cached = [(role, code) for role, code in _BINDINGS.rows(user.pk)]
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
    own_record = False
    for role, code in bindings(user):
        if permission not in ROLE_PERMISSIONS.get(role, ()):
            continue
        if role in PERSON_SCOPED_ROLES:
            if user.resident_id:
                own_record = True
                households.add(_household_of(user))
                if role == Role.PARTY_MEMBER and permission == Perm.PEOPLE_VIEW:
                    households.update(_liaison_households_of(user))
        elif code:
            codes.add(code)
    org_paths: tuple[str, ...] = ()
    if permission in BRANCH_COMMITTEE_PERMISSIONS and user.resident_id:
        org_paths = _committee_paths_of(user)
    # A code inside another one adds nothing: keep the widest prefixes only.
    widest = tuple(sorted(c for c in codes if not any(c != o and c.startswith(o) for o in codes)))
    return Scope(
        area_codes=widest,
        household_ids=tuple(sorted(households)),
        org_paths=org_paths,
        resident_id=user.resident_id if own_record else None,
        user_id=user.pk if own_record or codes else None,
    )


def _liaison_households_of(user: Any) -> list[int]:
    from jiceng.party.models import LiaisonLink

    return list(
        LiaisonLink.objects.filter(member__resident_id=user.resident_id, ended_on__isnull=True).values_list(
            "household_id", flat=True
        )
    )


def _committee_paths_of(user: Any) -> tuple[str, ...]:
    """The organisations on whose current committee the user's member record sits."""
    from jiceng.party.models import CommitteeSeat

    paths = set(
        CommitteeSeat.objects.filter(
            member__resident_id=user.resident_id, member__active=True, term__ended_on__isnull=True
        ).values_list("term__organisation__path", flat=True)
    )
    return tuple(sorted(p for p in paths if not any(p != o and p.startswith(o) for o in paths)))


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
    return scope.covers_object(obj, code)


def _holds_global(user: Any, permission: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return any(permission in ROLE_PERMISSIONS.get(role, ()) and code is None for role, code in bindings(user))


def require(user: Any, permission: str, obj: Any = None) -> None:
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if not has_perm(user, permission, obj):
        raise PermissionDenied(_("您没有权限执行此操作"))
