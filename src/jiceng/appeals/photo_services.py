"""Photos added to an appeal after it was raised (the JSON API takes the text first and the photos
in a second, multipart request); at most services.MAX_PHOTOS an appeal in all."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.appeals import services
from jiceng.appeals.models import Appeal, AppealPhoto, EventKind
from jiceng.audit import services as audit
from jiceng.audit.models import Action

MAX_PHOTO_BYTES = 10 * 1024 * 1024


def _checked(files: Iterable[Any]) -> list[Any]:
    """Real images of a sensible size only: the files are served back to other users."""
    checked = []
    field = forms.ImageField()
    for f in files:
        if f.size is not None and f.size > MAX_PHOTO_BYTES:
            raise ValidationError({"photos": _("照片%(name)s超过10MB") % {"name": f.name}})
        try:
            checked.append(field.clean(f))
        except ValidationError:
            raise ValidationError({"photos": _("%(name)s不是有效的图片") % {"name": f.name}}) from None
        f.seek(0)
    return checked


@transaction.atomic
def add_photos(*, actor: Any, appeal: Appeal, photos: Iterable[Any], note: str = "") -> list[AppealPhoto]:
    """The submitter's photos go with their submission while the appeal is open; anyone else's
    are a handling note (services.add_note, which checks that they handle it)."""
    files = _checked(photos)
    if not files:
        raise ValidationError({"photos": _("请选择照片")})
    row = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if getattr(actor, "pk", None) is None or row.submitter_id != actor.pk:
        event = services.add_note(actor=actor, appeal=row, text=note, photos=files)
        return list(event.photos.order_by("id"))
    if not row.is_open:
        raise ValidationError({"status": _("诉求已办结，不能再补充照片")})
    submitted = row.events.filter(kind=EventKind.SUBMITTED).order_by("id").first()
    before = set(row.photos.values_list("id", flat=True))
    # One rule for the limit and the storage, the one submit and add_note use.
    services.attach_photos(row, submitted, actor, files)
    audit.record(actor, Action.UPDATE, row, fields=["photos"])
    return list(row.photos.exclude(id__in=before).order_by("id"))
