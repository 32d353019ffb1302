"""The system administrator configures the appeal categories: the tree, each category's default
handler and its response and resolution limits (Beijing's tiers are the defaults, defaults.py).

A changed limit applies to appeals dispatched afterwards: an appeal's due dates are fixed at its
first dispatch (services.dispatch).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import require
from jiceng.appeals.models import Category, HandlerType, LimitUnit
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.common.services import apply_changes
from jiceng.units.models import SinkingUnit


@dataclass(frozen=True)
class Node:
    category: Category
    depth: int


def tree(categories: Iterable[Category], active_only: bool = False) -> Iterator[Node]:
    """Categories depth first, each below its parent, in their sort order. With `active_only`, a
    category shows only when it and all its ancestors are active."""
    children: dict[int | None, list[Category]] = {}
    for c in sorted(categories, key=lambda c: (c.sort_order, c.pk)):
        children.setdefault(c.parent_id, []).append(c)

    def walk(parent_id: int | None, depth: int) -> Iterator[Node]:
        for c in children.get(parent_id, []):
            if active_only and not c.active:
                continue
            yield Node(c, depth)
            yield from walk(c.pk, depth + 1)

    return walk(None, 0)


def _check(category: Category | None, fields: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    code = fields["code"]
    try:
        validate_slug(code)
    except ValidationError:
        errors["code"] = _("代码只能由字母、数字、下划线或连字符组成")
    else:
        others = Category.objects.filter(code=code)
        if category is not None:
            others = others.exclude(pk=category.pk)
        if others.exists():
            errors["code"] = _("代码“%(code)s”已被其他类别使用") % {"code": code}
    if not fields["name"]:
        errors["name"] = _("请填写名称")
    parent = fields["parent"]
    if category is not None and parent is not None:
        # Walk up from the new parent: meeting the category itself would make a loop.
        seen: set[int] = set()
        node: Category | None = parent
        while node is not None and node.pk not in seen:
            if node.pk == category.pk:
                errors["parent"] = _("上级类别不能是它本身或它的下级类别")
                break
            seen.add(node.pk)
            node = node.parent
    if fields["handler_type"] not in HandlerType.values:
        errors["handler_type"] = _("请选择默认处置人")
    for limit, unit in (("response_limit", "response_unit"), ("resolution_limit", "resolution_unit")):
        if fields[unit] not in LimitUnit.values:
            errors[unit] = _("时限单位应为小时或工作日")
        if fields[limit] is None or fields[limit] <= 0:
            errors[limit] = _("时限应大于0")
    if (
        "response_limit" not in errors
        and "resolution_limit" not in errors
        and fields["response_unit"] == fields["resolution_unit"]
        and fields["response_limit"] > fields["resolution_limit"]
    ):
        errors["response_limit"] = _("响应时限不能长于办结时限")
    if fields["handler_type"] == HandlerType.SINKING_UNIT and fields["unit"] is None:
        errors["unit"] = _("由下沉单位办理的类别，请选择承办单位")
    if fields["unit"] is not None and not fields["unit"].active:
        errors["unit"] = _("该单位已无效")
    if fields["handler_type"] == HandlerType.STREET_DEPARTMENT and not fields["department"]:
        errors["department"] = _("由街道职能部门办理的类别，请填写部门名称")
    return errors


@transaction.atomic
def save_category(
    *,
    actor: Any,
    category: Category | None = None,
    code: str,
    name: str,
    handler_type: str,
    response_limit: int,
    response_unit: str,
    resolution_limit: int,
    resolution_unit: str,
    parent: Category | None = None,
    unit: SinkingUnit | None = None,
    department: str = "",
    sort_order: int = 0,
    active: bool = True,
) -> Category:
    """Add a category (`category` None) or change one. The code is unique, limits are positive,
    a category cannot sit below itself; the unit or department is kept only for the handler type
    that uses it (routing.route)."""
    require(actor, Perm.SYSTEM_CONFIGURE)
    if category is not None:
        category = Category.objects.select_for_update().get(pk=category.pk)
    fields: dict[str, Any] = {
        "code": code.strip(),
        "name": name.strip(),
        "parent": parent,
        "handler_type": handler_type,
        "response_limit": response_limit,
        "response_unit": response_unit,
        "resolution_limit": resolution_limit,
        "resolution_unit": resolution_unit,
        "unit": unit if handler_type == HandlerType.SINKING_UNIT else None,
        "department": department.strip() if handler_type == HandlerType.STREET_DEPARTMENT else "",
        "sort_order": sort_order,
        "active": active,
    }
    errors = _check(category, fields)
    if errors:
        raise ValidationError(errors)
    if category is None:
        category = Category.objects.create(**fields)
        audit.record(actor, Action.CREATE, category, fields=list(fields))
        return category
    changed = apply_changes(category, fields)
    if changed:
        category.save(update_fields=changed)
        audit.record(actor, Action.UPDATE, category, fields=changed)
    return category
