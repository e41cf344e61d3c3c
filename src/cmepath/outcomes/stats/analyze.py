"""One entry point from a series table and options to a result (CLI, services and tasks)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from cmepath.outcomes.stats import did, its, prepost, spc
from cmepath.outcomes.stats.errors import StatsInputError
from cmepath.outcomes.stats.series import SeriesTable

METHODS = ("prepost", "spc", "its", "did")


class AnalysisResult(Protocol):
    @property
    def sentence(self) -> str: ...

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class AnalyzeOptions:
    method: str
    chart: str | None = None
    outcome: str | None = None
    denominator: str | None = None
    offset: str | None = None
    baseline_end: str | None = None
    intervention: str | None = None
    family: str = "gaussian"
    seasonality: int = 0
    period_length: int = 12
    slope_change: bool = True
    group: str | None = None
    unit: str | None = None


def analyze(table: SeriesTable, options: AnalyzeOptions) -> AnalysisResult:
    if options.method not in METHODS:
        raise StatsInputError(f"unknown method {options.method!r}; choose {', '.join(METHODS)}")
    if options.outcome is None:
        raise StatsInputError("--outcome is required: the column with the count or value")
    table.text(options.outcome)  # fail early with the list of columns
    if options.method == "spc":
        return _spc(table, options)
    if options.intervention is None:
        raise StatsInputError(
            f"--intervention is required for {options.method}: the first post period"
        )
    if options.method == "prepost":
        return _prepost(table, options)
    if options.method == "its":
        return _its(table, options)
    return _did(table, options)


def _label(options: AnalyzeOptions) -> str:
    assert options.outcome is not None
    name = options.outcome.replace("_", " ")
    return name[:1].upper() + name[1:]


def _prepost(table: SeriesTable, options: AnalyzeOptions) -> AnalysisResult:
    assert options.outcome is not None
    assert options.intervention is not None
    t0 = table.time_of(options.intervention)
    post = np.asarray(table.time) >= t0
    y = table.numeric(options.outcome)
    label = _label(options)
    if options.denominator:
        n = table.numeric(options.denominator)
        if options.unit:
            return prepost.compare_proportions_clustered(
                numerators=y.tolist(),
                denominators=n.tolist(),
                post=post.tolist(),
                units=table.text(options.unit),
                label=label,
            )
        if np.any(y != np.round(y)) or np.any(n != np.round(n)):
            raise StatsInputError("numerators and denominators must be whole counts")
        if np.any(n <= 0):
            bad = int(np.argmax(n <= 0))
            raise StatsInputError(
                f"row {bad + 2}: denominator is {n[bad]:g}; it must be at least 1"
            )
        if not post.any() or post.all():
            raise StatsInputError("--intervention must leave rows before and after it")
        return prepost.compare_proportions(
            x_pre=int(y[~post].sum()),
            n_pre=int(n[~post].sum()),
            x_post=int(y[post].sum()),
            n_post=int(n[post].sum()),
            label=label,
        )
    if options.unit:
        return prepost.compare_means_clustered(
            values=y.tolist(), post=post.tolist(), units=table.text(options.unit), label=label
        )
    return prepost.compare_means(y[~post].tolist(), y[post].tolist(), label=label)


def _sorted_single(table: SeriesTable, method: str) -> np.ndarray[Any, np.dtype[np.intp]]:
    table.one_row_per_period(method)
    return np.argsort(np.asarray(table.time), kind="stable")


def _spc(table: SeriesTable, options: AnalyzeOptions) -> AnalysisResult:
    assert options.outcome is not None
    chart = options.chart or "run"
    baseline_end = table.time_of(options.baseline_end) if options.baseline_end else None
    intervention = table.time_of(options.intervention) if options.intervention else None
    label = _label(options)
    if chart in {"xbar-r", "xbar-s"}:
        values = table.numeric(options.outcome)
        groups: dict[int, list[float]] = defaultdict(list)
        labels: dict[int, str] = {}
        for t, lab, v in zip(table.time, table.labels, values.tolist(), strict=True):
            groups[t].append(v)
            labels[t] = lab
        times = sorted(groups)
        return spc.spc_chart(
            chart,
            periods=[labels[t] for t in times],
            time=times,
            subgroups=[groups[t] for t in times],
            baseline_end=baseline_end,
            intervention=intervention,
            label=label,
        )
    order = _sorted_single(table, "a control chart")
    y = table.numeric(options.outcome)[order]
    den = table.numeric(options.denominator)[order].tolist() if options.denominator else None
    return spc.spc_chart(
        chart,
        periods=[table.labels[i] for i in order],
        time=[table.time[i] for i in order],
        values=y.tolist(),
        denominators=den,
        baseline_end=baseline_end,
        intervention=intervention,
        label=label,
    )


def _its(table: SeriesTable, options: AnalyzeOptions) -> AnalysisResult:
    assert options.outcome is not None
    assert options.intervention is not None
    order = _sorted_single(table, "interrupted time series")
    y = table.numeric(options.outcome)[order]
    if options.denominator and options.family == "gaussian":
        den = table.numeric(options.denominator)[order]
        if np.any(den <= 0):
            raise StatsInputError("every denominator must be above 0")
        y = y / den
    offset = table.numeric(options.offset)[order].tolist() if options.offset else None
    if offset is None and options.denominator and options.family != "gaussian":
        offset = table.numeric(options.denominator)[order].tolist()
    return its.its_fit(
        time=[float(table.time[i]) for i in order],
        outcome=y.tolist(),
        intervention=float(table.time_of(options.intervention)),
        family=options.family,
        offset=offset,
        seasonality=options.seasonality,
        period_length=options.period_length,
        slope_change=options.slope_change,
        label=_label(options),
    )


def _did(table: SeriesTable, options: AnalyzeOptions) -> AnalysisResult:
    assert options.outcome is not None
    assert options.intervention is not None
    if not options.group:
        raise StatsInputError("--group is required for did: a column holding treated/control")
    return did.did_fit(
        outcome=table.numeric(options.outcome, allow_missing=True).tolist(),
        treated=did.parse_group(table.text(options.group)).tolist(),
        time=list(table.time),
        intervention=table.time_of(options.intervention),
        units=table.text(options.unit) if options.unit else None,
        label=_label(options),
    )
