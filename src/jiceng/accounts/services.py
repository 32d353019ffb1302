"""Account administration: only the security administrator manages accounts and bindings (三员分立)."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.accounts import totp
from jiceng.accounts.models import ApiToken, RoleBinding, User
from jiceng.accounts.roles import GLOBAL_ROLES, PERSON_SCOPED_ROLES, Perm, Role
from jiceng.accounts.scope import require
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.territory.models import Area


@transaction.atomic
def create_user(*, actor: Any, username: str, password: str, display_name: str = "") -> User:
    require(actor, Perm.ACCOUNTS_MANAGE)
    username = username.strip()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("用户名%(name)s已存在") % {"name": username}})
    user = User(username=username, display_name=display_name.strip())
    validate_password(password, user)
    user.set_password(password)
    user.save()
    audit.record(actor, Action.CREATE, user, fields=["username", "display_name", "password"])
    return user


@transaction.atomic
def bind_role(*, actor: Any, user: User, role: str, area: Area | None = None) -> RoleBinding:
    require(actor, Perm.ACCOUNTS_MANAGE)
    if role in GLOBAL_ROLES:
        area = None
    elif area is None:
        raise ValidationError({"area": _("请选择该角色负责的区域")})
    if role in PERSON_SCOPED_ROLES and user.resident_id is None:
        raise ValidationError({"role": _("党员和居民账号须先关联到一名居民")})
    if role == Role.GRID_WORKER and area is not None and area.level != "grid":
        raise ValidationError({"area": _("网格员应绑定到网格")})
    binding, created = RoleBinding.objects.get_or_create(user=user, role=role, area=area)
    if created:
        audit.record(actor, Action.CREATE, binding, object_repr=f"{user.username}: {binding}")
    return binding


@transaction.atomic
def link_resident(*, actor: Any, user: User, id_number: str) -> None:
    """Tie an account to the resident it belongs to, named by ID number: the security
    administrator sees no resident data, so the number is matched by its lookup hash only."""
    require(actor, Perm.ACCOUNTS_MANAGE)
    from jiceng.common import crypto
    from jiceng.common.identity import parse_id_number
    from jiceng.people.models import CURRENT_STATUSES, Resident

    number = parse_id_number(id_number).number
    resident_id = (
        Resident.objects.filter(id_hash=crypto.lookup_hash(number), residence_status__in=CURRENT_STATUSES)
        .values_list("pk", flat=True)
        .first()
    )
    if resident_id is None:
        raise ValidationError({"id_number": _("没有找到在住的、身份证号码为该号码的居民")})
    User.objects.filter(pk=user.pk).update(resident_id=resident_id)
    user.resident_id = resident_id
    audit.record(actor, Action.UPDATE, user, fields=["resident"])


@transaction.atomic
def unbind_role(*, actor: Any, binding: RoleBinding) -> None:
    require(actor, Perm.ACCOUNTS_MANAGE)
    audit.record(actor, Action.DELETE, binding, object_repr=f"{binding.user.username}: {binding}")
    binding.delete()


@transaction.atomic
def unlock(*, actor: Any, user: User) -> None:
    require(actor, Perm.ACCOUNTS_MANAGE)
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    audit.record(actor, Action.UPDATE, user, fields=["locked_until"])


@transaction.atomic
def set_password(*, actor: Any, user: User, password: str) -> None:
    """A user changes their own password, or the security administrator resets one."""
    if actor.pk != user.pk:
        require(actor, Perm.ACCOUNTS_MANAGE)
    validate_password(password, user)
    if user.check_password(password):
        raise ValidationError({"password": _("新密码不能与当前密码相同")})
    user.set_password(password)
    user.save(update_fields=["password", "password_changed_at"])
    audit.record(actor, Action.UPDATE, user, fields=["password"])


@transaction.atomic
def enable_totp(*, actor: Any, user: User, secret: str, code: str) -> None:
    if actor.pk != user.pk:
        raise ValidationError(_("只能为自己的账号启用动态口令"))
    if not totp.verify(secret, code):
        raise ValidationError({"code": _("动态口令不正确，请核对手机上的6位数字")})
    user.totp_secret = secret
    user.totp_enabled = True
    user.save(update_fields=["totp_secret", "totp_enabled"])
    audit.record(actor, Action.UPDATE, user, fields=["totp_enabled"])


@transaction.atomic
def reset_totp(*, actor: Any, user: User) -> None:
    """The security administrator clears a lost second factor; the user sets a new one at next login."""
    require(actor, Perm.ACCOUNTS_MANAGE)
    User.objects.filter(pk=user.pk).update(totp_secret="", totp_enabled=False)
    audit.record(actor, Action.UPDATE, user, fields=["totp_enabled"])


@transaction.atomic
def issue_token(*, actor: Any, user: User, name: str) -> str:
    if actor.pk != user.pk:
        require(actor, Perm.ACCOUNTS_MANAGE)
    row, token = ApiToken.issue(user, name)
    audit.record(actor, Action.TOKEN, row, object_repr=f"{user.username}: {row}", outcome="issued")
    return token


@transaction.atomic
def revoke_token(*, actor: Any, token: ApiToken) -> None:
    from django.utils import timezone

    if actor.pk != token.user_id:
        require(actor, Perm.ACCOUNTS_MANAGE)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    audit.record(actor, Action.TOKEN, token, outcome="revoked")
