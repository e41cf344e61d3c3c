"""Shared helpers for benchmarks: machine facts, summaries, one JSON result per benchmark.

    from harness import machine_facts, summarize, write_result
    write_result("search", size=200_000, samples=app_times, anchor_samples=raw_times,
                 anchor_name="raw tantivy-py", unit="s")

Every result file ``bench/results/<name>.json`` has the same core keys, which
``bench/report.py`` turns into the table in docs/performance.md: ``name``, ``size``,
``unit``, ``n``, ``median``, ``min``, ``max``, ``p95``, ``p99``, ``anchor`` (the same
summary for the anchor measured in the same run, or null), ``ratio`` (median / anchor
median), ``machine`` and ``created_at``. Extra keys are kept as they are.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def machine_facts() -> dict[str, Any]:
    """What the figures depend on: CPU, cores, memory, Python, OS, load when measured."""
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "loadavg": load,
    }


def _percentile(ordered: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (the value at or above p% of the samples)."""
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summarize(samples: Sequence[float], digits: int = 6) -> dict[str, Any]:
    """median, min, max, mean, p50, p95, p99 and n of a list of samples."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median": round(statistics.median(ordered), digits),
        "min": round(ordered[0], digits),
        "max": round(ordered[-1], digits),
        "mean": round(statistics.fmean(ordered), digits),
        "p50": round(_percentile(ordered, 50), digits),
        "p95": round(_percentile(ordered, 95), digits),
        "p99": round(_percentile(ordered, 99), digits),
    }


def write_result(
    name: str,
    size: int | str | None,
    samples: Sequence[float],
    anchor_samples: Sequence[float] | None = None,
    unit: str = "s",
    extra: dict[str, Any] | None = None,
    *,
    anchor_name: str | None = None,
    target: str | None = None,
    higher_is_better: bool = False,
) -> Path:
    """Write ``bench/results/<name>.json`` and return its path.

    ``ratio`` is median / anchor median (for rates, where higher is better, anchor / median),
    so a ratio above 1 always means "slower than the anchor".
    """
    stats = summarize(samples)
    anchor = None
    ratio = None
    if anchor_samples:
        anchor = {"name": anchor_name or "anchor", **summarize(anchor_samples)}
        if anchor["median"] and stats["median"]:
            ratio = (
                (anchor["median"] / stats["median"])
                if higher_is_better
                else (stats["median"] / anchor["median"])
            )
            ratio = round(ratio, 3)
    result = {
        "name": name,
        "size": size,
        "unit": unit,
        **stats,
        "anchor": anchor,
        "ratio": ratio,
        "higher_is_better": higher_is_better,
        "target": target,
        **(extra or {}),
        "machine": machine_facts(),
        "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":  # python bench/harness.py: print this machine's facts
    json.dump(machine_facts(), sys.stdout, indent=2)
    print()
