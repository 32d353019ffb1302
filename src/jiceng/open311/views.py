"""The GeoReport v2 methods. Plain Django views: the specification's URLs end in .json or .xml
and its errors have their own format.

Authentication is the `api_key` parameter alone (a personal access token): never the page
session, so the CSRF-exempt POST cannot be driven by a logged-in browser. Reads need no key and
then show the public view (records.py); a key switches them to the key's user's scope.
"""

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from jiceng.accounts.models import ApiToken, User
from jiceng.appeals import services as appeals
from jiceng.appeals.models import OPEN_STATUSES, Appeal, Category, Channel
from jiceng.appeals.queries import category_by_code
from jiceng.open311 import places, records
from jiceng.open311.render import Open311Error, error_response, respond

# The specification's default window and page: the last 90 days, at most 1,000 requests.
WINDOW = datetime.timedelta(days=90)
MAX_REQUESTS = 1000
MAX_DESCRIPTION = 4000
# When this API last changed, for the discovery document.
CHANGESET = "2026-11-22T00:00:00+08:00"

View = Callable[..., HttpResponse]


def open311(*methods: str) -> Callable[[View], View]:
    """Allowed methods, and every refusal answered in the specification's error format."""

    allowed = (*methods, "HEAD") if "GET" in methods else methods

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in allowed:
                    raise Open311Error(405, _("不支持 %(method)s 请求") % {"method": request.method})
                return view(request, fmt, **kwargs)
            except Open311Error as error:
                response = error_response(fmt, error)
            except ValidationError as error:
                response = error_response(fmt, Open311Error(400, *error.messages))
            except PermissionDenied as error:
                response = error_response(fmt, Open311Error(403, str(error) or _("您没有权限执行此操作")))
            if response.status_code == 405:
                response["Allow"] = ", ".join(allowed)
            return response

        return csrf_exempt(wrapper)

    return decorate


def _key_user(request: HttpRequest, *, required: bool) -> User | None:
    # In the form as the specification shows it; some clients put it in the query string instead.
    key = (request.POST.get("api_key", "") or request.GET.get("api_key", "")).strip()
    if not key:
        if required:
            raise Open311Error(403, _("缺少 api_key：请在“账号安全”页面创建访问令牌，作为 api_key 提交"))
        return None
    user = ApiToken.authenticate(key)
    if user is None:
        raise Open311Error(403, _("api_key 无效、已过期或已撤销"))
    return user


def _appeals(user: User | None) -> "QuerySet[Appeal]":
    # The public view reads every appeal, but only its public fields (records.py); a key reads
    # the user's scope in full. The scope joins the helpers (协办), one row per helper: distinct.
    rows = Appeal.objects.all() if user is None else Appeal.objects.visible_to(user).distinct()
    return rows.select_related("category", "building__estate", "handler_unit")


