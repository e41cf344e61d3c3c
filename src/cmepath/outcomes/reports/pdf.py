"""The report's PDF export: the summary, the page's charts drawn with reportlab's graphics
from ``Report.charts`` (each with a title, axis labels and a text caption) and the
suppressed tables, laid out with the shared look of ``cmepath.core.pdf``.

reportlab (and so ``core.pdf``) is imported inside the functions that draw: importing the
reports package must not cost its ~100 ms import.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cmepath.outcomes.reports.build import Report
from cmepath.outcomes.reports.text import (
    clip,
    fmt_change,
    fmt_count,
    fmt_rate,
    forest_caption,
    its_caption,
    spc_caption,
)

_SUPPRESSION_NOTE = (
    "Counts from 1 to 10, and counts that would reveal them, are suppressed (CMS cell size "
    "suppression policy). Units with such a count in any period are not shown one by one and "
    "enter the estimates only as one combined group; a period whose counts stay small is left "
    "out of every total, rate, control limit and model, so that no result in this report, "
    "for any intervention date, gives a suppressed count back. Charts plot only the values "
    "the tables show."
)


def report_pdf(
    *,
    project_title: str,
    practice_gap: str,
    stages: list[tuple[str, str]],
    reports: Sequence[Report],
) -> bytes:
    """A PDF export: the summary, the charts of the page (drawn with reportlab's graphics
    from ``Report.charts``, each with a title, axis labels and a text caption) and the
    suppressed tables."""
    from reportlab.platypus import KeepTogether, Paragraph, Spacer

    from cmepath.core import pdf as kit

    esc = kit.escape
    styles = kit.stylesheet()
    story: list[Any] = [
        Paragraph(esc(project_title), styles["Title"]),
        Paragraph(f"<b>Practice gap.</b> {esc(practice_gap)}", styles["BodyText"]),
        Spacer(1, 8),
        kit.table([["Stage", "Status"], *stages]),
    ]
    for rep in reports:
        story += [Spacer(1, 12), Paragraph(esc(rep.title), styles["Heading2"])]
        if rep.sentence:
            story.append(Paragraph(esc(rep.sentence), styles["BodyText"]))
        for msg in rep.messages:
            story.append(Paragraph(esc(msg), styles["Italic"]))
        for title, drawing, text in _pdf_charts(rep):
            parts: list[Any] = [Paragraph(esc(title), styles["ChartTitle"])]
            if drawing is not None:
                parts.append(drawing)
            parts.append(Paragraph(esc(text), styles["Caption"]))
            story += [Spacer(1, 6), KeepTogether(parts)]
        if rep.units:
            rows = [["Unit", "Pre n", "Pre", "Post n", "Post"]]
            for u in rep.units:
                rows.append(
                    [
                        u["unit"],
                        fmt_count(u["pre_denominator"]),
                        fmt_rate(rep.kind, u["pre_rate"]),
                        fmt_count(u["post_denominator"]),
                        fmt_rate(rep.kind, u["post_rate"]),
                    ]
                )
            story += [Spacer(1, 6), kit.table(rows)]
        if rep.pooled:
            rows = [["Period", "Numerator", "Denominator", "Rate"]]
            for p in rep.pooled:
                rows.append(
                    [
                        p["period"],
                        fmt_count(p["numerator"]) if rep.kind == "proportion" else "",
                        fmt_count(p["denominator"]),
                        fmt_rate(rep.kind, p["rate"]),
                    ]
                )
            story += [Spacer(1, 6), kit.table(rows)]
    story += [Spacer(1, 12), Paragraph(_SUPPRESSION_NOTE, styles["Italic"])]
    return kit.render(story, title=project_title)


# --- charts: reportlab graphics drawn from ``Report.charts`` ---------------------------------

_OBSERVED, _FITTED, _LIMIT, _SIGNAL, _COUNTER = (
    "#1f77b4",
    "#ff7f0e",
    "#7f7f7f",
    "#c0392b",
    "#2ca02c",
)


@dataclass
class _Line:
    """One series of a line chart, aligned to the periods (``None`` is a gap)."""

    name: str
    values: list[float | None]
    color: str
    width: float = 1.0
    dash: tuple[float, float] | None = None
    line: bool = True
    marker: str | None = None  # "dot" or "ring"
    split_at: int | None = None  # start a new segment here (limits change at the intervention)


def _pdf_charts(rep: Report) -> list[tuple[str, Any, str]]:
    """(title, drawing or None, caption) for each chart the report has, in page order."""
    out: list[tuple[str, Any, str]] = []
    pct = rep.kind == "proportion"
    scale = 100.0 if pct else 1.0
    y_label = "Rate (%)" if pct else "Mean (days)"
    if spc_data := rep.charts.get("spc"):
        iv = spc_data["intervention"]
        sig = set(spc_data["signals"])
        lines = [
            _Line("UCL / LCL", _scaled(spc_data["ucl"], scale), _LIMIT, 0.8, (3, 2), split_at=iv),
            _Line("", _scaled(spc_data["lcl"], scale), _LIMIT, 0.8, (3, 2), split_at=iv),
            _Line("centre", _scaled(spc_data["center"], scale), _LIMIT, 1.0, split_at=iv),
            _Line("observed", _scaled(spc_data["observed"], scale), _OBSERVED, 1.2, marker="dot"),
            _Line(
                "signal",
                [
                    v if i in sig else None
                    for i, v in enumerate(_scaled(spc_data["observed"], scale))
                ],
                _SIGNAL,
                line=False,
                marker="ring",
            ),
        ]
        out.append(
            (
                spc_data["title"],
                _line_chart(spc_data["periods"], lines, y_label=y_label, intervention=iv),
                spc_caption(spc_data, rep.kind),
            )
        )
    if its_data := rep.charts.get("its"):
        iv = its_data["intervention"]
        lines = [
            _Line(
                "observed",
                _scaled(its_data["observed"], scale),
                _OBSERVED,
                line=False,
                marker="dot",
            ),
            _Line("fitted", _scaled(its_data["fitted"], scale), _FITTED, 1.4, split_at=iv),
            _Line(
                "counterfactual (no intervention)",
                _scaled(its_data["counterfactual"], scale),
                _COUNTER,
                1.2,
                (4, 3),
            ),
        ]
        out.append(
            (
                its_data["title"],
                _line_chart(its_data["periods"], lines, y_label=y_label, intervention=iv),
                its_caption(its_data, rep.kind),
            )
        )
    if forest_data := rep.charts.get("forest"):
        drawing = _forest_chart(forest_data, rep.kind) if forest_data["rows"] else None
        out.append((forest_data["title"], drawing, forest_caption(forest_data, rep.kind)))
    return out


def _scaled(values: Sequence[float | None], scale: float) -> list[float | None]:
    return [None if v is None or not math.isfinite(v) else v * scale for v in values]


def _nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (steps of 1, 2, 2.5 or 5 times a power of ten)."""
    if hi - lo < 1e-9:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / count
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * mag >= raw * (1 - 1e-9))
    start = math.floor(lo / step + 1e-9) * step
    stop = math.ceil(hi / step - 1e-9) * step
    return [start + k * step for k in range(int(round((stop - start) / step)) + 1)]


