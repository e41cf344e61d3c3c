"""Project reports: the analysis of a measure series, Plotly figure JSON, and a PDF.

``build_report`` is pure (plain rows in, plain data out): the pooled series with
small-cell suppression, a control chart, an interrupted time series with its fitted and
counterfactual lines, a per-unit forest plot and the summary sentence. Every table and
every plotted count goes through ``privacy.suppress`` first (threshold 11); statistics
are computed on the full data server-side and only their estimates are shown.

The charts' data is built once, after suppression (``Report.charts``); the page's Plotly
figures (``Report.figures``) and the PDF's reportlab drawings are both drawn from it.
"""

from __future__ import annotations

import io
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cmepath.outcomes.privacy import DEFAULT_THRESHOLD, suppress
from cmepath.outcomes.stats import its, prepost, spc
from cmepath.outcomes.stats.errors import StatsInputError
from cmepath.outcomes.stats.series import parse_period


@dataclass(frozen=True)
class Cell:
    unit: str
    period: str
    numerator: float
    denominator: int


@dataclass
class Report:
    measure_id: str
    title: str
    kind: str  # proportion or mean
    intervention: str | None
    sentence: str = ""
    messages: list[str] = field(default_factory=list)
    pooled: list[dict[str, Any]] = field(default_factory=list)  # suppressed
    units: list[dict[str, Any]] = field(default_factory=list)  # suppressed, pre/post by unit
    # chart data after suppression (``_spc_data`` etc.): the Plotly figures and the PDF
    # charts are both drawn from it, so the page and the export cannot disagree
    charts: dict[str, dict[str, Any]] = field(default_factory=dict)
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure_id": self.measure_id,
            "title": self.title,
            "kind": self.kind,
            "intervention": self.intervention,
            "sentence": self.sentence,
            "messages": self.messages,
            "pooled": self.pooled,
            "units": self.units,
            "results": self.results,
        }


def _fmt_rate(kind: str, value: float | None) -> str:
    if value is None:
        return "suppressed"
    return f"{value:.1%}" if kind == "proportion" else f"{value:.2f}"


def build_report(
    cells: Sequence[Cell],
    *,
    measure_id: str,
    title: str,
    kind: str,
    intervention: str | None,
    threshold: int = DEFAULT_THRESHOLD,
) -> Report:
    """Analyse one measure's unit x period cells. Problems become messages, never errors."""
    report = Report(measure_id, title, kind, intervention)
    if not cells:
        report.messages.append("No data yet: upload an extract to compute this measure.")
        return report
    periods = sorted({c.period for c in cells}, key=lambda p: parse_period(p).key)
    units = sorted({c.unit for c in cells})
    num: dict[str, float] = defaultdict(float)
    den: dict[str, int] = defaultdict(int)
    for c in cells:
        num[c.period] += c.numerator
        den[c.period] += c.denominator
    report.pooled = _pooled_table(periods, num, den, kind, threshold)
    time_index = {p: i + 1 for i, p in enumerate(periods)}
    t0 = _intervention_index(intervention, periods)
    if intervention and t0 is None:
        report.messages.append(f"The intervention ({intervention}) is outside the data's periods.")
    # summary: pre/post, cluster-robust by unit
    if t0 is not None:
        try:
            pp = _prepost(cells, time_index, t0, kind, title)
            report.sentence = pp.sentence
            report.results["prepost"] = pp.to_dict()
        except StatsInputError as exc:
            report.messages.append(f"Pre/post comparison: {exc}")
        report.units = _unit_table(cells, units, time_index, t0, kind, threshold)
        report.charts["forest"] = _forest_data(report.units, kind, title)
        report.figures["forest"] = _forest_figure(report.charts["forest"], kind)
    else:
        report.messages.append("Set the intervention date to compare before and after.")
    if "prepost" in report.results and _hidden_periods(report.pooled):
        # a phase total next to the shown periods would give a suppressed period's count back
        report.results["prepost"].update(n_pre=None, n_post=None)
    # control chart of the pooled series
    rates = [(num[p] / den[p]) if den[p] else None for p in periods]
    try:
        if any(den[p] == 0 for p in periods):
            raise StatsInputError("a period has a denominator of 0; remove it or check the measure")
        if kind == "proportion":
            chart = spc.spc_chart(
                "p",
                periods=periods,
                time=list(range(1, len(periods) + 1)),
                values=[num[p] for p in periods],
                denominators=[den[p] for p in periods],
                intervention=t0,
                label=title,
            )
        else:
            chart = spc.spc_chart(
                "i",
                periods=periods,
                time=list(range(1, len(periods) + 1)),
                values=[r or 0.0 for r in rates],
                intervention=t0,
                label=title,
            )
        report.results["spc"] = _spc_shown(chart.to_dict(), report.pooled)
        report.charts["spc"] = _spc_data(chart.to_dict(), report.pooled, title)
        report.figures["spc"] = _spc_figure(report.charts["spc"], kind)
    except StatsInputError as exc:
        report.messages.append(f"Control chart: {exc}")
    if t0 is not None:
        try:
            y = [r if r is not None else 0.0 for r in rates]
            fit = its.its_fit(
                time=[float(i) for i in range(1, len(periods) + 1)],
                outcome=y,
                intervention=float(t0),
                family="gaussian",
                label=title,
            )
            report.results["its"] = fit.to_dict()
            report.charts["its"] = _its_data(periods, y, fit.to_dict(), t0, report.pooled, title)
            report.figures["its"] = _its_figure(report.charts["its"], kind)
        except StatsInputError as exc:
            report.messages.append(f"Interrupted time series: {exc}")
    return report


