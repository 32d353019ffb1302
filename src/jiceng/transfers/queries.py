"""Reading transfers: members who should transfer, and a member's year."""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from jiceng.accounts.roles import Perm
from jiceng.party.models import Member
from jiceng.people.models import ResidenceStatus
from jiceng.transfers.models import Status, Transfer


def to_transfer(user: Any) -> QuerySet[Member]:
    """Members on the roll whose resident record says they moved out of the community (they
    must transfer) or are away (6 months or more at a fixed place: transfer; less: a floating
    member's certificate), with no transfer under way."""
    open_transfer = Transfer.objects.filter(member=OuterRef("pk"), status=Status.ISSUED)
    return (
        Member.objects.visible_to(user, Perm.ORGLIFE_VIEW)
        .filter(active=True, resident__residence_status__in=[ResidenceStatus.MOVED_OUT, ResidenceStatus.AWAY])
        .exclude(Exists(open_transfer))
        .select_related("organisation", "resident")
        .order_by("organisation__path", "name")
    )


def member_year_summary(member: Member, year: int) -> dict[str, Any]:
    rows = Transfer.objects.filter(member=member, issued_on__year=year)
    return {
        "transfers": [
            {
                "direction": str(t.get_direction_display()),
                "status": str(t.get_status_display()),
                "letter": t.letter_number,
            }
            for t in rows
        ]
    }
