"""A new appeal like an open one from the same building and category is offered for merging."""

from jiceng.appeals import services as appeals
from jiceng.appeals.duplicates import similar_open_appeals
from jiceng.appeals.models import Category, Channel, Status
from tests.conftest import World
from tests.party.factories import party_world


def test_a_similar_open_appeal_of_the_same_building_is_offered(world: World):
    p = party_world(world)
    garbage = Category.objects.get(code="garbage")
    first = appeals.submit(
        actor=world.users["resident"],
        channel=Channel.RESIDENT,
        category=garbage,
        text="楼下垃圾三天没有清运，气味很大",
        household=world.household2,
    )
    grid02 = world.users["grid02"]
    # 王五 lives in the same building (2号楼) and writes about the same rubbish.
    found = similar_open_appeals(
        grid02, category=garbage, text="2号楼楼下的垃圾一直没人清运", household=p.household3
    )
    assert [c.appeal for c in found] == [first] and found[0].score >= 60
    # Other words, another category or another building: nothing offered.
    assert (
        similar_open_appeals(grid02, category=garbage, text="希望增加健身器材", household=p.household3) == []
    )
    parking = Category.objects.get(code="parking")
    assert (
        similar_open_appeals(grid02, category=parking, text="楼下垃圾没有清运", household=p.household3) == []
    )
    assert (
        similar_open_appeals(grid02, category=garbage, text="楼下垃圾没有清运", household=world.household1)
        == []
    )
    # Merged or closed appeals are not offered; grid01 never sees grid 2's.
    assert (
        similar_open_appeals(
            world.users["grid01"], category=garbage, text="楼下垃圾没有清运", household=p.household3
        )
        == []
    )
    second = appeals.submit(
        actor=grid02,
        channel=Channel.PATROL,
        category=garbage,
        text="2号楼楼下垃圾堆积未清运",
        household=p.household3,
    )
    merged = appeals.merge(actor=grid02, appeal=second, version=second.version, into=first)
    assert merged.status == Status.MERGED
    offered = similar_open_appeals(grid02, category=garbage, text="2号楼楼下垃圾堆积", household=p.household3)
    assert [c.appeal for c in offered] == [first]
