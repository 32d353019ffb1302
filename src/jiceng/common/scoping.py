"""One mechanism for who sees what: every read goes through `visible_to(user)`.

A model that belongs to a place declares `scope_area_field` (the field holding its grid or
community code; prefixes of it select an area) and, when residents may see their own record,
`scope_household_field`.
"""

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404

if TYPE_CHECKING:
    from jiceng.accounts.models import User
    from jiceng.accounts.scope import Scope

M = TypeVar("M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[M]):
    def visible_to(self, user: "User | Any", permission: str | None = None) -> "ScopedQuerySet[M]":
        from jiceng.accounts.scope import scope_for

        model: Any = self.model
        return self.in_scope(scope_for(user, permission or model.scope_view_permission))

    def in_scope(self, scope: "Scope") -> "ScopedQuerySet[M]":
        """The rows a scope covers (`visible_to` with the user's scope for the permission)."""
        model: Any = self.model
        condition = Q(pk__in=[])
        for code in scope.area_codes:
            condition |= Q(**{f"{model.scope_area_field}__startswith": code})
        household_field = getattr(model, "scope_household_field", None)
        if household_field and scope.household_ids:
            condition |= Q(**{f"{household_field}__in": scope.household_ids})
        extra = getattr(model, "scope_extra_q", None)
        if extra is not None:
            condition |= extra(scope)
        return self.filter(condition)


def get_visible_or_404(queryset: models.QuerySet[M] | type[M], user: "User | Any", **lookup: Any) -> M:
    """A missing object and a forbidden one look the same: both are 404."""
    qs: Any = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    try:
        return qs.visible_to(user).get(**lookup)
    except (qs.model.DoesNotExist, ValueError):
        raise Http404 from None
