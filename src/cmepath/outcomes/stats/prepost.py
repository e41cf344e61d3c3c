"""Pre/post comparisons: proportions (difference and ratio) and means.

- Difference of proportions: Newcombe's hybrid score interval (Newcombe 1998, method 10,
  built from Wilson intervals), through ``statsmodels`` (``method="newcomb"``).
- Ratio of proportions: Koopman's asymptotic score interval (statsmodels
  ``method="score"``, the same as R ``PropCIs::riskscoreci``).
- Difference of means: Welch's unequal-variance t interval (scipy).
- Cluster-aware versions (when the data say which unit, e.g. clinic or clinician, each
  row belongs to): the same estimands from a regression on a post indicator with
  cluster-robust (CR1) standard errors by unit and t(G-1) intervals. Proportions use
  weighted least squares (difference) and Poisson with a log-denominator offset (ratio,
  Zou 2004); means use ordinary least squares.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

from cmepath.outcomes.stats.common import Z95, Estimate, clean, num, pct
from cmepath.outcomes.stats.errors import StatsInputError

MIN_CLUSTERS = 2
FEW_CLUSTERS = 20


@dataclass(frozen=True)
class PrePostResult:
    """Result of a pre/post comparison.

    ``ratio`` holds the ratio post/pre with ``se`` on the log scale.
    ``clusters`` is the number of units when a cluster-aware method was used.
    """

    kind: Literal["proportion", "mean"]
    method: str
    pre: float
    post: float
    n_pre: int
    n_post: int
    difference: Estimate
    ratio: Estimate | None
    sentence: str
    clusters: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "prepost",
            "kind": self.kind,
            "estimator": self.method,
            "pre": clean(self.pre),
            "post": clean(self.post),
            "n_pre": self.n_pre,
            "n_post": self.n_post,
            "difference": self.difference.to_dict(),
            "ratio": self.ratio.to_dict() if self.ratio else None,
            "clusters": self.clusters,
            "notes": list(self.notes),
            "sentence": self.sentence,
        }


def wilson_interval(x: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for one proportion (Wilson 1927; Newcombe 1998a, method 3)."""
    if n <= 0:
        raise StatsInputError("a proportion needs a denominator of at least 1")
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def compare_proportions(
    *, x_pre: int, n_pre: int, x_post: int, n_post: int, label: str = "The proportion"
) -> PrePostResult:
    """Difference (Newcombe) and ratio (Koopman score) of two independent proportions."""
    _check_counts(x_pre, n_pre, "pre")
    _check_counts(x_post, n_post, "post")
    p_pre, p_post = x_pre / n_pre, x_post / n_post
    diff = p_post - p_pre
    lo, hi = confint_proportions_2indep(
        x_post, n_post, x_pre, n_pre, compare="diff", method="newcomb"
    )
    se_diff = math.sqrt(p_pre * (1 - p_pre) / n_pre + p_post * (1 - p_post) / n_post)
    difference = Estimate(diff, se_diff, (float(lo), float(hi)))
    ratio = _ratio(x_pre, n_pre, x_post, n_post)
    sentence = _proportion_sentence(label, p_pre, p_post, difference)
    return PrePostResult(
        "proportion",
        "Newcombe hybrid score (difference); Koopman score (ratio)",
        p_pre,
        p_post,
        n_pre,
        n_post,
        difference,
        ratio,
        sentence,
    )


def _ratio(x_pre: int, n_pre: int, x_post: int, n_post: int) -> Estimate | None:
    if x_pre == 0:
        return None  # the ratio is infinite or undefined
    ratio = (x_post / n_post) / (x_pre / n_pre)
    se = math.nan if x_post == 0 else math.sqrt(1 / x_post - 1 / n_post + 1 / x_pre - 1 / n_pre)
    lo, hi = confint_proportions_2indep(
        x_post, n_post, x_pre, n_pre, compare="ratio", method="score", correction=False
    )
    return Estimate(ratio, se, (float(lo), float(hi)))