def _hidden_periods(pooled: list[dict[str, Any]]) -> set[str]:
    return {row["period"] for row in pooled if row["denominator"] is None or row["rate"] is None}


def _n_hidden(point: dict[str, Any], rows: dict[str, dict[str, Any]]) -> bool:
    """A p-chart point whose denominator the table suppresses: its n, and its limits (which
    with the centre line give n back), must not be shown."""
    return point.get("n") is not None and rows.get(point["period"], {}).get("denominator") is None


def _spc_shown(chart: dict[str, Any], pooled: list[dict[str, Any]]) -> dict[str, Any]:
    """The control chart's numbers as the API may return them: a suppressed period keeps its
    centre line only (its value, its n and, when they depend on n, its limits are hidden)."""
    hidden = _hidden_periods(pooled)
    if not hidden:
        return chart
    rows = {row["period"]: row for row in pooled}
    points = []
    for p in chart["points"]:
        if p["period"] in hidden:
            p = {**p, "value": None, "signals": []}
            if _n_hidden(p, rows):
                p.update(n=None, lcl=None, ucl=None)
        points.append(p)
    signals = [i for i in chart["signals"] if chart["points"][i - 1]["period"] not in hidden]
    return {**chart, "points": points, "signals": signals, "suppressed_periods": len(hidden)}


def _intervention_index(intervention: str | None, periods: list[str]) -> int | None:
    if not intervention:
        return None
    for i, p in enumerate(periods):
        if p >= intervention:
            return i + 1 if i > 0 else None
    return None


def _prepost(
    cells: Sequence[Cell], time_index: dict[str, int], t0: int, kind: str, title: str
) -> Any:
    rows = [c for c in cells if c.denominator > 0]
    post = [time_index[c.period] >= t0 for c in rows]
    units = [c.unit for c in rows]
    if kind == "proportion":
        return prepost.compare_proportions_clustered(
            numerators=[c.numerator for c in rows],
            denominators=[c.denominator for c in rows],
            post=post,
            units=units,
            label=title,
        )
    return prepost.compare_means_clustered(
        values=[c.numerator / c.denominator for c in rows], post=post, units=units, label=title
    )


def _pooled_table(
    periods: list[str], num: dict[str, float], den: dict[str, int], kind: str, threshold: int
) -> list[dict[str, Any]]:
    shown_den = suppress([[den[p]] for p in periods], threshold).cells
    if kind == "proportion":
        shown_num = suppress([[int(round(num[p]))] for p in periods], threshold).cells
    else:
        shown_num = tuple((None if d[0] is None else 0,) for d in shown_den)
    out = []
    for i, p in enumerate(periods):
        d = shown_den[i][0]
        n = shown_num[i][0]
        rate = None
        if d is not None and d > 0 and n is not None:
            rate = num[p] / den[p]
        out.append(
            {
                "period": p,
                "numerator": (int(round(num[p])) if n is not None else None)
                if kind == "proportion"
                else None,
                "denominator": d,
                "rate": rate,
            }
        )
    return out


