"""Form helpers shared by every app's pages."""

from __future__ import annotations

from typing import Any

from .errors import DomainError


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
