"""Domain errors, mapped to HTTP once (API exception handler, page error template)."""

from __future__ import annotations

import re
from enum import StrEnum


class ErrorCode(StrEnum):
    """The machine-readable codes core raises (the API's ``code`` field). Each app keeps its
    own ``ErrorCode`` in its ``choices.py``; the values are what clients see."""

    INVALID = "invalid"
    VALIDATION_ERROR = "validation_error"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"
    STORAGE_FULL = "storage_full"
    FORBIDDEN_FIELDS = "forbidden_fields"
    BACKUP_INVALID = "backup_invalid"
    BACKUP_CHECKSUM = "backup_checksum"
    BACKUP_ENGINE = "backup_engine"
    BACKUP_NEWER = "backup_newer"
    CONSTRAINT = "constraint"


class DomainError(Exception):
    """A user-facing error: ``message`` says what was wrong and how to fix it."""

    status = 400
    code: str = ErrorCode.INVALID

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code
        self.errors = errors or ({field: [message]} if field else {})

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "errors": self.errors}


class ValidationError(DomainError):
    status = 422
    code: str = ErrorCode.VALIDATION_ERROR


class NotFoundError(DomainError):
    status = 404
    code: str = ErrorCode.NOT_FOUND


class PermissionDeniedError(DomainError):
    status = 403
    code: str = ErrorCode.FORBIDDEN


class ConflictError(DomainError):
    status = 409
    code: str = ErrorCode.CONFLICT


class StorageFullError(DomainError):
    status = 507
    code: str = ErrorCode.STORAGE_FULL


# ------------------------------------------------------------------ database constraints
# A row that breaks a CheckConstraint or UniqueConstraint reaches us as an IntegrityError
# whose text names the constraint ("violates check constraint \"licence_expiry_after_issue\"").
# That name never reaches a user: each constraint carries a ``violation_error_message`` in
# plain words (tests/core/test_constraint_messages.py checks every one), and
# :func:`constraint_error` turns the database's error into a DomainError naming the field.

#: Shown when a database error names no constraint we know (it still is no 500).
CONSTRAINT_FALLBACK = (
    "This change conflicts with data already saved; reload the page and try again."
)


#: Messages for constraints of installed packages whose models we do not write (allauth,
#: django-tasks); our own constraints carry ``violation_error_message`` instead.
PACKAGE_CONSTRAINT_MESSAGES = {
    "unique_primary_email": "An account can have only one primary email address.",
    "unique_verified_email": "This email address is already verified on another account.",
    "unique_authenticator_type": "This kind of authenticator is already set up on your account.",
    "priority_range": "A task priority must be from -100 to 100.",
}


def constraint_message(constraint: object) -> str:
    """The plain-words message of a constraint: its own, else the package table above."""
    own = str(getattr(constraint, "violation_error_message", "") or "")
    default = str(getattr(constraint, "default_violation_error_message", "") or "")
    if own and own != default:
        return own
    return PACKAGE_CONSTRAINT_MESSAGES.get(str(getattr(constraint, "name", "")), "")


def _condition_fields(condition: object) -> list[str]:
    """Field names a Q condition refers to, in order (``expiry_date__gt`` -> ``expiry_date``)."""
    from django.db.models import Q

    names: list[str] = []
    stack: list[object] = [condition]
    while stack:
        node = stack.pop(0)
        if isinstance(node, Q):
            stack[:0] = list(node.children)
        elif isinstance(node, tuple) and node and isinstance(node[0], str):
            name = node[0].split("__", 1)[0]
            if name not in names:
                names.append(name)
    return names


def constraint_field(constraint: object) -> str | None:
    """The form field a constraint's message belongs next to: the last field of a unique
    constraint (``number`` of user+state+type+number), the first field a check compares."""
    fields = list(getattr(constraint, "fields", ()) or ())
    if fields:
        return str(fields[-1])
    condition = getattr(constraint, "condition", None)
    if condition is None:
        return None
    found = _condition_fields(condition)
    return found[0] if found else None


def _constraint_index() -> dict[str, tuple[object, object]]:
    """Every model constraint by name: ``{name: (model, constraint)}``."""
    from django.apps import apps

    index: dict[str, tuple[object, object]] = {}
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            index[constraint.name] = (model, constraint)
    return index


def _unique_by_columns(text: str) -> tuple[object, object] | None:
    """SQLite names the columns, not the constraint: ``UNIQUE constraint failed: t.a, t.b``."""
    from django.apps import apps
    from django.db.models import UniqueConstraint

    _, _, cols = text.partition("UNIQUE constraint failed:")
    pairs = [c.strip().split(".", 1) for c in cols.split(",") if "." in c]
    if not pairs:
        return None
    table = pairs[0][0]
    columns = {c for _, c in pairs}
    for model in apps.get_models():
        if model._meta.db_table != table:
            continue
        for constraint in model._meta.constraints:
            if isinstance(constraint, UniqueConstraint) and constraint.fields:
                names = {getattr(model._meta.get_field(f), "column", f) for f in constraint.fields}
                if names == columns:
                    return model, constraint
    return None


def constraint_error(exc: Exception) -> DomainError:
    """The DomainError a user sees for a database IntegrityError: the constraint's own
    message next to its field (422 for a check, 409 for a duplicate), never its name."""
    from django.db.models import UniqueConstraint

    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    name = getattr(diag, "constraint_name", None)
    index = _constraint_index()
    found = index.get(name) if name else None
    text = str(exc)
    if found is None:
        for key, pair in index.items():
            if re.search(rf"\b{re.escape(key)}\b", text):
                found = pair
                break
    if found is None and "UNIQUE constraint failed" in text:
        found = _unique_by_columns(text)
    if found is None:
        return ConflictError(CONSTRAINT_FALLBACK)
    _, constraint = found
    message = constraint_message(constraint) or CONSTRAINT_FALLBACK
    field = constraint_field(constraint)
    cls: type[DomainError] = (
        ConflictError if isinstance(constraint, UniqueConstraint) else ValidationError
    )
    return cls(message, field=field, code=ErrorCode.CONSTRAINT)
