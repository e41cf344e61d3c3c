"""Great-circle distance and the bounding box of a radius: pure math, no engine.

A radius search runs in two steps (``docs/search.md``): the engine keeps the documents
whose point lies in the box around the circle (two range queries, cheap on fast fields),
then :func:`haversine_km` keeps those really within the radius. The box is a superset of
the circle: its corners lie outside it, which is why the second step exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cmepath.search.base import Radius

#: Mean Earth radius (IUGG), kilometres.
EARTH_RADIUS_KM = 6371.0088
MSG_BAD_RADIUS = "The distance needs a latitude, a longitude and more than 0 km; it was ignored."
#: Slack added to each side of a box, in degrees (about 1 mm): floating-point rounding
#: must never push a point on the circle out of its box.
_SLACK = 1e-8


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points given in degrees, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True, slots=True)
class Box:
    """Latitudes ``min_lat..max_lat`` and longitudes in any of ``lon_ranges`` (two ranges
    when the box crosses the antimeridian)."""

    min_lat: float
    max_lat: float
    lon_ranges: tuple[tuple[float, float], ...]

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and any(
            low <= lon <= high for low, high in self.lon_ranges
        )


def bounding_box(lat: float, lon: float, km: float) -> Box:
    """The smallest latitude/longitude box holding every point within ``km`` of the centre.

    Longitude spread from J. P. Matuschek, "Finding Points Within a Distance of a
    Latitude/Longitude Using Bounding Coordinates": ``asin(sin(d) / cos(lat))`` for the
    angular radius ``d``. When the circle reaches a pole, every longitude qualifies.
    """
    d = km / EARTH_RADIUS_KM
    d_deg = math.degrees(d)
    min_lat, max_lat = lat - d_deg - _SLACK, lat + d_deg + _SLACK
    if d >= math.pi or max_lat >= 90.0 or min_lat <= -90.0:
        return Box(max(min_lat, -90.0), min(max_lat, 90.0), ((-180.0, 180.0),))
    spread = math.degrees(math.asin(min(1.0, math.sin(d) / math.cos(math.radians(lat))))) + _SLACK
    low, high = lon - spread, lon + spread
    if low < -180.0:
        return Box(min_lat, max_lat, ((low + 360.0, 180.0), (-180.0, high)))
    if high > 180.0:
        return Box(min_lat, max_lat, ((low, 180.0), (-180.0, high - 360.0)))
    return Box(min_lat, max_lat, ((low, high),))


def usable_radius(radius: Radius | None, notes: list[str]) -> Radius | None:
    """The radius as floats if it is usable (a real place, more than 0 km), else ``None``
    with a note saying it was ignored: a radius comes from user input and must not raise."""
    if radius is None:
        return None
    try:
        lat, lon, km = float(radius.lat), float(radius.lon), float(radius.km)
    except (TypeError, ValueError):
        notes.append(MSG_BAD_RADIUS)
        return None
    finite = all(math.isfinite(x) for x in (lat, lon, km))
    if not (finite and -90 <= lat <= 90 and -180 <= lon <= 180 and km > 0):
        notes.append(MSG_BAD_RADIUS)
        return None
    return Radius(lat, lon, km)
