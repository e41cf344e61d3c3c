"""US ZIP codes offline: city, state and coordinates from the ``zipcodes`` package.

Pure (no Django import). The package embeds its dataset (no network, no SQLite); the first
query decompresses it (a few hundred milliseconds), later queries are fast and cached here.
Its coordinates come from GeoNames under CC BY 4.0, so any page or export that shows them
must carry :data:`ATTRIBUTION`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import zipcodes

#: Credit the ``zipcodes`` README asks for its data (GeoNames coordinates are CC BY 4.0).
ATTRIBUTION = (
    "ZIP code data: the zipcodes package (MIT licence, Sean Pianka, "
    "https://github.com/seanpianka/zipcodes), built from unitedstateszipcodes.org (base data), "
    "GeoNames (https://www.geonames.org/; coordinates, licensed CC BY 4.0, "
    "https://creativecommons.org/licenses/by/4.0/) and the USPS ZIP Locale Detail "
    "(https://postalpro.usps.com/ZIP_Locale_Detail; active ZIPs, public domain)."
)

_ZIP_RE = re.compile(r"\d{5}")

# The package's Python layer is untyped; name the two calls we use with their real shapes.
_matching: Callable[[str], list[dict[str, Any]]] = zipcodes.matching
_filter_by: Callable[..., list[dict[str, Any]]] = zipcodes.filter_by


@dataclass(frozen=True, slots=True)
class ZipPlace:
    """One active ZIP code: its preferred city name, state and centre point."""

    zip_code: str
    city: str
    state: str
    latitude: float | None
    longitude: float | None


def _coordinate(value: Any) -> float | None:
    # The package returns coordinates as strings ("40.7484"); empty means unknown.
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _place(row: dict[str, Any]) -> ZipPlace:
    return ZipPlace(
        zip_code=str(row["zip_code"]),
        city=str(row.get("city") or ""),
        state=str(row.get("state") or ""),
        latitude=_coordinate(row.get("lat")),
        longitude=_coordinate(row.get("long")),
    )


@functools.lru_cache(maxsize=4096)
def lookup(zip_code: str) -> ZipPlace | None:
    """The active ZIP ``zip_code`` (exactly five digits), or None for anything else."""
    if not isinstance(zip_code, str) or not _ZIP_RE.fullmatch(zip_code):
        return None
    for row in _matching(zip_code):
        if row.get("active") and row.get("zip_code") == zip_code:
            return _place(row)
    return None


@functools.cache
def _standard_by_state() -> dict[str, tuple[ZipPlace, ...]]:
    # One pass over the dataset (a per-state filter would scan all 42,000 rows 51 times).
    grouped: dict[str, list[ZipPlace]] = {}
    for row in _filter_by(active=True, zip_code_type="STANDARD"):
        place = _place(row)
        if place.latitude is not None and place.longitude is not None:
            grouped.setdefault(place.state, []).append(place)
    return {
        state: tuple(sorted(places, key=lambda p: p.zip_code))
        for state, places in sorted(grouped.items())
    }


def zips_in_state(state: str) -> tuple[ZipPlace, ...]:
    """Active standard (street-delivery) ZIPs of ``state`` that have coordinates, in ZIP
    order: the pool the demo generator places vacancies in. Unknown states give ()."""
    code = state.strip().upper() if isinstance(state, str) else ""
    return _standard_by_state().get(code, ())
