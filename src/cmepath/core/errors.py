"""Domain errors, mapped to HTTP once (API exception handler, page error template)."""

from __future__ import annotations


class DomainError(Exception):
    """A user-facing error: ``message`` says what was wrong and how to fix it."""

    status = 400
    code = "invalid"

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
    code = "validation_error"


class NotFoundError(DomainError):
    status = 404
    code = "not_found"


class PermissionDeniedError(DomainError):
    status = 403
    code = "forbidden"


class ConflictError(DomainError):
    status = 409
    code = "conflict"


class StorageFullError(DomainError):
    status = 507
    code = "storage_full"
