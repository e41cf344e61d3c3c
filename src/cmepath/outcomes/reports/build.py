"""The analysis of one measure series: ``build_report`` and the chart data it shares.

``build_report`` is pure (plain rows in, plain data out): the pooled series, a control
chart, an interrupted time series with its fitted and counterfactual lines, a per-unit
forest plot and the summary sentence. The raw cells go to ``privacy.protect_series``
first and nothing else: every table, total, rate, limit, model term, fitted value,
interval and sentence is computed from the ``ProtectedSeries`` (the rule and why it is
sound are in ``privacy``'s docstring and docs/outcomes.md). Periods the rule leaves out
and units it combines are named in ``Report.messages``, ``left_out_periods``,
``combined_units`` and, for a result that cannot be computed without them,
``withheld`` (result name -> the reason in plain words).

The charts' data is built once, from the protected results (``Report.charts``); the
page's Plotly figures (``Report.figures``, ``figures.py``) and the PDF's reportlab
drawings (``pdf.py``) are both drawn from it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cmepath.outcomes.privacy import (
    DEFAULT_THRESHOLD,
    ProtectedSeries,
    SeriesCell,
    SeriesKind,
    combine_units,
    protect_series,
)
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
    left_out_periods: list[str] = field(default_factory=list)  # in no aggregate (privacy)
    combined_units: list[str] = field(default_factory=list)  # only used as one group
    withheld: dict[str, str] = field(default_factory=dict)  # result -> reason (privacy)

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
            "left_out_periods": self.left_out_periods,
            "combined_units": self.combined_units,
            "withheld": self.withheld,
        }


def series_kind(kind: str) -> SeriesKind:
    return "proportion" if kind == "proportion" else "mean"


def build_report(
    cells: Sequence[Cell],
    *,
    measure_id: str,
    title: str,
    kind: str,
    intervention: str | None,
    threshold: int = DEFAULT_THRESHOLD,
    combined_units: Iterable[str] | None = None,
) -> Report:
    """Analyse one measure's unit x period cells. Problems become messages, never errors.

    ``combined_units`` is ``privacy.combine_units`` over all the project's measures (so
    that measures sharing a count group their units alike); by default this measure's own.
    """
    report = Report(measure_id, title, kind, intervention)
    if not cells:
        report.messages.append("No data yet: upload an extract to compute this measure.")
        return report
    periods = sorted({c.period for c in cells}, key=lambda p: parse_period(p).key)
    protected = protect_series(
        [SeriesCell(c.unit, c.period, c.numerator, c.denominator) for c in cells],
        kind=series_kind(kind),
        threshold=threshold,
        periods=periods,
        combined=combined_units,
    )
    _analyse(report, protected)
    return report


def build_project_reports(
    measures: Sequence[tuple[str, str, str, Sequence[Cell]]],
    *,
    intervention: str | None,
    threshold: int = DEFAULT_THRESHOLD,
) -> list[Report]:
    """The reports of a project's measures, each ``(id, title, kind, cells)``. Which units
    are combined is decided once over all of them (``privacy.combine_units``), so that two
    measures sharing a count (the UTI measures count the same orders) group their units
    alike and cannot be differenced against each other."""
    combined = combine_units(
        [
            (
                series_kind(kind),
                [SeriesCell(c.unit, c.period, c.numerator, c.denominator) for c in cells],
            )
            for _, _, kind, cells in measures
        ],
        threshold,
    )
    return [
        build_report(
            cells,
            measure_id=mid,
            title=title,
            kind=kind,
            intervention=intervention,
            threshold=threshold,
            combined_units=combined,
        )
        for mid, title, kind, cells in measures
    ]


def _listed(items: Sequence[str], limit: int = 8) -> str:
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def _privacy_notes(report: Report, ps: ProtectedSeries) -> str:
    """Record what the rule hid; return the reason used for a withheld result."""
    report.left_out_periods = list(ps.left_out)
    report.combined_units = sorted(ps.combined)
    if ps.combined:
        one = len(ps.combined) == 1
        report.messages.append(
            f"{len(ps.combined)} of {len(ps.units)} units {'has' if one else 'have'} a count "
            f"from 1 to {ps.threshold - 1} in some period ({_listed(sorted(ps.combined))}): "
            + (
                "it is not shown on its own, and enters the estimates only as a group."
                if one
                else "they are not shown one by one, and enter the estimates only as one "
                "combined group."
            )
        )
    if not ps.left_out:
        return ""
    n = len(ps.left_out)
    report.messages.append(
        f"{n} period{'s' if n != 1 else ''} with suppressed counts "
        f"({_listed(list(ps.left_out))}) {'are' if n != 1 else 'is'} left out of every "
        "total, rate, control limit and model, whatever the intervention date, so that "
        "no shown result gives the counts back."
    )
    return (
        f"it cannot be computed from the periods that may be used: {n} period"
        f"{'s' if n != 1 else ''} with counts from 1 to {ps.threshold - 1} "
        f"({_listed(list(ps.left_out))}) {'are' if n != 1 else 'is'} left out"
    )


def _withhold(report: Report, name: str, reason: str, shape: dict[str, Any]) -> None:
    report.withheld[name] = reason
    report.results[name] = {**shape, "withheld": reason}


def _analyse(report: Report, ps: ProtectedSeries) -> None:
    """Every output of a report, from the protected series only."""
    kind, title = report.kind, report.title
    periods = list(ps.periods)
    reason = _privacy_notes(report, ps)
    report.pooled = [
        {
            "period": p.period,
            "numerator": (
                int(round(p.numerator))
                if kind == "proportion" and p.numerator is not None
                else None
            ),
            "denominator": p.denominator,
            "rate": p.rate,
        }
        for p in ps.pooled
    ]
    time_index = {p: i + 1 for i, p in enumerate(periods)}
    t0 = _intervention_index(report.intervention, periods)
    if report.intervention and t0 is None:
        report.messages.append(
            f"The intervention ({report.intervention}) is outside the data's periods."
        )
    # summary: pre/post, cluster-robust by unit (the combined units are one cluster)
    if t0 is not None:
        try:
            pp = _prepost(ps, time_index, t0, kind, title)
            report.sentence = pp["sentence"]
            report.results["prepost"] = pp
        except StatsInputError as exc:
            if reason and _split(periods, t0):
                _withhold(
                    report,
                    "prepost",
                    f"Before/after comparison withheld: {reason}.",
                    _PREPOST_WITHHELD | {"kind": kind, "left_out_periods": list(ps.left_out)},
                )
                report.messages.append(report.withheld["prepost"])
            else:
                report.messages.append(f"Pre/post comparison: {exc}")
        report.units = _unit_table(ps, time_index, t0, kind)
        report.charts["forest"] = _forest_data(report.units, kind, title)
        report.figures["forest"] = forest_figure(report.charts["forest"], kind)
    else:
        report.messages.append("Set the intervention date to compare before and after.")
    _control_chart(report, ps, t0, reason)
    if t0 is not None:
        _time_series(report, ps, t0, reason)


_PREPOST_WITHHELD: dict[str, Any] = {
    "method": "prepost",
    "estimator": None,
    "pre": None,
    "post": None,
    "n_pre": None,
    "n_post": None,
    "difference": None,
    "ratio": None,
    "clusters": None,
    "notes": [],
    "sentence": "",
    "left_out_periods": [],
}


def _split(periods: list[str], t0: int) -> bool:
    """The intervention leaves periods on both sides (before any is left out)."""
    return 1 < t0 <= len(periods)


def _used(ps: ProtectedSeries) -> list[str]:
    return [p.period for p in ps.pooled if p.used]


def _control_chart(report: Report, ps: ProtectedSeries, t0: int | None, reason: str) -> None:
    """p chart (proportions) or I chart (means) of the pooled series over the periods
    that may be used; a left-out period is a gap with no value, limits or signal."""
    kind, title = report.kind, report.title
    periods = list(ps.periods)
    time_index = {p: i + 1 for i, p in enumerate(periods)}
    rows = {p.period: p for p in ps.pooled}
    used = _used(ps)
    name = "p" if kind == "proportion" else "i"
    try:
        if any(p.denominator == 0 for p in ps.pooled):
            raise StatsInputError("a period has a denominator of 0; remove it or check the measure")
        sums = _pooled_sums(ps)
        if kind == "proportion":
            chart = spc.spc_chart(
                "p",
                periods=used,
                time=[time_index[p] for p in used],
                values=[sums[p][0] for p in used],
                denominators=[sums[p][1] for p in used],
                intervention=t0,
                label=title,
            )
        else:
            chart = spc.spc_chart(
                "i",
                periods=used,
                time=[time_index[p] for p in used],
                values=[sums[p][0] / sums[p][1] for p in used],
                intervention=t0,
                label=title,
            )
    except StatsInputError as exc:
        if not reason or "denominator of 0" in str(exc) or not _fits_all(name, periods, t0):
            report.messages.append(f"Control chart: {exc}")
            return
        why = f"Control chart withheld: {reason} ({exc})."
        report.messages.append(why)
        shown = _spc_expand(None, name, periods, rows, t0, ps)
        _withhold(report, "spc", why, shown)
        report.charts["spc"] = _spc_data(report.results["spc"], report.pooled, title, why)
        report.figures["spc"] = spc_figure(report.charts["spc"], kind)
        return
    report.results["spc"] = _spc_expand(chart.to_dict(), name, periods, rows, t0, ps)
    report.charts["spc"] = _spc_data(report.results["spc"], report.pooled, title)
    report.figures["spc"] = spc_figure(report.charts["spc"], kind)


def _spc_expand(
    chart: dict[str, Any] | None,
    name: str,
    periods: list[str],
    rows: dict[str, Any],
    t0: int | None,
    ps: ProtectedSeries,
) -> dict[str, Any]:
    """The chart over every period: a left-out period keeps its phase's centre line and its
    shown denominator only (no value, no limits, no signal)."""
    computed = {p["period"]: p for p in chart["points"]} if chart else {}
    centre = {p["phase"]: p["center"] for p in computed.values()}
    points = []
    for i, period in enumerate(periods):
        if period in computed:
            points.append(computed[period])
            continue
        phase = 2 if t0 is not None and i + 1 >= t0 else 1
        points.append(
            {
                "period": period,
                "value": None,
                "center": centre.get(phase),
                "lcl": None,
                "ucl": None,
                "phase": phase,
                "baseline": True,
                "n": rows[period].denominator if name == "p" else None,
                "signals": [],
            }
        )
    position = {p: i + 1 for i, p in enumerate(periods)}
    signals = (
        [position[chart["points"][i - 1]["period"]] for i in chart["signals"]] if chart else []
    )
    base: dict[str, Any] = chart if chart else {"method": "spc", "chart": name}
    return {
        **base,
        "points": points,
        "signals": signals,
        "suppressed_periods": len(ps.left_out),
        "left_out_periods": list(ps.left_out),
    }


def _fits_all(name: str, periods: list[str], t0: int | None) -> bool:
    """Would the chart or model fit with every period (left-out ones included)? Asked with
    made-up values, as only the number and placement of periods matter: if not, the data
    are too short, and the privacy rule is not why it is missing."""
    time = list(range(1, len(periods) + 1))
    made_up = [0.3 + 0.1 * ((7 * i) % 5) for i in time]
    try:
        if name == "its" and t0 is not None:
            its.its_fit(time=[float(i) for i in time], outcome=made_up, intervention=float(t0))
        elif name == "p":
            spc.spc_chart(
                "p",
                periods=periods,
                time=time,
                values=[50 * v for v in made_up],
                denominators=[100] * len(time),
                intervention=t0,
            )
        else:
            spc.spc_chart("i", periods=periods, time=time, values=made_up, intervention=t0)
    except StatsInputError:
        return False
    return True


def _pooled_sums(ps: ProtectedSeries) -> dict[str, tuple[float, int]]:
    """Numerator and denominator of each used period, summed from the protected cells."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for c in ps.cells:
        sums[c.period][0] += c.numerator
        sums[c.period][1] += c.denominator
    return {p: (v[0], int(v[1])) for p, v in sums.items()}


