"""Greeting members on their political birthday and recording the re-taken oath."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jiceng.accounts.models import User
from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import require
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.birthdays.models import OathActivity
from jiceng.birthdays.queries import birthdays, week_of
from jiceng.notifications.services import notify
from jiceng.party.models import Member, Organisation
from jiceng.party.queries import secretaries_of


def send_greetings(today: datetime.date | None = None) -> int:
    """The worker's daily job: every member whose political birthday falls this week gets the
    greeting (once a year), and each branch's secretaries the week's list (once a week)."""
    today = today or datetime.date.today()
    first, last = week_of(today)
    found = birthdays(Member.objects.all(), first, last)
    sent = 0
    users = {
        u.resident_id: u
        for u in User.objects.filter(
            is_active=True, resident_id__in=[b.member.resident_id for b in found if b.member.resident_id]
        )
    }
    by_org: dict[int, list[str]] = defaultdict(list)
    orgs: dict[int, Organisation] = {}
    for b in found:
        user = users.get(b.member.resident_id)
        if user is not None:
            sent += notify(
                [user],
                _("政治生日快乐！"),
                body=_("%(day)s是您入党%(years)d周年的政治生日。不忘初心、牢记使命，感谢您为社区的付出！")
                % {"day": b.on, "years": b.years},
                link=reverse("birthdays:card", args=[b.member.pk]),
                topic=f"birthday:{b.member.pk}:{b.on.year}",
            )
        by_org[b.member.organisation_id].append(
            _("%(name)s（%(day)s，%(years)d周年）")
            % {"name": b.member.name, "day": f"{b.on:%m-%d}", "years": b.years}
        )
        orgs[b.member.organisation_id] = b.member.organisation
    for org_id, lines in by_org.items():
        sent += notify(
            secretaries_of(orgs[org_id]),
            _("%(org)s本周政治生日") % {"org": orgs[org_id].name},
            body="；".join(lines),
            link=reverse("birthdays:index"),
            topic=f"birthdays:{org_id}:{first:%Y-%m-%d}",
        )
    return sent


@transaction.atomic
def record_oath(
    *,
    actor: Any,
    organisation: Organisation,
    held_on: datetime.date,
    members: Iterable[Member],
    place: str = "",
    note: str = "",
) -> OathActivity:
    """Record a re-taken oath (重温入党誓词) with the members present."""
    require(actor, Perm.ORGLIFE_MANAGE, organisation)
    present = list(members)
    if not present:
        raise ValidationError({"members": _("请选择参加的党员")})
    outside = [m.name for m in present if not m.organisation.path.startswith(organisation.path)]
    if outside:
        raise ValidationError(
            {"members": _("%(names)s不属于%(org)s") % {"names": "、".join(outside), "org": organisation.name}}
        )
    row = OathActivity.objects.create(
        organisation=organisation, area_code=organisation.area_code, org_path=organisation.path,
        held_on=held_on, place=place.strip()[:100], note=note.strip()[:500], recorded_by=actor,
    )  # fmt: skip
    row.members.set(present)
    audit.record(actor, Action.CREATE, row, fields=["held_on", "members"])
    return row
