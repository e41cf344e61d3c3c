"""Interrupted time series: segmented regression.

Model (Lopez Bernal, Cummins & Gasparrini 2017):

    g(E[y_t]) = b0 + b1 * t + b2 * post_t + b3 * (t - t0) * post_t + seasonality [+ offset]

where ``post_t`` is 1 from the intervention on, ``t0`` is the last pre-intervention
period (so the slope term is 1 in the first post period) and seasonality is N sin/cos
pairs ``sin(2 pi k t / L), cos(2 pi k t / L)``, k = 1..N, for a period of length L
(R ``tsModel::harmonic``). ``--no-slope-change`` drops the b3 term.

Families:

- ``gaussian``: OLS with Newey-West (HAC) standard errors, Bartlett kernel, lag
  ``floor(4 (n / 100) ** (2 / 9))`` unless given;
- ``poisson``: Poisson GLM, log link, ``log(offset)`` as offset;
- ``quasipoisson``: the same with the dispersion estimated by Pearson chi2 / df
  (statsmodels ``scale="X2"``, as R's ``quasipoisson``).

Count models report rate ratios ``exp(b)`` with their intervals. Residual
autocorrelation is reported as the lag-1..k autocorrelation of the (Pearson for GLMs)
residuals and the Ljung-Box test.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np
import statsmodels.api as sm
from statsmodels.stats.diagnostic import acorr_ljungbox
from statsmodels.tools.sm_exceptions import PerfectSeparationError, PerfectSeparationWarning
from statsmodels.tsa.stattools import acf

from cmepath.outcomes.stats.common import Estimate, clean, num
from cmepath.outcomes.stats.errors import StatsInputError

Family = Literal["gaussian", "poisson", "quasipoisson"]
FAMILIES: tuple[str, ...] = get_args(Family)
MIN_POINTS_PER_SEGMENT = 3


@dataclass(frozen=True)
class ItsTerm:
    """One coefficient; ``ratio`` and ``ratio_ci`` are exp(estimate) for count models."""

    name: str
    estimate: Estimate
    ratio: float | None = None
    ratio_ci: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = self.estimate.to_dict()
        if self.ratio is not None and self.ratio_ci is not None:
            out["ratio"] = clean(self.ratio)
            out["ratio_ci"] = [clean(self.ratio_ci[0]), clean(self.ratio_ci[1])]
        return out


@dataclass(frozen=True)
class Autocorrelation:
    lags: tuple[float, ...]
    ljung_box_lag: int
    ljung_box_p: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "acf": [clean(v) for v in self.lags],
            "ljung_box_lag": self.ljung_box_lag,
            "ljung_box_p": clean(self.ljung_box_p),
        }


@dataclass(frozen=True)
class ItsResult:
    family: str
    terms: dict[str, ItsTerm]
    dispersion: float
    n: int
    n_pre: int
    n_post: int
    seasonality: int
    period_length: int
    autocorrelation: Autocorrelation
    sentence: str
    hac_lags: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "its",
            "family": self.family,
            "terms": {name: term.to_dict() for name, term in self.terms.items()},
            "dispersion": clean(self.dispersion),
            "n": self.n,
            "n_pre": self.n_pre,
            "n_post": self.n_post,
            "seasonality": self.seasonality,
            "period_length": self.period_length,
            "hac_lags": self.hac_lags,
            "autocorrelation": self.autocorrelation.to_dict(),
            "notes": list(self.notes),
            "sentence": self.sentence,
        }


def its_fit(
    *,
    time: Sequence[float],
    outcome: Sequence[float],
    intervention: float,
    family: str = "gaussian",
    offset: Sequence[float] | None = None,
    seasonality: int = 0,
    period_length: int = 12,
    slope_change: bool = True,
    hac_lags: int | None = None,
    label: str = "The outcome",
) -> ItsResult:
    """Fit the segmented regression. ``intervention`` is the time of the first post period."""
    if family not in FAMILIES:
        raise StatsInputError(f"unknown family {family!r}; choose one of {', '.join(FAMILIES)}")
    t = np.asarray(time, dtype=float)
    y = np.asarray(outcome, dtype=float)
    if t.size != y.size:
        raise StatsInputError("time and outcome must have the same length")
    if np.any(np.diff(t) <= 0):
        raise StatsInputError("periods must be strictly increasing with one row per period")
    post = (t >= intervention).astype(float)
    n_pre, n_post = int((post == 0).sum()), int((post == 1).sum())
    if n_pre < MIN_POINTS_PER_SEGMENT or n_post < MIN_POINTS_PER_SEGMENT:
        raise StatsInputError(
            f"interrupted time series needs at least {MIN_POINTS_PER_SEGMENT} periods before "
            f"and {MIN_POINTS_PER_SEGMENT} after the intervention (8 or more each are "
            f"recommended); there are {n_pre} before and {n_post} after"
        )
    if seasonality < 0 or (seasonality and period_length < 2):
        raise StatsInputError("--seasonality must be >= 0 and --period-length >= 2")
    if seasonality and 2 * seasonality >= period_length:
        raise StatsInputError(
            f"--seasonality {seasonality} needs a --period-length above {2 * seasonality}"
        )
    t0 = float(t[post == 0].max())
    columns = [np.ones_like(t), t, post]
    names = ["intercept", "trend", "level_change"]
    if slope_change:
        columns.append((t - t0) * post)
        names.append("slope_change")
    for k in range(1, seasonality + 1):
        columns.append(np.sin(2 * math.pi * k * t / period_length))
        columns.append(np.cos(2 * math.pi * k * t / period_length))
        names.extend([f"sin{k}", f"cos{k}"])
    exog = np.column_stack(columns)
    n_params = exog.shape[1]
    if t.size <= n_params + 1:
        raise StatsInputError(
            f"the model has {n_params} parameters and needs at least {n_params + 2} periods; "
            f"there are {t.size} (drop seasonality or add periods)"
        )
    notes: list[str] = []
    count_model = family != "gaussian"
    if count_model:
        _check_counts(y, post)
        log_offset = _log_offset(offset, y.size)
        fit, dispersion = _fit_glm(y, exog, log_offset, family)
        residuals = np.asarray(fit.resid_pearson, dtype=float)
        if family == "poisson" and dispersion > 1.5:
            notes.append(
                f"Pearson dispersion is {dispersion:.2f}: the counts vary more than Poisson "
                "allows; use --family quasipoisson"
            )
        lags_used: int | None = None
    else:
        if offset is not None:
            raise StatsInputError("--offset applies to count models (poisson, quasipoisson)")
        lags_used = hac_lags if hac_lags is not None else int(4 * (t.size / 100) ** (2 / 9))
        fit = sm.OLS(y, exog).fit(cov_type="HAC", cov_kwds={"maxlags": lags_used})
        dispersion = float(fit.scale)
        residuals = np.asarray(fit.resid, dtype=float)
    terms = _terms(fit, names, count_model, slope_change)
    auto = _autocorrelation(residuals)
    if auto.ljung_box_p < 0.05:
        notes.append(
            "residuals are autocorrelated (Ljung-Box p < 0.05); "
            + (
                "Newey-West errors allow for it"
                if not count_model
                else "standard errors may be too small"
            )
        )
    sentence = _sentence(label, terms, family, slope_change)
    return ItsResult(
        family=family,
        terms=terms,
        dispersion=dispersion,
        n=int(t.size),
        n_pre=n_pre,
        n_post=n_post,
        seasonality=seasonality,
        period_length=period_length,
        autocorrelation=auto,
        sentence=sentence,
        hac_lags=lags_used,
        notes=tuple(notes),
    )


def _check_counts(
    y: np.ndarray[Any, np.dtype[np.float64]], post: np.ndarray[Any, np.dtype[np.float64]]
) -> None:
    if np.any(y < 0) or np.any(y != np.round(y)):
        bad = int(np.argmax((y < 0) | (y != np.round(y))))
        raise StatsInputError(
            f"count models need whole non-negative counts; row {bad + 2} has {y[bad]:g} "
            "(use --family gaussian for other values)"
        )
    for name, mask in (("before", post == 0), ("after", post == 1)):
        if not np.any(y[mask] > 0):
            raise StatsInputError(
                f"every count {name} the intervention is 0, so the level change cannot be "
                "estimated (perfect separation); aggregate to longer periods or use a run chart"
            )


def _log_offset(
    offset: Sequence[float] | None, size: int
) -> np.ndarray[Any, np.dtype[np.float64]] | None:
    if offset is None:
        return None
    exposure = np.asarray(offset, dtype=float)
    if exposure.size != size:
        raise StatsInputError("the offset column must have a value for every period")
    if np.any(exposure <= 0):
        bad = int(np.argmax(exposure <= 0))
        raise StatsInputError(
            f"row {bad + 2}: offset (exposure) is {exposure[bad]:g}; it must be above 0"
        )
    return np.asarray(np.log(exposure), dtype=np.float64)


def _fit_glm(
    y: np.ndarray[Any, np.dtype[np.float64]],
    exog: np.ndarray[Any, np.dtype[np.float64]],
    log_offset: np.ndarray[Any, np.dtype[np.float64]] | None,
    family: str,
) -> tuple[Any, float]:
    model = sm.GLM(y, exog, family=sm.families.Poisson(), offset=log_offset)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        try:
            fit = model.fit(scale="X2" if family == "quasipoisson" else None)
        except (PerfectSeparationError, PerfectSeparationWarning):
            raise StatsInputError(
                "the model separates the data perfectly (some segment is all zeros); "
                "aggregate to longer periods or use a run chart"
            ) from None
    params = np.asarray(fit.params, dtype=float)
    if not np.all(np.isfinite(params)) or not np.all(np.isfinite(np.asarray(fit.bse, dtype=float))):
        raise StatsInputError(
            "the model did not converge (estimates are infinite); check the counts"
        )
    pearson = float(fit.pearson_chi2 / fit.df_resid)
    return fit, pearson


def _terms(
    fit: Any, names: Sequence[str], count_model: bool, slope_change: bool
) -> dict[str, ItsTerm]:
    params = np.asarray(fit.params, dtype=float)
    bse = np.asarray(fit.bse, dtype=float)
    ci = np.asarray(fit.conf_int(0.05), dtype=float)
    wanted = (
        ["level_change", "slope_change", "trend"] if slope_change else ["level_change", "trend"]
    )
    out: dict[str, ItsTerm] = {}
    for name in wanted:
        i = names.index(name)
        est = Estimate(float(params[i]), float(bse[i]), (float(ci[i, 0]), float(ci[i, 1])))
        if count_model:
            out[name] = ItsTerm(
                name, est, math.exp(est.estimate), (math.exp(est.ci[0]), math.exp(est.ci[1]))
            )
        else:
            out[name] = ItsTerm(name, est)
    return out


def _autocorrelation(residuals: np.ndarray[Any, np.dtype[np.float64]]) -> Autocorrelation:
    n = residuals.size
    max_lag = max(1, min(12, n // 4))
    values = acf(residuals, nlags=max_lag, fft=False)[1:]
    lb = acorr_ljungbox(residuals, lags=[max_lag], return_df=True)
    return Autocorrelation(tuple(float(v) for v in values), max_lag, float(lb["lb_pvalue"].iloc[0]))


def _sentence(label: str, terms: dict[str, ItsTerm], family: str, slope_change: bool) -> str:
    level = terms["level_change"]
    if level.ratio is not None and level.ratio_ci is not None:
        change = (level.ratio - 1) * 100
        text = (
            f"{label} changed by {change:+.1f}% at the intervention (rate ratio "
            f"{level.ratio:.3f}, 95% CI {level.ratio_ci[0]:.3f} to {level.ratio_ci[1]:.3f})"
        )
    else:
        est = level.estimate
        text = (
            f"{label} changed by {num(est.estimate)} at the intervention (95% CI "
            f"{num(est.ci[0])} to {num(est.ci[1])})"
        )
    if slope_change:
        slope = terms["slope_change"]
        if slope.ratio is not None and slope.ratio_ci is not None:
            text += (
                f"; the trend changed by a factor of {slope.ratio:.4f} per period (95% CI "
                f"{slope.ratio_ci[0]:.4f} to {slope.ratio_ci[1]:.4f})"
            )
        else:
            est = slope.estimate
            text += (
                f"; the trend changed by {num(est.estimate, 3)} per period (95% CI "
                f"{num(est.ci[0], 3)} to {num(est.ci[1], 3)})"
            )
    model = {
        "gaussian": "linear model with Newey-West errors",
        "poisson": "Poisson model",
        "quasipoisson": "quasi-Poisson model",
    }[family]
    return f"{text} ({model})."
