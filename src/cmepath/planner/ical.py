"""A plan as an iCalendar file (RFC 5545) through the ``icalendar`` library.

Each item is an all-day event (``DTSTART``/``DTEND`` as dates; ``DTEND`` is exclusive, so the
day after the activity ends) with a stable ``UID`` (plan, position and host), the activity's
address as ``URL`` and the item's "why" line and credits in ``DESCRIPTION``. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

PRODID = "-//cmepath//career planner//EN"


@dataclass(frozen=True, slots=True)
class CalendarItem:
    uid: str  # unique and stable: "plan-12-item-3@example.org"
    title: str
    start: date
    end: date  # inclusive, as the catalog stores it
    description: str
    url: str = ""
    location: str = ""


def plan_calendar(
    name: str, items: Iterable[CalendarItem], *, stamp: datetime | None = None
) -> bytes:
    """The ``text/calendar`` body for ``items``; ``stamp`` is ``DTSTAMP`` (UTC, now by default)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    when = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    for item in items:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", when)
        event.add("summary", item.title)
        event.add("dtstart", item.start)
        event.add("dtend", item.end + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        if item.location:
            event.add("location", item.location)
        cal.add_component(event)
    body: bytes = cal.to_ical()
    return body
