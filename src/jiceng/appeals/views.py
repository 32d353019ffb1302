"""Pages of resident appeals (接诉即办): a resident's own phone page to raise one, staff intake at
the desk or on the phone, the queue, and one appeal with its timeline and the steps the user may
take now. Each step posts to its own URL naming the version the user saw; the service decides."""

import datetime
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import has_perm, require, scope_for
from jiceng.appeals import duplicates, queries, routing, services
from jiceng.appeals.forms import (
    AnswerForm,
    AppealForm,
    DispatchForm,
    HandleForm,
    HelperForm,
    MergeForm,
    NoteForm,
    RateForm,
    ReasonForm,
    StaffAppealForm,
    VerifyForm,
    VersionForm,
)
from jiceng.appeals.models import (
    Appeal,
    AppealKind,
    AppealPhoto,
    Category,
    Channel,
    EventKind,
    HandlerType,
    Rating,
    Status,
)
from jiceng.appeals.services import MAX_PHOTOS, STEPS
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.common.forms import add_errors
from jiceng.common.labels import labels
from jiceng.common.pagination import keyset_rows
from jiceng.common.scoping import get_visible_or_404
from jiceng.people.models import Household, Resident
from jiceng.territory.maps import map_context
from jiceng.territory.models import Building


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _labels() -> dict[str, dict[str, str]]:
    """Choice labels, translated once a process and language (common/labels.py)."""
    return {
        "status": labels(Status),
        "kind": labels(AppealKind),
        "channel": labels(Channel),
        "rating": labels(Rating),
        "event": labels(EventKind),
        "handler_type": labels(HandlerType),
    }


# ---- the queue -------------------------------------------------------------------------------


