"""Pages of political birthdays: this week's and month's, the greeting card, the re-taken oath."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from weasyprint import HTML

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import require
from jiceng.birthdays import queries, services
from jiceng.birthdays.models import OathActivity
from jiceng.party.models import Member, Organisation


def _span(period: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    if period == "month":
        first = today.replace(day=1)
        return first, (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return queries.week_of(today)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.ORGLIFE_VIEW)
    period = "month" if request.GET.get("period") == "month" else "week"
    today = timezone.localdate()
    first, last = _span(period, today)
    manageable = (
        Organisation.objects.visible_to(request.user, Perm.ORGLIFE_MANAGE)
        .filter(active=True)
        .order_by("path")
    )
    context = {
        "period": period,
        "first": first,
        "last": last,
        "rows": queries.birthdays(queries.in_scope(request.user), first, last),
        "activities": list(
            OathActivity.objects.visible_to(request.user)
            .select_related("organisation")
            .prefetch_related("members")[:20]
        ),
        "organisations": list(manageable),
        "today": today,
    }
    return render(request, "birthdays/index.html", context)


@login_required
def activity_new(request: HttpRequest) -> HttpResponse:
    """Record a re-taken oath for one organisation, ticking the members present."""
    require(request.user, Perm.ORGLIFE_MANAGE)
    manageable = (
        Organisation.objects.visible_to(request.user, Perm.ORGLIFE_MANAGE)
        .filter(active=True)
        .order_by("path")
    )
    asked = request.GET.get("organisation") or request.POST.get("organisation") or ""
    org = manageable.filter(pk=asked).first() if asked.isdigit() else manageable.first()
    if org is None:
        raise Http404
    members = list(
        Member.objects.filter(active=True, organisation__path__startswith=org.path)
        .select_related("organisation")
        .order_by("name")
    )
    errors: list[str] = []
    if request.method == "POST":
        chosen = {int(v) for v in request.POST.getlist("members") if v.isdigit()}
        try:
            held_on = datetime.date.fromisoformat(request.POST.get("held_on", ""))
            services.record_oath(
                actor=request.user, organisation=org, held_on=held_on, members=[m for m in members if m.pk in chosen],
                place=request.POST.get("place", ""), note=request.POST.get("note", ""),
            )  # fmt: skip
        except ValueError:
            errors.append(_("请填写日期"))
        except ValidationError as exc:
            errors += exc.messages
        else:
            messages.success(request, _("重温入党誓词活动已记录"))
            return redirect("birthdays:index")
    context = {
        "organisation": org,
        "members": members,
        "errors": errors,
        "today": timezone.localdate(),
        "crumbs": [(_("政治生日"), reverse("birthdays:index"))],
    }
    return render(request, "birthdays/activity_new.html", context)


@login_required
def card(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable greeting card for a member's political birthday this year."""
    try:
        member = queries.in_scope(request.user).select_related("organisation").get(pk=pk, active=True)
    except Member.DoesNotExist:
        raise Http404 from None
    today = timezone.localdate()
    on = queries.anniversary(member.joined_on, today.year)
    html = render_to_string(
        "birthdays/card.html",
        {"member": member, "on": on, "years": on.year - member.joined_on.year},
        using="jinja2",
    )
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(False, f"政治生日贺卡-{member.name}.pdf") or "inline"
    )
    return response
