"""Scenario tests for the requirement rules, each taken from the cited sources."""

from __future__ import annotations

from datetime import date

import pytest

from cmepath.credits.rules import BoardCert, default_rules, evaluate
from tests.credits.rules_helpers import done, licence, profile, regime, req

AS_OF = date(2026, 11, 25)


def test_texas_carries_forward_excess_credit_up_to_48() -> None:
    # given a TX physician whose cycle is 2025-02-01..2027-01-31, with 80 h last cycle
    tx = licence("TX", issue_date=date(2010, 6, 1), expiry_date=date(2027, 1, 31))
    records = [
        done("prev", date(2024, 3, 1), 80),  # previous cycle: 32 h over 48
        done("now", date(2026, 2, 1), 20),
    ]
    # when evaluated
    total = req(evaluate(profile(tx), records, AS_OF), "tx-md", "total")
    # then 20 + 32 carried = 52 >= 48
    assert total.hours_counted == 52
    assert total.status == "met"
    assert "carried forward 32 h" in total.explanation
    assert set(total.counted_completion_ids) == {"prev", "now"}


def test_texas_carry_forward_is_capped_at_48() -> None:
    tx = licence("TX", issue_date=date(2010, 6, 1), expiry_date=date(2027, 1, 31))
    records = [done("prev", date(2024, 3, 1), 200)]
    total = req(evaluate(profile(tx), records, AS_OF), "tx-md", "total")
    assert total.hours_counted == 48


def test_texas_cure_period_after_deadline_is_at_risk_then_unmet() -> None:
    tx = licence("TX", issue_date=date(2010, 6, 1), expiry_date=date(2026, 11, 10))
    within = evaluate(profile(tx), [], date(2026, 11, 25))
    assert req(within, "tx-md", "total").status == "at_risk"
    assert regime(within, "tx-md").cure_until == date(2026, 12, 10)
    after = evaluate(profile(tx), [], date(2026, 12, 11))
    assert req(after, "tx-md", "total").status == "unmet"


@pytest.mark.parametrize(
    ("expiry", "due"),
    [
        # FL licence issued 2019-03-01 with 2-year cycles ending Jan 31: renewal 1 = 2021-01-31
        (date(2027, 1, 31), True),  # renewal 4: 4 - 1 divisible by 3 -> due
        (date(2025, 1, 31), False),  # renewal 3
        (date(2023, 1, 31), False),  # renewal 2
    ],
)
def test_florida_domestic_violence_every_third_biennium(expiry: date, due: bool) -> None:
    fl = licence("FL", issue_date=date(2019, 3, 1), expiry_date=expiry)
    records = [done("dv", expiry.replace(day=1), 2, "domestic_violence")]
    result = req(evaluate(profile(fl), records, expiry.replace(day=2)), "fl-md", "domestic_violence")
    if due:
        assert result.status == "met"
        assert result.hours_counted == 2
    else:
        assert result.status == "not_applicable"
        assert "due every 3 renewals" in result.reason_not_applicable


def test_florida_hiv_only_at_first_renewal() -> None:
    first = licence("FL", issue_date=date(2025, 3, 1), expiry_date=date(2027, 1, 31))
    later = licence("FL", issue_date=date(2015, 3, 1), expiry_date=date(2027, 1, 31))
    assert req(evaluate(profile(first), [], AS_OF), "fl-md", "hiv_aids").status == "at_risk"
    assert req(evaluate(profile(later), [], AS_OF), "fl-md", "hiv_aids").status == "not_applicable"


