"""The ``credits check`` command: pure engine, readable output, clean errors (no database)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
PROFILE = EXAMPLES / "credits-profile.json"
RECORDS = EXAMPLES / "credits-records.json"


def run(*args: str) -> str:
    out = StringIO()
    call_command("credits", *args, stdout=out)
    return out.getvalue()


def test_check_json_output_evaluates_the_example() -> None:
    data = json.loads(
        run(
            "check",
            "--profile",
            str(PROFILE),
            "--records",
            str(RECORDS),
            "--as-of",
            "2026-11-25",
            "--json",
        )
    )
    assert data["as_of"] == "2026-11-25"
    regimes = {r["regime_id"]: r for r in data["regimes"]}
    assert set(regimes) == {"abim-moc", "ca-md", "dea-mate", "tx-md"}
    ca_total = next(q for q in regimes["ca-md"]["requirements"] if q["id"] == "total")
    assert ca_total["hours_counted"] == 41
    assert ca_total["status"] == "unmet"
    assert regimes["dea-mate"]["requirements"][0]["status"] == "met"


def test_check_human_output_is_a_table_per_regime() -> None:
    text = run(
        "check", "--profile", str(PROFILE), "--records", str(RECORDS), "--as-of", "2026-11-25"
    )
    assert "California physician (MD) licence" in text
    assert "Texas physician (MD/DO) registration" in text
    assert "41/50" in text
    assert "Source: http://mbc.ca.gov/" in text


def write(tmp_path: Path, name: str, content: str) -> str:
    path = tmp_path / name
    path.write_text(content)
    return str(path)


def bad_records(tmp_path: Path, completion: dict[str, object]) -> str:
    return write(tmp_path, "r.json", json.dumps({"completions": [completion]}))


@pytest.mark.parametrize(
    ("records", "as_of", "message"),
    [
        (None, "2026-11-25", "records file not found"),
        ("{not json", "2026-11-25", "not valid JSON (line 1"),
        (
            {"id": "a", "completed_on": "2026-01-01", "credits": {"ama_pra_one": 1}},
            "2026-11-25",
            "unknown credit type 'ama_pra_one': did you mean",
        ),
        (
            {"id": "a", "completed_on": "2027-01-01", "credits": {"ama_pra_1": 1}},
            "2026-11-25",
            "after the evaluation date 2026-11-25",
        ),
        (
            {"id": "a", "completed_on": "2026-02-30", "credits": {"ama_pra_1": 1}},
            "2026-11-25",
            "'2026-02-30' is not a valid date",
        ),
        (
            {"id": "a", "completed_on": "2026-01-01", "credits": {"ama_pra_1": 1}},
            "25/11/2026",
            "--as-of: '25/11/2026' is not a valid date",
        ),
    ],
)
def test_bad_input_is_one_line_with_exit_code_2(
    tmp_path: Path, records, as_of: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    if records is None:
        path = str(tmp_path / "missing.json")
    elif isinstance(records, str):
        path = write(tmp_path, "r.json", records)
    else:
        path = bad_records(tmp_path, records)
    with pytest.raises(CommandError) as excinfo:
        run("check", "--profile", str(PROFILE), "--records", path, "--as-of", as_of)
    assert excinfo.value.returncode == 2
    assert message in str(excinfo.value)
    assert "\n" not in str(excinfo.value)


@pytest.mark.django_db
def test_check_all_is_wired_to_the_services() -> None:
    # Wired by credits/services/evaluation.py (issue 4); the batch itself is tested in test_check_all.py.
    assert run("check-all", "--as-of", "2026-11-25").startswith(
        "Evaluated 0 clinicians as of 2026-11-25"
    )


def test_check_all_refuses_a_future_date() -> None:
    with pytest.raises(CommandError, match="cannot be in the future") as excinfo:
        run("check-all", "--as-of", "2999-01-01")
    assert excinfo.value.returncode == 2


def test_command_line_exit_code_and_no_traceback(tmp_path: Path) -> None:
    records = bad_records(
        tmp_path, {"id": "a", "completed_on": "2026-01-01", "credits": {"bogus": 1}}
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cmepath.settings.test"}
    proc = subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [
            sys.executable,
            "-m",
            "django",
            "credits",
            "check",
            "--profile",
            str(PROFILE),
            "--records",
            records,
            "--as-of",
            "2026-11-25",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0
    assert "unknown credit type 'bogus'" in proc.stderr
