"""The dues' monthly job: members six months in arrears are flagged to their secretaries
(党章 第九条), and in January every member still on last year's assessment is listed for the
yearly reassessment."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from jiceng.dues import queries
from jiceng.notifications.services import notify
from jiceng.party.models import Organisation, OrgKind
from jiceng.party.queries import secretaries_of


def send_dues_warnings(today: datetime.date | None = None) -> int:
    today = today or datetime.date.today()
    sent = 0
    for branch in Organisation.objects.filter(active=True, kind=OrgKind.BRANCH):
        members = queries.members_of(branch)
        if not members:
            continue
        flagged = [line.member.name for line in queries.ledger(members, today, today) if line.flagged]
        if flagged:
            sent += notify(
                secretaries_of(branch),
                _("%(org)s有党员连续6个月未交纳党费") % {"org": branch.name},
                body=_("%(names)s：连续6个月不交纳党费，请及时谈话了解情况（党章第九条）")
                % {"names": "、".join(flagged)},
                link=reverse("dues:index") + f"?organisation={branch.pk}",
                topic=f"dues:arrears:{branch.pk}:{today:%Y-%m}",
            )
        if today.month == 1:
            stale = queries.needing_reassessment(members, today.year)
            if stale:
                sent += notify(
                    secretaries_of(branch),
                    _("%(org)s年度党费核定") % {"org": branch.name},
                    body=_("%(n)d名党员需按上年收入重新核定党费基数") % {"n": len(stale)},
                    link=reverse("dues:index") + f"?organisation={branch.pk}",
                    topic=f"dues:reassess:{branch.pk}:{today.year}",
                )
    return sent
