"""`Server-Timing` CPU header: only the load-test settings send it (`make load` reads it)."""

from __future__ import annotations

import re

from django.conf import settings
from django.test import Client, override_settings

TIMING = "cmepath.core.middleware.ServerTimingMiddleware"


def test_header_carries_the_requests_cpu_ms(db):
    with override_settings(MIDDLEWARE=[TIMING, *settings.MIDDLEWARE]):
        response = Client().get("/")
    match = re.fullmatch(r'app;desc="CPU";dur=(\d+\.\d{3})', response["Server-Timing"])
    assert match and 0 < float(match.group(1)) < 10_000


def test_only_the_load_settings_install_it():
    from cmepath.settings import base, load

    assert load.MIDDLEWARE[0] == TIMING
    assert TIMING not in base.MIDDLEWARE and TIMING not in settings.MIDDLEWARE
    assert "Server-Timing" not in Client().get("/healthz")
