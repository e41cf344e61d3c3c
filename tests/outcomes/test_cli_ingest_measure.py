"""`cmepath outcomes ingest` and `measure`: JSON output, progress, exit code 2 on bad input."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cmepath.outcomes import synthetic


def _run(*args: str) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("outcomes", *args, stdout=out)
    return json.loads(out.getvalue())


def test_ingest_then_measure(tmp_path):
    synthetic.write_fhir(tmp_path / "fhir", per_clinic_month=1.0, faults=True)
    files = [str(p) for p in sorted((tmp_path / "fhir").glob("*.ndjson"))]
    report = _run(
        "ingest",
        *files,
        "--format",
        "fhir",
        "--out",
        str(tmp_path / "data"),
        "--salt",
        "cd" * 16,
        "--json",
    )
    assert report["skipped"] == 2 and report["counts"]["malformed_json"] == 1
    assert (tmp_path / "data" / "ingest-report.json").exists()
    summary = _run(
        "measure",
        "--data",
        str(tmp_path / "data"),
        "--measure",
        "uti-first-line",
        "--out",
        str(tmp_path / "s.csv"),
        "--json",
    )
    assert summary["units"] == 27 and summary["periods"] == 48
    with (tmp_path / "s.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["period", "unit", "numerator", "denominator", "rate"]
    assert sum(int(r["denominator"]) for r in rows) == summary["denominator"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "nope.csv", "--format", "csv", "--out", "x"], "no such file"),
        (
            ["measure", "--data", ".", "--measure", "no-such-measure", "--out", "s.csv"],
            "no shipped measure",
        ),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path, args, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError) as err:
        call_command("outcomes", *args)
    assert err.value.returncode == 2
    assert message in str(err.value)


def test_refused_file_through_the_console_script(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("order_date,unit,patient_key,drug_code,email\n2024-01-01,A,k,2231,a@b.org\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cmepath.cli",
            "outcomes",
            "ingest",
            str(path),
            "--format",
            "csv",
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "email" in proc.stderr and "Traceback" not in proc.stderr
