"""Password rules for a government system (等级保护 asks for length and mixed characters)."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (
    ("lower", set(string.ascii_lowercase)),
    ("upper", set(string.ascii_uppercase)),
    ("digit", set(string.digits)),
)


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower-case letters, upper-case letters, digits, other
    characters (punctuation, Chinese characters…)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def classes(self, password: str) -> int:
        found = sum(1 for _name, chars in CLASSES if any(c in chars for c in password))
        other = any(not any(c in chars for _n, chars in CLASSES) for c in password)
        return found + int(other)

    def validate(self, password: str, user: Any = None) -> None:
        if self.classes(password) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must mix at least %(n)d of: lower-case letters, upper-case "
                    "letters, digits, other characters."
                )
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "Use at least %(n)d of: lower-case letters, upper-case letters, digits, other "
            "characters."
        ) % {"n": self.min_classes}
