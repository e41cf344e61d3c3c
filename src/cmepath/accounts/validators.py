"""Password validators beyond Django's: context words and a generous maximum (ASVS 6.2)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

CONTEXT_WORDS = ("cmepath", "cmeportal", "continuingeducation")


class ContextWordsValidator:
    """Refuse passwords built on the site's own name (ASVS 6.2.11)."""

    def validate(self, password: str, user: Any = None) -> None:
        folded = "".join(ch for ch in password.lower() if ch.isalnum())
        for word in CONTEXT_WORDS:
            if word in folded:
                raise ValidationError(
                    "This password contains the site's name; choose words that have nothing to do with cmepath.",
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return "Your password can't contain the name of this site."


class MaximumLengthValidator:
    """Allow long passphrases (>= 64 characters) but bound hashing work at 1024."""

    max_length = 1024

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(f"Use at most {self.max_length} characters.", code="password_too_long")

    def get_help_text(self) -> str:
        return f"Passphrases up to {self.max_length} characters are welcome."
