"""Login with the second factor, password change, account security and account administration."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.accounts import services, totp
from jiceng.accounts.forms import (
    BindingForm,
    CodeForm,
    LinkResidentForm,
    LoginForm,
    PasswordChangeForm,
    TokenForm,
    UserCreateForm,
)
from jiceng.accounts.models import ApiToken, RoleBinding, User
from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import require
from jiceng.audit import services as audit
from jiceng.audit.models import Action
from jiceng.common.forms import add_errors
from jiceng.territory.models import Area

PENDING = "pending_user_id"


def _finish_login(request: HttpRequest, user: User) -> HttpResponse:
    next_url = request.session.pop("login_next", "")
    request.session.pop(PENDING, None)
    request.session.pop("totp_new_secret", None)
    login(request, user, backend="jiceng.accounts.backends.LockoutModelBackend")
    audit.record(user, Action.LOGIN, user)
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect(settings.LOGIN_REDIRECT_URL)


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, **form.cleaned_data)
        if user is None:
            locked = User.objects.filter(username=form.cleaned_data["username"]).first()
            if locked is not None and locked.is_locked:
                form.add_error(
                    None, _("登录失败次数过多，账号已锁定%(n)d分钟") % {"n": settings.LOGIN_LOCKOUT_MINUTES}
                )
            else:
                form.add_error(None, _("用户名或密码不正确"))
        else:
            request.session["login_next"] = request.GET.get("next", "")
            if not user.needs_second_factor:
                return _finish_login(request, user)
            request.session[PENDING] = user.pk
            return redirect("accounts:login_totp" if user.totp_enabled else "accounts:totp_enroll")
    return render(request, "accounts/login.html", {"form": form})


def _pending_user(request: HttpRequest) -> User | None:
    pk = request.session.get(PENDING)
    return User.objects.filter(pk=pk, is_active=True).first() if pk else None


def login_totp(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None or not user.totp_enabled:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp.verify(user.totp_secret, form.cleaned_data["code"]):
            return _finish_login(request, user)
        from jiceng.accounts.backends import register_failure

        register_failure(user)
        form.add_error("code", _("动态口令不正确"))
    return render(request, "accounts/login_totp.html", {"form": form, "user_name": user.username})


def totp_enroll(request: HttpRequest) -> HttpResponse:
    """Set up the second factor: during a pending login (required roles) or from the security page."""
    user = _pending_user(request) or (request.user if request.user.is_authenticated else None)
    if user is None:
        return redirect("accounts:login")
    secret = request.session.get("totp_new_secret") or totp.new_secret()
    request.session["totp_new_secret"] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enable_totp(actor=user, user=user, secret=secret, code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if request.user.is_authenticated:
                request.session.pop("totp_new_secret", None)
                messages.success(request, _("动态口令已启用"))
                return redirect("accounts:security")
            return _finish_login(request, user)
    uri = totp.provisioning_uri(secret, user.username)
    return render(
        request, "accounts/totp_enroll.html", {"form": form, "qr": totp.qr_svg(uri), "secret": secret}
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(request.user, Action.LOGOUT, request.user)
    logout(request)
    return redirect("accounts:login")


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required has run
    return request.user


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    user = _me(request)
    if request.method == "POST" and form.is_valid():
        if not user.check_password(form.cleaned_data["old_password"]):
            form.add_error("old_password", _("当前密码不正确"))
        else:
            try:
                services.set_password(actor=user, user=user, password=form.cleaned_data["new_password"])
            except ValidationError as exc:
                form.add_error("new_password", exc)
            else:
                from django.contrib.auth import update_session_auth_hash

                update_session_auth_hash(request, user)
                messages.success(request, _("密码已修改"))
                return redirect("dashboard:home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "expired": request.GET.get("expired"), "max_age": settings.PASSWORD_MAX_AGE_DAYS},
    )


@login_required
def security(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        new_token = services.issue_token(
            actor=request.user, user=_me(request), name=form.cleaned_data["name"]
        )
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=_me(request), revoked_at__isnull=True).order_by("-created_at")
    return render(request, "accounts/security.html", {"form": form, "tokens": tokens, "new_token": new_token})


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=_me(request))
    services.revoke_token(actor=request.user, token=token)
    messages.success(request, _("令牌已作废"))
    return redirect("accounts:security")


@login_required
def users(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.ACCOUNTS_MANAGE)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_user(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc, default_field="password")
        else:
            messages.success(request, _("已创建账号%(name)s") % {"name": user.username})
            return redirect("accounts:user", pk=user.pk)
    rows = User.objects.order_by("username").prefetch_related("role_bindings__area")[:500]
    return render(request, "accounts/users.html", {"form": form, "users": rows})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.ACCOUNTS_MANAGE)
    user = get_object_or_404(User, pk=pk)
    form = BindingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["area_code"].strip()
        area = Area.objects.filter(code=code).first() if code else None
        if code and area is None:
            form.add_error("area_code", _("找不到代码为%(code)s的区域") % {"code": code})
        else:
            try:
                services.bind_role(actor=request.user, user=user, role=form.cleaned_data["role"], area=area)
            except ValidationError as exc:
                add_errors(form, exc, default_field="role")
            else:
                messages.success(request, _("已添加角色"))
                return redirect("accounts:user", pk=user.pk)
    bindings = user.role_bindings.select_related("area")
    return render(
        request,
        "accounts/user_detail.html",
        {"account": user, "bindings": bindings, "form": form, "link_form": LinkResidentForm()},
    )


@login_required
@require_POST
def user_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    require(request.user, Perm.ACCOUNTS_MANAGE)
    user = get_object_or_404(User, pk=pk)
    if action == "unlock":
        services.unlock(actor=request.user, user=user)
    elif action == "reset-totp":
        services.reset_totp(actor=request.user, user=user)
    elif action == "link-resident":
        form = LinkResidentForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("请填写身份证号码"))
            services.link_resident(actor=request.user, user=user, id_number=form.cleaned_data["id_number"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("accounts:user", pk=user.pk)
    elif action == "unbind":
        binding = get_object_or_404(RoleBinding, pk=request.POST.get("binding"), user=user)
        services.unbind_role(actor=request.user, binding=binding)
    else:
        return HttpResponse(status=404)
    messages.success(request, _("操作已完成"))
    return redirect("accounts:user", pk=user.pk)
