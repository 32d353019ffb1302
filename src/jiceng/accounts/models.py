"""Users, their role bindings and personal access tokens."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.accounts.roles import GLOBAL_ROLES, SECOND_FACTOR_REQUIRED, Role
from jiceng.common.compiled import CompiledQuery, columns, joined
from jiceng.common.fields import EncryptedCharField


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # The resident record of the person behind the account (residents and party members).
    resident = models.ForeignKey(
        "people.Resident",
        verbose_name=_("对应居民"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accounts",
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    totp_secret = EncryptedCharField(_("动态口令密钥"), blank=True, default="")
    totp_enabled = models.BooleanField(_("已启用动态口令"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    @property
    def password_expired(self) -> bool:
        if self.password_changed_at is None:
            return True
        return timezone.now() - self.password_changed_at > timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)

    @property
    def roles(self) -> set[str]:
        from jiceng.accounts.scope import bindings  # one query a request serves both

        return {role for role, _ in bindings(self)}

    @property
    def needs_second_factor(self) -> bool:
        return self.totp_enabled or bool(self.roles & SECOND_FACTOR_REQUIRED)


class RoleBinding(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_bindings")
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    area = models.ForeignKey(
        "territory.Area",
        verbose_name=_("所辖区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_bindings",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色绑定")
        verbose_name_plural = _("角色绑定")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "area"], name="rolebinding_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=sorted(GLOBAL_ROLES), area__isnull=True)
                | (~models.Q(role__in=sorted(GLOBAL_ROLES)) & models.Q(area__isnull=False)),
                name="rolebinding_area_matches_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.area or '-'}"


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal access token for integrations; only its SHA-256 digest is stored."""

    PREFIX = "jc_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("访问令牌")
        verbose_name_plural = _("访问令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user: User, name: str, expires_at: datetime | None = None) -> tuple["ApiToken", str]:
        token = cls.PREFIX + secrets.token_urlsafe(32)
        row = cls.objects.create(
            user=user, name=name, digest=_token_digest(token), hint=token[:8], expires_at=expires_at
        )
        return row, token

    @classmethod
    def authenticate(cls, token: str) -> User | None:
        """The token's user, read with the token in one query."""
        found = _TOKEN_BY_DIGEST.rows(_token_digest(token))
        if not found:
            return None
        pk, expires_at, last_used_at, *user_values = found[0]
        (user,) = joined(user_values, User)
        now = timezone.now()
        if (expires_at and expires_at <= now) or not user.is_active:
            return None
        if last_used_at is None or now - last_used_at > timedelta(minutes=5):
            cls.objects.filter(pk=pk).update(last_used_at=now)
        return user


# The lookups every request makes, compiled once a process (see common/compiled.py).
_USER_BY_KEY = CompiledQuery(lambda pk: User.objects.filter(pk=pk), -70_514_391)
_TOKEN_BY_DIGEST = CompiledQuery(
    lambda digest: ApiToken.objects.filter(digest=digest, revoked_at__isnull=True).values_list(
        "pk", "expires_at", "last_used_at", *columns(User, "user__")
    )[:1],
    "sample-digest",
)


def user_by_key(pk: int) -> User | None:
    found = _USER_BY_KEY.instances(pk)
    return found[0] if found else None