def compare_means(
    pre: Sequence[float], post: Sequence[float], *, label: str = "The mean"
) -> PrePostResult:
    """Difference of means with Welch's t interval."""
    a = np.asarray(pre, dtype=float)
    b = np.asarray(post, dtype=float)
    for name, arr in (("pre", a), ("post", b)):
        if arr.size < 2:
            raise StatsInputError(
                f"a difference of means needs at least 2 values in each period; the {name} "
                f"period has {arr.size}"
            )
    if float(np.var(a, ddof=1)) == 0 and float(np.var(b, ddof=1)) == 0:
        raise StatsInputError("all values are identical within each period; no variance to test")
    res = stats.ttest_ind(b, a, equal_var=False)
    ci = res.confidence_interval(0.95)
    diff = float(b.mean() - a.mean())
    se = math.sqrt(float(np.var(a, ddof=1)) / a.size + float(np.var(b, ddof=1)) / b.size)
    difference = Estimate(diff, se, (float(ci.low), float(ci.high)))
    ratio = None
    sentence = _mean_sentence(label, float(a.mean()), float(b.mean()), difference)
    return PrePostResult(
        "mean",
        "Welch t",
        float(a.mean()),
        float(b.mean()),
        int(a.size),
        int(b.size),
        difference,
        ratio,
        sentence,
    )


def compare_proportions_clustered(
    *,
    numerators: Sequence[float],
    denominators: Sequence[float],
    post: Sequence[bool],
    units: Sequence[str],
    label: str = "The proportion",
) -> PrePostResult:
    """Pooled proportions pre vs post with CR1 standard errors by unit."""
    x = np.asarray(numerators, dtype=float)
    n = np.asarray(denominators, dtype=float)
    d = np.asarray(post, dtype=float)
    if np.any(n <= 0):
        bad = int(np.argmax(n <= 0))
        raise StatsInputError(f"row {bad + 2}: denominator is {n[bad]:g}; it must be at least 1")
    if np.any((x < 0) | (x > n)):
        bad = int(np.argmax((x < 0) | (x > n)))
        raise StatsInputError(
            f"row {bad + 2}: numerator {x[bad]:g} is outside 0..denominator {n[bad]:g}"
        )
    groups, n_groups = _groups(units)
    _check_split(d)
    x_pre, n_pre = float(x[d == 0].sum()), float(n[d == 0].sum())
    x_post, n_post = float(x[d == 1].sum()), float(n[d == 1].sum())
    p_pre, p_post = x_pre / n_pre, x_post / n_post
    exog = sm.add_constant(d, has_constant="add")
    wls = sm.WLS(x / n, exog, weights=n).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, use_t=True
    )
    difference = _coef(wls, 1)
    ratio: Estimate | None = None
    if x_pre > 0 and x_post > 0:
        glm = sm.GLM(x, exog, family=sm.families.Poisson(), offset=np.log(n)).fit(
            cov_type="cluster", cov_kwds={"groups": groups}, use_t=True
        )
        log_ratio = _coef(glm, 1)
        ratio = Estimate(
            math.exp(log_ratio.estimate),
            log_ratio.se,
            (math.exp(log_ratio.ci[0]), math.exp(log_ratio.ci[1])),
        )
    sentence = _proportion_sentence(label, p_pre, p_post, difference)
    return PrePostResult(
        "proportion",
        f"cluster-robust (CR1) by unit, {n_groups} units",
        p_pre,
        p_post,
        int(n_pre),
        int(n_post),
        difference,
        ratio,
        sentence,
        clusters=n_groups,
        notes=_cluster_notes(n_groups),
    )


