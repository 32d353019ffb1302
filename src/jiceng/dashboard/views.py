from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm
from jiceng.dashboard.queries import overview


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # The three administrators see no resident data (三员分立): their home shows their tools only.
    data = overview(request.user) if has_perm(request.user, Perm.PEOPLE_VIEW) else None
    return render(request, "dashboard/home.html", {"data": data})
