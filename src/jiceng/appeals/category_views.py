"""The system administrator's page for the appeal categories: the tree with each category's
default handler and limits, and a form to add or change one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from jiceng.accounts.roles import Perm
from jiceng.accounts.scope import require
from jiceng.appeals import category_services
from jiceng.appeals.category_forms import CategoryForm
from jiceng.appeals.models import Category
from jiceng.common.forms import add_errors

_FIELDS = (
    "parent",
    "code",
    "name",
    "handler_type",
    "response_limit",
    "response_unit",
    "resolution_limit",
    "resolution_unit",
    "unit",
    "department",
    "sort_order",
    "active",
)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.SYSTEM_CONFIGURE)
    nodes = list(category_services.tree(Category.objects.select_related("unit")))
    return render(request, "appeal_categories/index.html", {"nodes": nodes})


@login_required
def edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, Perm.SYSTEM_CONFIGURE)
    category = get_object_or_404(Category, pk=pk) if pk is not None else None
    # A new category starts from the model's defaults (an ordinary matter: 24 hours, 7 working days).
    source = category or Category()
    initial = {f: getattr(source, f) for f in _FIELDS}
    form = CategoryForm(request.POST or None, initial=initial, category=category)
    if request.method == "POST" and form.is_valid():
        try:
            saved = category_services.save_category(
                actor=request.user, category=category, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存类别“%(name)s”") % {"name": saved.name})
            return redirect("appeal_categories:index")
    title = _("修改诉求类别") if category else _("新增诉求类别")
    return render(
        request, "appeal_categories/form.html", {"form": form, "title": title, "category": category}
    )
