"""An in-service registration (双报到) belongs to the community where the member lives."""

import datetime

from django.utils import timezone

from jiceng.people import services as people
from jiceng.units.models import InServiceRegistration
from tests.conftest import World
from tests.units.factories import units_world


def test_moving_out_of_the_community_ends_the_registration(world: World):
    u = units_world(world)
    today = timezone.localdate()
    people.move_resident(
        actor=world.users["secretary"], resident=u.party.resident3, household=u.party.household4, on=today
    )
    assert InServiceRegistration.objects.get(pk=u.registration2.pk).ended_on is None  # same community
    people.end_residence(
        actor=world.users["secretary"], resident=u.party.resident3, on=today, destination="济南市历下区"
    )
    registration = InServiceRegistration.objects.get(pk=u.registration2.pk)
    assert registration.ended_on == today and registration.end_reason == "迁出报到社区"
    assert registration.ended_on >= today - datetime.timedelta(days=30)
