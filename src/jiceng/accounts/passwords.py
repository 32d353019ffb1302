"""Password complexity after 等保2.0 level 3: characters from four classes."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def character_classes(password: str) -> int:
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


class CharacterClassValidator:
    def validate(self, password: str, user: Any = None) -> None:
        needed = settings.PASSWORD_MIN_CLASSES
        if character_classes(password) < needed:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字和特殊符号中的至少%(n)d类") % {"n": needed},
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字和特殊符号中的至少%(n)d类") % {
            "n": settings.PASSWORD_MIN_CLASSES
        }
