"""The chain's services: organisations, members, committees, central households, liaison."""



from jiceng.party import queries
from jiceng.people.models import PoliticalStatus, Resident
from tests.conftest import World
from tests.party.factories import party_world


def test_the_factory_builds_a_covered_chain(world: World):
    p = party_world(world)
    assert p.branch1.path.startswith(p.committee.path) and p.branch1.depth == 1
    assert Resident.objects.get(pk=world.resident1.pk).political_status == PoliticalStatus.PARTY_MEMBER
    figures = queries.coverage(world.community)
    # Four occupied households (张三, 李四, 王五, 赵六); 李四's and 赵六's have a liaison member.
    assert (figures.households, figures.covered) == (4, 2)
    assert figures.members == 2 and figures.members_without_household == 0
