"""Locust traffic for the anchor app (bench/anchor_app.py): one page, one request per user per second."""

from __future__ import annotations

from locust import HttpUser, constant_throughput, task


class Reader(HttpUser):
    wait_time = constant_throughput(1)

    @task
    def page(self) -> None:
        self.client.get("/", name="minimal Django page")
