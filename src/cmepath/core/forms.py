"""Form helpers shared by every app's pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from .errors import DomainError, constraint_error

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Submission(Generic[T]):
    """What became of a form post: ``ok`` with the service's ``result``, or the status the
    page answers with (200 for a first GET, 422 for invalid input, the error's own status
    for a refused service call). The errors themselves are on the form."""

    ok: bool
    status: int
    result: T | None = None


def form_submit(
    request: HttpRequest,
    form: Any,
    action: Callable[[Mapping[str, Any]], T],
    *,
    success: str | None = None,
) -> Submission[T]:
    """The one "form -> service -> DomainError -> 422" step every page takes.

    Only a POST is submitted; validates ``form``, calls ``action(form.cleaned_data)`` (a
    service call), puts a :class:`DomainError` (or a database constraint's own message, see
    :func:`~cmepath.core.errors.constraint_error`) next to the field it names, and on success
    flashes ``success``. The view then redirects on ``ok`` or re-renders with ``status``.
    """
    if request.method != "POST":
        return Submission(ok=False, status=200)
    if not form.is_valid():
        return Submission(ok=False, status=422)
    try:
        # a savepoint: a constraint the database refuses leaves the request usable
        with transaction.atomic():
            result = action(form.cleaned_data)
    except DomainError as exc:
        form_add_domain_error(form, exc)
        return Submission(ok=False, status=exc.status)
    except IntegrityError as exc:  # a row broke a constraint: its message, never its name
        error = constraint_error(exc)
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return Submission(ok=False, status=error.status)
    if success:
        messages.success(request, success)
    return Submission(ok=True, status=200, result=result)


def form_add_domain_error(form: Any, exc: DomainError) -> None:
    """Put a service error next to the field it concerns, or at the top of the form.

    A message about a field the form does not show keeps the field's name in front, so
    the user still learns what it was about.
    """
    if not exc.errors:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return
    for name, msgs in exc.errors.items():
        target = name if name in form.fields else None
        for msg in msgs:
            form.add_error(
                target, msg if target or name in ("__all__", "file") else f"{name}: {msg}"
            )
