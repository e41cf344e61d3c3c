"""Benchmark FHIR NDJSON ingest (with reference resolution) against DuckDB's plain
``read_json`` to Parquet of the same files, in the same run.

    python bench/bench_fhir_ingest.py [--mb 200] [--repeat 3]
    python bench/bench_fhir_ingest.py --mb 1000          # the issue-5 size (1 GB)

The synthetic bulk export (one NDJSON file per resource type) is generated under
``bench/data/`` (git-ignored) and reused. Each contender runs in its own process so its
peak RSS (``resource.getrusage``) is its own. Target: at least half the anchor's MB/s,
peak memory under 2 GB. Writes ``bench/results/fhir_ingest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
MB_PER_CLINIC_MONTH = 1.6  # about 1.6 MB of NDJSON per order per clinic-month of volume

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
mode, folder, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
files = sorted(folder.glob("*.ndjson"))
import duckdb
from cmepath.outcomes.ingest.fhir import ingest_fhir  # imports are not part of the timing
t = time.perf_counter()
if mode == "ours":
    report = ingest_fhir(files, out, salt="ab" * 16)
    rows = report.rows_written
else:
    con = duckdb.connect()
    rows = 0
    for i, f in enumerate(files):
        con.execute(f"COPY (SELECT * FROM read_json('{f}', format = 'newline_delimited')) TO '{out}/{i}.parquet' (FORMAT parquet)")
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "rows": rows, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def generate(mb: int) -> Path:
    from cmepath.outcomes import synthetic

    folder = DATA / f"fhir_{mb}mb"
    if (folder / "MedicationRequest.ndjson").exists():
        return folder
    tmp = folder.with_suffix(".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    synthetic.write_fhir(tmp, per_clinic_month=mb / MB_PER_CLINIC_MONTH, identifier_share=10)
    tmp.rename(folder)
    return folder


def run(mode: str, folder: Path) -> dict[str, float]:
    out = DATA / f"out_{mode}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    args = [sys.executable, "-c", _CHILD, mode, str(folder), str(out), str(ROOT / "src")]
    proc = subprocess.run(  # noqa: S603 - our own interpreter and script
        args,
        capture_output=True,
        text=True,
        check=True,
    )
    shutil.rmtree(out, ignore_errors=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    t = time.perf_counter()
    folder = generate(args.mb)
    size_mb = sum(p.stat().st_size for p in folder.glob("*.ndjson")) / 1e6
    print(f"data: {folder.name} ({size_mb:.0f} MB, {time.perf_counter() - t:.1f} s)")
    results: dict[str, list[dict[str, float]]] = {"ours": [], "anchor": []}
    for _ in range(args.repeat):
        for mode in ("ours", "anchor"):
            results[mode].append(run(mode, folder))

    def summary(runs: list[dict[str, float]]) -> dict[str, float]:
        med = statistics.median(r["seconds"] for r in runs)
        return {
            "median": round(med, 3),
            "min": round(min(r["seconds"] for r in runs), 3),
            "mb_per_s": round(size_mb / med, 1),
            "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
        }

    ours, anchor = summary(results["ours"]), summary(results["anchor"])
    result = {
        "name": "fhir_ingest_with_reference_resolution",
        "size": round(size_mb, 1),
        "unit": "s",
        "runs": args.repeat,
        "median": ours["median"],
        "mb_per_s": ours["mb_per_s"],
        "peak_rss_mb": ours["peak_rss_mb"],
        "orders_written": int(results["ours"][0]["rows"]),
        "anchor": {
            "name": "DuckDB read_json -> Parquet of the same files (no resolution)",
            **anchor,
        },
        "ratio": round(ours["mb_per_s"] / anchor["mb_per_s"], 3),
        "target_ratio_min": 0.5,
        "target_peak_rss_mb_max": 2048,
        "load_average": os.getloadavg(),
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.mb == 200 else f"_{args.mb}mb"
    (RESULTS / f"fhir_ingest{suffix}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"ours   {ours['median']:.2f} s  {ours['mb_per_s']:.0f} MB/s  peak {ours['peak_rss_mb']:.0f} MB"
    )
    print(
        f"anchor {anchor['median']:.2f} s  {anchor['mb_per_s']:.0f} MB/s  peak {anchor['peak_rss_mb']:.0f} MB"
    )
    print(f"throughput ratio {result['ratio']} (target >= 0.5)")


if __name__ == "__main__":
    main()
