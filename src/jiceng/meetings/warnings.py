"""Overdue warnings: each day the worker tells the secretaries of every organisation whose
required meeting of a period that has just ended was not held, once per organisation, type and
period, and reminds them a week before a period ends while its meeting is still missing (or, at
the end of the year, members are still owed their heart-to-heart talk)."""

import datetime
import hashlib

from django.urls import reverse
from django.utils.translation import gettext as _

from jiceng.meetings import rules
from jiceng.meetings.compliance import ORG_FIELDS, evaluate
from jiceng.notifications.services import notify
from jiceng.party.models import Organisation
from jiceng.party.queries import secretaries_of

# Remind this many days before the end of a period whose meeting is still missing.
REMIND_DAYS = 7


def send_overdue_warnings(today: datetime.date | None = None) -> int:
    today = today or datetime.date.today()
    orgs = list(Organisation.objects.filter(active=True).order_by("path").values(*ORG_FIELDS))
    sent = 0
    by_pk = {}
    for row in evaluate(orgs, today):
        lines = []
        topics = []
        for t in row.types:
            if t.overdue:
                last = t.overdue[-1]
                lines.append(
                    _("%(type)s：%(periods)s未召开") % {"type": t.label, "periods": "、".join(t.overdue)}
                )
                topics.append(f"{t.meeting_type}:{last}")
            elif not t.current_done:
                span = rules.span_of(t.period, today)
                if (span.last - today).days >= REMIND_DAYS:
                    continue
                if t.progress:
                    lines.append(
                        _("%(type)s：本年尚有%(n)d名党员未谈，%(last)s前须完成")
                        % {"type": t.label, "n": t.progress[1] - t.progress[0], "last": span.last}
                    )
                else:
                    lines.append(
                        _("%(type)s：本期（%(period)s）尚未召开，%(last)s前须召开")
                        % {"type": t.label, "period": span.key, "last": span.last}
                    )
                topics.append(f"{t.meeting_type}:{span.key}:due")
        if not lines:
            continue
        if row.organisation_id not in by_pk:
            by_pk[row.organisation_id] = Organisation.objects.get(pk=row.organisation_id)
        sent += notify(
            secretaries_of(by_pk[row.organisation_id]),
            _("%(org)s三会一课提醒") % {"org": row.name},
            body="；".join(lines),
            link=reverse("meetings:organisation", kwargs={"pk": row.organisation_id}),
            # Once per organisation and set of missing periods: a new gap sends a new message.
            topic=f"meetings:{row.organisation_id}:"
            + hashlib.sha1(",".join(sorted(topics)).encode()).hexdigest()[:20],
        )
    return sent