def _unit_table(
    cells: Sequence[Cell],
    units: list[str],
    time_index: dict[str, int],
    t0: int,
    kind: str,
    threshold: int,
) -> list[dict[str, Any]]:
    agg: dict[tuple[str, int], list[float]] = defaultdict(lambda: [0.0, 0])
    for c in cells:
        key = (c.unit, 1 if time_index[c.period] >= t0 else 0)
        agg[key][0] += c.numerator
        agg[key][1] += c.denominator
    den_table = [[int(agg[(u, 0)][1]), int(agg[(u, 1)][1])] for u in units]
    shown_den = suppress(den_table, threshold).cells
    if kind == "proportion":
        shown_num = suppress(
            [[int(agg[(u, 0)][0]), int(agg[(u, 1)][0])] for u in units], threshold
        ).cells
    else:
        shown_num = shown_den
    out = []
    for i, u in enumerate(units):
        row: dict[str, Any] = {"unit": u}
        ok = True
        for j, side in enumerate(("pre", "post")):
            n, d = agg[(u, j)]
            visible = shown_den[i][j] is not None and shown_num[i][j] is not None and d > 0
            ok = ok and visible
            row[f"{side}_denominator"] = int(d) if shown_den[i][j] is not None else None
            row[f"{side}_numerator"] = (
                int(n) if kind == "proportion" and shown_num[i][j] is not None else None
            )
            row[f"{side}_rate"] = (n / d) if visible else None
        row["difference"] = None
        row["ci"] = None
        if ok and kind == "proportion":
            try:
                r = prepost.compare_proportions(
                    x_pre=int(agg[(u, 0)][0]),
                    n_pre=int(agg[(u, 0)][1]),
                    x_post=int(agg[(u, 1)][0]),
                    n_post=int(agg[(u, 1)][1]),
                )
                row["difference"] = r.difference.estimate
                row["ci"] = list(r.difference.ci)
            except StatsInputError:
                pass
        elif ok:
            row["difference"] = row["post_rate"] - row["pre_rate"]
        out.append(row)
    return out


# --- chart data: one step shared by the page's Plotly figures and the PDF charts --------------
#
# Every list is aligned to ``periods``; ``None`` is a gap (a suppressed or missing value).


def _spc_data(chart: dict[str, Any], pooled: list[dict[str, Any]], title: str) -> dict[str, Any]:
    """The control chart as it may be shown. Suppressed periods are gaps, and so are their
    limits when the limits depend on the period's denominator (p chart: with the centre
    line, a limit gives the suppressed denominator back)."""
    pts = chart["points"]
    rows = {row["period"]: row for row in pooled}
    periods = [p["period"] for p in pts]
    observed = [rows[p]["rate"] if p in rows else None for p in periods]

    def limit(p: dict[str, Any], key: str) -> float | None:
        return None if _n_hidden(p, rows) else p[key]

    return {
        "title": f"{title}: {chart['chart']} chart",
        "chart": chart["chart"],
        "periods": periods,
        "observed": observed,
        "center": [p["center"] for p in pts],
        "ucl": [limit(p, "ucl") for p in pts],
        "lcl": [limit(p, "lcl") for p in pts],
        "signals": [i for i, p in enumerate(pts) if p["signals"] and observed[i] is not None],
        "intervention": next((i for i, p in enumerate(pts) if p["phase"] > 1), None),
    }


def _its_data(
    periods: list[str],
    y: list[float],
    fit: dict[str, Any],
    t0: int,
    pooled: list[dict[str, Any]],
    title: str,
) -> dict[str, Any]:
    """Observed (suppressed periods are gaps), fitted and counterfactual lines."""
    terms = fit["terms"]
    trend = terms["trend"]["estimate"]
    level = terms["level_change"]["estimate"]
    slope = terms.get("slope_change", {}).get("estimate", 0.0) or 0.0
    t = list(range(1, len(periods) + 1))
    t_last_pre = t0 - 1
    post = [1.0 if i >= t0 else 0.0 for i in t]
    # OLS with an intercept has residuals summing to zero, so the intercept is the mean
    # of y minus the other terms (no seasonality here)
    parts = [
        trend * i + level * p + slope * (i - t_last_pre) * p for i, p in zip(t, post, strict=True)
    ]
    intercept = sum(yy - pp for yy, pp in zip(y, parts, strict=True)) / len(y)
    shown = {row["period"]: row["rate"] for row in pooled}
    return {
        "title": f"{title}: interrupted time series",
        "periods": periods,
        "observed": [shown.get(p) for p in periods],
        "fitted": [intercept + pp for pp in parts],
        # from the last baseline period on, so that it starts on the fitted line
        "counterfactual": [intercept + trend * i if i >= t0 - 1 else None for i in t],
        "intervention": t0 - 1,
        "level_change": terms["level_change"],
    }


