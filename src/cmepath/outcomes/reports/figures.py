"""Plotly figures of a report: plain dicts that plotly.js draws from JSON, one per chart,
drawn from the chart data ``build.py`` keeps in ``Report.charts``."""

from __future__ import annotations

from typing import Any

_LAYOUT = {
    "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
    "hovermode": "x unified",
    "legend": {"orientation": "h", "y": -0.2},
}


def _y_axis(kind: str) -> dict[str, Any]:
    return {"tickformat": ".0%"} if kind == "proportion" else {"title": {"text": "days"}}


def _vline(x: str) -> dict[str, Any]:
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"dash": "dash", "width": 1},
    }


def spc_figure(data: dict[str, Any], kind: str) -> dict[str, Any]:
    x = data["periods"]
    layout: dict[str, Any] = {**_LAYOUT, "title": {"text": data["title"]}, "yaxis": _y_axis(kind)}
    if data["intervention"] is not None:
        layout["shapes"] = [_vline(x[data["intervention"]])]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "observed",
                "x": x,
                "y": data["observed"],
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "centre",
                "x": x,
                "y": data["center"],
                "line": {"dash": "solid", "width": 1},
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "UCL",
                "x": x,
                "y": data["ucl"],
                "line": {"dash": "dash", "width": 1},
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "LCL",
                "x": x,
                "y": data["lcl"],
                "line": {"dash": "dash", "width": 1},
            },
            {
                "type": "scatter",
                "mode": "markers",
                "name": "signal",
                "x": [x[i] for i in data["signals"]],
                "y": [data["observed"][i] for i in data["signals"]],
                "marker": {"size": 10, "symbol": "circle-open", "color": "#c0392b"},
            },
        ],
        "layout": layout,
    }


def its_figure(data: dict[str, Any], kind: str) -> dict[str, Any]:
    periods = data["periods"]
    counter = [
        (p, v) for p, v in zip(periods, data["counterfactual"], strict=True) if v is not None
    ]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "markers",
                "name": "observed",
                "x": periods,
                "y": data["observed"],
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "fitted",
                "x": periods,
                "y": data["fitted"],
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "counterfactual (no intervention)",
                "x": [p for p, _ in counter],
                "y": [v for _, v in counter],
                "line": {"dash": "dot"},
            },
        ],
        "layout": {
            **_LAYOUT,
            "title": {"text": data["title"]},
            "yaxis": _y_axis(kind),
            "shapes": [_vline(periods[data["intervention"]])],
        },
    }


def forest_figure(data: dict[str, Any], kind: str) -> dict[str, Any]:
    rows = data["rows"]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "markers",
                "name": "difference (post - pre)",
                "x": [r["estimate"] for r in rows],
                "y": [r["unit"] for r in rows],
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": [(r["ci"][1] - r["estimate"]) if r["ci"] else 0 for r in rows],
                    "arrayminus": [(r["estimate"] - r["ci"][0]) if r["ci"] else 0 for r in rows],
                },
            }
        ],
        "layout": {
            **_LAYOUT,
            "hovermode": "closest",
            "title": {"text": data["title"]},
            "xaxis": {"title": {"text": data["axis"]}, "zeroline": True},
            "height": max(300, 22 * len(rows) + 120),
        },
    }
