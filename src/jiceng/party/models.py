"""The party organisation chain: 社区党委 → 网格党支部 → 党员中心户 → 党员 → 联系户.

Organisations form a tree (a materialised `path` of primary keys selects a subtree in one
indexed prefix query); each belongs to a place (`area_code`: the community, or the grid of a grid
branch), so the territory scoping of the foundation applies unchanged. A branch secretary's
scope is the subtree of the organisations whose committee they sit on (see accounts/scope.py).
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.accounts.roles import Perm
from jiceng.common.fields import EncryptedCharField
from jiceng.common.masking import mask_phone
from jiceng.common.scoping import ScopedQuerySet
from jiceng.people.models import Gender, Household, Resident
from jiceng.territory.models import Area


class OrgKind(models.TextChoices):
    """The organisation's rank in the party's structure."""

    COMMITTEE = "committee", _("党委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    GROUP = "group", _("党小组")


class OrgType(models.TextChoices):
    """What the organisation is built around."""

    COMMUNITY = "community", _("社区党组织")
    GRID = "grid", _("网格党支部")
    FUNCTIONAL = "functional", _("功能型党支部")
    INTEREST = "interest", _("趣缘党小组")
    JOINT = "joint", _("联合党支部")


def chain_q(org_path_field: str, resident_field: str = "") -> Callable[[Any], Q]:
    """Rows seen through the chain rather than a place: by the committee members of an
    organisation above them (`scope.org_paths`) and, with `resident_field`, by the member they
    are about (`scope.resident_id`)."""

    def condition(scope: Any) -> Q:
        found = Q(pk__in=[])
        for path in scope.org_paths:
            found |= Q(**{f"{org_path_field}__startswith": path})
        if resident_field and scope.resident_id:
            found |= Q(**{resident_field: scope.resident_id})
        return found

    return condition


class Organisation(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("组织类别"), max_length=20, choices=OrgKind.choices)
    org_type = models.CharField(_("组织类型"), max_length=20, choices=OrgType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    area = models.ForeignKey(
        Area, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="party_organisations"
    )
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    # "/<root pk>/<child pk>/…/": a prefix of every descendant's path.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    # A joint branch (联合党支部) joins the members of at most 5 units (支部工作条例 第五条).
    joint_units = models.PositiveSmallIntegerField(_("联合单位数"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.PARTY_VIEW
    scope_extra_q = staticmethod(chain_q("path"))

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "sort_order"], name="org_parent_sort")]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def scope_org_path(self) -> str:
        return self.path

    @property
    def is_community_level(self) -> bool:
        """The community's own committee or general branch, whose term is 5 years."""
        return self.org_type == OrgType.COMMUNITY

    @property
    def term_years(self) -> int:
        # 社区、村党组织每届任期5年，其他基层党组织每届任期3年 (党章 and 支部工作条例 第十六条).
        return 5 if self.is_community_level else 3


