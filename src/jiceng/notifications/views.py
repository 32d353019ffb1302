"""The user's own messages: the list (unread first), opening one, marking all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from jiceng.notifications import queries, services


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """Unread messages (highlighted) above the read ones; the read ones page by keyset."""
    read, next_cursor = queries.newest_first(
        queries.own(request.user).filter(read_at__isnull=False), request.GET.get("before")
    )
    context = {"read": read, "next_cursor": next_cursor}
    if _htmx(request):
        return render(request, "notifications/partials/rows.html", context)
    unread = queries.unread(request.user)
    total_unread = services.unread_count(request.user) if len(unread) == queries.UNREAD_SHOWN else len(unread)
    context.update({"unread": unread, "total_unread": total_unread})
    return render(request, "notifications/list.html", context)


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the message read and go where it points; only its recipient may open it."""
    notification = queries.own_or_404(request.user, pk)
    if notification.read_at is None:
        services.mark_read(request.user, [notification.pk])
    link = notification.link
    if link and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(link)
    return redirect("notifications:list")


@login_required
def read_all(request: HttpRequest) -> HttpResponse:
    """POST marks every one of the user's messages read; a GET only returns to the list."""
    if request.method == "POST":
        n = services.mark_read(request.user)
        messages.success(request, _("已将%(n)d条通知标为已读") % {"n": n})
    return redirect("notifications:list")
