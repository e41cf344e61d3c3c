"""Notification preferences: which deadline reminders (90, 30, 7 days) and whether the
weekly digest a clinician gets, and what was sent to them.

``notification_preferences_update`` is the one write (pages and API call it). The two reads
(``notification_preferences_for``, ``notifications_sent``) sit here beside it rather than in
``credits.selectors`` because nothing else reads these rows; they go through the policy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction

from cmepath.core.errors import ValidationError
from cmepath.core.services import audit_record
from cmepath.credits import policies
from cmepath.credits.choices import REMINDER_DAYS
from cmepath.credits.models import DigestSent, NotificationPreference, ReminderSent

#: What a horizon is called on the page, in the API's error messages and in the history.
HORIZON_LABELS = {days: f"{days} days before" for days in REMINDER_DAYS}


def notification_preferences_for(*, actor: Any) -> NotificationPreference:
    """The actor's preferences: their row, or an unsaved one holding the defaults (every
    deadline reminder on, weekly digest off), so reading never writes."""
    pref = policies.notification_preferences.visible(actor).filter(user=actor).first()
    return pref or NotificationPreference(user=actor)


def _horizons(values: Iterable[Any]) -> set[int]:
    accepted = ", ".join(str(d) for d in REMINDER_DAYS)
    chosen: set[int] = set()
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValidationError(
                f"reminder_days holds whole numbers of days; accepted: {accepted}.",
                field="reminder_days",
            )
        text = str(value).strip()
        if not text.isdigit() or int(text) not in REMINDER_DAYS:
            raise ValidationError(
                f"{text or 'an empty value'} is not a reminder horizon; accepted: {accepted} "
                "(days before a deadline), or an empty list for no deadline reminders.",
                field="reminder_days",
            )
        chosen.add(int(text))
    return chosen


@transaction.atomic
def notification_preferences_update(
    *, actor: Any, reminder_days: Iterable[Any], weekly_digest: bool
) -> NotificationPreference:
    """Set which deadline reminders (a subset of 90, 30, 7) and whether the weekly digest
    the actor gets. Anything else in ``reminder_days`` is refused and nothing is stored."""
    days = _horizons(reminder_days)
    if not isinstance(weekly_digest, bool):
        raise ValidationError("weekly_digest is true or false.", field="weekly_digest")
    pref, _ = NotificationPreference.objects.select_for_update().get_or_create(user=actor)
    policies.notification_preferences.require(actor, "change", pref)
    for d in REMINDER_DAYS:
        setattr(pref, f"remind_{d}_days", d in days)
    pref.weekly_digest = weekly_digest
    pref.save()
    audit_record(
        actor=actor,
        action="notifications.update",
        target=pref,
        subject_user_id=actor.pk,
        detail={"reminder_days": sorted(days, reverse=True), "weekly_digest": weekly_digest},
    )
    return pref


def reminder_days_on(pref: NotificationPreference) -> list[int]:
    return [d for d in REMINDER_DAYS if pref.horizon_on(d)]


@dataclass(frozen=True, slots=True)
class SentItem:
    """One email sent, as the notifications page and the API list it."""

    kind: str  # "reminder" or "digest"
    kind_label: str  # "Deadline reminder (30 days before)", "Weekly digest"
    regime_name: str
    requirement_label: str
    deadline: date | None
    days_before: int | None
    week: str
    sent_at: datetime


def _names(regime_id: str, requirement_id: str) -> tuple[str, str]:
    """Labels of a reminder recorded before labels were copied onto the row."""
    from cmepath.credits import batch

    for regime in batch.rule_index().rules:
        if regime.id == regime_id:
            label = next(
                (r.label for r in regime.requirements if r.id == requirement_id), requirement_id
            )
            return regime.name, label
    return regime_id, requirement_id


def notifications_sent(*, actor: Any, limit: int = 100) -> list[SentItem]:
    """The actor's reminders and digests, newest first (at most ``limit``)."""
    items: list[SentItem] = []
    for r in ReminderSent.objects.filter(user=actor).order_by("-sent_at", "-pk")[:limit]:
        regime, requirement = (
            (r.regime_name, r.requirement_label)
            if r.regime_name and r.requirement_label
            else _names(r.regime_id, r.requirement_id)
        )
        items.append(
            SentItem(
                kind="reminder",
                kind_label=f"Deadline reminder ({r.days_before} days before)",
                regime_name=regime,
                requirement_label=requirement,
                deadline=r.deadline,
                days_before=r.days_before,
                week="",
                sent_at=r.sent_at,
            )
        )
    for d in DigestSent.objects.filter(user=actor).order_by("-sent_at", "-pk")[:limit]:
        items.append(
            SentItem(
                kind="digest",
                kind_label=f"Weekly digest ({d.items} requirement{'s' if d.items != 1 else ''})",
                regime_name="",
                requirement_label="",
                deadline=None,
                days_before=None,
                week=d.week,
                sent_at=d.sent_at,
            )
        )
    items.sort(key=lambda i: i.sent_at, reverse=True)
    return items[:limit]
