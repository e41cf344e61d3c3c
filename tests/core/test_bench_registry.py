"""Meta-test: a benchmark added under bench/ is run, sized and documented, or the build fails.

`make bench` (scripts/bench.sh) runs every `bench/bench_*.py`; this checks that each one has a
quick size for that run, says in its docstring which bench/results/<name>*.json it writes (the
table in docs/performance.md is built from those files) and has a row in docs/performance.md
saying what it measures and against which anchor.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHES = sorted(p.stem.removeprefix("bench_") for p in (ROOT / "bench").glob("bench_*.py"))


def test_there_are_benchmarks():
    assert len(BENCHES) >= 9


@pytest.mark.parametrize("name", BENCHES)
def test_benchmark_is_sized_documented_and_writes_a_result(name):
    script = (ROOT / "bench" / f"bench_{name}.py").read_text(encoding="utf-8")
    assert f"bench/results/{name}" in script, (
        f"bench_{name}.py must say which bench/results/{name}*.json it writes"
    )
    quick = re.search(
        r"quick_args\(\)\s*\{(.*?)\n\}",
        (ROOT / "scripts" / "bench.sh").read_text(encoding="utf-8"),
        re.S,
    )
    assert quick and re.search(rf"^\s*{re.escape(name)}\)", quick.group(1), re.M), (
        f"add a quick size for {name} to quick_args in scripts/bench.sh (make bench runs it at that size)"
    )
    doc = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    assert f"(`bench_{name}.py`)" in doc, (
        f"add a row for `{name}` to the benchmark table in docs/performance.md"
    )