# Appeals a queue page shows before "load more": a phone screen's worth a few times over; each
# row is a card, and a page of 50 cost twice the time of 20 to render.
QUEUE_PAGE_SIZE = 20


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Handlers: the appeals of their area or assigned to them, with filters. Residents and
    members: 我的诉求, the appeals they raised or handle, with their progress."""
    user: Any = request.user
    require(user, Perm.APPEALS_VIEW)
    now = timezone.now()
    handling = has_perm(user, Perm.APPEALS_HANDLE)
    filters: dict[str, Any] = {}
    if not handling:
        qs = queries.appeals_for(user)
    else:
        status = request.GET.get("status", "open")
        f = queries.QueueFilter(
            status=status if status in ("open", "all", *Status.values) else "open",
            category=_int(request.GET.get("category")),
            overdue=request.GET.get("overdue") == "1",
            mine=request.GET.get("mine") == "1",
        )
        qs = queries.queue(user, f, now)
        filters = {
            "status": f.status,
            "category": f.category or "",
            "overdue": "1" if f.overdue else "",
            "mine": "1" if f.mine else "",
        }
    page = keyset_rows(qs, partial(queries.queue_rows, now=now), request.GET.get("after"), QUEUE_PAGE_SIZE)
    context = {
        "page": page,
        "handling": handling,
        "filters": filters,
        "query": urlencode({k: v for k, v in filters.items() if v}),
        "labels": _labels(),
        "can_submit": has_perm(user, Perm.APPEALS_SUBMIT),
    }
    if _htmx(request):
        return render(request, "appeals/partials/appeal_rows.html", context)
    if handling:
        context["categories"] = queries.category_choices(active_only=False)
    return render(request, "appeals/index.html", context)


# ---- intake ----------------------------------------------------------------------------------


@login_required
def new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(user, Perm.APPEALS_SUBMIT)
    staff = services.takes_for_others(user)
    resident: Resident | None = None
    form: AppealForm
    if staff:
        form = StaffAppealForm(user, request.POST or None, request.FILES or None)
        form.fields["reporter_phone"].widget.attrs.update(
            {
                "hx-get": reverse("appeals:lookup"),
                "hx-trigger": "input changed delay:400ms",
                "hx-target": "#caller-results",
                "inputmode": "tel",
                "autocomplete": "off",
            }
        )
        form.fields["reporter_name"].widget.attrs["x-model"] = "name"
        form.fields["building"].widget.attrs.update(
            {"x-model": "building", "hx-get": reverse("appeals:households"), "hx-target": "#household-field"}
        )
    else:
        resident = (
            Resident.objects.select_related("household__building__estate").filter(pk=user.resident_id).first()
        )
        if resident is None:
            raise PermissionDenied(_("您的账号未关联居民信息，请联系社区登记"))
        form = AppealForm(request.POST or None, request.FILES or None)
    _offer_similar(form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {
            "actor": user,
            "category": data["category"],
            "text": data["text"],
            "address": data["address"],
            "anonymous": data["anonymous"],
            "photos": data["photos"],
            "point": form.point,
        }
        try:
            if resident is not None:
                appeal = services.submit(
                    **common,
                    channel=Channel.RESIDENT,
                    household=resident.household,
                    reporter_name=resident.name,
                    reporter_phone=resident.phone or "",
                )
            else:
                appeal = services.submit(
                    **common,
                    channel=data["channel"],
                    kind=data["kind"],
                    household=data["household"],
                    building=data["building"],
                    area=data["area"],
                    reporter_name=data["reporter_name"],
                    reporter_phone=data["reporter_phone"],
                )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("已提交，编号%(n)s。处理进展会通知您，也可在“我的诉求”查看") % {"n": appeal.number}
                if resident is not None
                else _("已登记%(kind)s，编号%(n)s") % {"kind": appeal.get_kind_display(), "n": appeal.number},
            )
            return redirect("appeals:detail", pk=appeal.pk)
    if resident is not None:
        pin_codes = [resident.household.building.area_code]
    else:
        pin_codes = list(scope_for(user, Perm.APPEALS_SUBMIT).area_codes)
    households: list[Household] = []
    building_pk = _int(str(form["building"].value() or "")) if staff else None
    if building_pk:
        households = list(_households_of(user, building_pk))
    return render(
        request,
        "appeals/new.html",
        {
            "form": form,
            "staff": staff,
            "resident": resident,
            "households": households,
            "selected": _int(str(form["household"].value() or "")) if staff else None,
            "max_photos": MAX_PHOTOS,
            "map": map_context(pin_codes),
        },
    )


def _offer_similar(form: AppealForm) -> None:
    """Ask for similar open appeals while the text is written or the category chosen."""
    place = "[name=building],[name=household]"
    common = {
        "hx-get": reverse("appeals:similar"),
        "hx-target": "#similar-results",
        "hx-sync": "closest form:replace",
    }
    form.fields["text"].widget.attrs.update(
        {**common, "hx-trigger": "input changed delay:600ms", "hx-include": f"[name=category],{place}"}
    )
    form.fields["category"].widget.attrs.update(
        {**common, "hx-trigger": "change", "hx-include": f"[name=text],{place}"}
    )


def _households_of(user: Any, building_pk: int) -> Any:
    building = Building.objects.visible_to(user, Perm.APPEALS_SUBMIT).filter(pk=building_pk).first()
    if building is None:
        return Household.objects.none()
    return (
        Household.objects.visible_to(user, Perm.APPEALS_SUBMIT)
        .filter(building=building)
        .order_by("unit", "room")
    )


@login_required
def households(request: HttpRequest) -> HttpResponse:
    """HTMX: the households of one building in the user's area, for the intake form."""
    require(request.user, Perm.APPEALS_SUBMIT)
    building_pk = _int(request.GET.get("building"))
    rows = list(_households_of(request.user, building_pk)) if building_pk else []
    return render(
        request,
        "appeals/partials/household_select.html",
        {"households": rows, "selected": _int(request.GET.get("selected"))},
    )


@login_required
def lookup(request: HttpRequest) -> HttpResponse:
    """HTMX: who is calling? Current residents in the user's area with this phone number."""
    require(request.user, Perm.APPEALS_HANDLE)
    phone = request.GET.get("reporter_phone", "").strip()
    found = queries.callers(request.user, phone) if len(phone) >= 7 else []
    return render(request, "appeals/partials/callers.html", {"found": found, "phone": phone})


