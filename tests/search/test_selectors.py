"""Request parameters -> SearchQuery, and a result's facet counts -> the facet panel."""

from __future__ import annotations

from datetime import date

from django.http import QueryDict
from django.template.loader import render_to_string

from cmepath.search import DocType, GeoPoint, Radius, Range, SortSpec
from cmepath.search.selectors import (
    FACET_SHOWN,
    FacetPanel,
    RangeParam,
    facet_groups,
    query_from_params,
    ranges_of,
)

JOB = DocType(
    name="job",
    text_fields=("title",),
    facet_fields=("kind", "remote", "state"),
    numeric_fields={"pay": "float", "posted": "int", "lat": "float", "lon": "float"},
    stored_fields=("id",),
    sorts={"pay": SortSpec("pay", descending=True)},
    geo=GeoPoint("lat", "lon"),
    facet_labels={"kind": "Kind of job"},
    value_labels={"kind": {"ft": "Full time", "pt": "Part time"}},
    flag_facets=frozenset({"remote"}),
)
RANGES = {
    "pay_min": RangeParam("pay", "min"),
    "pay_max": RangeParam("pay", "max"),
    "posted_after": RangeParam("posted", "min", "date"),
}


def parse(qs: str, **kwargs):
    params = QueryDict(qs)
    return query_from_params(JOB, params, getlist=params.getlist, ranges=RANGES, **kwargs)


def test_every_part_of_a_query_is_read():
    parsed = parse(
        "q=nurse&kind=ft&kind=pt&state=CA&pay_min=50000&pay_max=90000.5"
        "&posted_after=2026-01-31&sort=pay&page=3&lat=34.05&lon=-118.24&km=25",
        facets=["kind"],
        page_size=10,
    )
    q = parsed.query
    assert (q.text, q.sort, q.page, q.page_size, list(q.facets)) == (
        "nurse",
        "pay",
        3,
        10,
        ["kind"],
    )
    assert q.filters == {"kind": ["ft", "pt"], "state": ["CA"]}
    assert q.ranges == {"pay": Range(min=50000.0, max=90000.5), "posted": Range(min=20260131)}
    assert q.radius == Radius(34.05, -118.24, 25.0)
    assert parsed.notes == ()
    assert parsed.values == {
        "pay_min": 50000.0,
        "pay_max": 90000.5,
        "posted_after": date(2026, 1, 31),
    }


def test_bad_values_are_dropped_and_named_in_order():
    parsed = parse("sort=nope&page=x&pay_min=inf&posted_after=soon&pay_max=lots&km=5")
    assert parsed.notes == (
        "Unknown sort 'nope'; sorted by best match.",
        "page='x' is not a number and was ignored.",
        "pay_min must be a finite number and was ignored.",
        "pay_max='lots' is not a number and was ignored.",
        "posted_after must be a date (YYYY-MM-DD) and was ignored.",
    )
    q = parsed.query
    assert (q.sort, q.page, q.ranges, q.radius) == ("relevance", 1, {}, None)


def test_filters_are_limited_to_the_named_fields_and_clamped():
    many = "&".join(f"kind=k{i}" for i in range(80))
    q = parse(f"{many}&state={'x' * 300}&remote=yes", filters=["kind", "state"]).query
    assert len(q.filters["kind"]) == 50 and len(q.filters["state"][0]) == 100
    assert "remote" not in q.filters


def test_page_is_clamped_and_plain_mappings_work():
    q = query_from_params(JOB, {"page": "99999", "kind": ["ft", ""], "sort": "distance"}).query
    assert (q.page, q.filters, q.sort) == (10_000, {"kind": ["ft"]}, "distance")


def test_two_parameters_on_one_field_make_one_range():
    assert ranges_of(RANGES, {"pay_min": 1, "pay_max": 2, "posted_after": None}) == {
        "pay": Range(1, 2)
    }


def test_facet_groups_label_order_flag_and_split():
    counts = {
        "kind": [("ft", 9), ("pt", 4)],
        "remote": [("no", 7), ("yes", 6)],
        "state": [(f"S{i:02}", 20 - i) for i in range(15)],
        "pay": [("1", 3)],
    }
    groups = facet_groups(JOB, counts, {"kind": ["temp"]}, ["kind", "pay", "remote", "state"])
    assert [g.name for g in groups] == ["kind", "remote", "state"]  # numeric "pay" is skipped
    kind = groups[0]
    assert kind.label == "Kind of job"
    assert [(o["value"], o["label"], o["count"], o["checked"]) for o in kind.shown] == [
        ("ft", "Full time", 9, False),
        ("pt", "Part time", 4, False),
        ("temp", "temp", 0, True),  # chosen but no longer counted: still offered, ticked
    ]
    assert [o["value"] for o in groups[1].shown] == ["yes"] and groups[1].label == "Remote"
    assert len(groups[2].shown) == FACET_SHOWN and len(groups[2].more) == 3


def test_the_facet_panel_partial_renders_controls_groups_and_escapes():
    counts = {"kind": [("<b>", 1)], "state": [(f"S{i:02}", 1) for i in range(14)]}
    panel = FacetPanel(
        groups=facet_groups(JOB, counts, {"kind": ["<b>"]}, ["kind", "state"]),
        css_class="job-facets",
        controls="catalog/partials/search_controls.html",  # any page's own controls
    )
    html = render_to_string(
        "search/partials/facets.html", {"panel": panel, "moore_options": [], "values": {}}
    )
    assert html.startswith('<aside class="job-facets" aria-label="Filters">')
    assert html.index("<legend>Outcomes measured</legend>") < html.index('class="facet"')
    assert '<input type="checkbox" name="kind" value="&lt;b&gt;" checked>' in html
    assert "<legend>Kind of job</legend>" in html and "<summary>2 more</summary>" in html
    bare = render_to_string("search/partials/facets.html", {"panel": FacetPanel(panel.groups)})
    assert bare.startswith('<aside class="search-facets"') and "Outcomes" not in bare
