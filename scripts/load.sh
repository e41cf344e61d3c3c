#!/usr/bin/env bash
# `make load` (security-checks row 30): gunicorn + PostgreSQL with the demo data on 127.0.0.1,
# locust headless at 22 req/s for LOAD_SECONDS (default 60), then stepped rates to find the
# ceiling (p95 < 300 ms, no errors). Uses Redis on 127.0.0.1:6379 as the shared cache when
# one answers (as production does with REDIS_URL). Writes bench/results/load.json and the table in
# docs/performance.md. Everything is thrown away afterwards (database, data dir).
#
#   LOAD_SECONDS=600 make load        the 10-minute run of the security checklist
#   LOAD_STEPS=40,80,150 LOAD_ANCHOR_STEPS=100,200 LOAD_STEP_LIMIT=3000 (then x1.25 a step up to it)
#   LOAD_STEP_SECONDS=30 LOAD_WORKERS=3 LOAD_PORT=8765
#   PGHOST/PGPORT/PGUSER (default 127.0.0.1:5432, postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PGHOST=${PGHOST:-127.0.0.1}; PGPORT=${PGPORT:-5432}; PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
DB="cmepath_load_$$"
PORT=${LOAD_PORT:-8765}
WORKERS=${LOAD_WORKERS:-3}
DATA=$(mktemp -d -t cmepath-load-XXXXXX)
GUNICORN_PID=""
ANCHOR_PID=""
ANCHOR_PORT=$((PORT + 1))

cleanup() {
  if [ -n "$ANCHOR_PID" ] && kill -0 "$ANCHOR_PID" 2>/dev/null; then
    kill -TERM "$ANCHOR_PID" 2>/dev/null || true
    wait "$ANCHOR_PID" 2>/dev/null || true
  fi
  if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$DATA"
}
trap cleanup EXIT INT TERM

[ -f scripts/ensure-postgres.sh ] && bash scripts/ensure-postgres.sh >/dev/null 2>&1 || true
psql -q -d postgres -c "CREATE DATABASE $DB" >/dev/null
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB"
export DJANGO_SETTINGS_MODULE=cmepath.settings.load
export CMEPATH_DATA_DIR="$DATA"
# Production shares a Redis cache between web processes (REDIS_URL: sessions, TOTP replay
# protection, rate limits); use the local one when it answers, under a prefix of this run.
if [ -z "${REDIS_URL:-}" ] && (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  export REDIS_URL="redis://127.0.0.1:6379/14" CMEPATH_CACHE_PREFIX="cmepath-load-$$"
fi
echo "== cache: ${REDIS_URL:-per-process memory (no Redis on 127.0.0.1:6379; sessions read from PostgreSQL)}"

echo "== set-up: migrate, static files, demo data, search index ($DB)"
$BIN/cmepath migrate --noinput -v0
$BIN/cmepath collectstatic --noinput -v0
$BIN/cmepath demo >/dev/null
$BIN/cmepath search reindex >/dev/null 2>&1 || echo "   (no search index: catalog search pages will show their empty state)"
$BIN/python bench/load_credentials.py "$DATA/credentials.json"

echo "== gunicorn: $WORKERS workers on 127.0.0.1:$PORT"
$BIN/gunicorn cmepath.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --worker-class sync --max-requests 0 --access-logfile /dev/null --error-logfile "$DATA/gunicorn.log" \
  --log-level warning &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null

echo "== anchor: a minimal templated Django page, same gunicorn settings, on 127.0.0.1:$ANCHOR_PORT"
(cd bench && DJANGO_SETTINGS_MODULE= exec ../$BIN/gunicorn anchor_app:application --bind "127.0.0.1:$ANCHOR_PORT" \
  --workers "$WORKERS" --worker-class sync --access-logfile /dev/null --log-level warning) &
ANCHOR_PID=$!
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$ANCHOR_PORT/" >/dev/null 2>&1; then break; fi
  sleep 0.5
done

PGVERSION=$(psql -At -d postgres -c "SHOW server_version" 2>/dev/null || echo "?")
rc=0
$BIN/python bench/load.py --host "http://127.0.0.1:$PORT" --gunicorn-pid "$GUNICORN_PID" \
  --credentials "$DATA/credentials.json" --workers "$WORKERS" --postgres "$PGVERSION" \
  --anchor-host "http://127.0.0.1:$ANCHOR_PORT" --anchor-pid "$ANCHOR_PID" || rc=$?
if [ -s "$DATA/gunicorn.log" ]; then
  echo "== gunicorn errors (last 20 lines)"; tail -20 "$DATA/gunicorn.log"
fi
exit $rc
