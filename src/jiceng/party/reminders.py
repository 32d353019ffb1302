"""Reminders that an organisation's term ends and the next election is due."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from jiceng.accounts.models import User
from jiceng.notifications.services import notify
from jiceng.party.models import Term
from jiceng.party.queries import secretaries_of

# Reminders go out when the due date is this many days away (or fewer, for the last one missed).
REMINDER_DAYS = (90, 30, 7)


def _recipients(term: Term) -> list[User]:
    return secretaries_of(term.organisation)


def send_election_reminders(today: datetime.date | None = None) -> int:
    """Each day: for every current term whose end is within a reminder window, tell the people
    who must prepare the election, once per window. Returns the number of messages sent."""
    today = today or datetime.date.today()
    horizon = today + datetime.timedelta(days=max(REMINDER_DAYS))
    sent = 0
    terms = Term.objects.filter(ended_on__isnull=True, ends_on__lte=horizon).select_related("organisation")
    for term in terms:
        days = (term.ends_on - today).days
        window = min((d for d in REMINDER_DAYS if days <= d), default=min(REMINDER_DAYS))
        org = term.organisation
        title = (
            _("%(org)s本届任期将于%(date)s届满，请做好换届选举准备") % {"org": org.name, "date": term.ends_on}
            if days >= 0
            else _("%(org)s任期已于%(date)s届满，请尽快换届") % {"org": org.name, "date": term.ends_on}
        )
        sent += notify(
            _recipients(term),
            title,
            body=_("选举日期：%(elected)s；任期%(years)d年。")
            % {"elected": term.elected_on, "years": org.term_years},
            link=reverse("party:organisation", kwargs={"pk": org.pk}),
            topic=f"election:{term.pk}:{window if days >= 0 else 'overdue'}",
        )
    return sent
