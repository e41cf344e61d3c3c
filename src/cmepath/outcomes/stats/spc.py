"""Statistical process control: run chart (Anhøj rules) and Shewhart control charts.

Charts: ``run``, ``p`` (variable n), ``pprime`` (Laney p′), ``u``, ``c``, ``np``,
``xbar-r``, ``xbar-s`` and ``i`` (I-MR). Limits are 3-sigma.

Phases: points before ``intervention`` form phase 1, the rest phase 2. Each phase's
limits come from its own points, except that when ``baseline_end`` is given the phase-1
limits come only from the points up to it and are frozen and extended over the later
phase-1 points (qcc's ``newdata``). Limits are recomputed from the phase-2 points.

Sigma estimators follow qcc (Scrucca 2004), whose printed limits the tests reproduce:
I chart MR-bar/d2(2); X̄-R "UWAVE-R" mean of R_j/d2(n_j); X̄-S "UWAVE-SD" mean of
s_j/c4(n_j); p, np, u, c from the binomial and Poisson variances; Laney p′ multiplies
the p-chart sigma by sigma_z = MR-bar(z)/d2(2) (Laney 2002). d2 comes from the published
table (as in qcc and Minitab); d3 is computed by numerical integration of the range
distribution of n standard normal variables (Tippett 1925) and c4 from the gamma
function; tests compare both with the published table (Montgomery, Introduction to
Statistical Quality Control, Appendix VI).

Runs analysis (Anhøj & Olesen 2014, as in qicharts2): with n useful points (not on the
centre line) a run longer than round(log2(n)) + 3 or fewer crossings than the 5th
percentile of Binomial(n - 1, 0.5) signals non-random variation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt
from scipy import integrate, stats

from cmepath.outcomes.stats.common import clean, num
from cmepath.outcomes.stats.errors import StatsInputError

ChartType = Literal["run", "p", "pprime", "u", "c", "np", "xbar-r", "xbar-s", "i"]
CHART_TYPES: tuple[str, ...] = get_args(ChartType)
MIN_CALIBRATION_POINTS = 8
FloatArray = npt.NDArray[np.float64]

_CHART_NAMES = {
    "run": "run chart",
    "p": "p chart",
    "pprime": "Laney p′ chart",
    "u": "u chart",
    "c": "c chart",
    "np": "np chart",
    "xbar-r": "X̄-R chart",
    "xbar-s": "X̄-S chart",
    "i": "I-MR chart",
}


# --- control chart constants -------------------------------------------------------


def _phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


# d2 for n = 2..25 as published to three decimals (Montgomery, Introduction to
# Statistical Quality Control, Appendix VI; ASTM E2587). qcc and Minitab use these
# rounded values, so using them reproduces their limits exactly; d2_exact agrees to
# three decimals (tested).
D2_TABLE: dict[int, float] = {
    2: 1.128,
    3: 1.693,
    4: 2.059,
    5: 2.326,
    6: 2.534,
    7: 2.704,
    8: 2.847,
    9: 2.970,
    10: 3.078,
    11: 3.173,
    12: 3.258,
    13: 3.336,
    14: 3.407,
    15: 3.472,
    16: 3.532,
    17: 3.588,
    18: 3.640,
    19: 3.689,
    20: 3.735,
    21: 3.778,
    22: 3.819,
    23: 3.858,
    24: 3.895,
    25: 3.931,
}
D3_TABLE: dict[int, float] = {
    2: 0.853,
    3: 0.888,
    4: 0.880,
    5: 0.864,
    6: 0.848,
    7: 0.833,
    8: 0.820,
    9: 0.808,
    10: 0.797,
    11: 0.787,
    12: 0.778,
    13: 0.770,
    14: 0.763,
    15: 0.756,
    16: 0.750,
    17: 0.744,
    18: 0.739,
    19: 0.734,
    20: 0.729,
    21: 0.724,
    22: 0.720,
    23: 0.716,
    24: 0.712,
    25: 0.708,
}


def d2(n: int) -> float:
    """Mean range of n standard normals: the published table for n <= 25, else computed."""
    return D2_TABLE[n] if n in D2_TABLE else d2_exact(n)


@lru_cache(maxsize=64)
def d2_exact(n: int) -> float:
    """Mean of the range of n standard normal variables, by numerical integration."""
    if n < 2:
        raise StatsInputError("a subgroup range needs at least 2 values")
    value, _ = integrate.quad(
        lambda x: 1 - _phi(x) ** n - (1 - _phi(x)) ** n, -12, 12, epsabs=1e-12, limit=200
    )
    return float(value)


@lru_cache(maxsize=64)
def d3(n: int) -> float:
    """Standard deviation of the range of n standard normal variables."""
    if n < 2:
        raise StatsInputError("a subgroup range needs at least 2 values")

    def integrand(y: float, x: float) -> float:
        return 1 - _phi(y) ** n - (1 - _phi(x)) ** n + (_phi(y) - _phi(x)) ** n

    second_moment, _ = integrate.dblquad(integrand, -9, 9, lambda x: x, lambda x: 9, epsabs=1e-9)
    return math.sqrt(2 * second_moment - d2_exact(n) ** 2)


def c4(n: int) -> float:
    """E[s]/sigma for a sample of n normal values."""
    if n < 2:
        raise StatsInputError("a subgroup standard deviation needs at least 2 values")
    return math.sqrt(2 / (n - 1)) * math.exp(math.lgamma(n / 2) - math.lgamma((n - 1) / 2))


# --- results --------------------------------------------------------------------------


@dataclass(frozen=True)
class RunsAnalysis:
    """Anhøj rules for one phase."""

    n_useful: int
    longest_run: int
    longest_run_max: int
    crossings: int
    crossings_min: int
    signal: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_useful": self.n_useful,
            "longest_run": self.longest_run,
            "longest_run_max": self.longest_run_max,
            "crossings": self.crossings,
            "crossings_min": self.crossings_min,
            "signal": self.signal,
        }


@dataclass(frozen=True)
class SpcPoint:
    period: str
    value: float
    center: float
    lcl: float | None
    ucl: float | None
    phase: int
    baseline: bool
    n: float | None = None
    signals: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "value": clean(self.value),
            "center": clean(self.center),
            "lcl": clean(self.lcl),
            "ucl": clean(self.ucl),
            "phase": self.phase,
            "baseline": self.baseline,
            "n": clean(self.n),
            "signals": list(self.signals),
        }


@dataclass(frozen=True)
class SecondaryPoint:
    period: str
    value: float | None
    center: float
    lcl: float
    ucl: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "value": clean(self.value),
            "center": clean(self.center),
            "lcl": clean(self.lcl),
            "ucl": clean(self.ucl),
        }


@dataclass(frozen=True)
class SpcResult:
    chart: str
    points: tuple[SpcPoint, ...]
    signals: tuple[int, ...]
    runs: RunsAnalysis
    runs_by_phase: tuple[RunsAnalysis, ...]
    sigma_by_phase: tuple[float | None, ...]
    sentence: str
    secondary_name: str | None = None
    secondary: tuple[SecondaryPoint, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "spc",
            "chart": self.chart,
            "points": [p.to_dict() for p in self.points],
            "signals": list(self.signals),
            "runs": self.runs.to_dict(),
            "runs_by_phase": [r.to_dict() for r in self.runs_by_phase],
            "sigma_by_phase": [clean(s) for s in self.sigma_by_phase],
            "secondary": (
                {"chart": self.secondary_name, "points": [p.to_dict() for p in self.secondary]}
                if self.secondary_name
                else None
            ),
            "sentence": self.sentence,
        }


# --- runs analysis ------------------------------------------------------------------


def anhoej_limits(n_useful: int) -> tuple[int, int]:
    """(longest run allowed, fewest crossings allowed) for n useful points."""
    if n_useful < 1:
        return (0, 0)
    longest_max = round(math.log2(n_useful)) + 3
    crossings_min = int(stats.binom.ppf(0.05, max(n_useful - 1, 0), 0.5))
    return longest_max, crossings_min


def runs_analysis(values: Sequence[float], centers: Sequence[float]) -> RunsAnalysis:
    signs = [
        1 if v > c else -1
        for v, c in zip(values, centers, strict=True)
        if v != c and math.isfinite(v)
    ]
    if not signs:
        return RunsAnalysis(0, 0, 0, 0, 0, False)
    runs = _run_lengths(signs)
    longest_max, crossings_min = anhoej_limits(len(signs))
    crossings = len(runs) - 1
    signal = max(runs) > longest_max or crossings < crossings_min
    return RunsAnalysis(len(signs), max(runs), longest_max, crossings, crossings_min, signal)


def _run_lengths(signs: Sequence[int]) -> list[int]:
    runs = [1]
    for prev, cur in zip(signs, signs[1:], strict=False):
        if cur == prev:
            runs[-1] += 1
        else:
            runs.append(1)
    return runs


# --- the chart ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Limits:
    center: FloatArray
    lcl: FloatArray | None
    ucl: FloatArray | None
    sigma: float | None


def spc_chart(
    chart: str,
    *,
    periods: Sequence[str],
    time: Sequence[int],
    values: Sequence[float] | None = None,
    denominators: Sequence[float] | None = None,
    subgroups: Sequence[Sequence[float]] | None = None,
    baseline_end: int | None = None,
    intervention: int | None = None,
    label: str = "The measure",
) -> SpcResult:
    """Compute a chart. ``time`` orders the points; ``baseline_end`` and ``intervention``
    are time indices (last baseline point, first post point)."""
    if chart not in CHART_TYPES:
        raise StatsInputError(f"unknown chart {chart!r}; choose one of {', '.join(CHART_TYPES)}")
    t = np.asarray(time, dtype=float)
    n_points = t.size
    if len(periods) != n_points:
        raise StatsInputError("periods and time must have the same length")
    if n_points == 0:
        raise StatsInputError("the series has no points")
    order = np.argsort(t, kind="stable")
    if not np.array_equal(order, np.arange(n_points)):
        raise StatsInputError("points must be in time order")
    y, n = _plotted(chart, values, denominators, subgroups, n_points)
    phase = np.zeros(n_points, dtype=int)
    if intervention is not None:
        phase[t >= intervention] = 1
        if phase.min() == 1 or phase.max() == 0:
            raise StatsInputError(
                "--intervention must fall inside the series (points before and after it)"
            )
    if baseline_end is not None and intervention is not None and baseline_end >= intervention:
        raise StatsInputError("--baseline-end must come before --intervention")
    calib = np.ones(n_points, dtype=bool)
    if baseline_end is not None:
        calib = (t <= baseline_end) | (phase == 1)

    centers = np.empty(n_points)
    lcl = np.full(n_points, np.nan)
    ucl = np.full(n_points, np.nan)
    sigmas: list[float | None] = []
    secondary: list[SecondaryPoint] = []
    runs_by_phase: list[RunsAnalysis] = []
    for ph in sorted(set(phase.tolist())):
        apply_idx = np.flatnonzero(phase == ph)
        calib_idx = np.flatnonzero((phase == ph) & calib)
        _need_points(chart, calib_idx.size, ph, intervention is not None)
        limits = _limits(chart, y, n, subgroups, calib_idx, apply_idx)
        centers[apply_idx] = limits.center
        if limits.lcl is not None and limits.ucl is not None:
            lcl[apply_idx] = limits.lcl
            ucl[apply_idx] = limits.ucl
        sigmas.append(limits.sigma)
        secondary.extend(
            _secondary(chart, y, subgroups, limits.sigma, periods, apply_idx, calib_idx)
        )
        runs_by_phase.append(runs_analysis(y[apply_idx].tolist(), centers[apply_idx].tolist()))

    points: list[SpcPoint] = []
    signal_idx: list[int] = []
    long_run_points = _long_run_points(y, centers, phase, runs_by_phase)
    for i in range(n_points):
        flags: list[str] = []
        has_limits = not math.isnan(lcl[i])
        if has_limits and (y[i] > ucl[i] or y[i] < lcl[i]):
            flags.append("outside limits")
            signal_idx.append(i + 1)
        if i in long_run_points:
            flags.append("unusually long run")
        points.append(
            SpcPoint(
                period=periods[i],
                value=float(y[i]),
                center=float(centers[i]),
                lcl=float(lcl[i]) if has_limits else None,
                ucl=float(ucl[i]) if has_limits else None,
                phase=int(phase[i]) + 1,
                baseline=bool(calib[i]),
                n=float(n[i]) if n is not None else None,
                signals=tuple(flags),
            )
        )
    runs = runs_by_phase[-1]
    sentence = _sentence(chart, label, points, signal_idx, runs, len(runs_by_phase))
    secondary_name = {"xbar-r": "R", "xbar-s": "S", "i": "MR"}.get(chart)
    return SpcResult(
        chart=chart,
        points=tuple(points),
        signals=tuple(signal_idx),
        runs=runs,
        runs_by_phase=tuple(runs_by_phase),
        sigma_by_phase=tuple(sigmas),
        sentence=sentence,
        secondary_name=secondary_name,
        secondary=tuple(secondary),
    )


def _need_points(chart: str, count: int, phase: int, split: bool) -> None:
    if count >= MIN_CALIBRATION_POINTS:
        return
    where = ("after the intervention" if phase else "before the intervention") if split else ""
    raise StatsInputError(
        f"a {_CHART_NAMES[chart]} needs at least {MIN_CALIBRATION_POINTS} points to set its "
        f"{'centre line' if chart == 'run' else 'limits'}"
        f"{' ' + where if where else ''}; there are {count} (20 to 25 are recommended)"
    )


def _plotted(
    chart: str,
    values: Sequence[float] | None,
    denominators: Sequence[float] | None,
    subgroups: Sequence[Sequence[float]] | None,
    n_points: int,
) -> tuple[FloatArray, FloatArray | None]:
    """The plotted statistic per point and the point's size (trials, units or subgroup n)."""
    if chart in {"xbar-r", "xbar-s"}:
        if subgroups is None or len(subgroups) != n_points:
            raise StatsInputError(
                f"a {_CHART_NAMES[chart]} needs one subgroup of values per period"
            )
        sizes = np.array([len(g) for g in subgroups], dtype=float)
        if sizes.min() < 2:
            bad = int(np.argmin(sizes))
            raise StatsInputError(
                f"a {_CHART_NAMES[chart]} needs at least 2 values per period; point {bad + 1} "
                f"has {int(sizes[bad])} (use --chart i for one value per period)"
            )
        means = np.array([float(np.mean(g)) for g in subgroups])
        return means, sizes
    if values is None or len(values) != n_points:
        raise StatsInputError("the chart needs an --outcome value for every period")
    x = np.asarray(values, dtype=float)
    if chart in {"run", "i"}:
        return x, None
    if chart == "c":
        _non_negative(x)
        return x, None
    if denominators is None:
        raise StatsInputError(
            f"a {_CHART_NAMES[chart]} needs --denominator "
            f"({'inspection units' if chart == 'u' else 'number of trials'} per period)"
        )
    n = np.asarray(denominators, dtype=float)
    if np.any(n <= 0):
        bad = int(np.argmax(n <= 0))
        raise StatsInputError(
            f"point {bad + 1} has a denominator of {n[bad]:g}; every denominator must be above 0"
        )
    _non_negative(x)
    if chart in {"p", "pprime", "np"}:
        if np.any(x > n):
            bad = int(np.argmax(x > n))
            raise StatsInputError(
                f"point {bad + 1} has {x[bad]:g} events out of {n[bad]:g} trials; events "
                "cannot exceed trials"
            )
        return (x if chart == "np" else x / n), n
    return x / n, n  # u chart


