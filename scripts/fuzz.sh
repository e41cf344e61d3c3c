#!/usr/bin/env bash
# `make fuzz`: the long schemathesis run (security-checks row 27) against the in-process API,
# every operation for every role's token, FUZZ_EXAMPLES examples each (default 200).
# FUZZ_RANDOM=1 draws fresh examples instead of the reproducible derandomized ones.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=cmepath.settings.test
export FUZZ_EXAMPLES="${FUZZ_EXAMPLES:-200}"
unset DATABASE_URL || true
echo "== schemathesis: ${FUZZ_EXAMPLES} examples per operation and role"
exec .venv/bin/pytest -q -n "${FUZZ_WORKERS:-2}" -p no:cacheprovider tests/api/test_fuzz.py "$@"
