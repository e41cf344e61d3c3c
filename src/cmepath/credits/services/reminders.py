"""Reminders: email clinicians 90, 30 and 7 days before a deadline with unmet requirements,
and the weekly digest, each as the clinician chose on the notifications page
(``NotificationPreference``; no row: every deadline reminder on, the digest off)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction

from cmepath.credits import batch
from cmepath.credits.choices import REMINDER_DAYS
from cmepath.credits.models import DigestSent, NotificationPreference, ReminderSent
from cmepath.credits.rules import Evaluation
from cmepath.credits.selectors import TIMED_STATUS, timed_status, today

#: The weekly digest lists unmet or at-risk requirements due within this many days (and
#: those already overdue).
DIGEST_HORIZON_DAYS = 90


@dataclass(frozen=True, slots=True)
class DueItem:
    """One unmet requirement a reminder or the digest names."""

    regime_id: str
    regime_name: str
    requirement_id: str
    requirement_label: str
    deadline: date
    hours_counted: float
    hours_needed: float
    status: str  # the engine's status (unmet, at_risk)

    def line(self, on: date) -> str:
        days = (self.deadline - on).days
        when = f"{-days} days overdue" if days < 0 else f"in {days} days"
        shown = TIMED_STATUS[timed_status(self.status, self.deadline, on)][0]
        return (
            f"- {self.regime_name}: {self.requirement_label}: {self.hours_counted:g} of "
            f"{self.hours_needed:g} hours, due {self.deadline.isoformat()} ({when}; {shown})"
        )


def _reminder_bucket(days_left: int) -> int | None:
    """The reminder a deadline ``days_left`` away is due for: 7, 30 or 90 (or none)."""
    if days_left < 0:
        return None
    for days in sorted(REMINDER_DAYS):
        if days_left <= days:
            return days
    return None


def _unmet(evaluation: Evaluation) -> list[DueItem]:
    return [
        DueItem(
            regime_id=regime.regime_id,
            regime_name=regime.name,
            requirement_id=req.id,
            requirement_label=req.label,
            deadline=req.deadline,
            hours_counted=req.hours_counted,
            hours_needed=req.hours_needed,
            status=req.status,
        )
        for regime in evaluation.regimes
        for req in regime.requirements
        if req.status in ("unmet", "at_risk") and req.deadline is not None
    ]


def _horizons_off() -> dict[int, set[int]]:
    """The horizons each clinician turned off (only users with a preference row)."""
    off: dict[int, set[int]] = {}
    for pref in NotificationPreference.objects.all():
        days = {d for d in REMINDER_DAYS if not pref.horizon_on(d)}
        if days:
            off[pref.user_id] = days
    return off


def reminder_send_due(*, on: date | None = None) -> int:
    """Email clinicians whose unmet requirements fall due in 90, 30 or 7 days.

    Each (clinician, requirement, deadline, threshold) is recorded once in ``ReminderSent``;
    running twice sends nothing twice. A horizon the clinician turned off sends nothing and
    records nothing (a requirement 20 days away does not fall back to the 90-day reminder).
    Emails go out after the rows commit. Returns the number of emails.
    """
    on = on or today()
    off = _horizons_off()
    sent = 0
    for user_id, evaluation in batch.iter_evaluations(on):
        due: list[tuple[DueItem, int]] = []
        for item in _unmet(evaluation):
            bucket = _reminder_bucket((item.deadline - on).days)
            if bucket is not None and bucket not in off.get(user_id, ()):
                due.append((item, bucket))
        if not due:
            continue
        new: list[DueItem] = []
        with transaction.atomic():
            for item, bucket in due:
                try:
                    with transaction.atomic():
                        ReminderSent.objects.create(
                            user_id=user_id,
                            regime_id=item.regime_id,
                            requirement_id=item.requirement_id,
                            regime_name=item.regime_name[:200],
                            requirement_label=item.requirement_label[:300],
                            deadline=item.deadline,
                            days_before=bucket,
                        )
                except IntegrityError:
                    continue
                new.append(item)
            if new:
                _enqueue_reminder(user_id, new, on)
                sent += 1
    return sent


def _enqueue_email(user_id: int, subject: str, body: str) -> None:
    def enqueue() -> None:
        from cmepath.credits.tasks import send_reminder_email

        send_reminder_email.enqueue(user_id, subject, body)

    transaction.on_commit(enqueue)


_FOOTER = (
    "\n\nOpen your compliance dashboard to see what counts and what is missing.\n"
    "Choose which reminders you get on your notifications page (account settings).\n"
)


def _enqueue_reminder(user_id: int, items: list[DueItem], on: date) -> None:
    many = len(items) > 1
    subject = (
        f"CME deadline{'s' if many else ''} coming up: {len(items)} "
        f"requirement{'s' if many else ''} not met yet"
    )
    body = (
        "These continuing-education requirements are not met yet:\n\n"
        + "\n".join(item.line(on) for item in items)
        + _FOOTER
    )
    _enqueue_email(user_id, subject, body)


def iso_week(on: date) -> str:
    year, week, _ = on.isocalendar()
    return f"{year}-W{week:02d}"


def digest_send_weekly(*, on: date | None = None) -> int:
    """One email per clinician who turned the weekly digest on, listing every unmet or
    at-risk requirement due within 90 days (or overdue), once per ISO week.

    The week is recorded in ``DigestSent`` (unique per user and week) in the same
    transaction that enqueues the email after commit, so a second run in the same week
    sends nothing. A clinician with nothing to list gets no email (and nothing is recorded:
    a requirement that falls due later that week still gets its digest). Returns the
    number of emails.
    """
    from django.contrib.auth import get_user_model

    from cmepath.credits.selectors import evaluation_compute

    on = on or today()
    week = iso_week(on)
    already = DigestSent.objects.filter(week=week).values("user_id")
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            notification_preference__weekly_digest=True,
        )
        .exclude(pk__in=already)
        .order_by("pk")
    )
    sent = 0
    for user in users.iterator():
        evaluation, _ = evaluation_compute(user=user, as_of=on)
        items = sorted(
            (i for i in _unmet(evaluation) if (i.deadline - on).days <= DIGEST_HORIZON_DAYS),
            key=lambda i: (i.deadline, i.regime_name, i.requirement_label),
        )
        if not items:
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    DigestSent.objects.create(user=user, week=week, items=len(items))
            except IntegrityError:
                continue
            subject = (
                f"Your CME week ({week}): {len(items)} requirement"
                f"{'s' if len(items) != 1 else ''} due within {DIGEST_HORIZON_DAYS} days"
            )
            body = (
                "Continuing-education requirements not met yet, due within "
                f"{DIGEST_HORIZON_DAYS} days or overdue, as of {on.isoformat()}:\n\n"
                + "\n".join(item.line(on) for item in items)
                + _FOOTER
            )
            _enqueue_email(user.pk, subject, body)
            sent += 1
    return sent
