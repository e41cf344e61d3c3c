"""Background work of the credits app: refresh one clinician's evaluation, send reminders
and the weekly digest.

Enqueued by the services with ``transaction.on_commit``; each task takes ids, calls a
service and is safe to run twice (snapshots are upserts; reminders are recorded once).
"""

from __future__ import annotations

from datetime import date

from django_tasks import task


@task()
def evaluate_user(user_id: int) -> str:
    """Re-evaluate one clinician after their record changed; returns the worst status."""
    from django.contrib.auth import get_user_model

    from .services import evaluation_run

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return ""
    return evaluation_run(user=user).status


@task()
def send_reminders(today: str | None = None) -> int:
    """Daily: email clinicians 90, 30 and 7 days before a deadline with unmet requirements
    (the horizons each clinician kept on)."""
    from .services import reminder_send_due

    return reminder_send_due(on=date.fromisoformat(today) if today else None)


@task()
def send_weekly_digest(today: str | None = None) -> int:
    """Weekly (or daily: it sends once per ISO week): the digest to clinicians who want it."""
    from .services import digest_send_weekly

    return digest_send_weekly(on=date.fromisoformat(today) if today else None)


@task()
def send_reminder_email(user_id: int, subject: str, body: str) -> bool:
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    send_mail(subject, body, None, [user.email])
    return True


@task()
def check_all(as_of: str | None = None) -> dict[str, object]:
    """The nightly batch (same as ``cmepath credits check-all``, without a progress bar)."""
    from cmepath.core.progress import no_progress

    from .services import evaluation_run_all

    return evaluation_run_all(
        as_of=date.fromisoformat(as_of) if as_of else None, progress=no_progress
    )
