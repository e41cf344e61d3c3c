"""Issue 17 item 1, engine side: every licence, board certification and DEA registration of a
profile is in the evaluation, covered by its regimes or ``not_covered`` with whom to check
with; a one-time rule that lacks a date says so. Pure engine, no database."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmepath.credits.rules import (
    BoardCert,
    ClinicianProfile,
    CredentialResult,
    Evaluation,
    Licence,
    default_rules,
    evaluate,
    evaluation_to_json,
    parse_rule_text,
)
from tests.credits.rules_helpers import licence, profile

AS_OF = date(2026, 11, 25)


def by_label(evaluation: Evaluation) -> dict[str, CredentialResult]:
    return {c.label: c for c in evaluation.credentials}


def test_every_credential_appears_covered_or_not() -> None:
    # Given a Texas RN whose Texas licence is of a type no rule covers ("other"), who also
    # holds an Ohio MD licence (covered by oh-md) and a made-up board certification
    texas = licence("TX", "other")
    ohio = licence("OH", "MD")
    p = profile(texas, ohio, profession="RN", board_certifications=(BoardCert("MADE-UP-BOARD"),))

    # When it is evaluated
    evaluation = evaluate(p, [], AS_OF)

    # Then there is one entry per credential, none silently left out
    assert len(evaluation.credentials) == 3
    found = by_label(evaluation)
    assert set(found) == {
        "Texas licence (other type)",
        "Ohio MD licence",
        "MADE-UP-BOARD certification",
    }
    tx = found["Texas licence (other type)"]
    assert (tx.kind, tx.code, tx.status, tx.regime_ids) == ("licence", "TX", "not_covered", ())
    assert tx.explanation == "not covered yet: check with the licensing board in Texas"
    oh = found["Ohio MD licence"]
    assert oh.status in ("met", "at_risk", "unmet") and oh.regime_ids == ("oh-md",)
    assert oh.explanation == "covered by oh-md"
    assert "oh-md" in {r.regime_id for r in evaluation.regimes}
    made_up = found["MADE-UP-BOARD certification"]
    assert made_up.status == "not_covered"
    assert made_up.explanation == "not covered yet: check with the certifying board"
    assert [c.label for c in evaluation.not_covered] == [
        "Texas licence (other type)",
        "MADE-UP-BOARD certification",
    ]


def test_a_licence_type_without_a_rule_names_its_board_and_link() -> None:
    # Given the rules without the Texas nursing rule: a Texas RN licence has no rule
    rules = tuple(r for r in default_rules() if r.id != "tx-rn")
    p = profile(licence("TX", "RN"), profession="RN")

    evaluation = evaluate(p, [], AS_OF, rules)

    (cred,) = evaluation.credentials
    assert cred.status == "not_covered"
    assert cred.authority == "Texas Board of Nursing"
    assert cred.authority_url == "https://www.bon.texas.gov/"
    assert cred.explanation == (
        "not covered yet: check with the Texas Board of Nursing (https://www.bon.texas.gov/)"
    )
    # and it still shows in the JSON every surface uses
    (as_json,) = evaluation_to_json(evaluation)["credentials"]
    assert as_json["status"] == "not_covered" and as_json["check_with"] == "Texas Board of Nursing"


def test_a_board_without_a_rule_names_the_board() -> None:
    p = ClinicianProfile(profession="MD", board_certifications=(BoardCert("ABA"),))
    (cred,) = evaluate(p, [], AS_OF).credentials
    assert (cred.kind, cred.status) == ("board_certification", "not_covered")
    assert cred.authority == "American Board of Anesthesiology"


def test_a_covered_credential_takes_the_worst_status_of_its_regimes() -> None:
    # An NP licence in California is covered by ca-np (0 h, always met) and ca-rn (30 h)
    p = profile(licence("CA", "NP"), profession="NP")
    evaluation = evaluate(p, [], AS_OF)
    (cred,) = evaluation.credentials
    assert cred.regime_ids == ("ca-np", "ca-rn")
    statuses = {r.regime_id: r.status for r in evaluation.regimes}
    assert statuses["ca-np"] == "met" and statuses["ca-rn"] != "met"
    assert cred.status == statuses["ca-rn"]


def test_the_dea_registration_is_a_credential() -> None:
    p = ClinicianProfile(profession="MD", dea_registration_date=date(2024, 3, 1))
    (cred,) = evaluate(p, [], AS_OF).credentials
    assert (cred.kind, cred.code, cred.label) == ("dea_registration", "DEA", "DEA registration")
    assert cred.regime_ids == ("dea-mate",)


def test_a_profile_without_credentials_has_no_entries() -> None:
    evaluation = evaluate(ClinicianProfile(profession="MD"), [], AS_OF)
    assert evaluation.credentials == ()
    assert [r.regime_id for r in evaluation.regimes] == ["dea-mate"]  # federal, not applicable


_ONE_TIME = """
id: zz-test
name: Test one-time course
jurisdiction: ZZ
kind: licence
applies_to: {professions: [MD], licence_state: ZZ}
cycle: {length_months: 24, anchor: expiry}
sources: [https://example.test/rule]
as_of: 2026-11-25
requirements:
  - id: course
    label: One-time 2 h course within 2 years of licensure
    hours: 2
    frequency: one_time
    deadline: {within_years_of_licensure: 2}
"""


def test_a_one_time_rule_says_when_the_issue_date_it_needs_is_missing() -> None:
    rule = parse_rule_text(_ONE_TIME, "zz-test.yaml")
    undated = Licence(state="ZZ", profession="MD", expiry_date=date(2027, 1, 31))
    (req,) = evaluate(profile(undated), [], AS_OF, (rule,)).regimes[0].requirements
    assert req.deadline is None
    assert "deadline unknown: add the licence's issue date (or the date of first licensure)" in (
        req.explanation
    )
    dated = Licence(state="ZZ", profession="MD", issue_date=date(2026, 1, 1))
    (req,) = evaluate(profile(dated), [], AS_OF, (rule,)).regimes[0].requirements
    assert req.deadline == date(2028, 1, 1) and "deadline unknown" not in req.explanation


def test_the_mate_training_says_when_the_dea_registration_date_is_missing() -> None:
    p = profile(licence("CA", dea_registered=True))  # registered, date not given
    dea = next(r for r in evaluate(p, [], AS_OF).regimes if r.regime_id == "dea-mate")
    (req,) = dea.requirements
    assert req.deadline is None
    assert "deadline unknown: add the DEA registration date" in req.explanation


@pytest.mark.parametrize("days", [0, -5])
def test_at_risk_days_must_be_positive(days: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        evaluate(ClinicianProfile(profession="MD"), [], AS_OF, at_risk_days=days)


_STATES = ["TX", "OH", "CA", "AL", "PR", "WY", "NY"]
_TYPES = ["MD", "DO", "NP", "PA", "RN", "PharmD", "other"]
_BOARDS = ["ABIM", "NCCPA", "AANPCB", "ABA", "BPS", "other", "NOT-A-BOARD"]


@settings(max_examples=150, deadline=None)
@given(
    profession=st.sampled_from(_TYPES),
    licences=st.lists(st.tuples(st.sampled_from(_STATES), st.sampled_from(_TYPES)), max_size=4),
    boards=st.lists(st.sampled_from(_BOARDS), max_size=3),
    dea=st.booleans(),
)
def test_one_entry_per_credential_whatever_the_profile(
    profession: str, licences: list[tuple[str, str]], boards: list[str], dea: bool
) -> None:
    p = ClinicianProfile(
        profession=profession,
        licences=tuple(Licence(state=s, profession=t) for s, t in licences),
        board_certifications=tuple(BoardCert(b) for b in boards),
        dea_registration_date=date(2024, 1, 1) if dea else None,
    )
    evaluation = evaluate(p, [], AS_OF)
    assert len(evaluation.credentials) == len(licences) + len(boards) + int(dea)
    evaluated = {r.regime_id for r in evaluation.regimes}
    for cred in evaluation.credentials:
        if cred.status == "not_covered":
            assert cred.regime_ids == () and cred.explanation.startswith("not covered yet")
        else:
            assert cred.regime_ids and set(cred.regime_ids) <= evaluated
