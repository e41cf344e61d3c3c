"""Radius search: a bounding box in the engine, then the exact great-circle distance.

A toy doc type of places with known coordinates; points are put at exact distances and
bearings from a centre (the destination-point formula), so "just inside" and "just
outside" are known without trusting the code under test.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from cmepath.search import DocType, GeoPoint, Radius, SearchQuery, SortSpec, TantivyBackend
from cmepath.search.geo import EARTH_RADIUS_KM, bounding_box, haversine_km
from cmepath.search.schema import DocumentError

PLACE = DocType(
    name="place",
    text_fields=("name",),
    facet_fields=("country",),
    numeric_fields={"lat": "float", "lon": "float", "size": "int"},
    stored_fields=("id", "name", "country"),
    single_valued=frozenset({"country"}),
    sorts={"size": SortSpec("size", descending=True)},
    geo=GeoPoint(lat="lat", lon="lon"),
)

CITIES = {
    "paris": (48.8566, 2.3522, "FR"),
    "london": (51.5074, -0.1278, "GB"),
    "brussels": (50.8503, 4.3517, "BE"),
    "lyon": (45.7640, 4.8357, "FR"),
    "amsterdam": (52.3676, 4.9041, "NL"),
    "berlin": (52.5200, 13.4050, "DE"),
    "madrid": (40.4168, -3.7038, "ES"),
}
PARIS = CITIES["paris"][:2]


def destination(lat: float, lon: float, bearing: float, km: float) -> tuple[float, float]:
    """The point ``km`` from (lat, lon) along the great circle leaving at ``bearing``."""
    d = km / EARTH_RADIUS_KM
    p1, l1, b = math.radians(lat), math.radians(lon), math.radians(bearing)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(
        math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
    )
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180


def city_docs() -> list[dict[str, Any]]:
    return [
        {"id": name, "name": name, "lat": lat, "lon": lon, "country": country, "size": i}
        for i, (name, (lat, lon, country)) in enumerate(CITIES.items())
    ]


def ring_docs(radius_km: float) -> list[dict[str, Any]]:
    """Eight bearings around Paris, each just inside and just outside ``radius_km``, plus
    the four corners of the bounding box (inside the box, outside the circle)."""
    docs = []
    for bearing in range(0, 360, 45):
        for tag, km in (("in", radius_km - 0.5), ("out", radius_km + 0.5)):
            lat, lon = destination(*PARIS, bearing, km)
            docs.append({"id": f"{tag}-{bearing}", "name": "ring", "lat": lat, "lon": lon})
    box = bounding_box(*PARIS, radius_km)
    ((west, east),) = box.lon_ranges
    for tag, lat, lon in (
        ("ne", box.max_lat, east),
        ("nw", box.max_lat, west),
        ("se", box.min_lat, east),
        ("sw", box.min_lat, west),
    ):
        # a hair inside the box, so only the exact distance can reject them
        docs.append(
            {
                "id": f"corner-{tag}",
                "name": "corner",
                "lat": lat - math.copysign(1e-4, lat - PARIS[0]),
                "lon": lon - math.copysign(1e-4, lon - PARIS[1]),
            }
        )
    return docs


def backend(root: Path, docs: list[dict[str, Any]], doc_type: DocType = PLACE) -> TantivyBackend:
    b = TantivyBackend(doc_type, root, writer_heap=50_000_000, writer_threads=1)
    b.rebuild(docs)
    return b


def ids(b: TantivyBackend, query: SearchQuery) -> set[str]:
    return {h.id for h in b.search(query).hits}


# --------------------------------------------------------------------------- geo math


def test_haversine_matches_known_city_distances() -> None:
    assert haversine_km(*PARIS, *CITIES["london"][:2]) == pytest.approx(343.5, abs=1.0)
    assert haversine_km(*PARIS, *CITIES["berlin"][:2]) == pytest.approx(878, abs=2)
    assert haversine_km(*PARIS, *CITIES["madrid"][:2]) == pytest.approx(1053, abs=2)
    assert haversine_km(*PARIS, *PARIS) == 0


@pytest.mark.parametrize("bearing", range(0, 360, 30))
@pytest.mark.parametrize("km", [1, 100, 1500])
def test_the_box_holds_the_whole_circle(bearing: int, km: float) -> None:
    box = bounding_box(*PARIS, km)
    assert box.contains(*destination(*PARIS, bearing, km))


def test_box_corners_lie_outside_the_circle() -> None:
    box = bounding_box(*PARIS, 100)
    ((west, east),) = box.lon_ranges
    for lat in (box.min_lat, box.max_lat):
        for lon in (west, east):
            assert haversine_km(*PARIS, lat, lon) > 130


def test_a_box_across_the_antimeridian_has_two_longitude_ranges() -> None:
    box = bounding_box(0.0, 179.9, 50)
    assert len(box.lon_ranges) == 2
    assert box.contains(0.0, -179.8) and box.contains(0.0, 179.6)
    assert not box.contains(0.0, 0.0)


def test_a_circle_around_a_pole_takes_every_longitude() -> None:
    box = bounding_box(89.9, 0.0, 30)
    assert box.lon_ranges == ((-180.0, 180.0),) and box.max_lat == 90.0


# --------------------------------------------------------------------------- search


def test_points_just_inside_are_found_and_just_outside_are_not(tmp_path: Path) -> None:
    b = backend(tmp_path, ring_docs(100))
    found = ids(b, SearchQuery(radius=Radius(*PARIS, 100), page_size=100))
    assert found == {f"in-{bearing}" for bearing in range(0, 360, 45)}


def test_box_corners_are_dropped_by_the_exact_distance(tmp_path: Path) -> None:
    docs = ring_docs(100)
    b = backend(tmp_path, docs)
    corners = [d for d in docs if d["id"].startswith("corner-")]
    box = bounding_box(*PARIS, 100)
    assert all(box.contains(d["lat"], d["lon"]) for d in corners)  # the engine's step keeps them
    assert all(haversine_km(*PARIS, d["lat"], d["lon"]) > 100 for d in corners)
    result = b.search(SearchQuery(radius=Radius(*PARIS, 100), page_size=100))
    assert not any(h.id.startswith("corner-") for h in result.hits)
    assert result.total == 8


def test_totals_and_pages_count_only_exact_matches(tmp_path: Path) -> None:
    b = backend(tmp_path, ring_docs(100))
    seen: list[str] = []
    for page in (1, 2, 3):
        result = b.search(SearchQuery(radius=Radius(*PARIS, 100), page=page, page_size=3))
        assert result.total == 8
        seen += [h.id for h in result.hits]
    assert len(seen) == len(set(seen)) == 8


def test_cities_within_a_radius_with_distances_nearest_first(tmp_path: Path) -> None:
    b = backend(tmp_path, city_docs())
    result = b.search(SearchQuery(radius=Radius(*PARIS, 400), sort="distance", facets=["country"]))
    assert [h.id for h in result.hits] == ["paris", "brussels", "london", "lyon"]
    assert result.total == 4
    for hit in result.hits:
        lat, lon, _ = CITIES[hit.id]
        assert hit.distance_km == pytest.approx(haversine_km(*PARIS, lat, lon))
        assert hit.score == hit.distance_km
    # facet counts are over the exact matches: Amsterdam (430 km) is in the box, not the circle
    assert dict(result.facets["country"]) == {"FR": 2, "BE": 1, "GB": 1}


def test_a_radius_combines_with_text_filters_and_other_sorts(tmp_path: Path) -> None:
    b = backend(tmp_path, city_docs())
    query = SearchQuery(radius=Radius(*PARIS, 400), filters={"country": ["FR"]}, sort="size")
    result = b.search(query)
    assert [h.id for h in result.hits] == ["lyon", "paris"]
    assert all(h.distance_km is not None for h in result.hits)
    assert ids(b, SearchQuery("london", radius=Radius(*PARIS, 400))) == {"london"}
    assert ids(b, SearchQuery("berlin", radius=Radius(*PARIS, 400))) == set()


def test_the_radius_works_across_the_antimeridian_and_near_a_pole(tmp_path: Path) -> None:
    docs = [
        {"id": "east", "name": "x", "lat": 0.0, "lon": 179.95},
        {"id": "west", "name": "x", "lat": 0.0, "lon": -179.95},  # 16.7 km from (0, 179.9)
        {"id": "far", "name": "x", "lat": 0.0, "lon": 178.9},  # 111 km
        {"id": "pole-a", "name": "x", "lat": 89.9, "lon": 0.0},
        {"id": "pole-b", "name": "x", "lat": 89.9, "lon": 180.0},  # 22 km across the pole
    ]
    b = backend(tmp_path, docs)
    assert ids(b, SearchQuery(radius=Radius(0.0, 179.9, 20))) == {"east", "west"}
    assert ids(b, SearchQuery(radius=Radius(89.9, 0.0, 30))) == {"pole-a", "pole-b"}


def test_documents_without_a_place_never_match_a_radius(tmp_path: Path) -> None:
    b = backend(tmp_path, [*city_docs(), {"id": "nowhere", "name": "paris"}])
    assert "nowhere" not in ids(b, SearchQuery("paris", radius=Radius(*PARIS, 20_000)))
    assert "nowhere" in ids(b, SearchQuery("paris"))


@pytest.mark.parametrize(
    "radius",
    [Radius(*PARIS, 0), Radius(*PARIS, -5), Radius(200, 0, 10), Radius(0, 0, math.nan)],
)
def test_an_unusable_radius_is_ignored_with_a_message(tmp_path: Path, radius: Radius) -> None:
    result = backend(tmp_path, city_docs()).search(SearchQuery(radius=radius))
    assert result.total == len(CITIES)
    assert result.message is not None and "distance" in result.message


def test_a_radius_on_a_doc_type_without_places_is_ignored(tmp_path: Path) -> None:
    plain = DocType("plain", ("name",), (), {}, ("id",))
    b = backend(tmp_path, [{"id": "a", "name": "a"}], plain)
    result = b.search(SearchQuery(radius=Radius(*PARIS, 10), sort="distance"))
    assert result.total == 1
    assert result.message is not None and "no places" in result.message


def test_distance_sort_without_a_radius_is_an_unknown_sort(tmp_path: Path) -> None:
    result = backend(tmp_path, city_docs()).search(SearchQuery(sort="distance"))
    assert result.total == len(CITIES)
    assert result.message is not None and "Unknown sort 'distance'" in result.message


# --------------------------------------------------------------------------- doc type


def test_geo_fields_must_be_float_fields() -> None:
    with pytest.raises(ValueError, match="geo field"):
        DocType("bad", (), (), {"lat": "int", "lon": "float"}, ("id",), geo=GeoPoint("lat", "lon"))


@pytest.mark.parametrize(
    "doc",
    [
        {"id": "a", "lat": 10.0},
        {"id": "a", "lat": 91.0, "lon": 0},
        {"id": "a", "lat": 0, "lon": 181},
    ],
)
def test_a_half_or_impossible_point_is_refused(doc: dict[str, Any]) -> None:
    with pytest.raises(DocumentError):
        PLACE.prepare(doc)


def test_an_index_without_places_keeps_its_fingerprint_format(tmp_path: Path) -> None:
    from cmepath.catalog.search_docs import ACTIVITY

    b = TantivyBackend(ACTIVITY, tmp_path)
    assert '"geo"' not in b._fingerprint
    assert '"geo"' in TantivyBackend(PLACE, tmp_path)._fingerprint
