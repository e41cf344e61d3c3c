"""Project reports: the analysis of a measure series, Plotly figure JSON, and a PDF.

``build_report`` is pure (plain rows in, plain data out): the pooled series with
small-cell suppression, a control chart, an interrupted time series with its fitted and
counterfactual lines, a per-unit forest plot and the summary sentence. Every table and
every plotted count goes through ``privacy.suppress`` first (threshold 11); statistics
are computed on the full data server-side and only their estimates are shown.
"""

from __future__ import annotations

import io
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
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure_id": self.measure_id, "title": self.title, "kind": self.kind,
            "intervention": self.intervention, "sentence": self.sentence, "messages": self.messages,
            "pooled": self.pooled, "units": self.units, "results": self.results,
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
        report.figures["forest"] = _forest_figure(report.units, kind, title)
    else:
        report.messages.append("Set the intervention date to compare before and after.")
    # control chart of the pooled series
    rates = [(num[p] / den[p]) if den[p] else None for p in periods]
    try:
        if any(den[p] == 0 for p in periods):
            raise StatsInputError("a period has a denominator of 0; remove it or check the measure")
        if kind == "proportion":
            chart = spc.spc_chart("p", periods=periods, time=list(range(1, len(periods) + 1)),
                                  values=[num[p] for p in periods], denominators=[den[p] for p in periods],
                                  intervention=t0, label=title)
        else:
            chart = spc.spc_chart("i", periods=periods, time=list(range(1, len(periods) + 1)),
                                  values=[r or 0.0 for r in rates], intervention=t0, label=title)
        report.results["spc"] = chart.to_dict()
        report.figures["spc"] = _spc_figure(chart.to_dict(), report.pooled, kind, title)
    except StatsInputError as exc:
        report.messages.append(f"Control chart: {exc}")
    if t0 is not None:
        try:
            y = [r if r is not None else 0.0 for r in rates]
            fit = its.its_fit(time=[float(i) for i in range(1, len(periods) + 1)], outcome=y,
                              intervention=float(t0), family="gaussian", label=title)
            report.results["its"] = fit.to_dict()
            report.figures["its"] = _its_figure(periods, y, fit.to_dict(), t0, report.pooled, kind, title)
        except StatsInputError as exc:
            report.messages.append(f"Interrupted time series: {exc}")
    return report


def _intervention_index(intervention: str | None, periods: list[str]) -> int | None:
    if not intervention:
        return None
    for i, p in enumerate(periods):
        if p >= intervention:
            return i + 1 if i > 0 else None
    return None


def _prepost(cells: Sequence[Cell], time_index: dict[str, int], t0: int, kind: str, title: str) -> Any:
    rows = [c for c in cells if c.denominator > 0]
    post = [time_index[c.period] >= t0 for c in rows]
    units = [c.unit for c in rows]
    if kind == "proportion":
        return prepost.compare_proportions_clustered(
            numerators=[c.numerator for c in rows], denominators=[c.denominator for c in rows],
            post=post, units=units, label=title)
    return prepost.compare_means_clustered(
        values=[c.numerator / c.denominator for c in rows], post=post, units=units, label=title)


def _pooled_table(periods: list[str], num: dict[str, float], den: dict[str, int], kind: str,
                  threshold: int) -> list[dict[str, Any]]:
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
        out.append({
            "period": p,
            "numerator": (int(round(num[p])) if n is not None else None) if kind == "proportion" else None,
            "denominator": d,
            "rate": rate,
        })
    return out