def _time_series(report: Report, ps: ProtectedSeries, t0: int, reason: str) -> None:
    """Segmented regression of the pooled rate (or mean) over the used periods, with their
    real time index (a left-out period is a gap in the model and on the chart)."""
    periods = list(ps.periods)
    time_index = {p: i + 1 for i, p in enumerate(periods)}
    sums = _pooled_sums(ps)
    used = [p for p in _used(ps) if sums.get(p, (0.0, 0))[1] > 0]
    y = [sums[p][0] / sums[p][1] for p in used]
    try:
        fit = its.its_fit(
            time=[float(time_index[p]) for p in used],
            outcome=y,
            intervention=float(t0),
            family="gaussian",
            label=report.title,
        )
    except StatsInputError as exc:
        if not reason or not _fits_all("its", periods, t0):
            report.messages.append(f"Interrupted time series: {exc}")
            return
        why = f"Interrupted time series withheld: {reason} ({exc})."
        report.messages.append(why)
        _withhold(report, "its", why, {"method": "its", "terms": None, "n": None})
        report.charts["its"] = _its_data(periods, [], [], None, t0, report.pooled, report.title)
        report.charts["its"]["withheld"] = why
        report.figures["its"] = its_figure(report.charts["its"], report.kind)
        return
    report.results["its"] = {**fit.to_dict(), "left_out_periods": list(ps.left_out)}
    report.charts["its"] = _its_data(
        periods,
        [time_index[p] for p in used],
        y,
        report.results["its"],
        t0,
        report.pooled,
        report.title,
    )
    report.figures["its"] = its_figure(report.charts["its"], report.kind)


