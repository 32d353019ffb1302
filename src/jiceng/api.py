"""The JSON API under /api/v1/, assembled from each app's router; OpenAPI docs at /api/v1/docs."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from jiceng.api_auth import BearerToken, SessionWithCsrf
from jiceng.appeals.api import router as appeals_router
from jiceng.appeals.measure_api import router as appeal_measures_router
from jiceng.birthdays.api import router as birthdays_router
from jiceng.development.api import router as development_router
from jiceng.dues.api import router as dues_router
from jiceng.meetings.api import router as meetings_router
from jiceng.notifications.api import router as notifications_router
from jiceng.party.api import router as party_router
from jiceng.people.api import router as people_router
from jiceng.rosters.api import router as rosters_router
from jiceng.territory.api import router as territory_router
from jiceng.training.api import router as training_router
from jiceng.transfers.api import router as transfers_router
from jiceng.units.api import router as units_router
from jiceng.workdays.api import router as workdays_router

api = NinjaAPI(
    title="Jiceng 基层治理平台 API",
    version="1",
    urls_namespace="api",
    auth=[BearerToken(), SessionWithCsrf(csrf=True)],
    description="Session (pages) or `Authorization: Bearer <token>` (create one with `jiceng token create USER`).",
)
api.add_router("/territory/", territory_router)
api.add_router("/people/", people_router)
api.add_router("/party/", party_router)
api.add_router("/units/", units_router)
api.add_router("/notifications/", notifications_router)
api.add_router("/rosters/", rosters_router)
api.add_router("/workdays/", workdays_router)
api.add_router("/appeals/", appeal_measures_router)  # before /appeals/{pk}
api.add_router("/appeals/", appeals_router)
api.add_router("/meetings/", meetings_router)
api.add_router("/training/", training_router)
api.add_router("/development/", development_router)
api.add_router("/dues/", dues_router)
api.add_router("/transfers/", transfers_router)
api.add_router("/birthdays/", birthdays_router)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "invalid", "errors": errors}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "not found"}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "authentication required / 请先登录"}, status=401)