def _unit_table(cells: Sequence[Cell], units: list[str], time_index: dict[str, int], t0: int, kind: str,
                threshold: int) -> list[dict[str, Any]]:
    agg: dict[tuple[str, int], list[float]] = defaultdict(lambda: [0.0, 0])
    for c in cells:
        key = (c.unit, 1 if time_index[c.period] >= t0 else 0)
        agg[key][0] += c.numerator
        agg[key][1] += c.denominator
    den_table = [[int(agg[(u, 0)][1]), int(agg[(u, 1)][1])] for u in units]
    shown_den = suppress(den_table, threshold).cells
    if kind == "proportion":
        shown_num = suppress([[int(agg[(u, 0)][0]), int(agg[(u, 1)][0])] for u in units], threshold).cells
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
            row[f"{side}_numerator"] = int(n) if kind == "proportion" and shown_num[i][j] is not None else None
            row[f"{side}_rate"] = (n / d) if visible else None
        row["difference"] = None
        row["ci"] = None
        if ok and kind == "proportion":
            try:
                r = prepost.compare_proportions(x_pre=int(agg[(u, 0)][0]), n_pre=int(agg[(u, 0)][1]),
                                                x_post=int(agg[(u, 1)][0]), n_post=int(agg[(u, 1)][1]))
                row["difference"] = r.difference.estimate
                row["ci"] = list(r.difference.ci)
            except StatsInputError:
                pass
        elif ok:
            row["difference"] = row["post_rate"] - row["pre_rate"]
        out.append(row)
    return out


# --- Plotly figures (plain dicts; plotly.js draws them from JSON) ---------------------------

_LAYOUT = {"margin": {"l": 60, "r": 20, "t": 40, "b": 50}, "hovermode": "x unified",
           "legend": {"orientation": "h", "y": -0.2}}


def _y_axis(kind: str) -> dict[str, Any]:
    return {"tickformat": ".0%"} if kind == "proportion" else {"title": {"text": "days"}}


def _spc_figure(chart: dict[str, Any], pooled: list[dict[str, Any]], kind: str, title: str) -> dict[str, Any]:
    pts = chart["points"]
    x = [p["period"] for p in pts]
    shown = {row["period"]: row["rate"] for row in pooled}
    y = [shown.get(p["period"]) for p in pts]  # suppressed points stay gaps
    signal_x = [p["period"] for p in pts if p["signals"] and shown.get(p["period"]) is not None]
    signal_y = [shown[p] for p in signal_x]
    return {
        "data": [
            {"type": "scatter", "mode": "lines+markers", "name": "observed", "x": x, "y": y},
            {"type": "scatter", "mode": "lines", "name": "centre", "x": x, "y": [p["center"] for p in pts],
             "line": {"dash": "solid", "width": 1}},
            {"type": "scatter", "mode": "lines", "name": "UCL", "x": x, "y": [p["ucl"] for p in pts],
             "line": {"dash": "dash", "width": 1}},
            {"type": "scatter", "mode": "lines", "name": "LCL", "x": x, "y": [p["lcl"] for p in pts],
             "line": {"dash": "dash", "width": 1}},
            {"type": "scatter", "mode": "markers", "name": "signal", "x": signal_x, "y": signal_y,
             "marker": {"size": 10, "symbol": "circle-open", "color": "#c0392b"}},
        ],
        "layout": {**_LAYOUT, "title": {"text": f"{title}: {chart['chart']} chart"}, "yaxis": _y_axis(kind)},
    }


def _its_figure(periods: list[str], y: list[float], fit: dict[str, Any], t0: int, pooled: list[dict[str, Any]],
                kind: str, title: str) -> dict[str, Any]:
    terms = fit["terms"]
    trend = terms["trend"]["estimate"]
    level = terms["level_change"]["estimate"]
    slope = terms.get("slope_change", {}).get("estimate", 0.0) or 0.0
    t = list(range(1, len(periods) + 1))
    t_last_pre = t0 - 1
    post = [1.0 if i >= t0 else 0.0 for i in t]
    # OLS with an intercept has residuals summing to zero, so the intercept is the mean
    # of y minus the other terms (no seasonality here)
    parts = [trend * i + level * p + slope * (i - t_last_pre) * p for i, p in zip(t, post, strict=True)]
    intercept = sum(yy - pp for yy, pp in zip(y, parts, strict=True)) / len(y)
    fitted = [intercept + pp for pp in parts]
    counter_x = [periods[i - 1] for i in t if i >= t0 - 1]
    counter = [intercept + trend * i for i in t if i >= t0 - 1]
    shown = {row["period"]: row["rate"] for row in pooled}
    return {
        "data": [
            {"type": "scatter", "mode": "markers", "name": "observed", "x": periods, "y": [shown.get(p) for p in periods]},
            {"type": "scatter", "mode": "lines", "name": "fitted", "x": periods, "y": fitted},
            {"type": "scatter", "mode": "lines", "name": "counterfactual (no intervention)", "x": counter_x,
             "y": counter, "line": {"dash": "dot"}},
        ],
        "layout": {**_LAYOUT, "title": {"text": f"{title}: interrupted time series"}, "yaxis": _y_axis(kind),
                   "shapes": [{"type": "line", "xref": "x", "yref": "paper", "x0": periods[t0 - 1],
                               "x1": periods[t0 - 1], "y0": 0, "y1": 1, "line": {"dash": "dash", "width": 1}}]},
    }


