"""Households and residents. Residents are never deleted: moving out is recorded and kept."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.accounts.roles import Perm
from jiceng.common.fields import EncryptedCharField
from jiceng.common.masking import mask_id_number, mask_phone
from jiceng.common.scoping import ScopedQuerySet
from jiceng.territory.models import Building


def format_address(estate: str, building: str, unit: int, room: str) -> str:
    return f"{estate}{building}{unit}单元{room}室"


class HouseholdType(models.TextChoices):
    REGISTERED = "registered", _("户籍户")
    RESIDENT = "resident", _("常住户")
    FLOATING = "floating", _("流动户")
    REGISTERED_ABSENT = "registered_absent", _("人户分离（户在人不在）")


class Household(models.Model):
    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="households"
    )
    area_code = models.CharField(max_length=15, editable=False)  # indexed with id, below
    unit = models.PositiveSmallIntegerField(_("单元"), default=1)
    room = models.CharField(_("房号"), max_length=20)
    household_type = models.CharField(
        _("户类型"), max_length=20, choices=HouseholdType.choices, default=HouseholdType.REGISTERED
    )
    head = models.ForeignKey(
        "Resident", verbose_name=_("户主"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_household_field = "id"
    scope_view_permission = Perm.PEOPLE_VIEW

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ["area_code", "building_id", "unit", "room"]
        constraints = [
            models.UniqueConstraint(fields=["building", "unit", "room"], name="household_unique_address")
        ]
        indexes = [
            # A grid's households in key order: its list pages are read without a sort.
            models.Index(fields=["area_code", "id"], name="household_area_id"),
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def address(self) -> str:
        return format_address(self.building.estate.name, self.building.name, self.unit, self.room)

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def scope_household_id(self) -> int:
        return self.pk


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class PoliticalStatus(models.TextChoices):
    PARTY_MEMBER = "party_member", _("中共党员")
    PROBATIONARY = "probationary", _("中共预备党员")
    LEAGUE_MEMBER = "league_member", _("共青团员")
    DEMOCRATIC_PARTY = "democratic_party", _("民主党派")
    MASSES = "masses", _("群众")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    GRANDPARENT = "grandparent", _("祖父母")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER_RELATIVE = "relative", _("其他亲属")
    TENANT = "tenant", _("租户")
    OTHER = "other", _("其他")


class ResidenceStatus(models.TextChoices):
    LIVING = "living", _("在住")
    AWAY = "away", _("外出")
    MOVED_OUT = "moved_out", _("已迁出")
    DECEASED = "deceased", _("已故")


CURRENT_STATUSES = (ResidenceStatus.LIVING, ResidenceStatus.AWAY)


class CareTag(models.Model):
    """A configurable care tag (独居老人, 留守儿童 …). Sensitive tags (health, financial) are
    sensitive personal information under 个人信息保护法 art. 28."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    sensitive = models.BooleanField(_("敏感信息"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("关爱标签")
        verbose_name_plural = _("关爱标签")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Resident(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="residents"
    )
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(max_length=200, db_index=True, editable=False)
    name_initials = models.CharField(max_length=50, db_index=True, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    id_number = EncryptedCharField(_("身份证号码"))
    # HMAC of the ID number: unique among current residents, used for exact lookups.
    id_hash = models.CharField(max_length=64, editable=False)
    # The last four characters are shown by every mask anyway; stored clear for tail search.
    id_tail = models.CharField(max_length=4, editable=False)
    phone = EncryptedCharField(_("联系电话"), blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    phone_tail = models.CharField(max_length=4, blank=True, default="", editable=False)
    # The masks every page shows, kept beside the numbers so lists never decrypt (GB/T 35273).
    id_mask = models.CharField(max_length=18, default="", editable=False)
    phone_mask = models.CharField(max_length=20, blank=True, default="", editable=False)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    political_status = models.CharField(
        _("政治面貌"), max_length=20, choices=PoliticalStatus.choices, default=PoliticalStatus.MASSES
    )
    relation_to_head = models.CharField(
        _("与户主关系"), max_length=20, choices=Relation.choices, default=Relation.HEAD
    )
    residence_status = models.CharField(
        _("居住状态"), max_length=20, choices=ResidenceStatus.choices, default=ResidenceStatus.LIVING
    )
    care_tags = models.ManyToManyField(
        CareTag, verbose_name=_("关爱标签"), blank=True, related_name="residents"
    )
    moved_in_on = models.DateField(_("入住日期"), null=True, blank=True)
    moved_out_on = models.DateField(_("迁出日期"), null=True, blank=True)
    moved_out_to = models.CharField(_("迁往"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_household_field = "household_id"
    scope_view_permission = Perm.PEOPLE_VIEW

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        ordering = ["area_code", "household_id", "id"]
        constraints = [
            # One current record per person; moved-out records stay as history.
            models.UniqueConstraint(
                fields=["id_hash"],
                condition=models.Q(residence_status__in=["living", "away"]),
                name="resident_unique_current_id",
            )
        ]
        # Exact-match columns get plain indexes: db_index=True would add a second
        # varchar_pattern_ops index on PostgreSQL that no LIKE query ever uses.
        indexes = [
            models.Index(fields=["area_code", "residence_status"], name="resident_area_status"),
            models.Index(fields=["id_hash"], name="resident_id_hash"),
            models.Index(fields=["id_tail"], name="resident_id_tail"),
            models.Index(fields=["phone_hash"], name="resident_phone_hash"),
            models.Index(fields=["phone_tail"], name="resident_phone_tail"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def scope_household_id(self) -> int:
        return self.household_id

    @property
    def id_number_masked(self) -> str:
        return self.id_mask or mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        # A row written with its masks has id_mask set; its phone_mask is empty only without a phone.
        return self.phone_mask if self.id_mask else mask_phone(self.phone)

    @property
    def is_current(self) -> bool:
        return self.residence_status in CURRENT_STATUSES


class ResidenceRecord(models.Model):
    """A resident's stay at one household: moving in, moving between households and out."""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="residence_records")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="residence_records")
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    moved_in_on = models.DateField(_("迁入日期"), null=True, blank=True)
    moved_out_on = models.DateField(_("迁出日期"), null=True, blank=True)
    destination = models.CharField(_("迁往"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_household_field = "household_id"
    scope_view_permission = Perm.PEOPLE_VIEW

    class Meta:
        verbose_name = _("居住记录")
        verbose_name_plural = _("居住记录")
        ordering = ["resident_id", "-moved_in_on", "-id"]

    def __str__(self) -> str:
        return f"{self.resident_id}@{self.household_id} {self.moved_in_on}–{self.moved_out_on or ''}"