def _non_negative(x: FloatArray) -> None:
    if np.any(x < 0):
        bad = int(np.argmax(x < 0))
        raise StatsInputError(f"point {bad + 1} has a negative count ({x[bad]:g})")


def _limits(
    chart: str,
    y: FloatArray,
    n: FloatArray | None,
    subgroups: Sequence[Sequence[float]] | None,
    calib: npt.NDArray[np.intp],
    apply: npt.NDArray[np.intp],
) -> _Limits:
    ones = np.ones(apply.size)
    if chart == "run":
        return _Limits(ones * float(np.median(y[calib])), None, None, None)
    if chart == "i":
        center = float(np.mean(y[calib]))
        sigma = float(np.mean(np.abs(np.diff(y[calib])))) / d2(2)
        return _Limits(
            ones * center, ones * (center - 3 * sigma), ones * (center + 3 * sigma), sigma
        )
    if chart == "c":
        cbar = float(np.mean(y[calib]))
        sigma = math.sqrt(cbar)
        return _Limits(
            ones * cbar, ones * max(0.0, cbar - 3 * sigma), ones * (cbar + 3 * sigma), sigma
        )
    assert n is not None
    if chart in {"p", "pprime", "np"}:
        events = y[calib] * (1 if chart == "np" else n[calib])
        pbar = float(events.sum() / n[calib].sum())
        sd = np.sqrt(pbar * (1 - pbar) / n[apply])
        sigma_z: float = 1.0
        if chart == "pprime" and 0 < pbar < 1:
            z = (y[calib] - pbar) / np.sqrt(pbar * (1 - pbar) / n[calib])
            sigma_z = float(np.mean(np.abs(np.diff(z)))) / d2(2)
        if chart == "np":
            np_center = n[apply] * pbar
            np_spread = 3 * n[apply] * sd
            return _Limits(
                np_center,
                np.maximum(0.0, np_center - np_spread),
                np.minimum(n[apply], np_center + np_spread),
                None,
            )
        spread = 3 * sd * sigma_z
        return _Limits(
            ones * pbar,
            np.maximum(0.0, pbar - spread),
            np.minimum(1.0, pbar + spread),
            sigma_z if chart == "pprime" else None,
        )
    if chart == "u":
        ubar = float((y[calib] * n[calib]).sum() / n[calib].sum())
        spread = 3 * np.sqrt(ubar / n[apply])
        return _Limits(ones * ubar, np.maximum(0.0, ubar - spread), ubar + spread, None)
    # X̄ charts
    assert subgroups is not None
    sizes = n.astype(int)
    center = float((y[calib] * n[calib]).sum() / n[calib].sum())
    sigma = _subgroup_sigma(chart, subgroups, sizes, calib)
    spread = 3 * sigma / np.sqrt(n[apply])
    return _Limits(ones * center, center - spread, center + spread, sigma)


