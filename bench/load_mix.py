"""The `make load` traffic mix: page types, their weights and paths, and the search queries.

Kept apart from ``locustfile.py`` because importing locust monkey-patches the process
(gevent): ``load.py`` and ``profile_pages.py`` read the mix without it.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from typing import Any

_rng = random.Random()

QUERIES = [
    "opioid",
    "diabetes",
    "sepsis",
    "leadership",
    "implicit bias",
    "heart failure",
    "ethics",
    "pain management",
    "quality improvement",
    "pediatric",
]

# page type -> (weight, method, path); the driver probes these once before the run
PAGES: dict[str, tuple[int, str, str]] = {
    "home (signed in)": (12, "GET", "/"),
    "landing (anonymous)": (5, "GET", "/"),
    "login page": (5, "GET", "/accounts/login/"),
    "catalog search page": (12, "GET", "/catalog/?q={q}"),
    "licences page": (6, "GET", "/me/licences/"),
    "credits dashboard": (8, "GET", "/credits/"),
    "job board": (0, "GET", "/jobs/"),
    "api me": (12, "GET", "/api/v1/me"),
    "api licences": (10, "GET", "/api/v1/me/licences"),
    "api profile": (10, "GET", "/api/v1/me/profile"),
    "api activities search": (10, "GET", "/api/v1/activities?q={q}"),
    "api profile PATCH (write)": (5, "PATCH", "/api/v1/me/profile"),
}


def auth_kind(name: str) -> str:
    """How a page type asks: "token" (API, personal token), "session" (a signed-in clinician's
    cookie) or "none" (the anonymous landing and login pages)."""
    if name.startswith("api"):
        return "token"
    return "none" if "anonymous" in name or name == "login page" else "session"


def poisson_pacing(rate: float) -> Callable[[Any], float]:
    """A locust ``wait_time``: each user's requests start as a Poisson process of ``rate`` per second.

    The next start is due an exponential gap after the previous one was due (the request's own
    time counts against the gap), so N users give N x ``rate`` requests per second arriving
    independently, as a large organisation's clinicians do. Locust spawns users in batches of
    ``floor(spawn rate)`` at the same instant; with ``constant_throughput`` a batch then stays in
    step and the whole population arrives as one burst each second (a burst test, not the
    steady rate the targets name). ``first_wait`` gives each user its random first start.
    """

    def wait(user: Any) -> float:
        now = time.perf_counter()
        due = getattr(user, "_poisson_due", now) + _rng.expovariate(rate)
        user._poisson_due = max(due, now)  # a late request does not bank a backlog
        return float(user._poisson_due - now)

    return wait


def first_wait(user: Any, rate: float) -> None:
    """Sleep a user's first exponential gap before its first request (call from ``on_start``)."""
    gap = _rng.expovariate(rate)
    user._poisson_due = time.perf_counter() + gap
    time.sleep(gap)  # gevent-patched under locust: only this user waits


_DUR = re.compile(r"(?:^|,)\s*app\b[^,]*?;\s*dur=([0-9.]+)")


def server_cpu_ms(header: str | None) -> float | None:
    """The ``app`` metric's duration from a ``Server-Timing`` header (cmepath's load settings
    send the request's CPU ms there), or None."""
    match = _DUR.search(header or "")
    return float(match.group(1)) if match else None
