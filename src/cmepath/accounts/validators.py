"""Password validators beyond Django's: context words and a generous maximum (ASVS 6.2)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from .choices import ErrorCode

CONTEXT_WORDS = ("cmepath", "cmeportal", "continuingeducation")


class ContextWordsValidator:
    """Refuse passwords built on the site's own name (ASVS 6.2.11)."""

    def validate(self, password: str, user: Any = None) -> None:
        folded = "".join(ch for ch in password.lower() if ch.isalnum())
        for word in CONTEXT_WORDS:
            if word in folded:
                raise ValidationError(
                    "This password contains the site's name; choose words that have nothing to do with cmepath.",
                    code=ErrorCode.PASSWORD_CONTEXT_WORD,
                )

    def get_help_text(self) -> str:
        return "Your password can't contain the name of this site."


class MaximumLengthValidator:
    """Allow long passphrases (>= 64 characters) but bound hashing work at 1024."""

    max_length = 1024

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"Use at most {self.max_length} characters.", code=ErrorCode.PASSWORD_TOO_LONG
            )

    def get_help_text(self) -> str:
        return f"Passphrases up to {self.max_length} characters are welcome."


class CommonBaseWordValidator:
    """Refuse a common password dressed up with digits or symbols ("Password123!").

    Django's list holds the password itself; people append a year or a "!". We strip
    non-letters from both ends and check the remaining word against the same list.
    """

    def __init__(self) -> None:
        from django.contrib.auth.password_validation import CommonPasswordValidator

        self._common = CommonPasswordValidator().passwords

    def validate(self, password: str, user: Any = None) -> None:
        core = password.strip().lower().strip("0123456789!@#$%^&*()_+-=.,?~ ")
        if len(core) >= 4 and core in self._common:
            raise ValidationError(
                "This password is a common password with a few characters added; choose an unusual passphrase.",
                code=ErrorCode.PASSWORD_COMMON_BASE,
            )

    def get_help_text(self) -> str:
        return "Your password can't be a common password with digits or symbols added."


def axes_username(request: Any, credentials: Any) -> str | None:
    """The account name django-axes counts failures for (allauth posts it as ``login``)."""
    creds = credentials or {}
    value = creds.get("email") or creds.get("username") or creds.get("login")
    if not value and request is not None and hasattr(request, "POST"):
        value = request.POST.get("login")
    return value.strip().lower() if isinstance(value, str) else None
