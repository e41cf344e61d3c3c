"""Shared fixtures for the outcomes tests: small synthetic orders with known answers."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cmepath.outcomes.ingest import ORDERS_SCHEMA


def order(
    day: str,
    unit: str,
    patient: str,
    age: int,
    dx: tuple[str, str] | None,
    drug: str,
    days: float | None = 7.0,
    setting: str = "ambulatory",
) -> dict:
    return {
        "order_date": date.fromisoformat(day),
        "unit": unit,
        "prescriber": "P1",
        "patient_key": patient,
        "age": age,
        "age_band": None,
        "setting": setting,
        "dx_system": dx[0] if dx else None,
        "dx_code": dx[1] if dx else None,
        "drug_system": "rxnorm",
        "drug_code": drug,
        "days_supply": days,
    }


UTI = ("icd10cm", "N39.0")
CYSTITIS = ("icd10cm", "N30.01")
UTI_SCT = ("snomed", "68566005")
OTITIS = ("icd10cm", "H66.90")
T2DM = ("icd10cm", "E11.9")

# uti-first-line, Clinic A 2024-01: population = rows 1-4 (row 5 adult, row 6 otitis,
# row 7 inpatient, row 8 a statin); first-line = rows 1, 3 -> 2 / 4.
# Clinic A 2024-02: rows 9-10 -> 1 / 2. Clinic B 2024-01: row 11 (SNOMED) -> 0 / 1.
# uti-duration: A 2024-01 mean of 5, 7, 10, 6 = 7.0; A 2024-02: 5 and (None) -> 5 / 1.
# statin-diabetes (quarter): A 2024Q1 patients d1 (statin), d2 (no statin), d3 (age 80: out),
# d4 (statin in Clinic B only: no) -> 1 / 3; B 2024Q1: d4 has no diabetes row in B -> none.
KNOWN_ROWS = [
    order("2024-01-03", "Clinic A", "p1", 4, UTI, "2231", 5),
    order("2024-01-04", "Clinic A", "p2", 9, CYSTITIS, "25037", 7),
    order("2024-01-05", "Clinic A", "p3", 17, UTI, "7454", 10, setting="emergency"),
    order("2024-01-06", "Clinic A", "p4", 0, UTI, "723", 6),
    order("2024-01-07", "Clinic A", "p5", 18, UTI, "2231", 5),
    order("2024-01-08", "Clinic A", "p6", 5, OTITIS, "723", 10),
    order("2024-01-09", "Clinic A", "p7", 6, UTI, "2231", 5, setting="inpatient"),
    order("2024-01-10", "Clinic A", "p8", 7, UTI, "83367", 30),
    order("2024-02-01", "Clinic A", "p9", 3, UTI, "10180", 5),
    order("2024-02-02", "Clinic A", "p10", 3, UTI, "25033", None),
    order("2024-01-15", "Clinic B", "p11", 12, UTI_SCT, "2551", 7),
    order("2024-01-20", "Clinic A", "d1", 55, T2DM, "6809", 90),
    order("2024-03-20", "Clinic A", "d1", 55, None, "83367", 90),
    order("2024-02-20", "Clinic A", "d2", 62, T2DM, "6809", 90),
    order("2024-02-21", "Clinic A", "d3", 80, T2DM, "83367", 90),
    order("2024-01-22", "Clinic A", "d4", 45, ("icd10cm", "E10.65"), "253182", 30),
    order("2024-01-23", "Clinic B", "d4", 45, None, "36567", 30),
]
UTI_FIRST_LINE_EXPECTED = {
    ("Clinic A", "2024-01"): (2, 4),
    ("Clinic A", "2024-02"): (1, 2),
    ("Clinic B", "2024-01"): (0, 1),
}
UTI_DURATION_EXPECTED = {
    ("Clinic A", "2024-01"): (28.0, 4),
    ("Clinic A", "2024-02"): (5.0, 1),
    ("Clinic B", "2024-01"): (7.0, 1),
}
STATIN_EXPECTED = {("Clinic A", "2024-01"): (1, 3)}


def write_orders(path, rows) -> None:
    cols = {name: [r[name] for r in rows] for name in ORDERS_SCHEMA.names}
    pq.write_table(pa.table(cols, schema=ORDERS_SCHEMA), path)


@pytest.fixture(scope="session")
def known_orders(tmp_path_factory):
    folder = tmp_path_factory.mktemp("known")
    write_orders(folder / "orders.parquet", KNOWN_ROWS)
    return folder


@pytest.fixture(scope="session")
def synthetic_orders(tmp_path_factory):
    from cmepath.outcomes import synthetic

    folder = tmp_path_factory.mktemp("synthetic")
    cols = synthetic.orders_table(list(synthetic.generate_orders(per_clinic_month=4.0)))
    pq.write_table(pa.table(cols, schema=ORDERS_SCHEMA), folder / "orders.parquet")
    return folder