def compare_means_clustered(
    *, values: Sequence[float], post: Sequence[bool], units: Sequence[str], label: str = "The mean"
) -> PrePostResult:
    """Difference of means with CR1 standard errors by unit."""
    y = np.asarray(values, dtype=float)
    d = np.asarray(post, dtype=float)
    groups, n_groups = _groups(units)
    _check_split(d)
    exog = sm.add_constant(d, has_constant="add")
    ols = sm.OLS(y, exog).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    difference = _coef(ols, 1)
    pre_mean, post_mean = float(y[d == 0].mean()), float(y[d == 1].mean())
    sentence = _mean_sentence(label, pre_mean, post_mean, difference)
    return PrePostResult(
        "mean",
        f"cluster-robust (CR1) by unit, {n_groups} units",
        pre_mean,
        post_mean,
        int((d == 0).sum()),
        int((d == 1).sum()),
        difference,
        None,
        sentence,
        clusters=n_groups,
        notes=_cluster_notes(n_groups),
    )


def _coef(fit: Any, index: int) -> Estimate:
    params = np.asarray(fit.params, dtype=float)
    bse = np.asarray(fit.bse, dtype=float)
    ci = np.asarray(fit.conf_int(0.05), dtype=float)
    return Estimate(
        float(params[index]), float(bse[index]), (float(ci[index, 0]), float(ci[index, 1]))
    )


def _groups(units: Sequence[str]) -> tuple[np.ndarray[Any, np.dtype[np.int64]], int]:
    labels = [str(u).strip() for u in units]
    if any(not u for u in labels):
        raise StatsInputError("every row needs a unit id when --unit is given")
    codes = {u: i for i, u in enumerate(dict.fromkeys(labels))}
    if len(codes) < MIN_CLUSTERS:
        raise StatsInputError(
            f"cluster-robust errors need at least {MIN_CLUSTERS} units; the data have {len(codes)}"
        )
    return np.array([codes[u] for u in labels], dtype=np.int64), len(codes)


def _check_split(d: np.ndarray[Any, np.dtype[np.float64]]) -> None:
    if not (d == 0).any() or not (d == 1).any():
        raise StatsInputError(
            "the comparison needs rows before and after the intervention; check --intervention"
        )


def _check_counts(x: int, n: int, name: str) -> None:
    if n <= 0:
        raise StatsInputError(f"the {name} period has a denominator of {n}; it must be at least 1")
    if not 0 <= x <= n:
        raise StatsInputError(f"the {name} period has {x} events out of {n}; need 0 <= events <= n")


def _cluster_notes(n_groups: int) -> tuple[str, ...]:
    if n_groups < FEW_CLUSTERS:
        return (
            f"only {n_groups} units: cluster-robust standard errors are imprecise with fewer "
            f"than {FEW_CLUSTERS} clusters; read the interval with care",
        )
    return ()


def _direction(diff: float, lo: float, hi: float) -> str:
    if lo > 0:
        return "rose"
    if hi < 0:
        return "fell"
    return "rose" if diff > 0 else "fell" if diff < 0 else "did not change"


def _proportion_sentence(label: str, p_pre: float, p_post: float, d: Estimate) -> str:
    verb = _direction(d.estimate, *d.ci)
    tail = "" if d.ci[0] > 0 or d.ci[1] < 0 else "; the interval includes no change"
    return (
        f"{label} {verb} from {pct(p_pre)} to {pct(p_post)} (difference "
        f"{100 * d.estimate:.1f} points, 95% CI {100 * d.ci[0]:.1f} to {100 * d.ci[1]:.1f}"
        f"{tail})."
    )


def _mean_sentence(label: str, pre: float, post: float, d: Estimate) -> str:
    verb = _direction(d.estimate, *d.ci)
    tail = "" if d.ci[0] > 0 or d.ci[1] < 0 else "; the interval includes no change"
    return (
        f"{label} {verb} from {num(pre)} to {num(post)} (difference {num(d.estimate)}, "
        f"95% CI {num(d.ci[0])} to {num(d.ci[1])}{tail})."
    )
