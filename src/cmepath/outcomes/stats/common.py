"""Small shared pieces: an estimate with its standard error and CI, number formatting."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

Z95 = 1.959963984540054  # scipy.stats.norm.ppf(0.975)


@dataclass(frozen=True)
class Estimate:
    """A point estimate, its standard error and a 95% confidence interval."""

    estimate: float
    se: float
    ci: tuple[float, float]

    def to_dict(self) -> dict[str, Any]:
        return {"estimate": clean(self.estimate), "se": clean(self.se), "ci": clean_pair(self.ci)}


def clean(value: float | None) -> float | None:
    """JSON-safe float: NaN and infinities become None."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def clean_pair(pair: tuple[float, float]) -> list[float | None]:
    return [clean(pair[0]), clean(pair[1])]


def pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def num(value: float, digits: int = 2) -> str:
    """Format a number for a sentence: fixed decimals, no exponent for usual magnitudes."""
    if not math.isfinite(value):
        return "n/a"
    if value != 0 and (abs(value) >= 1e6 or abs(value) < 10 ** (-digits)):
        return f"{value:.{digits + 1}g}"
    return f"{value:.{digits}f}"
