"""Issue 17 item 1, input side: unknown codes in profile or records JSON are refused with a
"did you mean" and the accepted values, never ignored; ``credits check`` exits 2 on them and
on a non-positive ``--at-risk-days``; its output lists every credential."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cmepath.credits.rules import (
    InputError,
    completions_from_json,
    default_rules,
    profile_from_json,
)
from cmepath.credits.rules.jsonio import accepted_boards, accepted_specialties

MD: dict[str, Any] = {"profession": "MD"}


@pytest.mark.parametrize(
    ("profile", "where", "suggestion", "accepted"),
    [
        (
            {**MD, "board_certifications": [{"board": "abim"}]},
            "profile.board_certifications[0].board: unknown board 'abim'",
            "did you mean 'ABIM'?",
            "Accepted: ABIM, ABFM,",
        ),
        (
            {**MD, "licences": [{"state": "Texas", "profession": "MD"}]},
            "profile.licences[0].state: unknown state code 'Texas'",
            "did you mean 'TX' (Texas)?",
            "Accepted: AL, AK,",
        ),
        (
            {**MD, "specialties": ["internal medicine"]},
            "profile.specialties: unknown specialty 'internal medicine'",
            "did you mean 'internal_medicine'?",
            "addiction_medicine,",
        ),
        (
            {**MD, "board_certifications": [{"board": "ABIM", "specialty": "Addiction Medicine"}]},
            "profile.board_certifications[0].specialty: unknown specialty 'Addiction Medicine'",
            "did you mean 'addiction_medicine'?",
            "internal_medicine,",
        ),
        (
            {**MD, "licences": [{"state": "CA", "profession": "PharmD", "endorsements": ["APP"]}]},
            "profile.licences[0].endorsements: unknown endorsement 'APP'",
            "",
            "Accepted: advanced_practice_pharmacist,",
        ),
        (
            {"profession": "md"},
            "profile.profession: unknown profession 'md'",
            "did you mean 'MD'?",
            "Accepted: MD, DO, NP, PA, RN, PharmD, other.",
        ),
        (
            {**MD, "licences": [{"state": "CA", "profession": "Pharmacist"}]},
            "profile.licences[0].profession: unknown licence type 'Pharmacist'",
            "",
            "Accepted: MD, DO, NP, PA, RN, PharmD, other.",
        ),
    ],
)
def test_unknown_profile_codes_are_refused_with_a_suggestion_and_the_accepted_list(
    profile: dict[str, Any], where: str, suggestion: str, accepted: str
) -> None:
    with pytest.raises(InputError) as excinfo:
        profile_from_json(profile)
    message = str(excinfo.value)
    assert message.startswith(where)
    assert suggestion in message
    assert accepted in message
    assert "\n" not in message


def test_unknown_completion_kind_is_refused() -> None:
    records = {
        "completions": [
            {"id": "a", "completed_on": "2026-01-01", "credits": {"ama_pra_1": 1}, "kinds": ["PI"]}
        ]
    }
    with pytest.raises(InputError) as excinfo:
        completions_from_json(records)
    assert str(excinfo.value) == (
        "completions[0].kinds: unknown completion kind 'PI': did you mean 'pi_cme'? "
        "Accepted: live, pi_cme, sa_cme."
    )


def test_a_lower_case_state_code_is_read_as_the_code() -> None:
    parsed = profile_from_json({**MD, "licences": [{"state": "tx", "profession": "MD"}]})
    assert parsed.licences[0].state == "TX"


def test_accepted_boards_are_the_accounts_boards_and_every_rule_board() -> None:
    from cmepath.accounts.choices import BOARDS

    assert set(accepted_boards()) == {code for code, _ in BOARDS}
    rule_boards = {r.applies_to.board for r in default_rules() if r.applies_to.board}
    assert rule_boards <= set(accepted_boards())


def test_every_specialty_a_rule_names_is_accepted() -> None:
    named = {
        s
        for r in default_rules()
        for q in r.requirements
        for s in q.conditions.specialties_any
        | q.conditions.specialties_none
        | q.conditions.board_specialties_none
    }
    assert named <= set(accepted_specialties())


# -- the command ------------------------------------------------------------------------------


def write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def check(*args: str) -> str:
    out = StringIO()
    call_command("credits", "check", *args, stdout=out)
    return out.getvalue()


def test_check_with_a_bad_board_code_exits_2_with_the_list_and_a_suggestion(tmp_path) -> None:
    profile = write(tmp_path, "p.json", {**MD, "board_certifications": [{"board": "abim"}]})
    records = write(tmp_path, "r.json", {"completions": []})
    with pytest.raises(CommandError) as excinfo:
        check("--profile", profile, "--records", records, "--json")
    assert excinfo.value.returncode == 2
    message = str(excinfo.value)
    assert "unknown board 'abim': did you mean 'ABIM'?" in message
    assert "Accepted: ABIM, ABFM, ABP, ABEM, ABA, ABPN, ABS, ABOG, ABR," in message


@pytest.mark.parametrize("days", ["0", "-3", "soon"])
def test_at_risk_days_must_be_a_positive_number(tmp_path, days: str) -> None:
    profile = write(tmp_path, "p.json", MD)
    records = write(tmp_path, "r.json", [])
    with pytest.raises(CommandError, match="--at-risk-days") as excinfo:
        check("--profile", profile, "--records", records, "--at-risk-days", days)
    assert excinfo.value.returncode == 2


def _mixed_profile(tmp_path: Path) -> str:
    return write(
        tmp_path,
        "p.json",
        {
            "profession": "RN",
            "licences": [
                {"state": "TX", "profession": "other"},
                {"state": "OH", "profession": "MD", "expiry_date": "2027-01-31"},
            ],
            "board_certifications": [{"board": "other"}],
        },
    )


def test_check_json_lists_every_credential(tmp_path) -> None:
    records = write(tmp_path, "r.json", [])
    data = json.loads(
        check(
            "--profile",
            _mixed_profile(tmp_path),
            "--records",
            records,
            "--as-of",
            "2026-11-25",
            "--json",
        )
    )
    credentials = {c["label"]: c for c in data["credentials"]}
    assert len(credentials) == 3
    assert credentials["Texas licence (other type)"]["status"] == "not_covered"
    assert credentials["Ohio MD licence"]["regime_ids"] == ["oh-md"]
    assert credentials["other certification"]["status"] == "not_covered"


def test_check_table_shows_not_covered_credentials(tmp_path) -> None:
    records = write(tmp_path, "r.json", [])
    text = check(
        "--profile", _mixed_profile(tmp_path), "--records", records, "--as-of", "2026-11-25"
    )
    assert "Credentials" in text
    assert "Texas licence (other type)" in text
    assert "not covered yet: check with the licensing board in Texas" in text
    assert "covered by oh-md" in text
