"""A member's liaison visits and yearly record (党员年度纪实); included by party/urls.py."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.common.forms import add_errors
from jiceng.common.scoping import get_visible_or_404
from jiceng.party import services
from jiceng.party.forms import VisitForm
from jiceng.party.models import LiaisonLink, Member
from jiceng.party.record import year_record

# The record reaches back to the year the platform could first hold data for.
FIRST_YEAR = 2000


def _member(request: HttpRequest, pk: int) -> Member:
    return get_visible_or_404(Member.objects.select_related("organisation"), request.user, pk=pk)


@login_required
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a visit to one of the member's current households."""
    member = _member(request, pk)
    links = (
        LiaisonLink.objects.filter(member=member, ended_on__isnull=True)
        .select_related("household__building", "member")
        .order_by("household__building__name", "household__unit", "household__room")
    )
    allowed = [link for link in links if services.may_record_visit(request.user, link)]
    if not allowed:
        raise Http404  # neither the member nor a worker of the households' place
    form = VisitForm(request.POST or None, links=links.filter(pk__in=[link.pk for link in allowed]))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_visit(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("走访已登记"))
            return redirect("party:member_record", pk=member.pk)
    context = {
        "member": member,
        "form": form,
        "crumbs": [(_("党员"), reverse("party:members")), (member.name, reverse("party:member", args=[pk]))],
    }
    return render(request, "party/visit_new.html", context)


@login_required
def member_record(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        year = this_year
    if not FIRST_YEAR <= year <= this_year:
        year = this_year
    links_open = LiaisonLink.objects.filter(member=member, ended_on__isnull=True).select_related("member")
    context = {
        "member": member,
        "record": year_record(member, year, request.user),
        "year": year,
        "years": list(range(this_year, max(FIRST_YEAR, member.joined_on.year) - 1, -1)),
        "can_record_visit": any(services.may_record_visit(request.user, link) for link in links_open),
        "printed_on": datetime.date.today(),
        "crumbs": [(_("党员"), reverse("party:members")), (member.name, reverse("party:member", args=[pk]))],
    }
    return render(request, "party/record.html", context)