@login_required
def similar(request: HttpRequest) -> HttpResponse:
    """HTMX: while an appeal is written, open appeals like it from the same building (see
    duplicates.offer for what staff and residents are shown)."""
    user: Any = request.user
    require(user, Perm.APPEALS_SUBMIT)
    staff = services.takes_for_others(user)
    category = Category.objects.filter(pk=_int(request.GET.get("category")) or 0, active=True).first()
    found = duplicates.Offer([])
    if category is not None:
        if staff:
            building = (
                Building.objects.visible_to(user, Perm.APPEALS_SUBMIT)
                .filter(pk=_int(request.GET.get("building")) or 0)
                .first()
            )
            household = (
                Household.objects.visible_to(user, Perm.APPEALS_SUBMIT)
                .select_related("building")
                .filter(pk=_int(request.GET.get("household")) or 0)
                .first()
            )
        else:
            building, household = None, queries.own_household(user)
        found = duplicates.offer(
            user,
            staff=staff,
            category=category,
            text=request.GET.get("text", ""),
            building=building,
            household=household,
        )
    return render(
        request, "appeals/partials/similar_intake.html", {"staff": staff, "found": found, "labels": _labels()}
    )


# ---- one appeal ------------------------------------------------------------------------------


def _appeal(request: HttpRequest, pk: int) -> Appeal:
    return get_visible_or_404(
        Appeal.objects.select_related(
            "category",
            "handler",
            "handler_unit",
            "submitter",
            "merged_into",
            "household__building__estate",
            "building__estate",
        ),
        request.user,
        pk=pk,
    )


def allowed_steps(user: Any, appeal: Appeal) -> set[str]:
    """The steps this user may take on the appeal in its present status (the services check
    again, with the row locked)."""
    area = has_perm(user, Perm.APPEALS_HANDLE, appeal)
    handler = area or appeal.handler_id == user.pk or appeal.helpers.filter(user=user).exists()
    submitter = appeal.submitter_id == user.pk
    status, consultation = appeal.status, appeal.kind == AppealKind.CONSULTATION
    steps: set[str] = set()
    if area and status == Status.SUBMITTED:
        steps |= {"reject", "merge", "answer" if consultation else "accept"}
    if area and status == Status.ACCEPTED:
        steps |= {"dispatch", "merge"}
    if handler and status in queries.RUNNING_STATUSES:
        steps |= {"return", "handle", "helper", "resume" if appeal.paused_at else "pause"}
        if status == Status.DISPATCHED:
            steps.add("start")
    if handler and status in STEPS["note"]:
        steps.add("note")
    if (area or submitter) and status == Status.HANDLED:
        steps.add("verify")
    if area and status == Status.VERIFIED:
        steps.add("close")
    if submitter and status == Status.CLOSED and not consultation:
        # A second rating only after a dissatisfied one reopened it and it was closed again.
        again = (
            appeal.rating == Rating.DISSATISFIED
            and appeal.reopened
            and appeal.rated_at is not None
            and appeal.closed_at is not None
            and appeal.rated_at < appeal.closed_at
        )
        if not appeal.rating or again:
            steps.add("rate")
    return steps


def _span(seconds: float) -> str:
    minutes = int(abs(seconds)) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d天%(h)d小时") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d小时%(m)d分钟") % {"h": hours, "m": minutes}
    return _("%(m)d分钟") % {"m": minutes}


def clocks(appeal: Appeal, now: datetime.datetime) -> list[dict[str, Any]]:
    """The response and resolution limits with the time left, or when each was met."""
    rows = []
    running = appeal.status in queries.RUNNING_STATUSES
    for label, due, met in (
        (_("响应时限"), appeal.response_due, appeal.responded_at),
        (_("办结时限"), appeal.resolution_due, None if running else appeal.handled_at),
    ):
        if due is None:
            continue
        if met is not None:
            late = met > due
            text = (
                _("已按时完成")
                if not late
                else _("超时%(t)s完成") % {"t": _span((met - due).total_seconds())}
            )
            state = "late" if late else "done"
        elif appeal.paused_at is not None:
            text, state = _("计时已暂停"), "paused"
        elif not appeal.is_open:
            continue
        else:
            left = (due - now).total_seconds()
            if left < 0:
                text, state = _("已超期%(t)s") % {"t": _span(left)}, "late"
            else:
                text, state = _("剩余%(t)s") % {"t": _span(left)}, "ok"
        rows.append({"label": label, "due": due, "text": text, "state": state})
    return rows


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    appeal = _appeal(request, pk)
    steps = allowed_steps(user, appeal)
    events = queries.timeline(appeal)
    submitted = [p for e in events if e.kind == EventKind.SUBMITTED for p in e.photos.all()]
    context: dict[str, Any] = {
        "appeal": appeal,
        "events": events,
        "photos": submitted,
        "steps": steps,
        "clocks": clocks(appeal, timezone.now()),
        "labels": _labels(),
        "may_call": bool(appeal.reporter_phone_hash)
        and (has_perm(user, Perm.APPEALS_HANDLE, appeal) or appeal.handler_id == user.pk),
        "photo_room": MAX_PHOTOS - sum(len(e.photos.all()) for e in events),
        "max_photos": MAX_PHOTOS,
        "map": map_context([appeal.area_code]) if appeal.latitude is not None else None,
    }
    if steps & {"dispatch", "helper"}:
        context["handlers"] = list(queries.handler_candidates(appeal))
        context["units"] = list(queries.unit_candidates(appeal))
    if "dispatch" in steps:
        context["route"] = routing.route(appeal)
    if "merge" in steps:
        # Open appeals of the same category and building with similar text, offered for merging.
        context["similar"] = duplicates.similar_open_appeals(
            user,
            category=appeal.category,
            text=appeal.text,
            building=appeal.building,
            household=appeal.household,
            exclude=appeal,
        )
    return render(request, "appeals/detail.html", context)


