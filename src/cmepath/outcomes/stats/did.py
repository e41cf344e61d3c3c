"""Difference-in-differences.

Two estimators, both by least squares (statsmodels):

- **2x2**: ``y ~ treated + post + treated:post``. The coefficient on ``treated:post`` is
  (treated after - treated before) - (control after - control before). ``se`` is the
  conventional OLS standard error; ``se_cluster`` is cluster-robust (CR1, Stata's
  small-sample factor G/(G-1) * (N-1)/(N-K)) by unit, and the reported CI then uses
  t(G-1). Without units the CI uses the conventional standard error.
- **event time** (when there are more than two periods and unit ids): two-way fixed
  effects ``y ~ unit FE + period FE + sum_k treated x 1[event time = k]`` with the
  period before the intervention (k = -1) as reference, CR1 by unit. It shows the
  pre-trends (k < 0, should be near 0) and the effect by period since the intervention.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm

from cmepath.outcomes.stats.common import Estimate, clean, num
from cmepath.outcomes.stats.errors import StatsInputError

TREATED = {"treated", "treatment", "1", "true", "yes"}
CONTROL = {"control", "comparison", "0", "false", "no"}
MIN_UNITS_PER_GROUP = 2


@dataclass(frozen=True)
class EventTimeEstimate:
    event_time: int
    estimate: Estimate

    def to_dict(self) -> dict[str, Any]:
        return {"event_time": self.event_time, **self.estimate.to_dict()}


@dataclass(frozen=True)
class DidResult:
    estimate: float
    se: float
    se_cluster: float | None
    ci: tuple[float, float]
    n: int
    clusters: int | None
    cell_means: dict[str, float]
    sentence: str
    event_time: tuple[EventTimeEstimate, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "did",
            "estimate": clean(self.estimate),
            "se": clean(self.se),
            "se_cluster": clean(self.se_cluster),
            "ci": [clean(self.ci[0]), clean(self.ci[1])],
            "n": self.n,
            "clusters": self.clusters,
            "cell_means": {k: clean(v) for k, v in self.cell_means.items()},
            "event_time": [e.to_dict() for e in self.event_time],
            "notes": list(self.notes),
            "sentence": self.sentence,
        }


def parse_group(values: Sequence[str]) -> npt.NDArray[np.float64]:
    """``treated``/``control`` (or 1/0, true/false) to 1.0/0.0."""
    out = np.empty(len(values))
    for i, raw in enumerate(values):
        v = raw.strip().lower()
        if v in TREATED:
            out[i] = 1.0
        elif v in CONTROL:
            out[i] = 0.0
        else:
            raise StatsInputError(
                f"row {i + 2}: group {raw!r} is not 'treated' or 'control' (or 1/0)"
            )
    return out


def did_fit(
    *,
    outcome: Sequence[float],
    treated: Sequence[float],
    time: Sequence[int],
    intervention: int,
    units: Sequence[str] | None = None,
    label: str = "The outcome",
) -> DidResult:
    """Fit the 2x2 estimator (and the event-time model when possible).

    Rows with a missing outcome (NaN) are dropped.
    """
    y_all = np.asarray(outcome, dtype=float)
    g_all = np.asarray(treated, dtype=float)
    t_all = np.asarray(time, dtype=int)
    keep = np.isfinite(y_all)
    y, g, t = y_all[keep], g_all[keep], t_all[keep]
    u = None if units is None else [str(units[int(i)]).strip() for i in np.flatnonzero(keep)]
    post = (t >= intervention).astype(float)
    cells = {
        "control_pre": (g == 0) & (post == 0),
        "control_post": (g == 0) & (post == 1),
        "treated_pre": (g == 1) & (post == 0),
        "treated_post": (g == 1) & (post == 1),
    }
    for name, mask in cells.items():
        if mask.sum() == 0:
            raise StatsInputError(
                f"difference-in-differences needs rows in every group x period cell; "
                f"'{name.replace('_', ' ')}' has none (check --group and --intervention)"
            )
    means = {name: float(y[mask].mean()) for name, mask in cells.items()}
    exog = np.column_stack([np.ones_like(y), g, post, g * post])
    if np.linalg.matrix_rank(exog) < exog.shape[1]:
        raise StatsInputError("the design is degenerate; check the group and period columns")
    ols = sm.OLS(y, exog).fit()
    estimate = float(ols.params[3])
    se = float(ols.bse[3])
    se_cluster: float | None = None
    n_clusters: int | None = None
    notes: list[str] = []
    ci_arr = np.asarray(ols.conf_int(0.05), dtype=float)[3]
    ci = (float(ci_arr[0]), float(ci_arr[1]))
    event: tuple[EventTimeEstimate, ...] = ()
    if u is not None:
        codes, n_clusters = _codes(u, g)
        robust = sm.OLS(y, exog).fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
        se_cluster = float(robust.bse[3])
        ci_arr = np.asarray(robust.conf_int(0.05), dtype=float)[3]
        ci = (float(ci_arr[0]), float(ci_arr[1]))
        if n_clusters < 20:
            notes.append(
                f"only {n_clusters} units: cluster-robust errors are imprecise with fewer than 20"
            )
        if len(set(t.tolist())) > 2:
            event = _event_time(y, g, t, intervention, codes)
    sentence = _sentence(label, estimate, ci, se_cluster is not None)
    return DidResult(
        estimate=estimate,
        se=se,
        se_cluster=se_cluster,
        ci=ci,
        n=int(y.size),
        clusters=n_clusters,
        cell_means=means,
        sentence=sentence,
        event_time=event,
        notes=tuple(notes),
    )


def _codes(units: Sequence[str], g: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.int64], int]:
    if any(not x for x in units):
        raise StatsInputError("every row needs a unit id when --unit is given")
    index = {x: i for i, x in enumerate(dict.fromkeys(units))}
    codes = np.array([index[x] for x in units], dtype=np.int64)
    for value, name in ((1.0, "treated"), (0.0, "control")):
        count = len(set(codes[g == value].tolist()))
        if count < MIN_UNITS_PER_GROUP:
            raise StatsInputError(
                f"cluster-robust errors need at least {MIN_UNITS_PER_GROUP} {name} units; "
                f"there are {count}"
            )
    mixed = [x for x in index if len(set(g[codes == index[x]].tolist())) > 1]
    if mixed:
        raise StatsInputError(f"unit {mixed[0]!r} is in both groups; a unit must stay in one group")
    return codes, len(index)


def _event_time(
    y: npt.NDArray[np.float64],
    g: npt.NDArray[np.float64],
    t: npt.NDArray[np.int_],
    intervention: int,
    codes: npt.NDArray[np.int64],
) -> tuple[EventTimeEstimate, ...]:
    periods = sorted(set(t.tolist()))
    pre = [p for p in periods if p < intervention]
    if not pre:
        return ()
    reference = max(pre)
    event_times = [p - intervention for p in periods if p != reference]
    unit_ids = sorted(set(codes.tolist()))
    cols: list[npt.NDArray[np.float64]] = [np.ones_like(y)]
    cols += [(codes == uid).astype(float) for uid in unit_ids[1:]]
    cols += [(t == p).astype(float) for p in periods[1:]]
    event_cols = [g * (t == p).astype(float) for p in periods if p != reference]
    exog = np.column_stack(cols + event_cols)
    if np.linalg.matrix_rank(exog) < exog.shape[1]:
        return ()
    fit = sm.OLS(y, exog).fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
    first = len(cols)
    ci = np.asarray(fit.conf_int(0.05), dtype=float)
    out = []
    for j, k in enumerate(event_times):
        i = first + j
        out.append(
            EventTimeEstimate(
                k,
                Estimate(
                    float(fit.params[i]), float(fit.bse[i]), (float(ci[i, 0]), float(ci[i, 1]))
                ),
            )
        )
    return tuple(out)


def _sentence(label: str, estimate: float, ci: tuple[float, float], clustered: bool) -> str:
    direction = "more" if estimate >= 0 else "less"
    tail = "" if ci[0] > 0 or ci[1] < 0 else "; the interval includes no effect"
    errors = "cluster-robust errors by unit" if clustered else "conventional errors"
    return (
        f"{label} changed by {num(abs(estimate))} {direction} in the treated group than in the "
        f"control group (difference-in-differences {num(estimate)}, 95% CI {num(ci[0])} to "
        f"{num(ci[1])}{tail}; {errors})."
    )
