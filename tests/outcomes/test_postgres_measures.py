"""The same Ibis measure on PostgreSQL gives what DuckDB gives.

Runs where PostgreSQL answers (CI starts it on 127.0.0.1:5432); skipped elsewhere.
"""

from __future__ import annotations

import os

import pytest

from cmepath.outcomes.measures import measure_by_id, run_measure
from cmepath.outcomes.measures.compile import run_measure_on_postgres

URL = os.environ.get("CMEPATH_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="module")
def pg_url():
    try:
        import psycopg

        with psycopg.connect(URL.replace("postgres://", "postgresql://"), connect_timeout=3):
            pass
    except Exception as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"PostgreSQL is not reachable at {URL}: {exc}")
    return URL


@pytest.mark.parametrize("measure_id", ["uti-first-line", "uti-duration", "statin-diabetes"])
def test_postgres_equals_duckdb_on_known_orders(pg_url, known_orders, measure_id):
    spec = measure_by_id(measure_id)
    assert run_measure_on_postgres(spec, known_orders, url=pg_url) == run_measure(
        spec, known_orders
    )


def test_postgres_equals_duckdb_on_synthetic_orders(pg_url, synthetic_orders):
    spec = measure_by_id("uti-first-line")
    rows = run_measure_on_postgres(spec, synthetic_orders, url=pg_url)
    assert rows == run_measure(spec, synthetic_orders)
    assert len(rows) > 100  # 27 clinics x many months: a real comparison, not an empty one
