"""The analysis of one measure series: ``build_report`` and the chart data it shares.

``build_report`` is pure (plain rows in, plain data out): the pooled series with
small-cell suppression, a control chart, an interrupted time series with its fitted and
counterfactual lines, a per-unit forest plot and the summary sentence. Every table and
every plotted count goes through ``privacy.suppress`` first (threshold 11); statistics
are computed on the full data server-side and only their estimates are shown.

The charts' data is built once, after suppression (``Report.charts``); the page's Plotly
figures (``Report.figures``, ``figures.py``) and the PDF's reportlab drawings (``pdf.py``)
are both drawn from it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cmepath.outcomes.privacy import DEFAULT_THRESHOLD, suppress
from cmepath.outcomes.reports.figures import forest_figure, its_figure, spc_figure
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
        report.figures["forest"] = forest_figure(report.charts["forest"], kind)
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
        report.figures["spc"] = spc_figure(report.charts["spc"], kind)
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
            report.figures["its"] = its_figure(report.charts["its"], kind)
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
