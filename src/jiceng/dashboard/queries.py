"""Figures for the home dashboard, computed for the user's own scope."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import scope_for
from jiceng.people.models import CURRENT_STATUSES, CareTag, Household, Resident
from jiceng.territory.models import CHILD_LEVEL, CODE_LENGTH, Area, Level

MEMBER_STATUSES = ("party_member", "probationary")


@dataclass
class Overview:
    residents: int = 0
    households: int = 0
    members: int = 0
    by_tag: list[tuple[str, int]] = field(default_factory=list)
    by_child: list[dict[str, Any]] = field(default_factory=list)
    child_label: str = ""

    @property
    def member_share(self) -> float:
        return self.members / self.residents if self.residents else 0.0


def overview(user: Any) -> Overview:
    current = Resident.objects.visible_to(user).filter(residence_status__in=CURRENT_STATUSES)
    totals = current.aggregate(
        n=Count("id"), members=Count("id", filter=Q(political_status__in=MEMBER_STATUSES))
    )
    result = Overview(
        residents=totals["n"],
        members=totals["members"],
        households=Household.objects.visible_to(user).count(),
    )
    tag_counts = dict(
        current.filter(care_tags__isnull=False).values_list("care_tags").annotate(n=Count("id")).order_by()
    )
    result.by_tag = [(t.name, tag_counts.get(t.pk, 0)) for t in CareTag.objects.filter(active=True)]
    roots = scope_for(user, Perm.PEOPLE_VIEW).area_codes
    if len(roots) == 1:
        root = Area.objects.filter(code=roots[0]).first()
        child_level = CHILD_LEVEL.get(Level(root.level)) if root else None
        if root and child_level:
            result.child_label = str(child_level.label)
            length = CODE_LENGTH[child_level]
            rows = (
                current.annotate(child=Substr("area_code", 1, length))
                .values("child")
                .annotate(n=Count("id"), members=Count("id", filter=Q(political_status__in=MEMBER_STATUSES)))
                .order_by("child")
            )
            homes = dict(
                Household.objects.visible_to(user)
                .annotate(child=Substr("area_code", 1, length))
                .values_list("child")
                .annotate(n=Count("id"))
                .order_by()
            )
            names = dict(Area.objects.filter(parent=root).values_list("code", "name"))
            result.by_child = [
                {
                    "code": r["child"],
                    "name": names.get(r["child"], r["child"]),
                    "residents": r["n"],
                    "members": r["members"],
                    "households": homes.get(r["child"], 0),
                }
                for r in rows
            ]
    return result
