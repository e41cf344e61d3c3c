"""The `make load` traffic mix (security-checks row 30), for locust 2.x headless.

Each simulated user starts requests as a Poisson process of one a second
(``load_mix.poisson_pacing``, a random first start), so the number of users is the target
rate in requests per second and arrivals are independent, not one burst a second. The
client is locust's ``FastHttpUser`` (geventhttpclient), the lighter of its two, because it
shares the two cores with the server it measures. The mix, by weight (writes are
5 %): signed-in home/dashboard pages, the anonymous landing and login pages, catalog
search (page and API), the credits dashboard, API reads (``/me``, licences, profile,
activities) and PATCH ``/api/v1/me/profile``. Every request is grouped by page type
(``name=``), which is how the report breaks figures down; the server's ``Server-Timing``
header (load settings only) gives each page type's CPU inside Django (``LOAD_CPU_OUT``).

Sessions and tokens are made ahead by ``bench/load.py`` (``LOAD_CREDENTIALS``: a JSON file),
so no Argon2 login runs inside the measured window. Page types whose route answers 404
at start-up (not built yet) are dropped; ``LOAD_SKIPPED`` lists them.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from typing import Any

from load_mix import PAGES, QUERIES, first_wait, poisson_pacing, server_cpu_ms
from locust import FastHttpUser, events, task

CREDENTIALS = json.loads(open(os.environ["LOAD_CREDENTIALS"], encoding="utf-8").read())  # noqa: SIM115
AVAILABLE = set(os.environ.get("LOAD_PAGES", "").split(",")) - {""}
_accounts = itertools.cycle(CREDENTIALS["accounts"])
# page type -> [requests with a Server-Timing header, sum of the server's CPU ms]
_cpu: dict[str, list[float]] = {}


def _record_cpu(name: str, response: Any) -> None:
    ms = server_cpu_ms(response.headers.get("Server-Timing"))
    if ms is not None:
        entry = _cpu.setdefault(name, [0, 0.0])
        entry[0] += 1
        entry[1] += ms


@events.test_stop.add_listener
def _write_cpu(**_: Any) -> None:
    """Each page type's mean CPU per request inside Django, for ``load.py`` (``LOAD_CPU_OUT``)."""
    out = os.environ.get("LOAD_CPU_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump(
                {
                    name: {"requests": int(n), "cpu_ms": total / n}
                    for name, (n, total) in _cpu.items()
                    if n
                },
                f,
            )


def enabled(name: str) -> bool:
    return not AVAILABLE or name in AVAILABLE


class Clinician(FastHttpUser):
    """A signed-in clinician browsing pages and an integration reading the API with a token."""

    wait_time = poisson_pacing(1.0)

    def on_start(self) -> None:
        account = next(_accounts)
        self.token = account["token"]
        self.signed_in = {"Cookie": f"{CREDENTIALS['session_cookie']}={account['session']}"}
        self.anonymous_headers: dict[str, str] = {}
        self.api = {"Authorization": f"Bearer {self.token}"}
        self.rng = random.Random()
        first_wait(self, 1.0)

    def _get(self, name: str, headers: dict[str, str] | None = None) -> None:
        if not enabled(name):
            return
        path = PAGES[name][2].format(q=self.rng.choice(QUERIES))
        self.client.cookiejar.clear()  # the headers say who asks: a signed-in session, a token or nobody
        with self.client.get(
            path,
            name=name,
            headers=self.signed_in if headers is None else headers,
            catch_response=True,
            allow_redirects=False,
        ) as r:
            _record_cpu(name, r)
            if r.status_code != 200:
                r.failure(f"{r.status_code}")

    @task(PAGES["home (signed in)"][0])
    def home(self) -> None:
        self._get("home (signed in)")

    @task(PAGES["landing (anonymous)"][0])
    def landing(self) -> None:
        self._get("landing (anonymous)", self.anonymous_headers)

    @task(PAGES["login page"][0])
    def login_page(self) -> None:
        self._get("login page", self.anonymous_headers)

    @task(PAGES["catalog search page"][0])
    def catalog_search(self) -> None:
        self._get("catalog search page")

    @task(PAGES["licences page"][0])
    def licences_page(self) -> None:
        self._get("licences page")

    @task(PAGES["credits dashboard"][0])
    def credits_dashboard(self) -> None:
        self._get("credits dashboard")

    @task(PAGES["api me"][0])
    def api_me(self) -> None:
        self._get("api me", self.api)

    @task(PAGES["api licences"][0])
    def api_licences(self) -> None:
        self._get("api licences", self.api)

    @task(PAGES["api profile"][0])
    def api_profile(self) -> None:
        self._get("api profile", self.api)

    @task(PAGES["api activities search"][0])
    def api_activities(self) -> None:
        self._get("api activities search", self.api)

    @task(PAGES["api profile PATCH (write)"][0])
    def api_profile_patch(self) -> None:
        name = "api profile PATCH (write)"
        if not enabled(name):
            return
        body = {
            "career_goal": self.rng.choice(["Department chief", "Quality improvement lead", "CMO"]),
            "paid_cme_days": str(self.rng.randint(1, 9)),
        }
        self.client.cookiejar.clear()
        with self.client.patch(
            "/api/v1/me/profile", json=body, name=name, headers=self.api, catch_response=True
        ) as r:
            _record_cpu(name, r)
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {r.text[:200]}")