def _subgroup_sigma(
    chart: str,
    subgroups: Sequence[Sequence[float]],
    sizes: npt.NDArray[np.int_],
    calib: npt.NDArray[np.intp],
) -> float:
    parts: list[float] = []
    for j in calib:
        g = np.asarray(subgroups[j], dtype=float)
        k = int(sizes[j])
        if chart == "xbar-r":
            parts.append(float(g.max() - g.min()) / d2(k))
        else:
            parts.append(float(np.std(g, ddof=1)) / c4(k))
    return float(np.mean(parts))


def _secondary(
    chart: str,
    y: FloatArray,
    subgroups: Sequence[Sequence[float]] | None,
    sigma: float | None,
    periods: Sequence[str],
    apply: npt.NDArray[np.intp],
    calib: npt.NDArray[np.intp],
) -> list[SecondaryPoint]:
    out: list[SecondaryPoint] = []
    if chart == "i":
        mr_bar = float(np.mean(np.abs(np.diff(y[calib]))))
        d4 = 1 + 3 * d3(2) / d2(2)
        for pos, i in enumerate(apply):
            value = None if pos == 0 else float(abs(y[i] - y[apply[pos - 1]]))
            out.append(SecondaryPoint(periods[i], value, mr_bar, 0.0, d4 * mr_bar))
        return out
    if chart in {"xbar-r", "xbar-s"} and subgroups is not None and sigma is not None:
        for i in apply:
            g = np.asarray(subgroups[i], dtype=float)
            k = g.size
            if chart == "xbar-r":
                center = d2(k) * sigma
                spread = 3 * d3(k) * sigma
                value = float(g.max() - g.min())
            else:
                center = c4(k) * sigma
                spread = 3 * sigma * math.sqrt(1 - c4(k) ** 2)
                value = float(np.std(g, ddof=1))
            out.append(
                SecondaryPoint(
                    periods[i], value, center, max(0.0, center - spread), center + spread
                )
            )
    return out


