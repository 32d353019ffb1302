"""Append-only audit log, each row chained to the previous one by a SHA-256 hash.

网络安全法 art. 21 asks for audit records kept at least six months and protected from change;
等保2.0 asks for date, user, event and outcome. Rows are never updated or deleted through the
ORM, and `jiceng audit verify` finds any row changed or removed behind its back.
"""

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    REVEAL = "reveal", _("查看完整信息")
    VIEW_SENSITIVE = "view_sensitive", _("查看敏感个人信息")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    LOCKED = "locked", _("账号锁定")
    TOKEN = "token", _("令牌")


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    address = models.CharField(_("地址"), max_length=64, blank=True)
    action = models.CharField(_("事件"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象名称"), max_length=200, blank=True)
    # Names of the changed fields only, never values: sensitive data stays out of the log.
    fields = models.JSONField(_("字段"), default=list, blank=True)
    reason = models.CharField(_("事由"), max_length=300, blank=True)
    outcome = models.CharField(_("结果"), max_length=20, default="ok")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")

    def compute_hash(self) -> str:
        return chain_hash(
            self.prev_hash,
            {
                "seq": self.seq,
                "at": self.at.isoformat(),
                "actor": self.actor_id,
                "actor_name": self.actor_name,
                "address": self.address,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "object_repr": self.object_repr,
                "fields": list(self.fields),
                "reason": self.reason,
                "outcome": self.outcome,
            },
        )


GENESIS = "0" * 64


class ChainHead(models.Model):
    """The newest row's sequence number and hash, kept apart from the log itself, so removing
    rows from the end of the log is found too. Appending locks this one row, which also
    makes concurrent writers take their turn."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"head #{self.seq}"


def chain_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()
