"""Ingest: FHIR NDJSON (references by id and by identifier), CSV, Parquet, bad input."""

from __future__ import annotations

import json

import duckdb
import pyarrow.parquet as pq
import pytest

from cmepath.outcomes import synthetic
from cmepath.outcomes.ingest import IngestError, RefusedError, ingest, patient_key
from cmepath.outcomes.ingest.normalize import ORDER_COLUMNS

SALT = "ab" * 16


@pytest.fixture(scope="module")
def fhir_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fhir")
    files = synthetic.write_fhir(folder, per_clinic_month=1.0, faults=True)
    return folder, files


def test_fhir_resolves_ids_and_identifiers_and_reports_bad_lines(fhir_dir, tmp_path):
    folder, files = fhir_dir
    report = ingest(sorted(folder.glob("*.ndjson")), tmp_path, fmt="fhir", salt=SALT)
    assert (
        report.rows_written == files.orders
    )  # every generated order resolved, incl. identifier refs
    assert report.counts == {"malformed_json": 1, "unresolved_reference": 1}
    problems = [(p.file, p.line, p.kind) for p in report.problems]
    assert problems == [
        ("MedicationRequest.ndjson", 3, "malformed_json"),
        ("MedicationRequest.ndjson", 5, "unresolved_reference"),
    ]
    assert "Patient/does-not-exist" in report.problems[1].detail
    table = pq.read_table(tmp_path / "orders.parquet")
    assert tuple(table.column_names) == ORDER_COLUMNS
    assert report.resources["Organization"] == synthetic.CLINICS


def test_fhir_identifier_references_match_the_id_references(fhir_dir, tmp_path):
    folder, _ = fhir_dir
    ingest(sorted(folder.glob("*.ndjson")), tmp_path, fmt="fhir", salt=SALT)
    rows = duckdb.sql(f"SELECT patient_key, unit FROM '{tmp_path / 'orders.parquet'}'").fetchall()
    keys = {k for k, _ in rows}
    # patient 10 is referenced as Patient?identifier=urn:cmepath:demo:mrn|M0000010 (and its clinic by identifier)
    assert patient_key(SALT, "pat-0000010") in keys
    assert patient_key(SALT, "pat-0000001") in keys
    assert {u for _, u in rows} <= {f"Clinic {c:02d}" for c in range(1, synthetic.CLINICS + 1)}


def test_patient_key_is_hmac_sha256_in_sql_and_python():
    import hashlib
    import hmac

    from cmepath.outcomes.ingest.normalize import hmac_sql

    expected = hmac.new(bytes.fromhex(SALT), b"pat-42", hashlib.sha256).hexdigest()[:32]
    assert patient_key(SALT, "pat-42") == expected
    assert duckdb.sql(f"SELECT {hmac_sql(SALT, repr('pat-42'))}").fetchall()[0][0] == expected


def _line(obj: dict) -> str:
    return json.dumps(obj) + "\n"


