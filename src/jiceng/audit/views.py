from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import require
from jiceng.audit.models import AuditEvent

PAGE_SIZE = 100


@login_required
def log(request: HttpRequest) -> HttpResponse:
    """The audit administrator reads the log, newest first, filtered by user, action or object."""
    require(request.user, Perm.AUDIT_VIEW)
    rows = AuditEvent.objects.all()
    filters = {k: request.GET.get(k, "").strip() for k in ("actor", "action", "object_id")}
    if filters["actor"]:
        rows = rows.filter(actor_name=filters["actor"])
    if filters["action"]:
        rows = rows.filter(action=filters["action"])
    if filters["object_id"]:
        rows = rows.filter(object_id=filters["object_id"])
    before = request.GET.get("before", "")
    if before.isdigit():
        rows = rows.filter(seq__lt=int(before))
    events = list(rows.order_by("-seq")[: PAGE_SIZE + 1])
    more = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    return render(
        request,
        "audit/log.html",
        {
            "events": events,
            "filters": filters,
            "next_before": events[-1].seq if more else None,
        },
    )
