"""Report building: summary sentence, figures, suppression, clear messages."""

from __future__ import annotations

import pytest

from cmepath.outcomes.measures import measure_by_id, run_measure
from cmepath.outcomes.reports import Cell, build_report, report_pdf


@pytest.fixture(scope="module")
def uti_cells(synthetic_orders):
    rows = run_measure(measure_by_id("uti-first-line"), synthetic_orders)
    return [Cell(r.unit, r.period, r.numerator, r.denominator) for r in rows]


def test_summary_sentence_and_figures(uti_cells):
    rep = build_report(uti_cells, measure_id="uti-first-line", title="First-line antibiotic use",
                       kind="proportion", intervention="2023-01")
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
    cells = [Cell(u, f"{y}-{m:02d}", 2, 5) for u in ("A", "B") for y in (2023, 2024) for m in range(1, 13)]
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
    rep = build_report(cells, measure_id="m", title="M", kind="proportion", intervention=intervention)
    assert any(message in m for m in rep.messages)


def test_pdf_has_the_summary(uti_cells):
    import io

    from pypdf import PdfReader

    rep = build_report(uti_cells, measure_id="uti-first-line", title="First-line antibiotic use",
                       kind="proportion", intervention="2023-01")
    pdf = report_pdf(project_title="Demo", practice_gap="Gap", stages=[("Stage A", "open")], reports=[rep])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "First-line antibiotic use rose" in text