# ---- the steps -------------------------------------------------------------------------------


def _valid(form: forms.Form) -> dict[str, Any]:
    """The form's data, or its errors as one ValidationError for the flash messages."""
    if form.is_valid():
        return form.cleaned_data
    errors = []
    for name, messages_ in form.errors.items():
        field = form.fields.get(name)
        for message in messages_:
            if name == "version":
                errors.append(_("页面已过期，请刷新后再操作"))
            elif field is not None and field.label:
                errors.append(f"{field.label}：{message}")
            else:
                errors.append(str(message))
    raise ValidationError(errors)


def _accept(request: HttpRequest, appeal: Appeal) -> str:
    d = _valid(VersionForm(request.POST))
    services.accept(actor=request.user, appeal=appeal, version=d["version"])
    return _("已受理")


def _reject(request: HttpRequest, appeal: Appeal) -> str:
    d = _valid(ReasonForm(request.POST))
    services.reject(actor=request.user, appeal=appeal, version=d["version"], reason=d["reason"])
    return _("已不予受理，已通知诉求人")


def _answer(request: HttpRequest, appeal: Appeal) -> str:
    d = _valid(AnswerForm(request.POST))
    services.answer(actor=request.user, appeal=appeal, version=d["version"], reply=d["reply"])
    return _("已答复并办结")


def _merge(request: HttpRequest, appeal: Appeal) -> str:
    d = _valid(MergeForm(request.POST))
    into = queries.appeals_for(request.user).filter(number=d["into"].strip().upper()).first()
    if into is None:
        raise ValidationError(_("没有找到编号为%(n)s的诉求") % {"n": d["into"].strip()})
    services.merge(actor=request.user, appeal=appeal, version=d["version"], into=into)
    return _("已并入%(n)s") % {"n": into.number}


def _dispatch(request: HttpRequest, appeal: Appeal) -> str:
    form = DispatchForm(
        request.POST,
        handlers=queries.handler_candidates(appeal),
        units=queries.unit_candidates(appeal),
    )
    d = _valid(form)
    if form.overridden:
        row = services.dispatch(
            actor=request.user,
            appeal=appeal,
            version=d["version"],
            handler_type=d["handler_type"] or None,
            handler=d["handler"],
            unit=d["unit"],
            department=d["department"],
            reason=d["reason"],
        )
    else:
        row = services.dispatch(actor=request.user, appeal=appeal, version=d["version"])
    who = row.handler or row.handler_unit or row.handler_department
    return _("已派单给%(who)s") % {"who": who}


def _return(request: HttpRequest, appeal: Appeal) -> str:
    d = _valid(ReasonForm(request.POST))
    services.return_appeal(actor=request.user, appeal=appeal, version=d["version"], reason=d["reason"])
    return _("已退单，等待重新派单")


def _helper(request: HttpRequest, appeal: Appeal) -> str:
    units = queries.unit_candidates(appeal)
    d = _valid(HelperForm(request.POST, handlers=queries.handler_candidates(appeal), units=units))
    services.add_helper(actor=request.user, appeal=appeal, user=d["user"], unit=d["unit"])
    return _("已请%(who)s协办") % {"who": d["user"] or d["unit"]}


