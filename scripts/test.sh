#!/usr/bin/env bash
# The whole test run behind `make test`. With CI=true it also runs the suite on
# PostgreSQL (starting the local cluster if it is installed but stopped) and the
# browser tests in Debian's Chromium (installing the package if it is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE=cmepath.settings.test
unset DATABASE_URL || true

echo "== ruff"
$BIN/ruff check src tests bench
$BIN/ruff format --check src tests bench
echo "== mypy"
$BIN/mypy src/cmepath

# Locally, Spark (a JVM start) and the static analysers stay out so `make test` keeps under
# 4 minutes on 2 cores; CI runs them once, on the SQLite pass (they touch no database).
if [ "${CI:-}" = "true" ]; then
  SQLITE_MARKS="not browser and not postgres"
else
  SQLITE_MARKS="not browser and not postgres and not spark and not static"
  echo "(Spark and static-analysis tests run with CI=true, or: make static)"
fi
echo "== pytest (SQLite)"
$BIN/pytest -q -n 2 -m "$SQLITE_MARKS" -p no:cacheprovider

if [ "${CI:-}" = "true" ]; then
  bash scripts/ensure-postgres.sh
  echo "== pytest (PostgreSQL: the tests that reach the database; the others just ran)"
  CMEPATH_DB_TESTS_ONLY=1 DATABASE_URL="${CI_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cmepath}" \
    $BIN/pytest -q -n 2 -m "not browser and not spark and not static" -p no:cacheprovider
  bash scripts/ensure-chromium.sh
  echo "== browser tests (Chromium)"
  BROWSER_TESTS=1 DJANGO_ALLOW_ASYNC_UNSAFE=true $BIN/pytest -q -m browser -p no:cacheprovider
fi