def test_fhir_absolute_urls_encoded_identifiers_and_mixed_file(tmp_path):
    lines = [
        _line(
            {
                "resourceType": "Organization",
                "id": "o1",
                "name": "North clinic",
                "identifier": [{"system": "urn:x", "value": "N1"}],
            }
        ),
        _line(
            {
                "resourceType": "Patient",
                "id": "p1",
                "birthDate": "2015-06-01",
                "identifier": [{"system": "urn:mrn", "value": "A1"}],
            }
        ),
        _line(
            {
                "resourceType": "Encounter",
                "id": "e1",
                "class": {"code": "EMER"},
                "serviceProvider": {"reference": "Organization?identifier=urn:x%7CN1"},
            }
        ),
        _line(
            {
                "resourceType": "MedicationRequest",
                "id": "m1",
                "status": "active",
                "subject": {"reference": "https://ehr.example/fhir/Patient/p1/_history/3"},
                "encounter": {"reference": "Encounter/e1"},
                "authoredOn": "2024-03-05",
                "medicationCodeableConcept": {
                    "coding": [
                        {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "2231"}
                    ]
                },
                "reasonCode": [
                    {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "N39.0"}]}
                ],
                "dispenseRequest": {"expectedSupplyDuration": {"value": 1, "code": "wk"}},
            }
        ),
        _line(
            {
                "resourceType": "MedicationRequest",
                "id": "m2",
                "subject": {"reference": "Patient?identifier=urn:mrn|A1"},
                "encounter": {"reference": "Encounter/e1"},
                "authoredOn": "2024-03-06T10:00:00Z",
                "medicationCodeableConcept": {
                    "coding": [
                        {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "723"}
                    ]
                },
            }
        ),
        _line(
            {
                "resourceType": "MedicationRequest",
                "id": "m3",
                "subject": {"reference": "Patient?identifier=urn:mrn|NOPE"},
                "authoredOn": "2024-03-06",
            }
        ),
        "\n",
        "not json at all\n",
    ]
    path = tmp_path / "bulk.ndjson"
    path.write_text("".join(lines))
    report = ingest([path], tmp_path / "out", fmt="fhir", salt=SALT)
    assert report.rows_written == 2
    assert report.counts == {"malformed_json": 1, "unresolved_reference": 1}
    assert [(p.line, p.kind) for p in report.problems] == [
        (6, "unresolved_reference"),
        (8, "malformed_json"),
    ]
    rows = duckdb.sql(
        f"SELECT unit, setting, age, age_band, dx_code, drug_code, days_supply FROM "
        f"'{tmp_path / 'out' / 'orders.parquet'}' ORDER BY drug_code"
    ).fetchall()
    assert rows[0] == ("North clinic", "emergency", 8, "5-11", "N39.0", "2231", 7.0)
    assert rows[1][5] == "723" and rows[1][4] is None


def test_fhir_line_numbers_hold_on_a_file_read_in_parallel(tmp_path):
    # ~25 MB, read in several buffers: the reported line numbers come from the scratch
    # table's insertion order (rowid), so they must still be the file's. The order holds
    # because the ingest connection preserves insertion order (checked below; without it a
    # 500 MB file came back with every rowid shuffled).
    pat = _line({"resourceType": "Patient", "id": "p1", "birthDate": "2015-06-01"})
    org = _line({"resourceType": "Organization", "id": "o1", "name": "North"})
    enc = _line(
        {
            "resourceType": "Encounter",
            "id": "e1",
            "serviceProvider": {"reference": "Organization/o1"},
        }
    )
    order = {
        "resourceType": "MedicationRequest",
        "status": "active",
        "subject": {"reference": "Patient/p1"},
        "encounter": {"reference": "Encounter/e1"},
        "authoredOn": "2024-03-05",
        "note": [{"text": "x" * 200}],
        "medicationCodeableConcept": {
            "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "2231"}]
        },
    }
    lines, bad, blank = [pat, org, enc], {17_123, 63_456, 99_001}, {49_999, 80_000}
    for n in range(len(lines) + 1, 100_001):
        if n in bad:
            lines.append("{not json\n")
        elif n in blank:
            lines.append("  \t \n" if n % 2 else "\n")  # whitespace-only lines are blank too
        elif n == 70_000:
            lines.append(
                "   " + _line({**order, "id": f"m{n}"})
            )  # leading spaces before a resource
        else:
            lines.append(_line({**order, "id": f"m{n}"}))
    path = tmp_path / "big.ndjson"
    path.write_text("".join(lines))
    assert path.stat().st_size > 25 * 10**6
    report = ingest([path], tmp_path / "out", fmt="fhir", salt=SALT)
    assert report.rows_written == 100_000 - 3 - len(bad) - len(blank)
    assert [(p.line, p.kind) for p in report.problems] == [
        (n, "malformed_json") for n in sorted(bad)
    ]
    from cmepath.outcomes.ingest import duck

    with duck.connect(tmp_path / "scratch") as con:
        assert (
            con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0] is True
        )


