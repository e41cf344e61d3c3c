"""Dates as pages write them: "Jun 30, 2027" (Django's ``M j, Y``), in Python.

Pure and locale-independent (``%b`` would follow the process locale), for text built
outside templates: engine explanations, planner sentences, the catalog's gap banner.
"""

from __future__ import annotations

import functools
import re
from datetime import date

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def site_date(d: date) -> str:
    """``date(2027, 6, 30)`` -> ``"Jun 30, 2027"``."""
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


@functools.lru_cache(maxsize=4096)
def site_dates(text: str) -> str:
    """``text`` with its ISO dates written as pages write them ("due 2027-06-30" ->
    "due Jun 30, 2027"); an ISO-looking run that is no calendar month stays as it is."""

    def one(m: re.Match[str]) -> str:
        month, day = int(m[2]), int(m[3])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return m[0]
        return f"{MONTHS[month - 1]} {day}, {m[1]}"

    return _ISO_DATE.sub(one, text)