def _forest_data(units: list[dict[str, Any]], kind: str, title: str) -> dict[str, Any]:
    """Units with an estimate (percentage points for proportions); units with a
    suppressed count have none and are only named."""
    scale = 100.0 if kind == "proportion" else 1.0
    rows: list[dict[str, Any]] = []
    suppressed: list[str] = []
    no_estimate: list[str] = []
    for u in units:
        diff = u["difference"]
        if diff is None or not math.isfinite(diff):
            hidden = any(
                u[f"{side}_denominator"] is None
                or (kind == "proportion" and u[f"{side}_numerator"] is None)
                for side in ("pre", "post")
            )
            (suppressed if hidden else no_estimate).append(u["unit"])
            continue
        ci = u["ci"]
        if not ci or any(v is None or not math.isfinite(v) for v in ci):
            ci = None
        rows.append(
            {
                "unit": u["unit"],
                "estimate": diff * scale,
                "ci": [ci[0] * scale, ci[1] * scale] if ci else None,
            }
        )
    return {
        "title": f"{title}: change by unit",
        "axis": "points" if kind == "proportion" else "difference",
        "rows": rows,
        "suppressed": suppressed,
        "no_estimate": no_estimate,
    }


# --- Plotly figures (plain dicts; plotly.js draws them from JSON) ---------------------------

_LAYOUT = {
    "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
    "hovermode": "x unified",
    "legend": {"orientation": "h", "y": -0.2},
}


def _y_axis(kind: str) -> dict[str, Any]:
    return {"tickformat": ".0%"} if kind == "proportion" else {"title": {"text": "days"}}


def _vline(x: str) -> dict[str, Any]:
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"dash": "dash", "width": 1},
    }


def _spc_figure(data: dict[str, Any], kind: str) -> dict[str, Any]:
    x = data["periods"]
    layout: dict[str, Any] = {**_LAYOUT, "title": {"text": data["title"]}, "yaxis": _y_axis(kind)}
    if data["intervention"] is not None:
        layout["shapes"] = [_vline(x[data["intervention"]])]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "observed",
                "x": x,
                "y": data["observed"],
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "centre",
                "x": x,
                "y": data["center"],
                "line": {"dash": "solid", "width": 1},
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "UCL",
                "x": x,
                "y": data["ucl"],
                "line": {"dash": "dash", "width": 1},
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "LCL",
                "x": x,
                "y": data["lcl"],
                "line": {"dash": "dash", "width": 1},
            },
            {
                "type": "scatter",
                "mode": "markers",
                "name": "signal",
                "x": [x[i] for i in data["signals"]],
                "y": [data["observed"][i] for i in data["signals"]],
                "marker": {"size": 10, "symbol": "circle-open", "color": "#c0392b"},
            },
        ],
        "layout": layout,
    }


def _its_figure(data: dict[str, Any], kind: str) -> dict[str, Any]:
    periods = data["periods"]
    counter = [
        (p, v) for p, v in zip(periods, data["counterfactual"], strict=True) if v is not None
    ]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "markers",
                "name": "observed",
                "x": periods,
                "y": data["observed"],
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "fitted",
                "x": periods,
                "y": data["fitted"],
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "counterfactual (no intervention)",
                "x": [p for p, _ in counter],
                "y": [v for _, v in counter],
                "line": {"dash": "dot"},
            },
        ],
        "layout": {
            **_LAYOUT,
            "title": {"text": data["title"]},
            "yaxis": _y_axis(kind),
            "shapes": [_vline(periods[data["intervention"]])],
        },
    }


def _forest_figure(data: dict[str, Any], kind: str) -> dict[str, Any]:
    rows = data["rows"]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "markers",
                "name": "difference (post - pre)",
                "x": [r["estimate"] for r in rows],
                "y": [r["unit"] for r in rows],
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": [(r["ci"][1] - r["estimate"]) if r["ci"] else 0 for r in rows],
                    "arrayminus": [(r["estimate"] - r["ci"][0]) if r["ci"] else 0 for r in rows],
                },
            }
        ],
        "layout": {
            **_LAYOUT,
            "hovermode": "closest",
            "title": {"text": data["title"]},
            "xaxis": {"title": {"text": data["axis"]}, "zeroline": True},
            "height": max(300, 22 * len(rows) + 120),
        },
    }


# --- PDF ----------------------------------------------------------------------------------


