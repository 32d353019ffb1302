"""The certificate (结业证书) of a member who met the year's class-hour requirement with "2+X"."""

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from jiceng.training.queries import Progress


def certificate_pdf(progress: Progress, issuer: str) -> bytes:
    html = render_to_string(
        "training/certificate.html",
        {"p": progress, "issuer": issuer, "today": timezone.localdate()},
        using="jinja2",
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
