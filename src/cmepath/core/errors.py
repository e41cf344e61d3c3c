"""Domain errors, mapped to HTTP once (API exception handler, page error template)."""

from __future__ import annotations

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