def _start(request: HttpRequest, appeal: Appeal) -> str:
    d = _valid(VersionForm(request.POST))
    services.start(actor=request.user, appeal=appeal, version=d["version"])
    return _("已开始办理")


def _note(request: HttpRequest, appeal: Appeal) -> str:
    d = _valid(NoteForm(request.POST, request.FILES))
    services.add_note(actor=request.user, appeal=appeal, text=d["text"], photos=d["photos"])
    return _("已记录办理情况")


def _handle(request: HttpRequest, appeal: Appeal) -> str:
    d = _valid(HandleForm(request.POST, request.FILES))
    services.handle(
        actor=request.user, appeal=appeal, version=d["version"], result=d["result"], photos=d["photos"]
    )
    return _("已提交办理结果，等待核查")


def _verify(request: HttpRequest, appeal: Appeal) -> str:
    d = _valid(VerifyForm(request.POST))
    services.verify(
        actor=request.user, appeal=appeal, version=d["version"], resolved=d["resolved"], note=d["note"]
    )
    return _("已确认解决") if d["resolved"] else _("已退回承办人继续办理")


def _close(request: HttpRequest, appeal: Appeal) -> str:
    d = _valid(VersionForm(request.POST))
    services.close(actor=request.user, appeal=appeal, version=d["version"])
    return _("已办结，已请诉求人评价")


def _rate(request: HttpRequest, appeal: Appeal) -> str:
    d = _valid(RateForm(request.POST))
    row = services.rate(actor=request.user, appeal=appeal, rating=d["rating"], comment=d["comment"])
    if row.status != Status.CLOSED:
        return _("已收到您的评价，诉求将重新办理，社区书记会跟进")
    return _("感谢您的评价")


def _pause(request: HttpRequest, appeal: Appeal) -> str:
    d = _valid(ReasonForm(request.POST))
    services.pause(actor=request.user, appeal=appeal, version=d["version"], reason=d["reason"])
    return _("已暂停计时")


def _resume(request: HttpRequest, appeal: Appeal) -> str:
    d = _valid(VersionForm(request.POST))
    services.resume(actor=request.user, appeal=appeal, version=d["version"])
    return _("已恢复计时，时限已顺延")


STEP_VIEWS: dict[str, Callable[[HttpRequest, Appeal], str]] = {
    "accept": _accept,
    "reject": _reject,
    "answer": _answer,
    "merge": _merge,
    "dispatch": _dispatch,
    "return": _return,
    "helper": _helper,
    "start": _start,
    "note": _note,
    "handle": _handle,
    "verify": _verify,
    "close": _close,
    "rate": _rate,
    "pause": _pause,
    "resume": _resume,
}


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of the cycle. Whatever the outcome the appeal's page is shown again, with what
    was done or why it was refused (a stale version names who changed the appeal)."""
    appeal = _appeal(request, pk)
    step = STEP_VIEWS.get(action)
    if step is None:
        raise Http404
    try:
        done = step(request, appeal)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您没有权限执行此操作"))
    else:
        messages.success(request, done)
    return redirect("appeals:detail", pk=appeal.pk)


# ---- photos and calls ------------------------------------------------------------------------


@login_required
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo, only for those who may see its appeal; anyone else gets the same 404."""
    row = AppealPhoto.objects.filter(pk=pk, appeal__in=queries.appeals_for(request.user)).first()
    if row is None:
        raise Http404
    try:
        handle = row.image.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=86400"
    return response


class TelRedirect(HttpResponseRedirect):
    allowed_schemes = ["tel"]


@login_required
def call(request: HttpRequest, pk: int) -> HttpResponse:
    """Call the person who raised it back: the full number never appears in a page, and reaching
    it is an access to personal information written to the audit log (个人信息保护法)."""
    appeal = _appeal(request, pk)
    if not appeal.reporter_phone or not (
        has_perm(request.user, Perm.APPEALS_HANDLE, appeal) or appeal.handler_id == request.user.pk
    ):
        raise Http404
    audit.record(request.user, Action.REVEAL, appeal, fields=["reporter_phone"], reason=_("回访诉求人"))
    return TelRedirect(f"tel:{appeal.reporter_phone}")
