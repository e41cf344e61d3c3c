"""Notification settings and the log of reminders sent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from pydantic import Field

from cmepath.core.api import actor
from cmepath.core.schemas import StrictSchema as Strict
from cmepath.credits import services
from cmepath.credits.api._common import router


class SentOut(Schema):
    kind: str = Field(..., description='"reminder" or "digest"')
    kind_label: str
    regime_name: str
    requirement_label: str
    deadline: date | None
    days_before: int | None
    week: str = Field(..., description='ISO week of a digest, e.g. "2026-W49"; "" for reminders')
    sent_at: datetime


class NotificationsOut(Schema):
    reminder_days: list[int] = Field(
        ..., description="Deadline reminders on: days before a deadline (of 90, 30, 7)."
    )
    weekly_digest: bool
    sent: list[SentOut]


class NotificationsIn(Strict):
    reminder_days: list[int] = Field(
        ...,
        max_length=3,
        description="Deadline reminders to get, in days before a deadline: any of 90, 30, 7 "
        "(empty: none).",
    )
    weekly_digest: bool


def _notifications_out(user: Any) -> dict[str, Any]:
    from cmepath.credits.services.notifications import reminder_days_on

    pref = services.notification_preferences_for(actor=user)
    return {
        "reminder_days": reminder_days_on(pref),
        "weekly_digest": pref.weekly_digest,
        "sent": services.notifications_sent(actor=user),
    }


@router.get(
    "/me/notifications",
    response=NotificationsOut,
    summary="My reminder settings and the reminders sent to me",
)
def notifications_get(request: HttpRequest) -> dict[str, Any]:
    return _notifications_out(actor(request))


@router.put(
    "/me/notifications",
    response=NotificationsOut,
    summary="Choose my reminders (deadline horizons 90/30/7 days, weekly digest)",
)
def notifications_put(request: HttpRequest, payload: NotificationsIn) -> dict[str, Any]:
    user = actor(request)
    services.notification_preferences_update(
        actor=user, reminder_days=payload.reminder_days, weekly_digest=payload.weekly_digest
    )
    return _notifications_out(user)