def report_pdf(
    *,
    project_title: str,
    practice_gap: str,
    stages: list[tuple[str, str]],
    reports: Sequence[Report],
) -> bytes:
    """A PDF export: the summary, the charts of the page (drawn with reportlab's graphics
    from ``Report.charts``, each with a title, axis labels and a text caption) and the
    suppressed tables."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    styles = getSampleStyleSheet()
    chart_title = ParagraphStyle(
        "ChartTitle", parent=styles["Heading4"], spaceBefore=4, spaceAfter=2
    )
    caption = ParagraphStyle("Caption", parent=styles["Italic"], fontSize=8, leading=10)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=letter, title=project_title, author="cmepath")
    story: list[Any] = [
        Paragraph(_esc(project_title), styles["Title"]),
        Paragraph(f"<b>Practice gap.</b> {_esc(practice_gap)}", styles["BodyText"]),
        Spacer(1, 8),
    ]
    story.append(Table([["Stage", "Status"], *stages], hAlign="LEFT"))
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
        ]
    )
    for rep in reports:
        story += [Spacer(1, 12), Paragraph(_esc(rep.title), styles["Heading2"])]
        if rep.sentence:
            story.append(Paragraph(_esc(rep.sentence), styles["BodyText"]))
        for msg in rep.messages:
            story.append(Paragraph(_esc(msg), styles["Italic"]))
        for title, drawing, text in _pdf_charts(rep):
            parts: list[Any] = [Paragraph(_esc(title), chart_title)]
            if drawing is not None:
                parts.append(drawing)
            parts.append(Paragraph(_esc(text), caption))
            story += [Spacer(1, 6), KeepTogether(parts)]
        if rep.units:
            rows = [["Unit", "Pre n", "Pre", "Post n", "Post"]]
            for u in rep.units:
                rows.append(
                    [
                        u["unit"],
                        _n(u["pre_denominator"]),
                        _fmt_rate(rep.kind, u["pre_rate"]),
                        _n(u["post_denominator"]),
                        _fmt_rate(rep.kind, u["post_rate"]),
                    ]
                )
            t = Table(rows, hAlign="LEFT", repeatRows=1)
            t.setStyle(grid)
            story += [Spacer(1, 6), t]
        if rep.pooled:
            rows = [["Period", "Numerator", "Denominator", "Rate"]]
            for p in rep.pooled:
                rows.append(
                    [
                        p["period"],
                        _n(p["numerator"]) if rep.kind == "proportion" else "",
                        _n(p["denominator"]),
                        _fmt_rate(rep.kind, p["rate"]),
                    ]
                )
            t = Table(rows, hAlign="LEFT", repeatRows=1)
            t.setStyle(grid)
            story += [Spacer(1, 6), t]
    story += [
        Spacer(1, 12),
        Paragraph(
            "Counts from 1 to 10, and counts that would reveal them, are suppressed (CMS cell size "
            "suppression policy). Charts plot only the values the tables show. Estimates are computed "
            "on the full data.",
            styles["Italic"],
        ),
    ]
    doc.build(story)
    return buf.getvalue()


def _n(value: int | None) -> str:
    return "suppressed" if value is None else str(value)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- PDF charts: reportlab graphics drawn from ``Report.charts`` ---------------------------

_PDF_WIDTH = 468.0  # letter less the 1-inch margins
_OBSERVED, _FITTED, _LIMIT, _SIGNAL, _COUNTER = (
    "#1f77b4",
    "#ff7f0e",
    "#7f7f7f",
    "#c0392b",
    "#2ca02c",
)


@dataclass
class _Line:
    """One series of a line chart, aligned to the periods (``None`` is a gap)."""

    name: str
    values: list[float | None]
    color: str
    width: float = 1.0
    dash: tuple[float, float] | None = None
    line: bool = True
    marker: str | None = None  # "dot" or "ring"
    split_at: int | None = None  # start a new segment here (limits change at the intervention)


def _pdf_charts(rep: Report) -> list[tuple[str, Any, str]]:
    """(title, drawing or None, caption) for each chart the report has, in page order."""
    out: list[tuple[str, Any, str]] = []
    pct = rep.kind == "proportion"
    scale = 100.0 if pct else 1.0
    y_label = "Rate (%)" if pct else "Mean (days)"
    if spc_data := rep.charts.get("spc"):
        iv = spc_data["intervention"]
        sig = set(spc_data["signals"])
        lines = [
            _Line("UCL / LCL", _scaled(spc_data["ucl"], scale), _LIMIT, 0.8, (3, 2), split_at=iv),
            _Line("", _scaled(spc_data["lcl"], scale), _LIMIT, 0.8, (3, 2), split_at=iv),
            _Line("centre", _scaled(spc_data["center"], scale), _LIMIT, 1.0, split_at=iv),
            _Line("observed", _scaled(spc_data["observed"], scale), _OBSERVED, 1.2, marker="dot"),
            _Line(
                "signal",
                [
                    v if i in sig else None
                    for i, v in enumerate(_scaled(spc_data["observed"], scale))
                ],
                _SIGNAL,
                line=False,
                marker="ring",
            ),
        ]
        out.append(
            (
                spc_data["title"],
                _line_chart(spc_data["periods"], lines, y_label=y_label, intervention=iv),
                _spc_caption(spc_data, rep.kind),
            )
        )
    if its_data := rep.charts.get("its"):
        iv = its_data["intervention"]
        lines = [
            _Line(
                "observed",
                _scaled(its_data["observed"], scale),
                _OBSERVED,
                line=False,
                marker="dot",
            ),
            _Line("fitted", _scaled(its_data["fitted"], scale), _FITTED, 1.4, split_at=iv),
            _Line(
                "counterfactual (no intervention)",
                _scaled(its_data["counterfactual"], scale),
                _COUNTER,
                1.2,
                (4, 3),
            ),
        ]
        out.append(
            (
                its_data["title"],
                _line_chart(its_data["periods"], lines, y_label=y_label, intervention=iv),
                _its_caption(its_data, rep.kind),
            )
        )
    if forest_data := rep.charts.get("forest"):
        drawing = _forest_chart(forest_data, rep.kind) if forest_data["rows"] else None
        out.append((forest_data["title"], drawing, _forest_caption(forest_data, rep.kind)))
    return out


def _scaled(values: Sequence[float | None], scale: float) -> list[float | None]:
    return [None if v is None or not math.isfinite(v) else v * scale for v in values]


def _nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (steps of 1, 2, 2.5 or 5 times a power of ten)."""
    if hi - lo < 1e-9:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / count
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * mag >= raw * (1 - 1e-9))
    start = math.floor(lo / step + 1e-9) * step
    stop = math.ceil(hi / step - 1e-9) * step
    return [start + k * step for k in range(int(round((stop - start) / step)) + 1)]