class Term(models.Model):
    """One elected term of an organisation's committee (or of its secretary alone)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="terms")
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    elected_on = models.DateField(_("选举日期"))
    ends_on = models.DateField(_("届满日期"))
    ended_on = models.DateField(_("实际结束日期"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.PARTY_VIEW
    scope_extra_q = staticmethod(chain_q("organisation__path"))

    class Meta:
        verbose_name = _("任期")
        verbose_name_plural = _("任期")
        ordering = ["organisation_id", "-elected_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(ended_on__isnull=True), name="term_one_current"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.elected_on}–{self.ends_on}"

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def scope_org_path(self) -> str:
        return self.organisation.path


class Position(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
    ORGANISATION = "organisation", _("组织委员")
    PROPAGANDA = "propaganda", _("宣传委员")
    DISCIPLINE = "discipline", _("纪检委员")
    YOUTH = "youth", _("青年委员")
    WOMEN = "women", _("妇女委员")
    MEMBER = "member", _("委员")
    GROUP_LEADER = "group_leader", _("党小组组长")


class MemberStatus(models.TextChoices):
    FULL = "full", _("正式党员")
    PROBATIONARY = "probationary", _("预备党员")


class MemberCategory(models.TextChoices):
    REGISTERED = "registered", _("本社区在册党员")
    FLOATING = "floating", _("流动党员")
    IN_SERVICE = "in_service", _("在职（下沉）党员")
    RETIRED = "retired", _("离退休党员")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    UNIVERSITY = "university", _("大学本科")
    COLLEGE = "college", _("大学专科")
    SECONDARY = "secondary", _("中专/高中")
    JUNIOR = "junior", _("初中及以下")


class Member(models.Model):
    """A party member on this community's roll: a resident here, or living elsewhere."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="members"
    )
    # The organisation's place: scoping follows the organisation, not the home address.
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    resident = models.OneToOneField(
        Resident,
        verbose_name=_("居民档案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_member",
    )
    # Where the member lives when they are a resident here (kept for liaison and coverage).
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="party_members"
    )
    home_area_code = models.CharField(max_length=15, blank=True, default="", db_index=True, editable=False)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    residence_elsewhere = models.CharField(_("居住地（非本社区）"), max_length=200, blank=True)
    # The ID number's lookup hash, tail and mask (GB 11643), copied from the resident record or
    # given for a member living elsewhere; the number itself is kept only on the resident record.
    id_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    id_tail = models.CharField(max_length=4, blank=True, default="", editable=False)
    id_mask = models.CharField(max_length=18, blank=True, default="", editable=False)
    phone = EncryptedCharField(_("联系电话"), blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    phone_mask = models.CharField(max_length=20, blank=True, default="", editable=False)
    joined_on = models.DateField(_("入党日期"))
    full_on = models.DateField(_("转正日期"), null=True, blank=True)
    status = models.CharField(_("党员类别"), max_length=20, choices=MemberStatus.choices)
    category = models.CharField(
        _("党员分类"), max_length=20, choices=MemberCategory.choices, default=MemberCategory.REGISTERED
    )
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices, blank=True)
    occupation = models.CharField(_("职业"), max_length=100, blank=True)
    central_household = models.ForeignKey(
        "CentralHousehold",
        verbose_name=_("党员中心户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="linked_members",
    )
    active = models.BooleanField(_("在册"), default=True)
    left_on = models.DateField(_("离册日期"), null=True, blank=True)
    left_reason = models.CharField(_("离册原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.PARTY_VIEW
    scope_extra_q = staticmethod(chain_q("organisation__path", "resident_id"))

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["area_code", "organisation_id", "id"]
        indexes = [
            models.Index(fields=["home_area_code", "active"], name="member_home_active"),
            models.Index(fields=["phone_hash"], name="member_phone_hash"),
        ]
        constraints = [
            # A person is on one organisation's roll at a time (党员组织关系只能在一个党组织).
            models.UniqueConstraint(
                fields=["id_hash"], condition=Q(active=True) & ~Q(id_hash=""), name="member_unique_current_id"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def scope_org_path(self) -> str:
        return self.organisation.path

    @property
    def scope_resident_id(self) -> int | None:
        return self.resident_id

    @property
    def phone_masked(self) -> str:
        return self.phone_mask or mask_phone(self.phone)

    def age_on(self, day: datetime.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class CommitteeSeat(models.Model):
    """A member's seat on a term's committee (书记, 副书记, 委员 …)."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="seats")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="committee_seats")
    position = models.CharField(_("职务"), max_length=20, choices=Position.choices)

    class Meta:
        verbose_name = _("委员")
        verbose_name_plural = _("委员")
        ordering = ["term_id", "id"]
        constraints = [models.UniqueConstraint(fields=["term", "member"], name="seat_unique_member")]

    def __str__(self) -> str:
        return f"{self.get_position_display()} {self.member}"


class CentralHousehold(models.Model):
    """党员中心户: a member's household that links about ten members around it."""

    household = models.OneToOneField(
        Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="central_household"
    )
    keeper = models.ForeignKey(
        Member, verbose_name=_("中心户户长"), on_delete=models.PROTECT, related_name="kept_central_households"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属支部"), on_delete=models.PROTECT, related_name="central_households"
    )
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    designated_on = models.DateField(_("设立日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.PARTY_VIEW
    scope_extra_q = staticmethod(chain_q("organisation__path"))

    class Meta:
        verbose_name = _("党员中心户")
        verbose_name_plural = _("党员中心户")
        ordering = ["area_code", "id"]

    def __str__(self) -> str:
        return str(self.household)

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def scope_org_path(self) -> str:
        return self.organisation.path


class LinkSource(models.TextChoices):
    MANUAL = "manual", _("手工指定")
    ASSIGNMENT = "assignment", _("自动分配")
    IMPORT = "import", _("花名册导入")


class LiaisonLink(models.Model):
    """党员联系户: a member looks after a household. A household has one current liaison member."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="liaison_links")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="liaison_links")
    # The household's grid: coverage is counted by place.
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    source = models.CharField(max_length=20, choices=LinkSource.choices, default=LinkSource.MANUAL)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.PARTY_VIEW
    scope_extra_q = staticmethod(chain_q("member__organisation__path", "member__resident_id"))

    class Meta:
        verbose_name = _("联系户")
        verbose_name_plural = _("联系户")
        ordering = ["member_id", "household_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(ended_on__isnull=True), name="liaison_one_current"
            )
        ]
        indexes = [
            models.Index(fields=["member", "ended_on"], name="liaison_member_current"),
            models.Index(fields=["area_code", "ended_on"], name="liaison_area_current"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}→{self.household_id}"

    @property
    def scope_code(self) -> str:
        return self.area_code


class VisitWay(models.TextChoices):
    IN_PERSON = "in_person", _("入户走访")
    PHONE = "phone", _("电话联系")
    ONLINE = "online", _("微信等线上联系")
    ENCOUNTER = "encounter", _("当面交流（非入户）")


class LiaisonVisit(models.Model):
    """One contact of a liaison member with a household they look after (联系户走访记录): the
    evidence of 党员联系服务群众 that the member's yearly record and appraisal use."""

    link = models.ForeignKey(LiaisonLink, on_delete=models.PROTECT, related_name="visits")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="visits")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="liaison_visits")
    # The household's grid, as on the link: visits are scoped by place like the link.
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    visited_on = models.DateField(_("走访日期"))
    way = models.CharField(_("方式"), max_length=20, choices=VisitWay.choices, default=VisitWay.IN_PERSON)
    summary = models.CharField(_("走访情况"), max_length=500)
    needs = models.CharField(_("群众诉求"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.PARTY_VIEW
    scope_extra_q = staticmethod(chain_q("member__organisation__path", "member__resident_id"))

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["member", "visited_on"], name="visit_member_day")]

    def __str__(self) -> str:
        return f"{self.member_id}→{self.household_id} {self.visited_on}"

    @property
    def scope_code(self) -> str:
        return self.area_code

    @property
    def scope_org_path(self) -> str:
        return self.member.organisation.path

    @property
    def scope_resident_id(self) -> int | None:
        return self.member.resident_id


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DISCARDED = "discarded", _("已放弃")


class AssignmentProposal(models.Model):
    """A proposed set of liaison links for one grid, reviewed and confirmed by the secretary."""

    grid = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="liaison_proposals")
    area_code = models.CharField(max_length=15, db_index=True, editable=False)
    target = models.PositiveSmallIntegerField(_("每名党员联系户数"), default=10)
    cross_grid = models.BooleanField(_("允许跨网格"), default=False)
    status = models.CharField(max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    uncovered_before = models.PositiveIntegerField(default=0)
    left_uncovered = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area_code"
    scope_view_permission = Perm.PARTY_CHANGE

    class Meta:
        verbose_name = _("联系户分配方案")
        verbose_name_plural = _("联系户分配方案")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.grid} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def scope_code(self) -> str:
        return self.area_code


class Nearness(models.IntegerChoices):
    SAME_UNIT = 0, _("同单元")
    SAME_BUILDING = 1, _("同楼栋")
    NEIGHBOURING_BUILDING = 2, _("相邻楼栋")
    SAME_GRID = 3, _("本网格")
    OTHER_GRID = 4, _("跨网格")


class ProposedLink(models.Model):
    proposal = models.ForeignKey(AssignmentProposal, on_delete=models.CASCADE, related_name="links")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    nearness = models.PositiveSmallIntegerField(choices=Nearness.choices)

    class Meta:
        ordering = ["proposal_id", "member_id", "nearness", "household_id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "household"], name="proposed_link_unique_household")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}→{self.household_id} ({self.get_nearness_display()})"
