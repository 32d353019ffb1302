"""Printable party documents, rendered from Jinja2 templates to PDF by WeasyPrint.

The identity sign (亮身份): a member hangs it on their door so neighbours know whom to ask
(党员亮身份、树形象、作表率). It names the member and their organisation and carries the pledge;
it holds no personal data beyond the name, so printing it is not audited as an export.
"""

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from jiceng.party.models import Member, Organisation

_SIGN_TEMPLATE = "party/documents/identity_sign.html"


def _top_organisation(organisation: Organisation) -> Organisation:
    """The root of the organisation's tree (the community's committee), which issues the sign."""
    root_pk = int(organisation.path.strip("/").split("/")[0])
    if root_pk == organisation.pk:
        return organisation
    return Organisation.objects.filter(pk=root_pk).first() or organisation


def identity_sign_html(member: Member) -> str:
    context: dict[str, Any] = {
        "member": member,
        "organisation": member.organisation,
        "issuer": _top_organisation(member.organisation),
        "year": timezone.localdate().year,
    }
    return render_to_string(_SIGN_TEMPLATE, context, using="jinja2")


def identity_sign_pdf(member: Member) -> bytes:
    """An A4 landscape door sign: the party flag, 共产党员户, the member's name, organisation and pledge."""
    pdf: bytes = HTML(string=identity_sign_html(member)).write_pdf()
    return pdf
