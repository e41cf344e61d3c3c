"""Report building: summary sentence, figures, suppression, clear messages."""

from __future__ import annotations

import pytest

from cmepath.outcomes.measures import measure_by_id, run_measure
from cmepath.outcomes.reports import Cell, build_report, report_pdf


@pytest.fixture(scope="module")
def small_uti_cells(synthetic_orders):
    """The synthetic UTI measure as generated: about 4 orders per clinic and month, so every
    clinic has counts from 1 to 10 (pooled by month the counts are large)."""
    rows = run_measure(measure_by_id("uti-first-line"), synthetic_orders)
    return [Cell(r.unit, r.period, r.numerator, r.denominator) for r in rows]


@pytest.fixture(scope="module")
def uti_cells(small_uti_cells):
    """The same rates with every count times 12, so that no clinic has a count from 1 to 10
    and each can be shown (and differenced across intervention dates) on its own."""
    return [Cell(c.unit, c.period, c.numerator * 12, c.denominator * 12) for c in small_uti_cells]


def test_summary_sentence_and_figures(uti_cells):
    rep = build_report(
        uti_cells,
        measure_id="uti-first-line",
        title="First-line antibiotic use",
        kind="proportion",
        intervention="2023-01",
    )
    assert rep.sentence.startswith("First-line antibiotic use rose from 4")
    assert "95% CI" in rep.sentence
    assert set(rep.figures) == {"spc", "its", "forest"}
    its = rep.figures["its"]["data"]
    assert [t["name"] for t in its] == ["observed", "fitted", "counterfactual (no intervention)"]
    assert its[2]["x"][0] == "2022-12"  # the counterfactual starts at the last baseline period
    spc = rep.figures["spc"]["data"]
    assert {t["name"] for t in spc} >= {"UCL", "LCL", "centre", "signal"}
    assert rep.results["prepost"]["clusters"] == 27


def test_small_counts_are_suppressed_everywhere():
    cells = [
        Cell(u, f"{y}-{m:02d}", 2, 5)
        for u in ("A", "B")
        for y in (2023, 2024)
        for m in range(1, 13)
    ]
    rep = build_report(cells, measure_id="m", title="M", kind="proportion", intervention="2024-01")
    # period totals are 4 and 10: below 11, so hidden; unit totals 24 / 60 pass
    assert all(row["numerator"] is None and row["denominator"] is None for row in rep.pooled)
    assert all(p is None for p in rep.figures["spc"]["data"][0]["y"])
    for u in rep.units:
        assert u["pre_numerator"] in (None, 24) and u["pre_denominator"] in (None, 60)


@pytest.mark.parametrize(
    ("cells", "intervention", "message"),
    [
        ([], "2024-01", "No data yet"),
        ([Cell("A", "2024-01", 1, 0), Cell("A", "2024-02", 1, 2)], None, "denominator of 0"),
        ([Cell("A", f"2024-{m:02d}", 5, 20) for m in range(1, 5)], "2024-03", "at least 3 periods"),
    ],
)
def test_problems_become_messages_not_tracebacks(cells, intervention, message):
    rep = build_report(
        cells, measure_id="m", title="M", kind="proportion", intervention=intervention
    )
    assert any(message in m for m in rep.messages)


def test_pdf_has_the_summary(uti_cells):
    import io

    from pypdf import PdfReader

    rep = build_report(
        uti_cells,
        measure_id="uti-first-line",
        title="First-line antibiotic use",
        kind="proportion",
        intervention="2023-01",
    )
    pdf = report_pdf(
        project_title="Demo", practice_gap="Gap", stages=[("Stage A", "open")], reports=[rep]
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "First-line antibiotic use rose" in text


# --- charts in the PDF ------------------------------------------------------------------------

TINY = "Clinic Tiny"  # pre 2 / 7, post 5 / 9: every count below 11, so the unit is suppressed


def _pdf_text(pdf: bytes) -> tuple[str, int]:
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(pdf)).pages
    text = " ".join(page.extract_text() for page in pages)
    return " ".join(text.split()), len(pages)  # captions wrap: compare with single spaces


@pytest.fixture(scope="module")
def uti_report(uti_cells):
    cells = [*uti_cells, Cell(TINY, "2022-03", 2, 7), Cell(TINY, "2023-03", 5, 9)]
    return build_report(
        cells,
        measure_id="uti-first-line",
        title="First-line antibiotic use",
        kind="proportion",
        intervention="2023-01",
    )


def test_chart_data_is_shared_by_page_and_pdf(uti_report):
    charts, figures = uti_report.charts, uti_report.figures
    assert set(charts) == {"spc", "its", "forest"}
    assert figures["spc"]["data"][0]["y"] == charts["spc"]["observed"]
    assert figures["spc"]["data"][2]["y"] == charts["spc"]["ucl"]
    assert figures["its"]["data"][1]["y"] == charts["its"]["fitted"]
    forest = charts["forest"]
    assert TINY in forest["suppressed"]
    assert TINY not in [r["unit"] for r in forest["rows"]] + figures["forest"]["data"][0]["y"]
    assert len(forest["rows"]) == len(figures["forest"]["data"][0]["x"]) > 10


