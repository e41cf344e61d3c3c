"""Reminders: email clinicians 90, 30 and 7 days before a deadline with unmet requirements."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from cmepath.credits import batch
from cmepath.credits.choices import REMINDER_DAYS
from cmepath.credits.models import ReminderSent
from cmepath.credits.selectors import today


def _reminder_bucket(days_left: int) -> int | None:
    """The reminder a deadline ``days_left`` away is due for: 7, 30 or 90 (or none)."""
    if days_left < 0:
        return None
    for days in sorted(REMINDER_DAYS):
        if days_left <= days:
            return days
    return None


def reminder_send_due(*, on: date | None = None) -> int:
    """Email clinicians whose unmet requirements fall due in 90, 30 or 7 days.

    Each (clinician, requirement, deadline, threshold) is recorded once in ``ReminderSent``;
    running twice sends nothing twice. Emails go out after the rows commit.
    """
    on = on or today()
    sent = 0
    for user_id, evaluation in batch.iter_evaluations(on):
        due: list[tuple[str, str, str, date, int, float, float]] = []
        for regime in evaluation.regimes:
            for req in regime.requirements:
                if req.status not in ("unmet", "at_risk") or req.deadline is None:
                    continue
                bucket = _reminder_bucket((req.deadline - on).days)
                if bucket is not None:
                    due.append(
                        (
                            regime.regime_id,
                            regime.name,
                            req.id,
                            req.deadline,
                            bucket,
                            req.hours_counted,
                            req.hours_needed,
                        )
                    )
        if not due:
            continue
        new = []
        with transaction.atomic():
            for regime_id, name, req_id, deadline, bucket, counted, needed in due:
                try:
                    with transaction.atomic():
                        ReminderSent.objects.create(
                            user_id=user_id,
                            regime_id=regime_id,
                            requirement_id=req_id,
                            deadline=deadline,
                            days_before=bucket,
                        )
                except IntegrityError:
                    continue
                new.append((name, req_id, deadline, counted, needed))
            if new:
                _enqueue_reminder(user_id, new, on)
                sent += 1
    return sent


def _enqueue_reminder(
    user_id: int, items: list[tuple[str, str, date, float, float]], on: date
) -> None:
    lines = [
        f"- {name}: {req_id}: {counted:g} of {needed:g} hours, due {deadline.isoformat()} "
        f"({(deadline - on).days} days)"
        for name, req_id, deadline, counted, needed in items
    ]
    subject = f"CME deadline{'s' if len(items) > 1 else ''} coming up: {len(items)} requirement{'s' if len(items) > 1 else ''} not met yet"
    body = (
        "These continuing-education requirements are not met yet:\n\n"
        + "\n".join(lines)
        + "\n\nOpen your compliance dashboard to see what counts and what is missing.\n"
    )

    def enqueue() -> None:
        from cmepath.credits.tasks import send_reminder_email

        send_reminder_email.enqueue(user_id, subject, body)

    transaction.on_commit(enqueue)
