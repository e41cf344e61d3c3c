"""Rewrite the figures tables in docs/performance.md from bench/results/*.json.

    python bench/report.py            # rewrite the tables between the markers
    python bench/report.py --print    # print them instead

Reads every result file: the harness format (``bench/harness.py``), the older
per-script formats (``search_*.json``, ``credits_engine.json``), pytest-benchmark's
``--benchmark-json`` output, and the load test's ``load.json``. Only the text between
``<!-- bench:results:start -->``/``end`` and ``<!-- bench:load:start -->``/``end`` changes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
DOC = ROOT.parent / "docs" / "performance.md"
MARKERS = {
    "results": ("<!-- bench:results:start -->", "<!-- bench:results:end -->"),
    "load": ("<!-- bench:load:start -->", "<!-- bench:load:end -->"),
}


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return (
            f"{value:.{digits}g}"
            if abs(value) < 1
            else f"{value:.{digits}f}".rstrip("0").rstrip(".")
        )
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _machine(m: Any) -> str:
    if isinstance(m, dict):
        return f"{m.get('cpu_count', '?')} cores, Python {m.get('python', '?')}"
    return str(m or "-")


def _rows_from(path: Path, data: dict[str, Any]) -> list[dict[str, Any]]:
    if "benchmarks" in data and isinstance(data["benchmarks"], list):  # pytest-benchmark
        return [
            {
                "name": b.get("fullname") or b.get("name"),
                "size": (b.get("extra_info") or {}).get("size"),
                "unit": "s",
                "median": b["stats"]["median"],
                "min": b["stats"]["min"],
                "max": b["stats"]["max"],
                "p95": None,
                "anchor": None,
                "ratio": None,
                "target": None,
                "machine": _machine(
                    {
                        "cpu_count": (data.get("machine_info") or {}).get("cpu", {}).get("count"),
                        "python": (data.get("machine_info") or {}).get("python_version"),
                    }
                ),
                "created_at": data.get("datetime"),
            }
            for b in data["benchmarks"]
        ]
    anchor = data.get("anchor") if isinstance(data.get("anchor"), dict) else None
    ratio = data.get("ratio")
    ratio_label = ""
    if ratio is None and data.get("ratio_p95") is not None:
        ratio, ratio_label = data["ratio_p95"], " (p95)"
    if ratio is None and anchor and anchor.get("median") and data.get("median"):
        ratio = round(data["median"] / anchor["median"], 3)
    return [
        {
            "name": data.get("name", path.stem)
            + ("" if path.stem == data.get("name") else f" ({path.stem})"),
            "size": data.get("size"),
            "unit": data.get("unit", "s"),
            "median": data.get("median"),
            "min": data.get("min"),
            "max": data.get("max"),
            "p95": data.get("p95"),
            "anchor": (
                f"{anchor.get('name', 'anchor')}: {_fmt(anchor.get('median'))}" if anchor else None
            ),
            "ratio": f"{_fmt(ratio)}{ratio_label}" if ratio is not None else None,
            "target": data.get("target"),
            "machine": _machine(data.get("machine")),
            "created_at": (data.get("created_at") or "")[:10] or None,
        }
    ]


def results_table(results_dir: Path = RESULTS) -> str:
    rows: list[dict[str, Any]] = []
    for path in sorted(results_dir.glob("*.json")):
        if path.name == "load.json":
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(data, dict):
            rows += _rows_from(path, data)
    if not rows:
        return "_No results yet: run `make bench`._"
    head = (
        "| benchmark | size | unit | median | min | max | p95 | anchor (median) | ratio | target | measured | machine |\n"
        "|---|---:|---|---:|---:|---:|---:|---|---:|---|---|---|"
    )
    lines = [head]
    for r in rows:
        lines.append(
            "| "
            + " | ".join(
                _fmt(v)
                for v in (
                    r["name"],
                    r["size"],
                    r["unit"],
                    r["median"],
                    r["min"],
                    r["max"],
                    r["p95"],
                    r["anchor"],
                    r["ratio"],
                    r["target"],
                    r["created_at"],
                    r["machine"],
                )
            )
            + " |"
        )
    return "\n".join(lines)


def _steps(steps: list[dict[str, Any]]) -> str:
    """``rate→p95 N ms`` per step; the last names what stopped the search and, when measured,
    locust's share of a core (near 1: the load generator set the pace)."""
    parts = []
    for s in steps:
        part = f"{_fmt(s['target_rps'])}→p95 {_fmt(s['p95'])} ms"
        if s.get("stopped_by"):
            share = s.get("driver_cpu_share")
            part += f" (stopped: {s['stopped_by']}" + (
                f"; locust at {_fmt(share)} of a core)" if share else ")"
            )
        parts.append(part)
    return ", ".join(parts)