def test_pdf_has_the_three_charts(uti_report):
    from dataclasses import replace

    from cmepath.outcomes.stats import prepost

    pdf = report_pdf(
        project_title="Demo", practice_gap="Gap", stages=[("Stage A", "open")], reports=[uti_report]
    )
    text, pages = _pdf_text(pdf)
    _, pages_without = _pdf_text(
        report_pdf(
            project_title="Demo",
            practice_gap="Gap",
            stages=[("Stage A", "open")],
            reports=[replace(uti_report, charts={})],
        )
    )
    assert pages > pages_without
    # titles, axis labels and the text captions
    for title in (
        "First-line antibiotic use: p chart",
        "First-line antibiotic use: interrupted time series",
        "First-line antibiotic use: change by unit",
    ):
        assert title in text
    assert "P chart of the pooled rate by period, 2021-01" in text
    assert "intervention (2023-01)" in text and "Period" in text
    assert "counterfactual without the intervention (dashed, from 2022-12)" in text
    assert (
        "Change from before to after the intervention by unit in percentage points with 95% confidence"
        in text
    )
    assert "Change, after minus before (percentage points)" in text
    left_out = text.split("Left out, suppressed counts: ", 1)[1].split(".", 1)[0]
    assert TINY in left_out.split(", ")
    # the forest lists each shown unit with its estimate; the suppressed unit has none
    shown = uti_report.charts["forest"]["rows"][0]
    assert f"{shown['estimate']:+.1f} ({shown['ci'][0]:+.1f} to {shown['ci'][1]:+.1f})" in text
    hidden = prepost.compare_proportions(x_pre=2, n_pre=7, x_post=5, n_post=9).difference
    assert f"{hidden.estimate * 100:+.1f}" not in text
    assert f"{hidden.ci[0] * 100:+.1f} to {hidden.ci[1] * 100:+.1f}" not in text
    assert (
        f"{TINY} suppressed suppressed suppressed suppressed" in text
    )  # its row in the unit table


def test_suppressed_periods_are_not_plotted():
    # every period total is below 11: no observed point, and no p-chart limit either (with
    # the centre line a limit would give the period's denominator back)
    cells = [
        Cell(u, f"{y}-{m:02d}", 2, 5)
        for u in ("A", "B")
        for y in (2023, 2024)
        for m in range(1, 13)
    ]
    rep = build_report(cells, measure_id="m", title="M", kind="proportion", intervention="2024-01")
    spc = rep.charts["spc"]
    assert (
        all(v is None for v in spc["observed"] + spc["ucl"] + spc["lcl"]) and spc["signals"] == []
    )
    # no centre line either: it would be a rate over suppressed counts (this asserted the
    # opposite before issue 12: a centre line computed from every, suppressed, period)
    assert all(v is None for v in spc["center"])
    assert "withheld" in spc and rep.withheld["spc"] == spc["withheld"]
    assert all(
        v is None for v in rep.figures["spc"]["data"][2]["y"] + rep.figures["its"]["data"][0]["y"]
    )
    text, _ = _pdf_text(
        report_pdf(project_title="Demo", practice_gap="Gap", stages=[], reports=[rep])
    )
    assert "M: p chart" in text and "24 suppressed periods not plotted" in text


def test_exported_results_hide_suppressed_periods_too():
    # the API returns rep.results: a suppressed period's value, n and n-dependent limits are
    # gone, and the phase totals (which with the shown periods would give them back) too
    cells = [
        Cell(u, f"{y}-{m:02d}", 2, 5)
        for u in ("A", "B")
        for y in (2023, 2024)
        for m in range(1, 13)
    ]
    rep = build_report(cells, measure_id="m", title="M", kind="proportion", intervention="2024-01")
    points = rep.results["spc"]["points"]
    assert points and all(
        p["value"] is None and p["n"] is None and p["ucl"] is None for p in points
    )
    assert rep.results["spc"]["signals"] == [] and rep.results["spc"]["suppressed_periods"] == 24
    assert rep.results["prepost"]["n_pre"] is None and rep.results["prepost"]["n_post"] is None
    import json

    assert '"n": 10' not in json.dumps(rep.results)


def test_exported_results_keep_everything_when_nothing_is_small(uti_cells):
    rep = build_report(
        uti_cells,
        measure_id="uti-first-line",
        title="First-line antibiotic use",
        kind="proportion",
        intervention="2023-01",
    )
    assert all(p["value"] is not None for p in rep.results["spc"]["points"])
    assert rep.results["prepost"]["n_pre"] > 0