def _intervention_index(intervention: str | None, periods: list[str]) -> int | None:
    if not intervention:
        return None
    for i, p in enumerate(periods):
        if p >= intervention:
            return i + 1 if i > 0 else None
    return None


def _prepost(
    ps: ProtectedSeries, time_index: dict[str, int], t0: int, kind: str, title: str
) -> dict[str, Any]:
    """Before/after over the protected cells: cluster-robust by unit when at least two
    clusters (shown units, and the combined group as one) can be used, else pooled."""
    rows = [c for c in ps.cells if c.denominator > 0]
    post = [time_index[c.period] >= t0 for c in rows]
    units = [c.unit for c in rows]
    clusters = len(set(units))
    notes: list[str] = []
    result: Any
    if clusters >= prepost.MIN_CLUSTERS:
        if kind == "proportion":
            result = prepost.compare_proportions_clustered(
                numerators=[c.numerator for c in rows],
                denominators=[c.denominator for c in rows],
                post=post,
                units=units,
                label=title,
            )
        else:
            result = prepost.compare_means_clustered(
                values=[c.numerator / c.denominator for c in rows],
                post=post,
                units=units,
                label=title,
            )
        if ps.combined:
            notes.append(f"units with small counts ({len(ps.combined)}) enter as one cluster")
    else:
        if kind == "proportion":
            pre_rows = [c for c, p in zip(rows, post, strict=True) if not p]
            post_rows = [c for c, p in zip(rows, post, strict=True) if p]
            result = prepost.compare_proportions(
                x_pre=int(round(sum(c.numerator for c in pre_rows))),
                n_pre=sum(c.denominator for c in pre_rows),
                x_post=int(round(sum(c.numerator for c in post_rows))),
                n_post=sum(c.denominator for c in post_rows),
                label=title,
            )
        else:
            values = [c.numerator / c.denominator for c in rows]
            result = prepost.compare_means(
                [v for v, p in zip(values, post, strict=True) if not p],
                [v for v, p in zip(values, post, strict=True) if p],
                label=title,
            )
        if ps.combined:
            notes.append(
                "every unit has a count from 1 to "
                f"{ps.threshold - 1} in some period, so units cannot be used as clusters: "
                "the interval treats the periods' counts as independent and may be too narrow"
            )
    out: dict[str, Any] = result.to_dict()
    out["notes"] = [*out["notes"], *notes]
    out["left_out_periods"] = list(ps.left_out)
    return out


