#!/usr/bin/env bash
# `make bench`: run every benchmark under bench/ at a quick size (about 10 minutes in all on
# the 2-core reference machine), then rewrite the table in docs/performance.md.
#
#   BENCH_FULL=1 make bench          each script's own default (full) size
#   BENCH_ONLY="search dashboard"    only these (names without bench_ and .py)
#   BENCH_TIMEOUT=900                seconds allowed per benchmark (default 900)
#
# Large generated data lives in bench/data/ (git-ignored) and is reused between runs.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export PYTHONPATH="src${PYTHONPATH:+:$PYTHONPATH}"

quick_args() {
  case "$1" in
    catalog_import) echo "--size 5000 --runs 3" ;;
    check_all) echo "--size 20000 --repeat 3" ;;
    credits_engine) echo "--n 5000 --repeat 5" ;;
    dashboard) echo "--runs 30" ;;
    fhir_ingest) echo "--mb 50 --repeat 3" ;;
    outcomes_measure) echo "--rows 1000000 --repeat 3 --skip-pandas" ;;
    search) echo "--size 200000 --rounds 3" ;;
    search_api) echo "--size 200000 --rounds 2" ;;
    django_page) echo "--requests 2000" ;;
    jobs_search) echo "--size 100000 --rounds 3" ;;
    jobs_match) echo "--size 100000 --rounds 2" ;;
    hub_search) echo "--size 100000 --rounds 3" ;;
    planner) echo "--size 50000 --profiles 20 --full-sample 2 --full-time-limit 30" ;;
    *) echo "" ;;
  esac
}

failed=()
for script in bench/bench_*.py; do
  name=$(basename "$script" .py); name=${name#bench_}
  if [ -n "${BENCH_ONLY:-}" ] && [[ " $BENCH_ONLY " != *" $name "* ]]; then continue; fi
  args=""
  [ "${BENCH_FULL:-}" = "1" ] || args=$(quick_args "$name")
  echo "== $name $args"
  start=$(date +%s)
  # shellcheck disable=SC2086
  if ! timeout "${BENCH_TIMEOUT:-900}" $PY "$script" $args; then
    echo "!! $name failed or timed out" >&2
    failed+=("$name")
  fi
  echo "   ($(( $(date +%s) - start )) s)"
done

# pytest-benchmark suites, if any (bench/test_*.py)
if compgen -G "bench/test_*.py" >/dev/null; then
  echo "== pytest-benchmark"
  .venv/bin/pytest -q -p no:cacheprovider bench --benchmark-only \
    --benchmark-json=bench/results/pytest_benchmark.json || failed+=("pytest-benchmark")
fi

$PY bench/report.py
if [ ${#failed[@]} -gt 0 ]; then
  echo "benchmarks that failed: ${failed[*]}" >&2
  exit 1
fi
