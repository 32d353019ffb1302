from django import forms
from django.core.exceptions import ValidationError


def add_errors(form: forms.Form, exc: ValidationError, default_field: str | None = None) -> None:
    """Attach a service's ValidationError to the form: per field where the field exists."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else default_field, errors)
    else:
        form.add_error(default_field, exc.messages)
