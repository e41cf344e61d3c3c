"""Writes shared by every app: the audit log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from .errors import ErrorCode, ValidationError
from .models import AuditEvent

GENESIS = "0" * 64


def _digest(prev_hash: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _payload(event: AuditEvent) -> dict[str, Any]:
    return {
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "subject_user_id": event.subject_user_id,
        "detail": event.detail,
    }


def _storable(value: Any) -> Any:
    """``value`` with every NUL character replaced by U+FFFD in its strings and keys:
    PostgreSQL's jsonb and text cannot hold ``\\u0000``, and a refused upload's column names
    (quoted in the detail) may carry any byte the user's file had."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, Mapping):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value]
    return value


@transaction.atomic
def audit_record(
    *,
    actor: Any,
    action: str,
    target: Any = None,
    subject_user_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the hash-chained audit log (inside the caller's transaction)."""
    from django.utils import timezone

    last = AuditEvent.objects.select_for_update().order_by("-id").only("hash").first()
    prev_hash = last.hash if last else GENESIS
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor if authenticated else None,
        actor_label=(getattr(actor, "email", "") or str(actor.pk)) if authenticated else "system",
        action=action,
        target_type=type(target).__name__ if target is not None else "",
        target_id=str(getattr(target, "pk", "") or "") if target is not None else "",
        subject_user_id=subject_user_id,
        detail=_storable(detail or {}),
        prev_hash=prev_hash,
    )
    event.hash = _digest(prev_hash, _payload(event))
    event.save()
    return event


def audit_verify() -> tuple[bool, int, str]:
    """Recompute the chain; returns (ok, rows checked, first problem)."""
    prev = GENESIS
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator():
        count += 1
        if event.prev_hash != prev:
            return False, count, f"event {event.pk}: chain broken (previous hash does not match)"
        if _digest(prev, _payload(event)) != event.hash:
            return False, count, f"event {event.pk}: content altered (hash does not match)"
        prev = event.hash
    return True, count, ""


def model_validate(instance: Any, *, exclude: list[str] | None = None) -> None:
    """Run model validation and raise the domain ``ValidationError`` that pages and API map."""
    from django.core.exceptions import ValidationError as DjangoValidationError

    try:
        instance.full_clean(exclude=exclude)
    except DjangoValidationError as exc:
        errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        first = next(iter(errors.values()))[0] if errors else "Invalid input."
        name = next(iter(errors)) if errors else None
        raise ValidationError(
            first, field=None if name == "__all__" else name, errors=errors
        ) from exc


def fields_apply(instance: Any, allowed: frozenset[str], data: Mapping[str, Any]) -> list[str]:
    """Copy only allowed fields onto ``instance`` (mass-assignment guard, ASVS 15.3.3).

    Refuses unknown or read-only names with a 422 naming them; returns the changed names.
    """
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError(
            f"These fields cannot be set: {', '.join(unknown)}.",
            code=ErrorCode.FORBIDDEN_FIELDS,
            errors={name: ["This field is read-only or unknown."] for name in unknown},
        )
    changed = []
    for key, value in data.items():
        if getattr(instance, key) != value:
            setattr(instance, key, value)
            changed.append(key)
    return changed
