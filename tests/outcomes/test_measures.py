"""Measures as YAML: strict loading, known answers, DuckDB against a pandas brute force."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from cmepath.outcomes.measures import (
    MeasureRunError,
    MeasureSpecError,
    load_measure,
    measure_by_id,
    run_measure,
    shipped_measures,
)
from cmepath.outcomes.measures.spec import load_valueset, shipped_dir
from tests.outcomes.conftest import STATIN_EXPECTED, UTI_DURATION_EXPECTED, UTI_FIRST_LINE_EXPECTED


def _cells(rows):
    return {(r.unit, r.period): (r.numerator, r.denominator) for r in rows}


def test_shipped_measures_and_value_sets_load_with_sources():
    ids = {load_measure(p).id for p in shipped_measures()}
    assert ids == {"uti-first-line", "uti-duration", "statin-diabetes"}
    for path in sorted((shipped_dir() / "valuesets").glob("*.yaml")):
        vs = load_valueset(path)
        assert vs.sources and all(s.url.startswith("https://") for s in vs.sources)
        assert vs.as_of.year >= 2025
        assert vs.concepts


@pytest.mark.parametrize(
    ("measure_id", "expected"),
    [
        ("uti-first-line", UTI_FIRST_LINE_EXPECTED),
        ("uti-duration", UTI_DURATION_EXPECTED),
        ("statin-diabetes", STATIN_EXPECTED),
    ],
)
@pytest.mark.parametrize("engine", ["duckdb", "polars"])
def test_measures_give_known_numerators_and_denominators(
    known_orders, measure_id, expected, engine
):
    rows = run_measure(measure_by_id(measure_id), known_orders, engine=engine)
    assert _cells(rows) == expected


def _brute_force(spec, df: pd.DataFrame) -> dict:
    def keep(row, f):
        if f.diagnosis is not None and not f.diagnosis.matches(row.dx_system, row.dx_code):
            return False
        if f.drug is not None and not f.drug.matches("rxnorm", row.drug_code):
            return False
        if f.age_min is not None and not (row.age >= f.age_min):
            return False
        if f.age_max is not None and not (row.age <= f.age_max):
            return False
        return not (f.settings and row.setting not in f.settings)

    out: dict = {}
    for row in df.itertuples():
        if not keep(row, spec.population):
            continue
        key = (row.unit, f"{row.order_date.year:04d}-{row.order_date.month:02d}")
        num, den = out.get(key, (0, 0))
        if spec.kind == "mean":
            if row.days_supply is not None and row.days_supply == row.days_supply:
                out[key] = (num + row.days_supply, den + 1)
        else:
            out[key] = (num + int(keep(row, spec.numerator)), den + 1)
    return out


@pytest.mark.parametrize("measure_id", ["uti-first-line", "uti-duration"])
def test_duckdb_matches_a_pandas_brute_force_on_synthetic_data(synthetic_orders, measure_id):
    spec = measure_by_id(measure_id)
    df = pd.read_parquet(synthetic_orders / "orders.parquet")
    expected = _brute_force(spec, df)
    got = _cells(run_measure(spec, synthetic_orders))
    assert got.keys() == expected.keys()
    for key, (num, den) in expected.items():
        assert got[key][1] == den
        assert got[key][0] == pytest.approx(num)


def _write(tmp_path, text: str, name: str = "m.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


GOOD = """\
id: t
title: T
kind: proportion
population:
  diagnosis: uti-diagnoses
numerator:
  drug: uti-first-line-antibiotics
group:
  period: month
moore_level: 5
sources:
  - {title: x, url: https://example.org}
"""


def test_a_minimal_measure_loads(tmp_path):
    spec = load_measure(_write(tmp_path, GOOD))
    assert (spec.kind, spec.count, spec.unit, spec.period) == (
        "proportion",
        "orders",
        "unit",
        "month",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("kind: proportion", "kind: ratio"), "m.yaml:3: 'kind' must be one of proportion, mean"),
        (
            ("group:\n  period: month", "group:\n  period: month\n  colour: red"),
            "m.yaml:10: unknown key 'colour'",
        ),
        (
            ("moore_level: 5", "moore_level: 7"),
            "m.yaml:10: 'moore_level' must be a whole number from 5 to 6",
        ),
        (
            ("  drug: uti-first-line-antibiotics", "  drug: no-such-set"),
            "m.yaml:7: value set 'no-such-set' not found",
        ),
        (("title: T\n", ""), "m.yaml:1: missing key 'title'"),
        (
            (
                "population:\n  diagnosis: uti-diagnoses",
                "population:\n  diagnosis: uti-diagnoses\n  age: {min: 9, max: 2}",
            ),
            "m.yaml:6: age min is above age max",
        ),
        (("id: t", "id: t\nid: u"), "m.yaml:2: duplicate key 'id'"),
        (("kind: proportion", "kind: [proportion"), "m.yaml"),
    ],
)
def test_strict_errors_name_the_file_and_line(tmp_path, change, message):
    path = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(MeasureSpecError) as err:
        load_measure(path)
    assert str(err.value).startswith(message)


def test_value_set_codes_are_checked(tmp_path):
    folder = tmp_path / "valuesets"
    folder.mkdir()
    (folder / "bad.yaml").write_text(
        textwrap.dedent("""\
        id: bad
        title: Bad
        as_of: 2025-01-01
        sources: [{title: x, url: https://example.org}]
        concepts:
          - {system: rxnorm, code: "12a", display: nope}
        """)
    )
    path = _write(tmp_path, GOOD.replace("drug: uti-first-line-antibiotics", "drug: bad"))
    with pytest.raises(MeasureSpecError, match=r"bad.yaml:6: '12a' is not a rxnorm code"):
        load_measure(path)


def test_missing_data_and_columns_are_clear(tmp_path):
    spec = measure_by_id("uti-first-line")
    with pytest.raises(MeasureRunError, match="no Parquet files"):
        run_measure(spec, tmp_path)
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"order_date": [None], "unit": ["A"]}), tmp_path / "x.parquet")
    with pytest.raises(MeasureRunError, match="lacks column"):
        run_measure(spec, tmp_path)
    with pytest.raises(MeasureSpecError, match="no shipped measure"):
        measure_by_id("../etc/passwd")
