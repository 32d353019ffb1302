"""The system administrator's categories page and its service: the tree, limits, and the rules
(no loops, positive limits, unique codes)."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jiceng.appeals import category_services
from jiceng.appeals import services as appeals
from jiceng.appeals.models import Appeal, Category, Channel
from jiceng.audit.models import AuditEvent
from jiceng.units.models import SinkingUnit, UnitKind
from jiceng.workdays import calendar
from tests.conftest import World


def _form(category: Category, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "parent": category.parent_id or "",
        "code": category.code,
        "name": category.name,
        "handler_type": category.handler_type,
        "response_limit": category.response_limit,
        "response_unit": category.response_unit,
        "resolution_limit": category.resolution_limit,
        "resolution_unit": category.resolution_unit,
        "unit": category.unit_id or "",
        "department": category.department,
        "sort_order": category.sort_order,
        "active": "on" if category.active else "",
    }
    return {**data, **changes}


def _fields(category: Category, **changes: Any) -> dict[str, Any]:
    fields = {
        "code": category.code,
        "name": category.name,
        "parent": category.parent,
        "handler_type": category.handler_type,
        "response_limit": category.response_limit,
        "response_unit": category.response_unit,
        "resolution_limit": category.resolution_limit,
        "resolution_unit": category.resolution_unit,
        "unit": category.unit,
        "department": category.department,
    }
    return {**fields, **changes}


def test_the_page_lists_the_tree_with_limits(world: World):
    response = world.client("sysadmin").get(reverse("appeal_categories:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "垃圾清运" in content and "城市管理综合执法" in content
    assert content.index("环境卫生") < content.index("垃圾清运") < content.index("设施报修")
    assert "2 小时" in content  # 安全隐患: emergencies in 2 hours


def test_the_admin_edits_a_limit(world: World):
    garbage = Category.objects.get(code="garbage")
    client = world.client("sysadmin")
    url = reverse("appeal_categories:edit", kwargs={"pk": garbage.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, _form(garbage, resolution_limit=5))
    assert response.status_code == 302, response.content.decode()[-2000:]
    garbage.refresh_from_db()
    assert (garbage.resolution_limit, garbage.resolution_unit) == (5, "working_days")
    event = AuditEvent.objects.filter(object_type="appeals.category", object_id=str(garbage.pk)).last()
    assert event is not None and event.fields == ["resolution_limit"]
    # The next appeal dispatched in this category is due in 5 working days.
    appeal = appeals.submit(
        actor=world.users["grid02"],
        channel=Channel.PATROL,
        category=garbage,
        text="垃圾桶满溢无人清理",
        household=world.household2,
    )
    appeals.accept(actor=world.users["grid02"], appeal=appeal, version=1)
    appeal = appeals.dispatch(actor=world.users["grid02"], appeal=appeal, version=2)
    assert Appeal.objects.get(pk=appeal.pk).resolution_due == calendar.due_after(
        appeal.dispatched_at, 5, "working_days"
    )


def test_the_admin_adds_a_category_below_another(world: World):
    client = world.client("sysadmin")
    environment = Category.objects.get(code="environment")
    response = client.post(
        reverse("appeal_categories:new"),
        _form(environment, parent=environment.pk, code="noise", name="噪音扰民", response_limit=12),
    )
    assert response.status_code == 302
    noise = Category.objects.get(code="noise")
    assert (noise.parent, noise.response_limit, noise.response_unit) == (environment, 12, "hours")
    assert AuditEvent.objects.filter(object_type="appeals.category", object_id=str(noise.pk)).exists()


@pytest.mark.parametrize("persona", ["grid01", "secretary", "district", "security", "resident"])
def test_others_are_refused(world: World, persona: str):
    garbage = Category.objects.get(code="garbage")
    client = world.client(persona)
    assert client.get(reverse("appeal_categories:index")).status_code == 403
    url = reverse("appeal_categories:edit", kwargs={"pk": garbage.pk})
    assert client.post(url, _form(garbage, resolution_limit=1)).status_code == 403
    assert Category.objects.get(pk=garbage.pk).resolution_limit == 7
    with pytest.raises(PermissionDenied):
        category_services.save_category(actor=world.users[persona], **_fields(garbage))


def test_a_category_cannot_be_its_own_ancestor(world: World):
    environment = Category.objects.get(code="environment")
    garbage = Category.objects.get(code="garbage")
    client = world.client("sysadmin")
    url = reverse("appeal_categories:edit", kwargs={"pk": environment.pk})
    response = client.post(url, _form(environment, parent=garbage.pk))
    assert response.status_code == 200
    assert "不能是它本身或它的下级类别" in response.content.decode()
    assert Category.objects.get(pk=environment.pk).parent is None
    # Itself is not even offered; the service refuses it too.
    assert client.post(url, _form(environment, parent=environment.pk)).status_code == 200
    with pytest.raises(ValidationError) as exc:
        category_services.save_category(
            actor=world.users["sysadmin"],
            category=environment,
            **_fields(environment, parent=environment),
        )
    assert "parent" in exc.value.message_dict


def test_the_rules_are_clear(world: World):
    admin = world.users["sysadmin"]
    garbage = Category.objects.get(code="garbage")

    def errors(**changes: object) -> dict[str, list[str]]:
        with pytest.raises(ValidationError) as exc:
            category_services.save_category(actor=admin, category=garbage, **_fields(garbage, **changes))
        return exc.value.message_dict

    assert "code" in errors(code="lift")  # taken by another category
    assert "code" in errors(code="垃圾")
    assert "resolution_limit" in errors(resolution_limit=0)
    assert "response_limit" in errors(response_limit=0)
    assert "response_limit" in errors(response_limit=30, response_unit="working_days")  # longer than 7
    assert "unit" in errors(handler_type="sinking_unit")
    assert "department" in errors(handler_type="street_department")
    # The page shows the service's messages against their fields.
    response = world.client("sysadmin").post(
        reverse("appeal_categories:edit", kwargs={"pk": garbage.pk}), _form(garbage, code="lift")
    )
    assert response.status_code == 200 and "已被其他类别使用" in response.content.decode()


def test_a_unit_takes_the_category_it_is_named_for(world: World):
    unit = SinkingUnit.objects.create(
        name="区住建委", kind=UnitKind.AGENCY, area=world.district, area_code=world.district.code
    )
    lift = Category.objects.get(code="lift")
    saved = category_services.save_category(
        actor=world.users["sysadmin"],
        category=lift,
        **_fields(lift, handler_type="sinking_unit", unit=unit, department="不会保留"),
    )
    assert (saved.unit, saved.department) == (unit, "")
    assert Category.objects.get(pk=lift.pk).unit == unit