def _tick_text(value: float, ticks: list[float]) -> str:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    decimals = next((d for d in range(5) if abs(round(step, d) - step) < 1e-9 * max(1.0, step)), 4)
    return f"{value + 0.0:.{decimals}f}"


def _segments(values: list[float | None], split_at: int | None) -> list[list[tuple[int, float]]]:
    """Runs of consecutive values; a gap (``None``) or ``split_at`` starts a new run."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for i, v in enumerate(values):
        if v is None or i == split_at:
            if current:
                runs.append(current)
            current = []
        if v is not None:
            current.append((i, v))
    if current:
        runs.append(current)
    return runs


def _line_chart(
    periods: list[str], lines: list[_Line], *, y_label: str, intervention: int | None
) -> Any:
    from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, String
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from cmepath.core.pdf import CONTENT_WIDTH

    width, height = CONTENT_WIDTH, 220.0
    left, right, bottom, top = 46.0, 8.0, 34.0, 20.0
    pw, ph = width - left - right, height - bottom - top
    values = [v for ln in lines for v in ln.values if v is not None]
    ticks = _nice_ticks(min(values), max(values)) if values else [0.0, 1.0]
    y0, y1 = ticks[0], ticks[-1]
    n = max(len(periods), 1)

    def px(i: float) -> float:
        return left + (i + 0.5) * pw / n

    def py(v: float) -> float:
        return bottom + (v - y0) / (y1 - y0) * ph

    grey, light = colors.HexColor("#444444"), colors.HexColor("#e6e6e6")
    d = Drawing(width, height)
    for t in ticks:
        d.add(Line(left, py(t), left + pw, py(t), strokeColor=light, strokeWidth=0.5))
        d.add(
            String(
                left - 4,
                py(t) - 2.5,
                _tick_text(t, ticks),
                fontName="Helvetica",
                fontSize=7,
                fillColor=grey,
                textAnchor="end",
            )
        )
    d.add(Line(left, bottom, left + pw, bottom, strokeColor=grey, strokeWidth=0.6))
    d.add(Line(left, bottom, left, bottom + ph, strokeColor=grey, strokeWidth=0.6))
    every = max(1, math.ceil(n / max(1, int(pw // 34))))
    for i, p in enumerate(periods):
        d.add(Line(px(i), bottom, px(i), bottom - 2, strokeColor=grey, strokeWidth=0.5))
        if i % every == 0:
            d.add(
                String(
                    px(i),
                    bottom - 10,
                    p,
                    fontName="Helvetica",
                    fontSize=6.5,
                    fillColor=grey,
                    textAnchor="middle",
                )
            )
    d.add(String(left + pw / 2, 4, "Period", fontName="Helvetica", fontSize=8, textAnchor="middle"))
    label = Group(String(0, 0, y_label, fontName="Helvetica", fontSize=8, textAnchor="middle"))
    label.transform = (0, 1, -1, 0, 10, bottom + ph / 2)
    d.add(label)
    if intervention is not None and 0 <= intervention < len(periods):
        x = px(intervention)
        d.add(
            Line(
                x, bottom, x, bottom + ph, strokeColor=grey, strokeWidth=0.8, strokeDashArray=[2, 2]
            )
        )
        d.add(
            String(
                x + 2,
                bottom + ph - 8,
                f"intervention ({periods[intervention]})",
                fontName="Helvetica",
                fontSize=6.5,
                fillColor=grey,
            )
        )
    for ln in lines:
        color = colors.HexColor(ln.color)
        dash = list(ln.dash) if ln.dash else None
        for run in _segments(ln.values, ln.split_at):
            if ln.line and len(run) > 1:
                d.add(
                    PolyLine(
                        [c for i, v in run for c in (px(i), py(v))],
                        strokeColor=color,
                        strokeWidth=ln.width,
                        strokeDashArray=dash,
                    )
                )
            if ln.marker == "dot":
                for i, v in run:
                    d.add(
                        Circle(
                            px(i), py(v), 1.8, fillColor=color, strokeColor=color, strokeWidth=0.3
                        )
                    )
            elif ln.marker == "ring":
                for i, v in run:
                    d.add(
                        Circle(
                            px(i), py(v), 4.0, fillColor=None, strokeColor=color, strokeWidth=1.2
                        )
                    )
    # legend, above the plot
    x, y = left, height - 10
    for ln in lines:
        if not ln.name:
            continue
        color = colors.HexColor(ln.color)
        if ln.line:
            d.add(
                Line(
                    x,
                    y + 2.5,
                    x + 14,
                    y + 2.5,
                    strokeColor=color,
                    strokeWidth=ln.width,
                    strokeDashArray=list(ln.dash) if ln.dash else None,
                )
            )
        if ln.marker:
            d.add(
                Circle(
                    x + 7,
                    y + 2.5,
                    1.8 if ln.marker == "dot" else 3.5,
                    fillColor=color if ln.marker == "dot" else None,
                    strokeColor=color,
                )
            )
        d.add(String(x + 18, y, ln.name, fontName="Helvetica", fontSize=7))
        x += 28 + stringWidth(ln.name, "Helvetica", 7)
    return d


def _forest_chart(data: dict[str, Any], kind: str) -> Any:
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    from cmepath.core.pdf import CONTENT_WIDTH

    rows = data["rows"]
    row_h, top, bottom = 13.0, 18.0, 34.0
    label_w, text_w = 112.0, 118.0
    width = CONTENT_WIDTH
    height = top + bottom + row_h * len(rows)
    pw = width - label_w - text_w
    values = [0.0] + [r["estimate"] for r in rows] + [v for r in rows if r["ci"] for v in r["ci"]]
    ticks = _nice_ticks(min(values), max(values))
    x0, x1 = ticks[0], ticks[-1]

    def px(v: float) -> float:
        return label_w + (v - x0) / (x1 - x0) * pw

    grey, blue = colors.HexColor("#444444"), colors.HexColor(_OBSERVED)
    d = Drawing(width, height)
    d.add(
        String(
            label_w - 6,
            height - 11,
            "Unit",
            fontName="Helvetica-Bold",
            fontSize=7,
            textAnchor="end",
        )
    )
    d.add(
        String(
            label_w + pw + 8, height - 11, "Change (95% CI)", fontName="Helvetica-Bold", fontSize=7
        )
    )
    for k, r in enumerate(rows):
        y = height - top - (k + 0.5) * row_h
        d.add(
            String(
                label_w - 6,
                y - 2.5,
                clip(r["unit"], 24),
                fontName="Helvetica",
                fontSize=7,
                textAnchor="end",
            )
        )
        if r["ci"]:
            lo, hi = px(r["ci"][0]), px(r["ci"][1])
            d.add(Line(lo, y, hi, y, strokeColor=blue, strokeWidth=0.9))
            d.add(Line(lo, y - 2, lo, y + 2, strokeColor=blue, strokeWidth=0.9))
            d.add(Line(hi, y - 2, hi, y + 2, strokeColor=blue, strokeWidth=0.9))
        x = px(r["estimate"])
        d.add(Rect(x - 2.2, y - 2.2, 4.4, 4.4, fillColor=blue, strokeColor=blue))
        d.add(
            String(label_w + pw + 8, y - 2.5, fmt_change(r, kind), fontName="Helvetica", fontSize=7)
        )
    d.add(
        Line(
            px(0.0),
            bottom,
            px(0.0),
            height - top + 2,
            strokeColor=grey,
            strokeWidth=0.8,
            strokeDashArray=[3, 2],
        )
    )
    d.add(Line(label_w, bottom, label_w + pw, bottom, strokeColor=grey, strokeWidth=0.6))
    for t in ticks:
        d.add(Line(px(t), bottom, px(t), bottom - 2, strokeColor=grey, strokeWidth=0.5))
        d.add(
            String(
                px(t),
                bottom - 10,
                _tick_text(t, ticks),
                fontName="Helvetica",
                fontSize=7,
                fillColor=grey,
                textAnchor="middle",
            )
        )
    axis = (
        "Change, after minus before (percentage points)"
        if kind == "proportion"
        else "Change, after minus before"
    )
    d.add(String(label_w + pw / 2, 4, axis, fontName="Helvetica", fontSize=8, textAnchor="middle"))
    return d
