"""The `make load` driver's pure parts: the ceiling search's rates and the Server-Timing parse."""

from __future__ import annotations

import sys
from itertools import islice
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import load  # noqa: E402
import load_mix  # noqa: E402


def test_steps_follow_the_list_then_grow_until_the_limit():
    rates = list(load.step_rates("40,60,80", limit=200))
    assert rates[:3] == [40, 60, 80]
    assert rates[3:] == [100, 120, 150, 190]
    assert all(b > a for a, b in zip(rates, rates[1:], strict=False))


@pytest.mark.parametrize("listed", ["", "10", "20,30"])
def test_small_or_empty_lists_still_climb(listed):
    rates = list(
        islice(load.step_rates(listed, limit=120), 50)
    )  # bounded: a stuck rate must fail, not hang
    assert 0 < len(rates) < 50 and rates[-1] <= 120
    assert all(b > a for a, b in zip(rates, rates[1:], strict=False))


@pytest.mark.parametrize(
    ("header", "ms"),
    [
        ('app;desc="CPU";dur=1.234', 1.234),
        ('db;dur=3, app;desc="CPU";dur=2.5', 2.5),
        ('cache;desc="x";dur=3', None),
        (None, None),
        ("", None),
    ],
)
def test_server_timing_parse(header, ms):
    assert load_mix.server_cpu_ms(header) == ms