def _long_run_points(
    y: FloatArray, centers: FloatArray, phase: npt.NDArray[np.int_], runs: Sequence[RunsAnalysis]
) -> set[int]:
    """Indices of points in a run longer than its phase's limit."""
    flagged: set[int] = set()
    for ph, analysis in enumerate(runs):
        idx = [int(i) for i in np.flatnonzero(phase == ph) if y[i] != centers[i]]
        if analysis.longest_run <= analysis.longest_run_max:
            continue
        current: list[int] = []
        last = 0
        for i in idx:
            side = 1 if y[i] > centers[i] else -1
            if side != last:
                if len(current) > analysis.longest_run_max:
                    flagged.update(current)
                current = []
                last = side
            current.append(i)
        if len(current) > analysis.longest_run_max:
            flagged.update(current)
    return flagged


def _sentence(
    chart: str,
    label: str,
    points: Sequence[SpcPoint],
    signals: Sequence[int],
    runs: RunsAnalysis,
    phases: int,
) -> str:
    name = _CHART_NAMES[chart]
    last = points[-1]
    centre = num(last.center, 3)
    phase_note = " after the intervention" if phases > 1 else ""
    if chart == "run":
        body = f"{label}: {name} of {len(points)} points, median{phase_note} {centre}. "
    else:
        body = (
            f"{label}: {name} of {len(points)} points, centre line{phase_note} {centre}"
            f" (limits {num(last.lcl or 0.0, 3)} to {num(last.ucl or 0.0, 3)}). "
        )
    if signals:
        shown = ", ".join(points[i - 1].period for i in signals[:5])
        more = f" and {len(signals) - 5} more" if len(signals) > 5 else ""
        body += f"{len(signals)} point(s) fall outside the limits ({shown}{more}). "
    elif chart != "run":
        body += "No point falls outside the limits. "
    if runs.signal:
        body += (
            f"The runs analysis signals non-random variation (longest run {runs.longest_run}, "
            f"limit {runs.longest_run_max}; {runs.crossings} crossings, minimum {runs.crossings_min})."
        )
    else:
        body += (
            f"The runs analysis finds no sign of non-random variation (longest run "
            f"{runs.longest_run}, limit {runs.longest_run_max}; {runs.crossings} crossings, "
            f"minimum {runs.crossings_min})."
        )
    return body
