"""``cmepath npi check`` management command: messages, --json and exit status."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("npi", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("npi", "digit"), [("1234567893", 3), ("1295723567", 7), ("1134296023", 3)]
)
def test_valid_npi_prints_confirmation(npi, digit):
    out, _ = _run("check", npi)

    assert out.strip() == f"{npi} is a valid NPI (check digit {digit})"


@pytest.mark.parametrize(
    ("npi", "reason"),
    [
        ("123456789", "An NPI has exactly 10 digits; 9 digits were given."),
        ("3234567893", "An NPI starts with 1 or 2; this one starts with 3."),
        ("1234567890", "the last digit should be 3 for these first nine digits, but 0 was given"),
        ("12345-6789", "digits only"),
    ],
)
def test_invalid_npi_raises_with_reason_and_exit_code_1(npi, reason):
    with pytest.raises(CommandError) as caught:
        _run("check", npi)

    assert caught.value.returncode == 1
    assert str(caught.value).startswith(f"{npi} is not a valid NPI: ")
    assert reason in str(caught.value)


def test_json_for_valid_npi():
    out, _ = _run("check", "1234567893", "--json")

    assert json.loads(out) == {
        "npi": "1234567893",
        "valid": True,
        "check_digit": 3,
        "reason": None,
    }


def test_json_for_invalid_npi_is_printed_before_failing():
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("npi", "check", "1234567890", "--json", stdout=out)

    payload = json.loads(out.getvalue())
    assert caught.value.returncode == 1
    assert payload["valid"] is False
    assert payload["check_digit"] == 3
    assert "should be 3" in payload["reason"]


def test_subcommand_is_required():
    with pytest.raises(CommandError):
        call_command("npi")


@pytest.mark.parametrize(("npi", "status"), [("1234567893", 0), ("1234567890", 1)])
def test_exit_status_from_the_command_line(npi, status):
    # The real process exit status, as a shell script would see it.
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "django", "npi", "check", npi],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert completed.returncode == status, completed.stderr
    if status == 0:
        assert "is a valid NPI (check digit 3)" in completed.stdout
    else:
        assert "check digit does not match" in completed.stderr