def _forest_figure(units: list[dict[str, Any]], kind: str, title: str) -> dict[str, Any]:
    rows = [u for u in units if u["difference"] is not None]
    scale = 100.0 if kind == "proportion" else 1.0
    x = [u["difference"] * scale for u in rows]
    err_plus = [((u["ci"][1] - u["difference"]) * scale) if u["ci"] else 0 for u in rows]
    err_minus = [((u["difference"] - u["ci"][0]) * scale) if u["ci"] else 0 for u in rows]
    return {
        "data": [{
            "type": "scatter", "mode": "markers", "name": "difference (post - pre)", "x": x,
            "y": [u["unit"] for u in rows],
            "error_x": {"type": "data", "symmetric": False, "array": err_plus, "arrayminus": err_minus},
        }],
        "layout": {**_LAYOUT, "hovermode": "closest", "title": {"text": f"{title}: change by unit"},
                   "xaxis": {"title": {"text": "points" if kind == "proportion" else "difference"}, "zeroline": True},
                   "height": max(300, 22 * len(rows) + 120)},
    }


# --- PDF ----------------------------------------------------------------------------------


def report_pdf(*, project_title: str, practice_gap: str, stages: list[tuple[str, str]],
               reports: Sequence[Report]) -> bytes:
    """A PDF export with the summary and the suppressed tables (reportlab, no charts)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=letter, title=project_title, author="cmepath")
    story: list[Any] = [Paragraph(_esc(project_title), styles["Title"]),
                        Paragraph(f"<b>Practice gap.</b> {_esc(practice_gap)}", styles["BodyText"]),
                        Spacer(1, 8)]
    story.append(Table([["Stage", "Status"], *stages], hAlign="LEFT"))
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke), ("FONTSIZE", (0, 0), (-1, -1), 8)])
    for rep in reports:
        story += [Spacer(1, 12), Paragraph(_esc(rep.title), styles["Heading2"])]
        if rep.sentence:
            story.append(Paragraph(_esc(rep.sentence), styles["BodyText"]))
        for msg in rep.messages:
            story.append(Paragraph(_esc(msg), styles["Italic"]))
        if rep.units:
            rows = [["Unit", "Pre n", "Pre", "Post n", "Post"]]
            for u in rep.units:
                rows.append([u["unit"], _n(u["pre_denominator"]), _fmt_rate(rep.kind, u["pre_rate"]),
                             _n(u["post_denominator"]), _fmt_rate(rep.kind, u["post_rate"])])
            t = Table(rows, hAlign="LEFT", repeatRows=1)
            t.setStyle(grid)
            story += [Spacer(1, 6), t]
        if rep.pooled:
            rows = [["Period", "Numerator", "Denominator", "Rate"]]
            for p in rep.pooled:
                rows.append([p["period"], _n(p["numerator"]) if rep.kind == "proportion" else "",
                             _n(p["denominator"]), _fmt_rate(rep.kind, p["rate"])])
            t = Table(rows, hAlign="LEFT", repeatRows=1)
            t.setStyle(grid)
            story += [Spacer(1, 6), t]
    story += [Spacer(1, 12), Paragraph(
        "Counts from 1 to 10, and counts that would reveal them, are suppressed (CMS cell size "
        "suppression policy). Estimates are computed on the full data.", styles["Italic"])]
    doc.build(story)
    return buf.getvalue()


def _n(value: int | None) -> str:
    return "suppressed" if value is None else str(value)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
