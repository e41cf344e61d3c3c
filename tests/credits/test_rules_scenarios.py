"""Scenario tests for the requirement rules, each taken from the cited sources."""

from __future__ import annotations

from datetime import UTC, date, datetime

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
        # FL licence issued 2019-03-01 with 2-year cycles ending Jan 31: renewal 1 = 2021-01-31.
        # F.S. 456.031 / FAC 64B8-13.005: "as part of every third biennial" renewal, i.e. the
        # 3rd, 6th, 9th ... renewal (issue 17 corrected the rule, which had 1st, 4th, 7th).
        (date(2031, 1, 31), True),  # renewal 6
        (date(2027, 1, 31), False),  # renewal 4
        (date(2025, 1, 31), True),  # renewal 3
        (date(2023, 1, 31), False),  # renewal 2
    ],
)
def test_florida_domestic_violence_every_third_biennium(expiry: date, due: bool) -> None:
    fl = licence("FL", issue_date=date(2019, 3, 1), expiry_date=expiry)
    records = [done("dv", expiry.replace(day=1), 2, "domestic_violence")]
    result = req(
        evaluate(profile(fl), records, expiry.replace(day=2)), "fl-md", "domestic_violence"
    )
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
    partial = req(
        evaluate(p, [done("a", date(2024, 1, 1), 6, "pain_management")], AS_OF),
        "ca-md",
        "pain_management_one_time",
    )
    # then it is due at the second renewal (2027-03-31), sooner than 4 years from licensure
    assert partial.deadline == date(2027, 3, 31)
    assert partial.status == "unmet"
    assert partial.hours_counted == 6
    # and 12 h done at any time before (one-time) meets it
    full = req(
        evaluate(
            p,
            [
                done("a", date(2024, 1, 1), 6, "pain_management"),
                done("b", date(2025, 1, 1), 6, "end_of_life_care"),
            ],
            AS_OF,
        ),
        "ca-md",
        "pain_management_one_time",
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
    short = req(
        evaluate(p, [done("a", date(2023, 1, 1), 5, "substance_use_disorder")], AS_OF),
        "dea-mate",
        "mate_training",
    )
    assert short.deadline == date(2025, 9, 1)
    assert short.status == "unmet"
    met = req(
        evaluate(
            p,
            [
                done("a", date(2023, 1, 1), 5, "substance_use_disorder"),
                done("b", date(2015, 1, 1), 3, "substance_use_disorder"),
            ],
            AS_OF,
        ),
        "dea-mate",
        "mate_training",
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
    for regime_id, requirement_id in [
        ("ca-md", "total"),
        ("tx-md", "total"),
        ("dea-mate", "mate_training"),
    ]:
        assert "multi" in req(evaluation, regime_id, requirement_id).counted_completion_ids


def test_at_risk_window_is_a_parameter() -> None:
    p = profile(licence("CA", expiry_date=date(2027, 1, 31)))
    assert req(evaluate(p, [], AS_OF), "ca-md", "total").status == "at_risk"
    assert req(evaluate(p, [], AS_OF, at_risk_days=30), "ca-md", "total").status == "unmet"


def test_completions_after_as_of_are_ignored_by_the_engine() -> None:
    p = profile(licence("CA", expiry_date=date(2027, 3, 31)))
    future = done("f", date(2027, 1, 1), 50)
    assert req(evaluate(p, [future], AS_OF), "ca-md", "total").hours_counted == 0


def test_michigan_r338_2443_topics_and_r338_7004_implicit_bias() -> None:
    # Mich Admin Code R 338.2441/2443 and R 338.7004: 150 h in 3 years, 75 Category 1, 1 h
    # ethics, 3 h pain (1 h of it controlled substances prescribing), 1 h implicit bias a year
    mi = licence("MI", expiry_date=date(2027, 6, 30))
    met = [
        done("cat1", date(2025, 1, 10), 143),
        done("eth", date(2025, 2, 1), 1, "ethics"),
        done("pain", date(2025, 3, 1), 2, "pain_management"),
        done("cs", date(2025, 4, 1), 1, "controlled_substances"),
        done("ib", date(2025, 5, 1), 3, "implicit_bias"),
    ]
    evaluation = evaluate(profile(mi), met, AS_OF)
    assert {r.status for r in regime(evaluation, "mi-md").requirements} == {"met"}
    assert req(evaluation, "mi-md", "total").hours_counted == 150
    # 3 h of pain management with none on controlled substances, 2 of 3 h implicit bias
    short = [
        done("pain", date(2025, 3, 1), 3, "pain_management"),
        done("ib", date(2025, 5, 1), 2, "implicit_bias"),
    ]
    unmet = evaluate(profile(mi), short, AS_OF)
    assert req(unmet, "mi-md", "pain").status == "met"
    assert req(unmet, "mi-md", "controlled_substances").status == "unmet"
    assert req(unmet, "mi-md", "implicit_bias").hours_counted == 2
    assert req(unmet, "mi-md", "implicit_bias").status == "unmet"


def test_massachusetts_implicit_bias_counts_toward_risk_management_and_no_ehr_hours() -> None:
    # BORIM Policy 2021-04: 2 credits implicit bias, applicable to the biennial 10 h of risk
    # management; 243 CMR 2.06(2)(d): EHR proficiency need not be shown through CME hours
    ma = licence("MA", expiry_date=date(2027, 6, 30))
    records = [
        done("ib", date(2026, 1, 5), 2, "implicit_bias"),
        done("rm", date(2026, 2, 5), 8, "risk_management"),
    ]
    evaluation = evaluate(profile(ma), records, AS_OF)
    assert req(evaluation, "ma-md", "risk_management").hours_counted == 10
    assert req(evaluation, "ma-md", "risk_management").status == "met"
    assert req(evaluation, "ma-md", "implicit_bias").status == "met"
    assert "ehr" not in {r.id for r in regime(evaluation, "ma-md").requirements}
    without = evaluate(profile(ma), [done("rm", date(2026, 2, 5), 10, "risk_management")], AS_OF)
    assert req(without, "ma-md", "risk_management").status == "met"
    assert req(without, "ma-md", "implicit_bias").status == "unmet"


def test_wisconsin_two_category_1_hours_for_dea_holders_md_and_do_cycles() -> None:
    # Med 13.02/13.03: 30 h AMA/AOA Category I per biennium ending Oct 31 of odd years; DEA
    # holders take 2 of them on controlled substances. DO renewal dates differ (DSPS).
    cs_cat1 = done("cs", date(2026, 1, 10), 2, "controlled_substances")
    cs_cat2 = done("cs", date(2026, 1, 10), 2, "controlled_substances", credit="ama_pra_2")
    dea = profile(licence("WI", dea_registered=True))
    met = req(evaluate(dea, [cs_cat1], AS_OF), "wi-md", "controlled_substances")
    assert met.status == "met"
    assert met.deadline == date(2027, 10, 31)
    assert req(evaluate(dea, [cs_cat2], AS_OF), "wi-md", "controlled_substances").status == "unmet"
    no_dea = profile(licence("WI", dea_registered=False))
    assert (
        req(evaluate(no_dea, [], AS_OF), "wi-md", "controlled_substances").status
        == "not_applicable"
    )
    do_cs = done(
        "cs", date(2026, 6, 10), 2, "controlled_substances"
    )  # DO biennium began 2026-03-01
    do = evaluate(
        profile(licence("WI", "DO", dea_registered=True), profession="DO"), [do_cs], AS_OF
    )
    assert "wi-md" not in {r.regime_id for r in do.regimes}
    do_req = req(do, "wi-do", "controlled_substances")
    assert do_req.status == "met"
    assert do_req.deadline == date(2028, 2, 29)  # DSPS: DOs renew Feb 28/29 of even years


def test_minnesota_opioid_hours_are_one_time_for_dea_registrants() -> None:
    # Minn. Stat. 214.12 subd. 6 (Board of Nursing statement): 2 h completed at least once;
    # licensees without a DEA registration are exempt
    mn = licence("MN", dea_registered=True, expiry_date=date(2027, 12, 31))
    earlier = [done("op", date(2021, 3, 1), 2, "opioid_prescribing")]  # previous 3-year cycle
    assert req(evaluate(profile(mn), earlier, AS_OF), "mn-md", "opioid").status == "met"
    assert req(evaluate(profile(mn), [], AS_OF), "mn-md", "opioid").status == "unmet"
    no_dea = licence("MN", dea_registered=False, expiry_date=date(2027, 12, 31))
    assert req(evaluate(profile(no_dea), [], AS_OF), "mn-md", "opioid").status == "not_applicable"


def test_new_mexico_triennial_75_hours_practice_act_and_pain_hours() -> None:
    # 16.10.4.8 NMAC: 75 h July 1 to June 30 before the triennial renewal, 1 h on the Medical
    # Practice Act and rules; 16.10.14.11 NMAC: 5 h pain management for DEA/CSR holders
    nm = licence("NM", dea_registered=True, expiry_date=date(2027, 6, 30))
    records = [
        done("gen", date(2025, 1, 10), 69),
        done("act", date(2025, 2, 10), 1, "board_regulations"),
        done("pain", date(2025, 3, 10), 5, "pain_management"),
        done("old", date(2024, 6, 30), 40),  # before the July 1, 2024 window
    ]
    evaluation = evaluate(profile(nm), records, AS_OF)
    total = req(evaluation, "nm-md", "total")
    assert total.hours_counted == 75
    assert total.status == "met"
    assert req(evaluation, "nm-md", "practice_act").status == "met"
    assert req(evaluation, "nm-md", "pain_management").status == "met"
    short = [done("pain", date(2025, 3, 10), 4, "pain_management")]
    assert req(evaluate(profile(nm), short, AS_OF), "nm-md", "pain_management").status == "unmet"
    assert req(evaluate(profile(nm), short, AS_OF), "nm-md", "practice_act").status == "unmet"
    no_dea = licence("NM", dea_registered=False, expiry_date=date(2027, 6, 30))
    assert (
        req(evaluate(profile(no_dea), [], AS_OF), "nm-md", "pain_management").status
        == "not_applicable"
    )


def test_connecticut_50_hours_in_24_months_and_topics_every_six_years() -> None:
    # C.G.S. 20-10b(b): 50 contact hours in the 24 months before each (annual) renewal; one
    # hour in each mandatory topic at least once every six years
    ct = licence("CT", expiry_date=date(2027, 3, 31))
    in_window = [done("a", date(2025, 6, 1), 30), done("b", date(2026, 6, 1), 20)]
    total = req(evaluate(profile(ct), in_window, AS_OF), "ct-md", "total")
    assert total.hours_counted == 50
    assert total.status == "met"
    too_old = [done("a", date(2025, 3, 1), 30), done("b", date(2026, 6, 1), 20)]
    assert req(evaluate(profile(ct), too_old, AS_OF), "ct-md", "total").hours_counted == 20
    dv_recent = [done("dv", date(2021, 6, 1), 1, "domestic_violence")]
    dv_stale = [done("dv", date(2020, 6, 1), 1, "domestic_violence")]
    assert (
        req(evaluate(profile(ct), dv_recent, AS_OF), "ct-md", "domestic_violence").status == "met"
    )
    assert (
        req(evaluate(profile(ct), dv_stale, AS_OF), "ct-md", "domestic_violence").status == "unmet"
    )
    six_topics = [
        done("s", date(2024, 5, 1), 1, "sexual_assault"),
        done("h", date(2024, 5, 1), 1, "behavioral_health"),
        done("i", date(2024, 5, 1), 1, "hiv_aids"),
    ]
    topical = evaluate(profile(ct), six_topics, AS_OF)
    for rid in ("sexual_assault", "behavioral_health", "infectious_diseases"):
        assert req(topical, "ct-md", rid).status == "met"
    assert req(evaluate(profile(ct), [], AS_OF), "ct-md", "sexual_assault").status == "unmet"


def test_virginia_60_hours_in_two_years_at_least_30_type_1() -> None:
    # 18VAC85-20-235(A): 60 h of continuing learning in the two years before the biennial
    # (birth-month) renewal, at least 30 of them Type 1
    va = licence("VA", expiry_date=date(2027, 3, 31))  # cycle 2025-04-01..2027-03-31
    met = [done("t1", date(2025, 6, 1), 30), done("t2", date(2026, 1, 10), 30, credit="ama_pra_2")]
    evaluation = evaluate(profile(va), met, AS_OF)
    total = req(evaluation, "va-md", "total")
    assert total.hours_counted == 60
    assert total.status == "met"
    assert total.deadline == date(2027, 3, 31)
    assert req(evaluation, "va-md", "type_1").status == "met"
    mostly_type_2 = [
        done("t1", date(2025, 6, 1), 20),
        done("t2", date(2026, 1, 10), 40, credit="ama_pra_2"),
    ]
    short = evaluate(profile(va), mostly_type_2, AS_OF)
    assert req(short, "va-md", "total").status == "met"
    assert req(short, "va-md", "type_1").hours_counted == 20
    assert req(short, "va-md", "type_1").status == "unmet"
    before_window = [done("old", date(2025, 3, 31), 60)]
    assert req(evaluate(profile(va), before_window, AS_OF), "va-md", "total").hours_counted == 0


def test_washington_200_hours_over_the_48_months_to_expiry() -> None:
    # WAC 246-919-460: all two hundred credit hours may be Category I; four-year CME cycle
    wa = licence("WA", expiry_date=date(2027, 6, 30))  # window 2023-07-01..2027-06-30
    records = [done("a", date(2023, 8, 1), 120), done("b", date(2026, 2, 1), 80)]
    total = req(evaluate(profile(wa), records, AS_OF), "wa-md", "total")
    assert total.hours_counted == 200
    assert total.status == "met"
    assert total.deadline == date(2027, 6, 30)
    early = [done("a", date(2023, 6, 15), 120), done("b", date(2026, 2, 1), 80)]
    late_total = req(evaluate(profile(wa), early, AS_OF), "wa-md", "total")
    assert late_total.hours_counted == 80
    assert late_total.status == "unmet"
    # WAC 246-919-445 (WSR 23-24-033): 2 h health equity every four years, inside the 200
    equity = [done("he", date(2025, 5, 1), 2, "health_equity")]
    assert req(evaluate(profile(wa), equity, AS_OF), "wa-md", "health_equity").status == "met"
    assert req(evaluate(profile(wa), records, AS_OF), "wa-md", "health_equity").status == "unmet"


def test_massachusetts_pilot_50_credits_category_1_or_2_and_one_time_end_of_life() -> None:
    # BORIM Policy 2017-05: no fewer than 50 credits a biennial period, Category 1 or 2;
    # 2 credits on end-of-life care once
    ma = licence("MA", expiry_date=date(2027, 6, 30))
    records = [
        done("c1", date(2025, 9, 1), 30),
        done("c2", date(2026, 3, 1), 20, credit="ama_pra_2"),
        done("eol", date(2019, 4, 1), 2, "end_of_life_care"),  # an earlier cycle
    ]
    evaluation = evaluate(profile(ma), records, AS_OF)
    assert req(evaluation, "ma-md", "total").hours_counted == 50
    assert req(evaluation, "ma-md", "total").status == "met"
    assert req(evaluation, "ma-md", "end_of_life").status == "met"
    short = evaluate(profile(ma), [done("c1", date(2025, 9, 1), 49)], AS_OF)
    assert req(short, "ma-md", "total").status == "unmet"
    assert req(short, "ma-md", "end_of_life").status != "met"


def test_south_carolina_40_category_i_hours_two_on_controlled_substances() -> None:
    # S.C. Code 40-47-40: 40 h Category I each biennial renewal period (renewals end June 30
    # of odd years, Board renewal page), 2 h on prescribing and monitoring controlled
    # substances; none at the first renewal
    sc = licence("SC", issue_date=date(2012, 5, 1))  # cycle 2025-07-01..2027-06-30
    met = [
        done("gen", date(2025, 8, 1), 38),
        done("cs", date(2026, 2, 1), 2, "controlled_substances"),
    ]
    evaluation = evaluate(profile(sc), met, AS_OF)
    total = req(evaluation, "sc-md", "total")
    assert total.hours_counted == 40
    assert total.status == "met"
    assert total.deadline == date(2027, 6, 30)
    assert req(evaluation, "sc-md", "controlled_substances").status == "met"
    category_2 = [
        done("gen", date(2025, 8, 1), 40, credit="ama_pra_2"),
        done("cs", date(2026, 2, 1), 2, "controlled_substances", credit="ama_pra_2"),
    ]
    unmet = evaluate(profile(sc), category_2, AS_OF)
    assert req(unmet, "sc-md", "total").hours_counted == 0
    assert req(unmet, "sc-md", "controlled_substances").status == "unmet"
    previous_cycle = [done("gen", date(2025, 6, 30), 40)]
    assert req(evaluate(profile(sc), previous_cycle, AS_OF), "sc-md", "total").hours_counted == 0
    first = licence("SC", issue_date=date(2025, 9, 1))  # first renewal falls on 2027-06-30
    assert req(evaluate(profile(first), [], AS_OF), "sc-md", "total").status == "not_applicable"
    do = evaluate(profile(licence("SC", "DO"), profession="DO"), met, AS_OF)
    assert req(do, "sc-md", "total").status == "met"


def test_oregon_30_hours_a_year_pain_every_24_months_cultural_competency_averaged() -> None:
    # OMB: 30 h a year (counted per calendar year); OAR 847-008-0075: 1 h pain management every
    # 24 months; cultural competency 1 h a year over the four-year audit period
    orl = licence("OR")
    records = [
        done("gen", date(2026, 2, 1), 29),
        done("pain", date(2025, 3, 1), 1, "pain_management"),  # last calendar year
        done("cc", date(2023, 2, 1), 4, "cultural_competency"),
    ]
    evaluation = evaluate(profile(orl), records, AS_OF)
    total = req(evaluation, "or-md", "total")
    assert total.hours_counted == 29
    assert total.deadline == date(2026, 12, 31)
    assert total.status == "at_risk"  # 36 days to the end of the year
    assert req(evaluation, "or-md", "pain_management").status == "met"
    assert req(evaluation, "or-md", "cultural_competency").status == "met"
    more = [*records, done("gen2", date(2026, 3, 1), 1)]
    assert req(evaluate(profile(orl), more, AS_OF), "or-md", "total").status == "met"
    stale = [
        done("pain", date(2024, 12, 15), 1, "pain_management"),
        done("cc", date(2022, 12, 1), 4, "cultural_competency"),
    ]
    old = evaluate(profile(orl), stale, AS_OF)
    assert req(old, "or-md", "pain_management").hours_counted == 0
    assert req(old, "or-md", "cultural_competency").hours_counted == 0
    three = [done("cc", date(2024, 2, 1), 3, "cultural_competency")]
    assert (
        req(evaluate(profile(orl), three, AS_OF), "or-md", "cultural_competency").status
        == "at_risk"
    )


def test_oklahoma_do_16_aoa_hours_a_fiscal_year_one_on_controlled_substances() -> None:
    # OAC 510:10-3-8: annual renewal, 16 AOA Category One hours, one of them on pain management,
    # opioid use or addiction for CDS/DEA registrants; 59 O.S. 641: fiscal year to June 30
    ok = licence("OK", "DO", dea_registered=True)
    records = [
        done("gen", date(2026, 8, 1), 15, credit="aoa_1a"),
        done("cds", date(2026, 9, 1), 1, "pain_management", credit="aoa_1a"),
        done("prev", date(2026, 6, 15), 16, credit="aoa_1a"),  # previous fiscal year
    ]
    evaluation = evaluate(profile(ok, profession="DO"), records, AS_OF)
    total = req(evaluation, "ok-do", "total")
    assert total.hours_counted == 16
    assert total.status == "met"
    assert total.deadline == date(2027, 6, 30)
    assert req(evaluation, "ok-do", "controlled_substances").status == "met"
    ama_only = [done("gen", date(2026, 8, 1), 16, "opioid_prescribing")]
    unmet = evaluate(profile(ok, profession="DO"), ama_only, AS_OF)
    assert req(unmet, "ok-do", "total").hours_counted == 0
    assert req(unmet, "ok-do", "controlled_substances").status == "unmet"
    no_dea = profile(licence("OK", "DO", dea_registered=False), profession="DO")
    assert (
        req(evaluate(no_dea, [], AS_OF), "ok-do", "controlled_substances").status
        == "not_applicable"
    )
    md = evaluate(profile(licence("OK")), [], AS_OF)
    assert "ok-do" not in {r.regime_id for r in md.regimes}


def test_every_shipped_rule_has_sources_and_as_of() -> None:
    rules = default_rules()
    assert len(rules) >= 34
    states = {
        r.jurisdiction for r in rules if r.kind == "licence" and "MD" in r.applies_to.professions
    }
    assert len(states - {"CA", "TX", "NY", "FL"}) >= 15
    for r in rules:
        assert r.sources and all(s.startswith("http") for s in r.sources)
        # checked against its source on or after the first sourcing pass, never in the future
        assert date(2026, 11, 25) <= r.as_of <= datetime.now(tz=UTC).date(), (r.id, r.as_of)