def _tick_text(value: float, ticks: list[float]) -> str:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    decimals = next((d for d in range(5) if abs(round(step, d) - step) < 1e-9 * max(1.0, step)), 4)
    return f"{value + 0.0:.{decimals}f}"


def _segments(values: list[float | None], split_at: int | None) -> list[list[tuple[int, float]]]:
    """Runs of consecutive values; a gap (``None``) or ``split_at`` starts a new run."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for i, v in enumerate(values):
        if v is None or i == split_at:
            if current:
                runs.append(current)
            current = []
        if v is not None:
            current.append((i, v))
    if current:
        runs.append(current)
    return runs


def _line_chart(
    periods: list[str], lines: list[_Line], *, y_label: str, intervention: int | None
) -> Any:
    from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, String
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width, height = _PDF_WIDTH, 220.0
    left, right, bottom, top = 46.0, 8.0, 34.0, 20.0
    pw, ph = width - left - right, height - bottom - top
    values = [v for ln in lines for v in ln.values if v is not None]
    ticks = _nice_ticks(min(values), max(values)) if values else [0.0, 1.0]
    y0, y1 = ticks[0], ticks[-1]
    n = max(len(periods), 1)

    def px(i: float) -> float:
        return left + (i + 0.5) * pw / n

    def py(v: float) -> float:
        return bottom + (v - y0) / (y1 - y0) * ph

    grey, light = colors.HexColor("#444444"), colors.HexColor("#e6e6e6")
    d = Drawing(width, height)
    for t in ticks:
        d.add(Line(left, py(t), left + pw, py(t), strokeColor=light, strokeWidth=0.5))
        d.add(
            String(
                left - 4,
                py(t) - 2.5,
                _tick_text(t, ticks),
                fontName="Helvetica",
                fontSize=7,
                fillColor=grey,
                textAnchor="end",
            )
        )
    d.add(Line(left, bottom, left + pw, bottom, strokeColor=grey, strokeWidth=0.6))
    d.add(Line(left, bottom, left, bottom + ph, strokeColor=grey, strokeWidth=0.6))
    every = max(1, math.ceil(n / max(1, int(pw // 34))))
    for i, p in enumerate(periods):
        d.add(Line(px(i), bottom, px(i), bottom - 2, strokeColor=grey, strokeWidth=0.5))
        if i % every == 0:
            d.add(
                String(
                    px(i),
                    bottom - 10,
                    p,
                    fontName="Helvetica",
                    fontSize=6.5,
                    fillColor=grey,
                    textAnchor="middle",
                )
            )
    d.add(String(left + pw / 2, 4, "Period", fontName="Helvetica", fontSize=8, textAnchor="middle"))
    label = Group(String(0, 0, y_label, fontName="Helvetica", fontSize=8, textAnchor="middle"))
    label.transform = (0, 1, -1, 0, 10, bottom + ph / 2)
    d.add(label)
    if intervention is not None and 0 <= intervention < len(periods):
        x = px(intervention)
        d.add(
            Line(
                x, bottom, x, bottom + ph, strokeColor=grey, strokeWidth=0.8, strokeDashArray=[2, 2]
            )
        )
        d.add(
            String(
                x + 2,
                bottom + ph - 8,
                f"intervention ({periods[intervention]})",
                fontName="Helvetica",
                fontSize=6.5,
                fillColor=grey,
            )
        )
    for ln in lines:
        color = colors.HexColor(ln.color)
        dash = list(ln.dash) if ln.dash else None
        for run in _segments(ln.values, ln.split_at):
            if ln.line and len(run) > 1:
                d.add(
                    PolyLine(
                        [c for i, v in run for c in (px(i), py(v))],
                        strokeColor=color,
                        strokeWidth=ln.width,
                        strokeDashArray=dash,
                    )
                )
            if ln.marker == "dot":
                for i, v in run:
                    d.add(
                        Circle(
                            px(i), py(v), 1.8, fillColor=color, strokeColor=color, strokeWidth=0.3
                        )
                    )
            elif ln.marker == "ring":
                for i, v in run:
                    d.add(
                        Circle(
                            px(i), py(v), 4.0, fillColor=None, strokeColor=color, strokeWidth=1.2
                        )
                    )
    # legend, above the plot
    x, y = left, height - 10
    for ln in lines:
        if not ln.name:
            continue
        color = colors.HexColor(ln.color)
        if ln.line:
            d.add(
                Line(
                    x,
                    y + 2.5,
                    x + 14,
                    y + 2.5,
                    strokeColor=color,
                    strokeWidth=ln.width,
                    strokeDashArray=list(ln.dash) if ln.dash else None,
                )
            )
        if ln.marker:
            d.add(
                Circle(
                    x + 7,
                    y + 2.5,
                    1.8 if ln.marker == "dot" else 3.5,
                    fillColor=color if ln.marker == "dot" else None,
                    strokeColor=color,
                )
            )
        d.add(String(x + 18, y, ln.name, fontName="Helvetica", fontSize=7))
        x += 28 + stringWidth(ln.name, "Helvetica", 7)
    return d


def _forest_chart(data: dict[str, Any], kind: str) -> Any:
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    rows = data["rows"]
    row_h, top, bottom = 13.0, 18.0, 34.0
    label_w, text_w = 112.0, 118.0
    width = _PDF_WIDTH
    height = top + bottom + row_h * len(rows)
    pw = width - label_w - text_w
    values = [0.0] + [r["estimate"] for r in rows] + [v for r in rows if r["ci"] for v in r["ci"]]
    ticks = _nice_ticks(min(values), max(values))
    x0, x1 = ticks[0], ticks[-1]

    def px(v: float) -> float:
        return label_w + (v - x0) / (x1 - x0) * pw

    grey, blue = colors.HexColor("#444444"), colors.HexColor(_OBSERVED)
    d = Drawing(width, height)
    d.add(
        String(
            label_w - 6,
            height - 11,
            "Unit",
            fontName="Helvetica-Bold",
            fontSize=7,
            textAnchor="end",
        )
    )
    d.add(
        String(
            label_w + pw + 8, height - 11, "Change (95% CI)", fontName="Helvetica-Bold", fontSize=7
        )
    )
    for k, r in enumerate(rows):
        y = height - top - (k + 0.5) * row_h
        d.add(
            String(
                label_w - 6,
                y - 2.5,
                _clip(r["unit"], 24),
                fontName="Helvetica",
                fontSize=7,
                textAnchor="end",
            )
        )
        if r["ci"]:
            lo, hi = px(r["ci"][0]), px(r["ci"][1])
            d.add(Line(lo, y, hi, y, strokeColor=blue, strokeWidth=0.9))
            d.add(Line(lo, y - 2, lo, y + 2, strokeColor=blue, strokeWidth=0.9))
            d.add(Line(hi, y - 2, hi, y + 2, strokeColor=blue, strokeWidth=0.9))
        x = px(r["estimate"])
        d.add(Rect(x - 2.2, y - 2.2, 4.4, 4.4, fillColor=blue, strokeColor=blue))
        d.add(
            String(
                label_w + pw + 8, y - 2.5, _fmt_change(r, kind), fontName="Helvetica", fontSize=7
            )
        )
    d.add(
        Line(
            px(0.0),
            bottom,
            px(0.0),
            height - top + 2,
            strokeColor=grey,
            strokeWidth=0.8,
            strokeDashArray=[3, 2],
        )
    )
    d.add(Line(label_w, bottom, label_w + pw, bottom, strokeColor=grey, strokeWidth=0.6))
    for t in ticks:
        d.add(Line(px(t), bottom, px(t), bottom - 2, strokeColor=grey, strokeWidth=0.5))
        d.add(
            String(
                px(t),
                bottom - 10,
                _tick_text(t, ticks),
                fontName="Helvetica",
                fontSize=7,
                fillColor=grey,
                textAnchor="middle",
            )
        )
    axis = (
        "Change, after minus before (percentage points)"
        if kind == "proportion"
        else "Change, after minus before"
    )
    d.add(String(label_w + pw / 2, 4, axis, fontName="Helvetica", fontSize=8, textAnchor="middle"))
    return d


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 3] + "..."


def _signed(value: float, decimals: int) -> str:
    return f"{round(value, decimals) + 0.0:+.{decimals}f}"  # + 0.0: no "-0.0"


def _fmt_change(row: dict[str, Any], kind: str) -> str:
    d = 1 if kind == "proportion" else 2
    text = _signed(row["estimate"], d)
    if row["ci"]:
        text += f" ({_signed(row['ci'][0], d)} to {_signed(row['ci'][1], d)})"
    return text


def _fmt_level(value: float | None, kind: str, unit: bool = True) -> str:
    if value is None:
        return "n/a"
    if kind == "proportion":
        return _signed(value * 100, 1) + (" points" if unit else "")
    return _signed(value, 2)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _listed(items: Sequence[str], limit: int = 6) -> str:
    return ", ".join(items[:limit]) + (
        f" and {len(items) - limit} more" if len(items) > limit else ""
    )


def _fmt_value(kind: str, value: float | None) -> str:
    return "n/a" if value is None else _fmt_rate(kind, value)


def _spc_caption(data: dict[str, Any], kind: str) -> str:
    periods, iv = data["periods"], data["intervention"]
    what = "rate" if kind == "proportion" else "mean"
    text = (
        f"{data['chart'].upper()} chart of the pooled {what} by period, {periods[0]} to {periods[-1]} "
        f"({_plural(len(periods), 'period')}): "
    )
    centre = data["center"]
    if iv is not None:
        text += (
            f"centre line {_fmt_value(kind, centre[0])} before and {_fmt_value(kind, centre[iv])} from the "
            f"intervention ({periods[iv]}), limits recomputed from it; "
        )
    else:
        text += f"centre line {_fmt_value(kind, centre[0])}; "
    sig = [periods[i] for i in data["signals"]]
    text += f"{_plural(len(sig), 'signal point')} ({_listed(sig)})" if sig else "no signal points"
    hidden = sum(v is None for v in data["observed"])
    if hidden:
        text += f"; {_plural(hidden, 'suppressed period')} not plotted"
    return text + "."


def _its_caption(data: dict[str, Any], kind: str) -> str:
    periods, iv = data["periods"], data["intervention"]
    start = next(p for p, v in zip(periods, data["counterfactual"], strict=True) if v is not None)
    level = data["level_change"]
    ci = level.get("ci") or [None, None]
    what = "rate" if kind == "proportion" else "mean"
    text = (
        f"Observed {what} by period (dots), the fitted segmented regression (solid) and the counterfactual "
        f"without the intervention (dashed, from {start}); level change at {periods[iv]}: "
        f"{_fmt_level(level.get('estimate'), kind)}"
    )
    if ci[0] is not None and ci[1] is not None:
        text += f" (95% CI {_fmt_level(ci[0], kind, unit=False)} to {_fmt_level(ci[1], kind, unit=False)})"
    hidden = sum(v is None for v in data["observed"])
    if hidden:
        text += f"; {_plural(hidden, 'suppressed period')} not plotted"
    return text + "."


def _forest_caption(data: dict[str, Any], kind: str) -> str:
    rows = data["rows"]
    if rows:
        with_ci = " with 95% confidence intervals" if any(r["ci"] for r in rows) else ""
        unit = " in percentage points" if kind == "proportion" else ""
        text = (
            f"Change from before to after the intervention by unit{unit}{with_ci}, "
            f"{_plural(len(rows), 'unit')}; the dashed line is no change."
        )
    else:
        text = "No unit can be plotted."
    if data["suppressed"]:
        text += f" Left out, suppressed counts: {_listed(data['suppressed'])}."
    if data["no_estimate"]:
        text += f" Left out, no estimate: {_listed(data['no_estimate'])}."
    return text
