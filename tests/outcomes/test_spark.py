"""The same Ibis measure on Apache Spark (local mode) gives what DuckDB gives.

Skipped when pyspark or Java is missing. The session starts once per module.
"""

from __future__ import annotations

import shutil

import pytest

from cmepath.outcomes.measures import measure_by_id, run_measure

pytestmark = pytest.mark.spark

pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Java is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    from cmepath.outcomes.measures.compile import spark_session

    session = spark_session("cmepath-tests")
    yield session
    session.stop()


@pytest.mark.parametrize("measure_id", ["uti-first-line", "uti-duration", "statin-diabetes"])
def test_spark_equals_duckdb_on_known_orders(spark, known_orders, measure_id):
    spec = measure_by_id(measure_id)
    assert run_measure(spec, known_orders, engine="spark", spark=spark) == run_measure(
        spec, known_orders
    )


def test_spark_equals_duckdb_on_synthetic_orders(spark, synthetic_orders):
    spec = measure_by_id("uti-first-line")
    assert run_measure(spec, synthetic_orders, engine="spark", spark=spark) == run_measure(
        spec, synthetic_orders
    )
