"""The words and numbers of a report as text: rates, counts and changes formatted for the
PDF's tables and charts, and the captions under its charts (drawn from ``Report.charts``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def fmt_rate(kind: str, value: float | None) -> str:
    if value is None:
        return "suppressed"
    return f"{value:.1%}" if kind == "proportion" else f"{value:.2f}"


def fmt_count(value: int | None) -> str:
    return "suppressed" if value is None else str(value)


def clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 3] + "..."


def _signed(value: float, decimals: int) -> str:
    return f"{round(value, decimals) + 0.0:+.{decimals}f}"  # + 0.0: no "-0.0"


def fmt_change(row: dict[str, Any], kind: str) -> str:
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
    return "n/a" if value is None else fmt_rate(kind, value)


def spc_caption(data: dict[str, Any], kind: str) -> str:
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
    return text + "." + (f" {data['withheld']}" if data.get("withheld") else "")


def its_caption(data: dict[str, Any], kind: str) -> str:
    periods, iv = data["periods"], data["intervention"]
    start = next(
        (p for p, v in zip(periods, data["counterfactual"], strict=True) if v is not None), None
    )
    if start is None:  # withheld: no model could be fitted on the periods that may be used
        hidden = sum(v is None for v in data["observed"])
        return f"Observed by period (dots); no fitted line. {data.get('withheld', '')}".strip() + (
            f" {_plural(hidden, 'suppressed period')} not plotted." if hidden else ""
        )
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


def forest_caption(data: dict[str, Any], kind: str) -> str:
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