def _csv(tmp_path, text: str, name: str = "orders.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_csv_orders_with_bad_rows_counted_by_line(tmp_path):
    path = _csv(
        tmp_path,
        "order_date,unit,patient_id,age,dx_code,drug_code,days_supply\n"
        "2024-01-05,Clinic A,k-aa1,4,N39.0,2231,7\n"
        "not-a-date,Clinic A,k-aa2,5,N39.0,2231,7\n"
        "01/20/2024,Clinic B,k-aa3,95,68566005,723,10\n"
        "2024-02-01,Clinic B,k-aa4,6,N39.0,22x1,5\n",
    )
    report = ingest([path], tmp_path / "out", fmt="csv", salt=SALT)
    assert report.rows_written == 2
    assert [(p.line, p.kind) for p in report.problems] == [(3, "bad_date"), (5, "invalid_code")]
    rows = duckdb.sql(
        f"SELECT unit, age, age_band, dx_system, patient_key FROM '{tmp_path / 'out' / 'orders.parquet'}' "
        "ORDER BY unit"
    ).fetchall()
    assert rows[0][:4] == ("Clinic A", 4, "2-4", "icd10cm")
    assert rows[0][4] == patient_key(SALT, "k-aa1")
    assert rows[1][1:4] == (90, "90+", "snomed")  # age over 89 grouped


@pytest.mark.parametrize(
    ("header", "value", "offending"),
    [
        ("email", "someone@example.org", ["email"]),
        ("notes", "called mother at home", ["notes"]),
        ("ssn_value", "123-45-6789", ["ssn_value"]),
        ("patient_id", "MRN00123456", ["patient_id"]),
    ],
)
def test_guard_refuses_the_whole_file_listing_columns(tmp_path, header, value, offending):
    path = _csv(
        tmp_path,
        f"order_date,unit,drug_code,patient_key,{header}\n2024-01-05,Clinic A,2231,k1,{value}\n",
    )
    if header == "patient_id":
        path = _csv(
            tmp_path, f"order_date,unit,drug_code,{header}\n2024-01-05,Clinic A,2231,{value}\n"
        )
    with pytest.raises(RefusedError) as err:
        ingest([path], tmp_path / "out", fmt="csv", salt=SALT)
    assert err.value.columns == offending
    assert "refused whole" in str(err.value)
    assert not (tmp_path / "out" / "orders.parquet").exists()


def test_parquet_input_and_missing_columns(tmp_path):
    import pyarrow as pa

    pq.write_table(
        pa.table(
            {
                "order_date": ["2024-01-05"],
                "unit": ["Clinic A"],
                "patient_key": ["k1"],
                "drug_code": ["2231"],
            }
        ),
        tmp_path / "x.parquet",
    )
    report = ingest([tmp_path / "x.parquet"], tmp_path / "out", fmt="parquet", salt=SALT)
    assert report.rows_written == 1
    pq.write_table(pa.table({"order_date": ["2024-01-05"], "unit": ["A"]}), tmp_path / "y.parquet")
    with pytest.raises(IngestError, match="missing required column"):
        ingest([tmp_path / "y.parquet"], tmp_path / "out2", fmt="parquet", salt=SALT)


def test_series_csv_is_accepted_directly_with_zero_denominator_reported(tmp_path):
    path = _csv(
        tmp_path, "period,unit,numerator,denominator\n2024-01,A,5,20\n2024-02,A,0,0\nJan 24,A,1,2\n"
    )
    report = ingest([path], tmp_path / "out", fmt="csv", salt=SALT)
    assert report.kind == "series"
    assert report.rows_written == 1
    assert [(p.line, p.kind) for p in report.problems] == [
        (3, "zero_denominator"),
        (4, "bad_period"),
    ]


def test_unreadable_and_unknown_inputs(tmp_path):
    with pytest.raises(IngestError, match="no such file"):
        ingest([tmp_path / "missing.ndjson"], tmp_path / "o", fmt="fhir", salt=SALT)
    with pytest.raises(IngestError, match="unknown format"):
        ingest([tmp_path / "a.csv"], tmp_path / "o", fmt="xml", salt=SALT)
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet")
    with pytest.raises(IngestError, match="cannot be read"):
        ingest([bad], tmp_path / "o", fmt="parquet", salt=SALT)
