"""Locust traffic for the anchor app (bench/anchor_app.py): one page, the same client and arrivals.

Same as ``locustfile.py``: ``FastHttpUser`` and one request a second per user as a Poisson
process (``load_mix.poisson_pacing``), so the two sides are driven alike.
"""

from __future__ import annotations

from load_mix import first_wait, poisson_pacing
from locust import FastHttpUser, task


class Reader(FastHttpUser):
    wait_time = poisson_pacing(1.0)

    def on_start(self) -> None:
        first_wait(self, 1.0)

    @task
    def page(self) -> None:
        self.client.get("/", name="minimal Django page")