@open311("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    endpoint = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt})).rsplit("/", 1)[0]
    document = {
        "changeset": CHANGESET,
        "contact": _("请联系所在社区"),
        "key_service": request.build_absolute_uri(reverse("accounts:security")),
        "endpoints": [
            {
                "specification": records.SPECIFICATION,
                "url": endpoint,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", document)


@open311("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    categories = list(Category.objects.filter(active=True).select_related("parent"))
    return respond(fmt, "services", records.services(categories))


@open311("GET")
def service(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    category = category_by_code(code)
    if category is None:
        raise Open311Error(404, _("没有代码为 %(code)s 的服务") % {"code": code})
    return respond(fmt, "service_definition", records.definition(category))


@open311("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    return _create(request, fmt) if request.method == "POST" else _list(request, fmt)


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    """POST Service Request: the appeal is submitted through the appeals service, so the same
    rules, audit record, routing and notifications apply as on every other channel."""
    user = _key_user(request, required=True)
    data = request.POST
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("缺少 service_code"))
    category = category_by_code(code)
    if category is None:
        raise Open311Error(404, _("没有代码为 %(code)s 的服务") % {"code": code})
    text = data.get("description", "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise Open311Error(400, _("description 不能超过4000字"))
    media_url = data.get("media_url", "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise Open311Error(400, _("media_url 不是有效的网址")) from None
        # Kept where the handlers read: the appeal has no field for a link.
        text = _("%(text)s\n图片：%(url)s") % {"text": text, "url": media_url}
    point = places.parse_point(data.get("lat", "").strip(), data.get("long", "").strip())
    address = data.get("address_string", "").strip()
    place = places.resolve(
        user, address_id=data.get("address_id", "").strip(), address_string=address, point=point
    )
    appeal = appeals.submit(
        actor=user,
        channel=Channel.OPEN311,
        category=category,
        text=text,
        household=place.household,
        building=place.building,
        area=place.area,
        address=address,
        # Chinese order: family name first.
        reporter_name=f"{data.get('last_name', '').strip()}{data.get('first_name', '').strip()}",
        reporter_phone=data.get("phone", ""),
        anonymous=data.get(f"attribute[{records.ANONYMOUS}]", "").strip().lower() in ("true", "1"),
        point=point,
    )
    created = {
        "service_request_id": appeal.pk,
        "service_notice": records.service_notice(appeal),
        "account_id": None,
    }
    return respond(fmt, "service_requests", [created])


def _list(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET Service Requests, newest first. `service_request_id` overrides every other filter."""
    user = _key_user(request, required=False)
    params = request.GET
    rows = _appeals(user)
    ids = _split(params.get("service_request_id", ""))
    if ids:
        if not all(i.isdigit() for i in ids) or len(ids) > MAX_REQUESTS:
            raise Open311Error(400, _("service_request_id 应为以逗号分隔的编号，最多1000个"))
        rows = rows.filter(pk__in=[int(i) for i in ids])
    else:
        codes = _split(params.get("service_code", ""))
        if codes:
            rows = rows.filter(category__code__in=codes)
        start, end = _window(params.get("start_date", ""), params.get("end_date", ""))
        rows = rows.filter(created_at__gte=start, created_at__lte=end)
        statuses = set(_split(params.get("status", "")))
        if statuses - {"open", "closed"}:
            raise Open311Error(400, _("status 只能是 open 或 closed"))
        if statuses == {"open"}:
            rows = rows.filter(status__in=OPEN_STATUSES)
        elif statuses == {"closed"}:
            rows = rows.exclude(status__in=OPEN_STATUSES)
    found = records.service_requests(rows.order_by("-created_at", "-id")[:MAX_REQUESTS], public=user is None)
    return respond(fmt, "service_requests", found)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _moment(value: str, name: str) -> datetime.datetime | None:
    if not value.strip():
        return None
    try:
        # W3C date-times; "Z" and a date alone are accepted, a missing offset means local time.
        moment = datetime.datetime.fromisoformat(value.strip().replace(" ", "+"))
    except ValueError:
        raise Open311Error(
            400, _("%(name)s 应为 W3C 日期时间，如 2026-01-01T00:00:00+08:00") % {"name": name}
        ) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _window(start_text: str, end_text: str) -> tuple[datetime.datetime, datetime.datetime]:
    """The most recent 90 days by default; a range given may not span more than 90 days."""
    start, end = _moment(start_text, "start_date"), _moment(end_text, "end_date")
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if end < start:
        raise Open311Error(400, _("end_date 不能早于 start_date"))
    if end - start > WINDOW:
        raise Open311Error(400, _("start_date 到 end_date 不能超过90天"))
    return start, end


@open311("GET")
def request_detail(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    user = _key_user(request, required=False)
    appeal = _appeals(user).filter(pk=service_request_id).first() if service_request_id.isdigit() else None
    if appeal is None:
        raise Open311Error(404, _("没有编号为 %(id)s 的诉求") % {"id": service_request_id})
    return respond(fmt, "service_requests", records.service_requests([appeal], public=user is None))


@open311("GET")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """Requests are created in real time, so no POST answers with a token; the token here is
    the appeal's number (诉求编号), which residents are given on every channel (the hotline, a
    walk-in, the service notice), so a client can turn it into the service_request_id."""
    user = _key_user(request, required=False)
    appeal = _appeals(user).filter(number=token).first()
    if appeal is None:
        raise Open311Error(404, _("没有编号为 %(token)s 的诉求") % {"token": token})
    return respond(fmt, "service_requests", [{"service_request_id": appeal.pk, "token": appeal.number}])
