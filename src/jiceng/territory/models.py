"""Territory: district → street → community → grid, and the estates and buildings in them.

Codes follow GB/T 2260 and the 12-digit statistical division codes: district 6 digits, street
9 (digits 7-9, 001-099 for streets), community 12 (digits 10-12, 001-199 residents' committees,
200-399 villagers' committees), grid 15 (the community's code plus a 3-digit sequence, as
Beijing numbers its grids). A node's code is a prefix of every descendant's, so "everything in
my area" is one indexed prefix query.
"""

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.accounts.roles import Perm
from jiceng.common.scoping import ScopedQuerySet


class Level(models.TextChoices):
    DISTRICT = "district", _("区")
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")


CODE_LENGTH = {Level.DISTRICT: 6, Level.STREET: 9, Level.COMMUNITY: 12, Level.GRID: 15}
CHILD_LEVEL = {Level.DISTRICT: Level.STREET, Level.STREET: Level.COMMUNITY, Level.COMMUNITY: Level.GRID}


def ancestor_codes(code: str) -> list[str]:
    return [code[:n] for n in (6, 9, 12) if n < len(code)]


class AreaQuerySet(ScopedQuerySet["Area"]):
    pass


def _area_ancestors_q(scope: Any) -> Q:
    # A user sees the nodes above their own too, so breadcrumbs and charts can name them.
    codes = {a for code in scope.area_codes for a in ancestor_codes(code)}
    return Q(code__in=codes) if codes else Q(pk__in=[])


class Area(models.Model):
    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Optional GeoJSON (a Polygon or MultiPolygon geometry) drawn on the grid map.
    boundary = models.JSONField(_("边界 GeoJSON"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AreaQuerySet.as_manager()
    scope_area_field = "code"
    scope_view_permission = Perm.TERRITORY_VIEW
    scope_extra_q = staticmethod(_area_ancestors_q)

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="district", parent__isnull=True) | Q(parent__isnull=False),
                name="area_parent_required_below_district",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_code(self) -> str:
        return self.code


class PropertyManagement(models.TextChoices):
    COMPANY = "company", _("物业公司")
    SELF_MANAGED = "self", _("自管")
    NONE = "none", _("无物业")


class EstateQuerySet(ScopedQuerySet["Estate"]):
    def three_no(self) -> "EstateQuerySet":
        return self.filter(
            property_management=PropertyManagement.NONE,
            has_owners_committee=False,
            has_competent_authority=False,
        )


def _estate_by_grid_q(scope: Any) -> Q:
    # A grid worker sees the estates that have a building in their grid.
    condition = Q(pk__in=[])
    for code in scope.area_codes:
        if len(code) == 15:
            condition |= Q(buildings__area_code=code)
    return condition


class Estate(models.Model):
    """A residential estate (小区); its buildings may lie in several grids."""

    community = models.ForeignKey(
        Area,
        verbose_name=_("社区"),
        on_delete=models.PROTECT,
        related_name="estates",
        limit_choices_to={"level": Level.COMMUNITY},
    )
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    name = models.CharField(_("小区名称"), max_length=100)
    property_management = models.CharField(
        _("物业管理"), max_length=10, choices=PropertyManagement.choices, default=PropertyManagement.COMPANY
    )
    property_company = models.CharField(_("物业公司名称"), max_length=100, blank=True)
    has_owners_committee = models.BooleanField(_("有业主委员会"), default=False)
    has_competent_authority = models.BooleanField(_("有主管部门"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EstateQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.TERRITORY_VIEW
    scope_extra_q = staticmethod(_estate_by_grid_q)

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["area_code", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="estate_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def is_three_no(self) -> bool:
        """三无小区: no property company, no owners' committee, no competent authority."""
        return (
            self.property_management == PropertyManagement.NONE
            and not self.has_owners_committee
            and not self.has_competent_authority
        )


class Building(models.Model):
    grid = models.ForeignKey(
        Area,
        verbose_name=_("网格"),
        on_delete=models.PROTECT,
        related_name="buildings",
        limit_choices_to={"level": Level.GRID},
    )
    estate = models.ForeignKey(
        Estate, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="buildings"
    )
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    name = models.CharField(_("楼栋"), max_length=50, help_text=_("如：3号楼"))
    units = models.PositiveSmallIntegerField(_("单元数"), default=1)
    floors = models.PositiveSmallIntegerField(_("层数"), default=6)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.TERRITORY_VIEW

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["area_code", "estate_id", "id"]
        constraints = [models.UniqueConstraint(fields=["estate", "name"], name="building_unique_name")]

    def __str__(self) -> str:
        return f"{self.estate.name}{self.name}"

    @property
    def scope_code(self) -> str:
        return self.area_code
