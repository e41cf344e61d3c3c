"""Which NPI Registry the platform talks to (recorded responses unless configured)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

from .nppes import HttpNpiRegistry, NpiRegistry, RecordedNpiRegistry

RECORDED_DIR = Path(__file__).resolve().parent / "data" / "nppes"


@cache
def get_registry() -> NpiRegistry:
    if settings.CMEPATH_NPI_REGISTRY == "live":
        return HttpNpiRegistry()
    return RecordedNpiRegistry(RECORDED_DIR)