def test_california_pain_management_due_by_second_renewal() -> None:
    # given a CA MD licensed 2023-06-01 (expiry cycles ending 2025-03-31, 2027-03-31, ...)
    ca = licence("CA", issue_date=date(2023, 6, 1), expiry_date=date(2027, 3, 31))
    p = profile(ca, specialties=frozenset({"internal_medicine"}))
    # when only 6 of the 12 hours are done
    partial = req(evaluate(p, [done("a", date(2024, 1, 1), 6, "pain_management")], AS_OF),
                  "ca-md", "pain_management_one_time")
    # then it is due at the second renewal (2027-03-31), sooner than 4 years from licensure
    assert partial.deadline == date(2027, 3, 31)
    assert partial.status == "unmet"
    assert partial.hours_counted == 6
    # and 12 h done at any time before (one-time) meets it
    full = req(
        evaluate(p, [done("a", date(2024, 1, 1), 6, "pain_management"),
                     done("b", date(2025, 1, 1), 6, "end_of_life_care")], AS_OF),
        "ca-md", "pain_management_one_time",
    )
    assert full.status == "met"
    assert full.counted_completion_ids == ("a", "b")


def test_california_pain_management_exempts_radiologists() -> None:
    ca = licence("CA", issue_date=date(2023, 6, 1), expiry_date=date(2027, 3, 31))
    p = profile(ca, specialties=frozenset({"radiology"}))
    result = req(evaluate(p, [], AS_OF), "ca-md", "pain_management_one_time")
    assert result.status == "not_applicable"
    assert "radiology" in result.reason_not_applicable


def test_california_geriatrics_20_percent_when_over_25_percent_patients_65_plus() -> None:
    ca = licence("CA", expiry_date=date(2027, 3, 31))
    records = [done("g", date(2026, 1, 1), 6, "geriatrics"), done("o", date(2026, 2, 1), 44)]
    older = profile(ca, specialties=frozenset({"internal_medicine"}), patients_65_plus_share=0.4)
    younger = profile(ca, specialties=frozenset({"internal_medicine"}), patients_65_plus_share=0.2)
    result = req(evaluate(older, records, AS_OF), "ca-md", "geriatrics_share")
    assert result.hours_needed == 10  # 20% of 50
    assert result.hours_counted == 6
    assert result.status == "unmet"
    skipped = req(evaluate(younger, records, AS_OF), "ca-md", "geriatrics_share")
    assert skipped.status == "not_applicable"
    assert "25%" in skipped.reason_not_applicable


def test_nccpa_doubles_pi_cme_for_certification_but_not_for_state_licence() -> None:
    # given a PA with NCCPA certification and a Kentucky PA licence
    pa = profile(
        licence("KY", "PA", expiry_date=date(2026, 12, 31)),
        profession="PA",
        board_certifications=(BoardCert("NCCPA", "", date(2025, 1, 1), date(2026, 12, 31)),),
    )
    records = [
        done("pi", date(2025, 6, 1), 30, credit="aapa_1", kinds=("pi_cme",)),
        done("sa", date(2025, 7, 1), 10, credit="aapa_1", kinds=("sa_cme",)),
        done("x", date(2025, 8, 1), 40, credit="aapa_1"),
    ]
    evaluation = evaluate(pa, records, date(2026, 11, 1))
    # then NCCPA: 80 base + 20 (first 20 PI doubled) + 5 (SA +50%) = 105
    nccpa = req(evaluation, "nccpa-pa", "total")
    assert nccpa.hours_counted == 105
    assert nccpa.status == "met"
    # and the same completions count as earned for the state licence
    state = req(evaluation, "ky-pa", "total")
    assert state.hours_counted == 80
    assert state.status == "at_risk"  # due 2026-12-31, within 90 days


def test_dea_mate_one_time_8_hours() -> None:
    p = profile(licence("CA", dea_registered=True), dea_registration_date=date(2022, 9, 1))
    # first DEA renewal on/after 2023-06-27 is 2025-09-01
    short = req(evaluate(p, [done("a", date(2023, 1, 1), 5, "substance_use_disorder")], AS_OF),
                "dea-mate", "mate_training")
    assert short.deadline == date(2025, 9, 1)
    assert short.status == "unmet"
    met = req(
        evaluate(p, [done("a", date(2023, 1, 1), 5, "substance_use_disorder"),
                     done("b", date(2015, 1, 1), 3, "substance_use_disorder")], AS_OF),
        "dea-mate", "mate_training",
    )
    assert met.status == "met"
    assert met.hours_counted == 8