def load_table(results_dir: Path = RESULTS) -> str:
    path = results_dir / "load.json"
    if not path.exists():
        return "_No load run yet: run `make load`._"
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for run in data.get("runs", []):
        inside = (
            f" ({_fmt(run['app_cpu_ms_per_request'])} ms of it inside Django)"
            if run.get("app_cpu_ms_per_request") is not None
            else ""
        )
        out.append(
            f"**{run['label']}**: target {run['target_rps']} req/s for {run['seconds']} s, "
            f"achieved {_fmt(run.get('achieved_rps'))} req/s, "
            f"{_fmt(run.get('cpu_ms_per_request'))} ms CPU per request (gunicorn workers){inside}, "
            f"{run.get('failures', 0)} errors.\n"
        )
        out.append(
            "| page type | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms | CPU ms in Django |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
        )
        for row in run.get("pages", []):
            out.append(
                "| "
                + " | ".join(
                    _fmt(v)
                    for v in (
                        row["name"],
                        row["requests"],
                        row["failures"],
                        row["rps"],
                        row["p50"],
                        row["p95"],
                        row["p99"],
                        row["max"],
                        row.get("app_cpu_ms"),
                    )
                )
                + " |"
            )
        out.append("")
    ratio = data.get("ratio_to_anchor") or {}
    if ratio:
        out.append(
            f"**Ratio to the anchor** (cmepath mix / minimal Django page, same gunicorn, same rate): "
            f"p50 {_fmt(ratio.get('p50'))}x, p95 {_fmt(ratio.get('p95'))}x, "
            f"CPU per request {_fmt(ratio.get('cpu_ms_per_request'))}x.\n"
        )
    ceiling = data.get("ceiling") or {}
    if ceiling:
        out.append(
            f"**Ceiling** (highest rate with p95 < {ceiling.get('p95_limit_ms')} ms and no errors): "
            f"**{_fmt(ceiling.get('rps'))} req/s** (steps: {_steps(ceiling.get('steps', []))}).\n"
        )
    anchor_ceiling = data.get("anchor_ceiling") or {}
    if anchor_ceiling:
        out.append(
            f"**Anchor ceiling** (the minimal templated page, same rule, same run): "
            f"**{_fmt(anchor_ceiling.get('rps'))} req/s** (steps: {_steps(anchor_ceiling.get('steps', []))}). "
            "cmepath's ceiling is "
            f"**{_fmt(data.get('ceiling_ratio_to_anchor'))}x** of it (aim: "
            f"{_fmt(data.get('ceiling_ratio_target'))}x).\n"
        )
    skipped = data.get("skipped") or []
    if skipped:
        out.append("Skipped page types: " + "; ".join(skipped) + ".\n")
    if data.get("note"):
        out.append(f"How: {data['note']}\n")
    out.append(
        f"Measured {str(data.get('created_at', ''))[:19]} UTC on {_machine(data.get('machine'))}, "
        f"{data.get('workers')} gunicorn workers, PostgreSQL {data.get('postgres', '?')}, "
        f"cache: {data.get('cache', 'per-process memory')}, "
        f"load average {((data.get('machine') or {}).get('loadavg') or ['?'])[0]} when written "
        "(locust and anything else running share the two cores)."
    )
    return "\n".join(out)


def rewrite(doc: Path = DOC) -> bool:
    text = doc.read_text(encoding="utf-8")
    new = text
    for key, table in (("results", results_table()), ("load", load_table())):
        start, end = MARKERS[key]
        if start not in new or end not in new:
            raise SystemExit(f"{doc.name} lacks the markers {start} ... {end}")
        before, rest = new.split(start, 1)
        _, after = rest.split(end, 1)
        new = f"{before}{start}\n{table}\n{end}{after}"
    if new != text:
        doc.write_text(new, encoding="utf-8")
    return new != text


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--print", action="store_true", help="print the tables, change nothing")
    args = parser.parse_args()
    if args.print:
        sys.stdout.write(results_table() + "\n\n" + load_table() + "\n")
        return
    changed = rewrite()
    print(f"{DOC.relative_to(ROOT.parent)}: {'updated' if changed else 'unchanged'}")


if __name__ == "__main__":
    main()
