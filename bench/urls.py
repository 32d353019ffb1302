"""jiceng.urls plus a bare view reading one row by primary key: the framework ceiling."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from jiceng.people.models import Household
from jiceng.urls import urlpatterns as app_urlpatterns


def ceiling(request: HttpRequest, pk: int) -> HttpResponse:
    room = Household.objects.filter(pk=pk).values_list("room", flat=True).first()
    if room is None:
        raise Http404
    return HttpResponse(room, content_type="text/plain")


urlpatterns = [path("bench/ceiling/<int:pk>/", ceiling), *app_urlpatterns]