def test_dea_mate_not_applicable_without_dea_or_with_addiction_board() -> None:
    no_dea = req(evaluate(profile(licence("CA")), [], AS_OF), "dea-mate", "mate_training")
    assert no_dea.reason_not_applicable.startswith("applies only to DEA registrants")
    boarded = profile(
        licence("CA", dea_registered=True),
        board_certifications=(BoardCert("ABPM", "addiction_medicine"),),
    )
    assert req(evaluate(boarded, [], AS_OF), "dea-mate", "mate_training").status == "not_applicable"


def test_new_york_pain_topics_only_for_dea_registered_prescribers() -> None:
    records = [done("p", date(2026, 1, 1), 3, "pain_management")]
    ny = {"expiry_date": date(2027, 6, 30), "issue_date": date(2015, 1, 1)}
    with_dea = evaluate(profile(licence("NY", dea_registered=True, **ny)), records, AS_OF)
    without = evaluate(profile(licence("NY", dea_registered=False, **ny)), records, AS_OF)
    assert req(with_dea, "ny-md", "pain_palliative_addiction").status == "met"
    assert req(without, "ny-md", "pain_palliative_addiction").status == "not_applicable"
    assert "DEA" in req(without, "ny-md", "pain_palliative_addiction").reason_not_applicable


def test_california_pharmacist_first_renewal_exempt() -> None:
    first = licence("CA", "PharmD", issue_date=date(2025, 9, 1), expiry_date=date(2027, 3, 31))
    later = licence("CA", "PharmD", issue_date=date(2019, 9, 1), expiry_date=date(2027, 3, 31))
    new = evaluate(profile(first, profession="PharmD"), [], AS_OF)
    old = evaluate(profile(later, profession="PharmD"), [], AS_OF)
    assert {r.status for r in regime(new, "ca-pharmd").requirements} == {"not_applicable"}
    assert "first renewal" in req(new, "ca-pharmd", "total").reason_not_applicable
    assert req(old, "ca-pharmd", "total").status == "unmet"


def test_one_completion_counts_toward_several_regimes() -> None:
    p = profile(
        licence("CA", dea_registered=True, expiry_date=date(2027, 3, 31)),
        licence("TX", dea_registered=True, expiry_date=date(2027, 1, 31)),
        dea_registration_date=date(2024, 1, 1),
    )
    c = done("multi", date(2026, 1, 10), 8, "substance_use_disorder", "opioid_prescribing")
    evaluation = evaluate(p, [c], AS_OF)
    for regime_id, requirement_id in [("ca-md", "total"), ("tx-md", "total"), ("dea-mate", "mate_training")]:
        assert "multi" in req(evaluation, regime_id, requirement_id).counted_completion_ids


def test_at_risk_window_is_a_parameter() -> None:
    p = profile(licence("CA", expiry_date=date(2027, 1, 31)))
    assert req(evaluate(p, [], AS_OF), "ca-md", "total").status == "at_risk"
    assert req(evaluate(p, [], AS_OF, at_risk_days=30), "ca-md", "total").status == "unmet"


def test_completions_after_as_of_are_ignored_by_the_engine() -> None:
    p = profile(licence("CA", expiry_date=date(2027, 3, 31)))
    future = done("f", date(2027, 1, 1), 50)
    assert req(evaluate(p, [future], AS_OF), "ca-md", "total").hours_counted == 0


def test_every_shipped_rule_has_sources_and_as_of() -> None:
    rules = default_rules()
    assert len(rules) >= 26
    states = {r.jurisdiction for r in rules if r.kind == "licence" and "MD" in r.applies_to.professions}
    assert len(states - {"CA", "TX", "NY", "FL"}) >= 15
    for r in rules:
        assert r.sources and all(s.startswith("http") for s in r.sources)
        assert r.as_of == date(2026, 11, 25)
