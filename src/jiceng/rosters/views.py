from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import require


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.PEOPLE_IMPORT)
    return render(request, "rosters/index.html", {})