def _unit_table(
    ps: ProtectedSeries, time_index: dict[str, int], t0: int, kind: str
) -> list[dict[str, Any]]:
    """Before/after by unit. A shown unit's totals sum its own cells over the used periods
    (each 0 or at least the threshold, so the totals are too); a combined unit shows
    nothing."""
    agg: dict[tuple[str, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for c in ps.cells:
        if c.unit in ps.combined or c.unit == ps.combined_label:
            continue
        key = (c.unit, 1 if time_index[c.period] >= t0 else 0)
        agg[key][0] += c.numerator
        agg[key][1] += c.denominator
    out = []
    for u in ps.units:
        row: dict[str, Any] = {"unit": u}
        shown = u not in ps.combined
        ok = shown
        for j, side in enumerate(("pre", "post")):
            n, d = agg[(u, j)]
            visible = shown and d > 0
            ok = ok and visible
            row[f"{side}_denominator"] = int(d) if shown else None
            row[f"{side}_numerator"] = int(round(n)) if kind == "proportion" and shown else None
            row[f"{side}_rate"] = (n / d) if visible else None
        row["difference"] = None
        row["ci"] = None
        if ok and kind == "proportion":
            try:
                r = prepost.compare_proportions(
                    x_pre=int(round(agg[(u, 0)][0])),
                    n_pre=int(agg[(u, 0)][1]),
                    x_post=int(round(agg[(u, 1)][0])),
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


def _spc_data(
    chart: dict[str, Any], pooled: list[dict[str, Any]], title: str, withheld: str = ""
) -> dict[str, Any]:
    """The control chart as it may be shown, from the protected results: a left-out period
    is a gap (no value, no limits, no signal)."""
    pts = chart["points"]
    rows = {row["period"]: row for row in pooled}
    periods = [p["period"] for p in pts]
    observed = [rows[p]["rate"] if p in rows else None for p in periods]
    data = {
        "title": f"{title}: {chart['chart']} chart",
        "chart": chart["chart"],
        "periods": periods,
        "observed": observed,
        "center": [p["center"] for p in pts],
        "ucl": [p["ucl"] for p in pts],
        "lcl": [p["lcl"] for p in pts],
        "signals": [i for i, p in enumerate(pts) if p["signals"] and observed[i] is not None],
        "intervention": next((i for i, p in enumerate(pts) if p["phase"] > 1), None),
    }
    if withheld:
        data["withheld"] = withheld
    return data


def _its_data(
    periods: list[str],
    times: list[int],
    y: list[float],
    fit: dict[str, Any] | None,
    t0: int,
    pooled: list[dict[str, Any]],
    title: str,
) -> dict[str, Any]:
    """Observed (left-out periods are gaps), fitted and counterfactual lines, from the
    model fitted on the used periods (``times``, ``y``); all gaps when ``fit`` is None."""
    t = list(range(1, len(periods) + 1))
    shown = {row["period"]: row["rate"] for row in pooled}
    observed = [shown.get(p) for p in periods]
    if fit is None:
        return {
            "title": f"{title}: interrupted time series",
            "periods": periods,
            "observed": observed,
            "fitted": [None] * len(periods),
            "counterfactual": [None] * len(periods),
            "intervention": t0 - 1,
            "level_change": {},
        }
    terms = fit["terms"]
    trend = terms["trend"]["estimate"]
    level = terms["level_change"]["estimate"]
    slope = terms.get("slope_change", {}).get("estimate", 0.0) or 0.0
    # the model's slope term counts from its last fitted period before the intervention
    t_last_pre = max(i for i in times if i < t0)

    def part(i: int) -> float:
        p = 1.0 if i >= t0 else 0.0
        return float(trend * i + level * p + slope * (i - t_last_pre) * p)

    # OLS with an intercept has residuals summing to zero over the fitted (used) periods,
    # so the intercept is the mean of y minus the other terms (no seasonality here)
    intercept = sum(yy - part(i) for i, yy in zip(times, y, strict=True)) / len(y)
    return {
        "title": f"{title}: interrupted time series",
        "periods": periods,
        "observed": observed,
        "fitted": [intercept + part(i) for i in t],
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
