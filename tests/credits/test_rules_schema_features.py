"""Rule-schema features real rules need: certification instead of hours, reduced first
renewals, "any one of" alternatives, fixed-date and renewal-dated deadlines, live-hour
minimums and hours "in addition to" others.

Each feature is checked on a small rule written here (so the engine, not a state, is under
test), the loader refuses its malformed forms naming the file and field, and each shipped rule
that uses it has a scenario written from its source text (the section is named).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from cmepath.credits.rules import (
    BoardCert,
    RuleFileError,
    compile_rules,
    completions_from_json,
    evaluate,
    parse_rule_text,
)
from tests.credits.rules_helpers import done, licence, profile, req

AS_OF = date(2026, 12, 7)

BASE = """\
id: xx-md
name: Test state
jurisdiction: XX
kind: licence
applies_to:
  professions: [MD, PA]
  licence_state: XX
cycle:
  length_months: 24
  anchor: expiry
source_url: https://example.org/board
as_of: 2026-12-07
"""


def rules(text: str) -> list[object]:
    return [parse_rule_text(BASE + text, "xx-md.yaml")]


def run(text: str, completions: list[object], **licence_kw: object):  # type: ignore[no-untyped-def]
    prof = licence_kw.pop("profile_kw", {})
    lic = licence("XX", **licence_kw)
    p = profile(lic, **prof)  # type: ignore[arg-type]
    return evaluate(p, completions, AS_OF, compile_rules(rules(text)))  # type: ignore[arg-type]


# -- satisfied_by_certification ---------------------------------------------------------------

CERT_RULE = """\
satisfied_by_certification: [NCCPA]
requirements:
  - id: total
    label: 50 h
    hours: 50
  - id: opioids
    label: 2 h opioids
    hours: 2
    topics: [opioid_prescribing]
"""


def _nccpa(end: date | None) -> dict[str, object]:
    return {
        "profession": "PA",
        "board_certifications": (BoardCert("NCCPA", "", date(2025, 1, 1), end),),
    }


def test_current_certification_meets_the_hours_but_not_the_mandated_topic() -> None:
    evaluation = run(
        CERT_RULE, [done("a", date(2026, 1, 1), 10)], profile_kw=_nccpa(date(2026, 12, 31))
    )
    total = req(evaluation, "xx-md", "total")
    assert total.status == "met"
    assert total.hours_counted == 10
    assert total.explanation.startswith(
        "met by current NCCPA certification (cycle ends 2026-12-31)"
    )
    assert req(evaluation, "xx-md", "opioids").status != "met"


def test_an_expired_or_undated_certification_does_not_meet_the_hours() -> None:
    expired = run(
        CERT_RULE, [done("a", date(2026, 1, 1), 10)], profile_kw=_nccpa(date(2026, 12, 6))
    )
    assert req(expired, "xx-md", "total").status == "at_risk"  # licence expires 2027-01-31
    assert "current NCCPA certification would also satisfy it" in (
        req(expired, "xx-md", "total").explanation
    )
    undated = run(CERT_RULE, [], profile_kw=_nccpa(None))
    assert req(undated, "xx-md", "total").status == "at_risk"
    assert "without its cycle end" in req(undated, "xx-md", "total").explanation


def test_a_requirement_level_certification_names_its_own_boards() -> None:
    text = """\
requirements:
  - id: total
    label: 50 h
    hours: 50
    satisfied_by_certification: [ANCC, AANPCB]
  - id: other
    label: 5 h
    hours: 5
"""
    certs = {"board_certifications": (BoardCert("ANCC", "", None, date(2028, 1, 1)),)}
    evaluation = run(text, [], profile_kw=certs)
    assert req(evaluation, "xx-md", "total").status == "met"
    assert req(evaluation, "xx-md", "other").status == "at_risk"


# -- first_renewal ----------------------------------------------------------------------------


def test_no_hours_when_licensed_under_twelve_months_before_the_first_renewal() -> None:
    text = """\
first_renewal: {no_hours_if_licensed_within_months: 12}
requirements:
  - {id: total, label: 40 h, hours: 40}
  - {id: topic, label: 2 h ethics, hours: 2, topics: [ethics]}
"""
    end = date(2027, 1, 31)
    new = run(text, [], issue_date=date(2026, 2, 2), expiry_date=end)  # 11 whole months
    total = req(new, "xx-md", "total")
    assert total.status == "not_applicable"
    assert "11 months before the cycle end (under 12)" in total.reason_not_applicable
    assert req(new, "xx-md", "topic").status == "at_risk"  # topics stay due
    year = run(text, [], issue_date=date(2026, 2, 1), expiry_date=end)  # 12 months exactly
    assert req(year, "xx-md", "total").hours_needed == 40
    old = run(text, [], issue_date=date(2020, 1, 1), expiry_date=end)
    assert req(old, "xx-md", "total").status == "at_risk"
    unknown = run(text, [], issue_date=None, expiry_date=end)  # assumed established
    assert req(unknown, "xx-md", "total").hours_needed == 40


def test_first_renewal_steps_by_months_licensed() -> None:
    text = """\
first_renewal:
  no_hours_if_licensed_within_months: 6
  hours_by_months_licensed: [{months_at_least: 18, hours: 30}, {months_at_least: 6, hours: 15}]
requirements:
  - {id: total, label: 30 h, hours: 30}
"""
    end = date(2027, 1, 31)
    needed = {
        issue: req(run(text, [], issue_date=issue, expiry_date=end), "xx-md", "total")
        for issue in (date(2025, 2, 1), date(2025, 8, 1), date(2025, 9, 1), date(2026, 9, 1))
    }
    assert needed[date(2025, 2, 1)].hours_needed == 30  # 24 months
    assert needed[date(2025, 8, 1)].hours_needed == 30  # 18 months
    assert needed[date(2025, 9, 1)].hours_needed == 15  # 17 months
    assert needed[date(2026, 9, 1)].status == "not_applicable"  # 5 months


@pytest.mark.parametrize(
    ("rounding", "expected"), [("none", 16.67), ("down", 16.0), ("up", 17.0), ("nearest", 17.0)]
)
def test_monthly_proration_is_rounded_as_the_rule_says(rounding: str, expected: float) -> None:
    text = f"""\
first_renewal: {{prorate: monthly, rounding: {rounding}}}
requirements:
  - {{id: total, label: 40 h, hours: 40}}
"""
    # issued 2026-01-01, cycle ends 2026-10-31: 10 whole months of 24 -> 40 x 10 / 24 = 16.67
    evaluation = run(text, [], issue_date=date(2026, 1, 1), expiry_date=date(2026, 10, 31))
    total = req(evaluation, "xx-md", "total")
    assert total.hours_needed == expected
    assert "prorated" in total.explanation


# -- any_of -----------------------------------------------------------------------------------

ANY_OF = """\
requirements:
  - id: total
    label: 50 h in 18 months or 100 h in 30 months
    any_of:
      - {label: 50 h in 18 months, hours: 50, frequency: rolling_months, rolling_months: 18}
      - {label: 100 h in 30 months, hours: 100, frequency: rolling_months, rolling_months: 30}
"""


def test_any_of_is_met_by_any_one_alternative() -> None:
    end = date(2027, 1, 31)
    # 60 h two years ago (outside 18 months, inside 30) + 45 h last year
    records = [done("old", date(2025, 1, 15), 60), done("new", date(2026, 3, 1), 45)]
    evaluation = run(ANY_OF, records, expiry_date=end)
    total = req(evaluation, "xx-md", "total")
    assert total.status == "met"
    assert total.hours_counted == 105 and total.hours_needed == 100
    assert "met by 100 h in 30 months" in total.explanation
    short = run(ANY_OF, records[1:], expiry_date=end)
    result = req(short, "xx-md", "total")
    assert result.status == "at_risk"
    assert (result.hours_counted, result.hours_needed) == (45, 50)  # the closest option
    assert "option 1: 45 of 50 h" in result.explanation


# -- deadlines --------------------------------------------------------------------------------


def test_by_date_deadline_with_licensed_before() -> None:
    text = """\
requirements:
  - id: course
    label: boundaries course by 2025-12-31
    hours: 1
    frequency: one_time
    topics: [professional_boundaries]
    deadline: {by_date: 2025-12-31}
    conditions: {licensed_before: 2025-01-01}
"""
    old = run(text, [], issue_date=date(2010, 1, 1))
    course = req(old, "xx-md", "course")
    assert (course.deadline, course.status) == (date(2025, 12, 31), "unmet")
    assert "overdue since 2025-12-31" in course.explanation
    taken = run(text, [done("b", date(2025, 6, 1), 1, "professional_boundaries")])
    assert req(taken, "xx-md", "course").status == "met"
    new = run(text, [], issue_date=date(2025, 3, 1))
    assert req(new, "xx-md", "course").status == "not_applicable"


def test_renewal_on_or_after_deadline_is_the_first_renewal_on_or_after_the_date() -> None:
    text = """\
requirements:
  - id: cds
    label: 3 h CDS
    hours: 3
    frequency: one_time
    deadline: {renewal_on_or_after: 2027-02-01}
"""
    # two-year cycles ending Jan 31 of odd years: the first end on/after 2027-02-01 is 2029-01-31
    evaluation = run(text, [], expiry_date=date(2027, 1, 31))
    assert req(evaluation, "xx-md", "cds").deadline == date(2029, 1, 31)
    assert req(run(text, [], expiry_date=date(2027, 3, 31)), "xx-md", "cds").deadline == date(
        2027, 3, 31
    )
    unknown = run(text, [], expiry_date=None)
    assert req(unknown, "xx-md", "cds").deadline is None
    assert "add the licence's expiry date" in req(unknown, "xx-md", "cds").explanation


def test_completed_on_or_after_limits_a_one_time_requirement() -> None:
    text = """\
requirements:
  - id: refresher
    label: updated curriculum
    hours: 2
    frequency: one_time
    completed_on_or_after: 2025-01-01
    deadline: {by_date: 2026-11-17}
"""
    before = run(text, [done("a", date(2024, 6, 1), 2)])
    assert req(before, "xx-md", "refresher").status == "unmet"
    after = run(text, [done("a", date(2025, 6, 1), 2)])
    assert req(after, "xx-md", "refresher").status == "met"


# -- live_hours_min ---------------------------------------------------------------------------

LIVE = """\
requirements:
  - {id: total, label: 30 h with 10 live, hours: 30, live_hours_min: 10}
"""


def test_live_hours_minimum_counts_completions_of_kind_live() -> None:
    home = [done(f"h{i}", date(2026, 1, i + 1), 5) for i in range(6)]
    evaluation = run(LIVE, home)
    total = req(evaluation, "xx-md", "total")
    assert total.hours_counted == 30 and total.status == "at_risk"
    assert "10 live h still needed" in total.explanation
    live = [*home[:4], *(done(f"l{i}", date(2026, 2, i + 1), 5, kinds=["live"]) for i in range(2))]
    assert req(run(LIVE, live), "xx-md", "total").status == "met"


def test_live_is_an_accepted_completion_kind() -> None:
    (c,) = completions_from_json(
        [{"id": "a", "completed_on": "2026-01-01", "credits": {"acpe": 2}, "kinds": ["live"]}]
    )
    assert c.kinds == frozenset({"live"})


# -- in_addition_to ---------------------------------------------------------------------------

ADDITION = """\
requirements:
  - {id: total, label: 24 h, hours: 24}
  - {id: dv, label: 2 h domestic violence, hours: 2, topics: [domestic_violence], in_addition_to: [total]}
"""


def test_hours_in_addition_do_not_also_count_toward_the_total() -> None:
    dv = done("dv", date(2026, 1, 1), 2, "domestic_violence")
    general = done("g", date(2026, 2, 1), 22)
    evaluation = run(ADDITION, [dv, general])
    total = req(evaluation, "xx-md", "total")
    assert total.hours_counted == 22 and total.status != "met"
    assert "2 h set aside for '2 h domestic violence'" in total.explanation
    assert req(evaluation, "xx-md", "dv").status == "met"
    enough = run(ADDITION, [dv, replace(general, credits={"ama_pra_1": 24.0})])
    assert req(enough, "xx-md", "total").status == "met"
    # the add-on met by a completion the total does not count: nothing to set aside
    text = ADDITION.replace(
        "topics: [domestic_violence]", "topics: [domestic_violence], credit_types: [ancc]"
    )
    text = text.replace(
        "{id: total, label: 24 h, hours: 24}",
        "{id: total, label: 24 h, hours: 24, credit_types: [ama_pra_1]}",
    )
    separate = run(
        text,
        [
            done("dv", date(2026, 1, 1), 2, "domestic_violence", credit="ancc"),
            replace(general, credits={"ama_pra_1": 24.0}),
        ],
    )
    assert req(separate, "xx-md", "total").hours_counted == 24


# -- loader: each feature's malformed forms name the file and field ---------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("satisfied_by_certification: [nccpa]\n" + LIVE, "unknown board 'nccpa'"),
        (
            "first_renewal: {no_hours_within: 12}\n" + LIVE,
            "unknown field 'no_hours_within' in first_renewal",
        ),
        ("first_renewal: {prorate: weekly}\n" + LIVE, "'weekly' is not one of monthly"),
        ("first_renewal: {requirements: [total]}\n" + LIVE, "first_renewal needs"),
        (
            "first_renewal: {rounding: up, no_hours_if_licensed_within_months: 12}\n" + LIVE,
            "rounding is only for prorate",
        ),
        (
            "first_renewal: {prorate: monthly, requirements: [totl]}\n" + LIVE,
            "first_renewal.requirements: 'totl'",
        ),
        (
            "first_renewal: {hours_by_months_licensed: [{months_at_least: 6, hours: 1}, {months_at_least: 12, hours: 2}]}\n"
            + LIVE,
            "months_at_least must decrease",
        ),
        (
            "first_renewal: {hours_by_months_licensed: [{months_at_least: 6, hours: 1}]}\n"
            "requirements:\n  - {id: a, label: a, hours: 1}\n  - {id: b, label: b, hours: 1}\n",
            "gives hours for one requirement",
        ),
        (
            ANY_OF.replace(
                "      - {label: 100 h in 30 months, hours: 100, frequency: rolling_months, rolling_months: 30}\n",
                "",
            ),
            "at least two alternatives",
        ),
        (
            ANY_OF.replace(
                "label: 50 h in 18 months,", "label: 50 h in 18 months, topcs: [ethics],"
            ),
            "unknown field 'topcs' in any_of alternative",
        ),
        (
            ANY_OF.replace("rolling_months: 18}", "rolling_months: 18, frequency: one_time}"),
            "duplicate field 'frequency'",
        ),
        (
            ANY_OF.replace("    any_of:", "    hours: 5\n    any_of:"),
            "takes its hours from each alternative",
        ),
        (ANY_OF.replace(", rolling_months: 18}", "}"), "needs rolling_months"),
        (LIVE.replace("live_hours_min: 10", "live_hours_min: 40"), "live_hours_min cannot exceed"),
        (
            ADDITION.replace("in_addition_to: [total]", "in_addition_to: [totl]"),
            "in_addition_to 'totl'",
        ),
        (
            ADDITION.replace("in_addition_to: [total]", "in_addition_to: [dv]"),
            "in_addition_to 'dv'",
        ),
        (
            "requirements:\n  - {id: a, label: a, hours: 1, frequency: one_time, deadline: {by_date: 2025-13-01}}\n",
            "invalid value '2025-13-01'",
        ),
        (
            "requirements:\n  - {id: a, label: a, hours: 1, completed_on_or_after: 2025-01-01}\n",
            "completed_on_or_after is only for frequency one_time",
        ),
        (
            "requirements:\n  - {id: a, label: a, hours: 1, frequency: one_time, deadline: {by_dat: 2025-01-01}}\n",
            "unknown field 'by_dat' in deadline",
        ),
        (
            "requirements:\n  - {id: a, label: a, hours: 1, conditions: {licensed_before: soon}}\n",
            "expected a date YYYY-MM-DD, got 'soon'",
        ),
    ],
)
def test_loader_refuses_malformed_features(text: str, message: str) -> None:
    with pytest.raises(RuleFileError) as excinfo:
        parse_rule_text(BASE + text, "xx-md.yaml")
    assert excinfo.value.path == "xx-md.yaml"
    assert message in str(excinfo.value)
    assert str(excinfo.value).startswith("xx-md.yaml:")


# -- shipped rules: scenarios from their source text -------------------------------------------

_CAT1 = "aapa_1"


def _shipped(p, records):  # type: ignore[no-untyped-def]
    return evaluate(p, records, AS_OF)


def test_north_carolina_pa_nccpa_certification_is_deemed_compliance_with_the_50_hours() -> None:
    """21 NCAC 32S .0216(c): "A physician assistant who possesses a current certification with
    the NCCPA shall be deemed in compliance with the requirement of Paragraph (a)" (the 50 h),
    not with the controlled substance hours of (b)."""
    nc = licence("NC", "PA", expiry_date=date(2027, 6, 30), dea_registered=True)
    certified = profile(
        nc,
        profession="PA",
        board_certifications=(BoardCert("NCCPA", "", date(2025, 1, 1), date(2026, 12, 31)),),
    )
    evaluation = _shipped(certified, [])
    assert req(evaluation, "nc-pa", "total").status == "met"
    assert req(evaluation, "nc-pa", "controlled_substances").status == "unmet"
    assert (
        req(_shipped(replace(certified, board_certifications=()), []), "nc-pa", "total").status
        == "unmet"
    )


def test_florida_pa_nccpa_certification_at_renewal_replaces_the_100_hours() -> None:
    """FAC 64B8-30.005(2)(b): "Completion of 100 hours ... or documentation that the licensee is
    certified at the time of renewal by the NCCPA"; (2)(c) domestic violence stays due."""
    fl = licence("FL", "PA", expiry_date=date(2028, 1, 31))
    certified = profile(
        fl,
        profession="PA",
        board_certifications=(BoardCert("NCCPA", "", date(2025, 1, 1), date(2026, 12, 31)),),
    )
    evaluation = _shipped(certified, [])
    assert req(evaluation, "fl-pa", "total").status == "met"
    assert req(evaluation, "fl-pa", "category_1").status == "met"
    assert req(evaluation, "fl-pa", "medical_errors").status == "unmet"


def test_texas_np_national_certification_or_20_hours_plus_5_additional_pharmacotherapeutics() -> (
    None
):
    """22 TAC 216.3(c): "20 contact hours ... or achieve, maintain, or renew the national nursing
    certification"; (c)(3) "in addition to the requirements of this subsection, at least five
    additional contact hours of continuing education in pharmacotherapeutics"."""
    tx = licence("TX", "NP", expiry_date=date(2027, 6, 30))
    np = profile(tx, profession="NP")
    records = [
        done("gen", date(2026, 1, 1), 15, credit="ancc"),
        done("ph", date(2026, 2, 1), 5, "pharmacology", credit="ancc"),
    ]
    evaluation = _shipped(np, records)
    total = req(evaluation, "tx-np", "total")
    assert total.hours_counted == 15  # the 5 pharmacotherapeutics hours are additional
    assert total.status == "unmet"
    assert req(evaluation, "tx-np", "pharmacotherapeutics").status == "met"
    certified = replace(
        np, board_certifications=(BoardCert("AANPCB", "fnp", date(2022, 6, 1), date(2027, 5, 31)),)
    )
    assert req(_shipped(certified, records), "tx-np", "total").status == "met"
    assert req(_shipped(certified, []), "tx-np", "pharmacotherapeutics").status == "unmet"


def test_florida_rn_domestic_violence_is_in_addition_to_the_24_hours() -> None:
    """Florida Board of Nursing FAQ: "In addition to these 24 hours of general CE, every third
    renewal two (2) hours of domestic violence CE must be completed for a total of 26 hours"
    (F.S. 456.031)."""
    fl = licence("FL", "RN", issue_date=date(2021, 9, 1), expiry_date=date(2027, 4, 30))
    records = [
        done("gen", date(2026, 1, 1), 24, credit="ancc"),
        done("dv", date(2026, 2, 1), 2, "domestic_violence", credit="ancc"),
    ]
    evaluation = _shipped(profile(fl, profession="RN"), records)
    dv = req(evaluation, "fl-rn", "domestic_violence")
    assert dv.status == "met"  # third renewal: 2021, 2023, 2025 -> this cycle
    assert req(evaluation, "fl-rn", "total").hours_counted == 24
    assert req(evaluation, "fl-rn", "total").status == "met"
    less = _shipped(
        profile(fl, profession="RN"), [replace(records[0], credits={"ancc": 22.0}), records[1]]
    )
    assert req(less, "fl-rn", "total").hours_counted == 22


def test_kansas_any_of_the_18_30_or_42_month_windows() -> None:
    """K.A.R. 100-15-5 (as quoted by dcseminars.com): 50 credits in the 18 months, 100 in the 30
    months or 150 in the 42 months before licence expiration, 20/40/60 of them Category I."""
    ks = licence("KS", expiry_date=date(2027, 6, 30))
    records = [
        done("y1", date(2024, 3, 1), 60),  # inside 42 months only
        done("y2", date(2025, 3, 1), 50),  # inside 30 months
        done("y3", date(2026, 3, 1), 40),  # inside 18 months
    ]
    evaluation = _shipped(profile(ks), records)
    assert req(evaluation, "ks-md", "total").status == "met"  # 150 in 42 months
    assert req(evaluation, "ks-md", "category_1").status == "met"
    assert req(_shipped(profile(ks), records[2:]), "ks-md", "total").status == "unmet"


def test_alabama_boundaries_course_by_2025_12_31_for_physicians_licensed_before_2025() -> None:
    """Ala. Admin. Code 540-X-14-.02(1)(b): all actively licensed physicians complete a
    Board-designated professional boundaries course by December 31, 2025; (1)(a): new licensees
    from January 1, 2025 within twelve months of issue."""
    al = licence("AL", issue_date=date(2012, 5, 1), expiry_date=date(2026, 12, 31))
    evaluation = _shipped(profile(al), [])
    course = req(evaluation, "al-md", "boundaries_all")
    assert course.deadline == date(2025, 12, 31) and course.status == "unmet"
    assert req(evaluation, "al-md", "boundaries_new_licensee").status == "not_applicable"
    new = licence("AL", issue_date=date(2026, 3, 1), expiry_date=date(2026, 12, 31))
    new_eval = _shipped(profile(new), [])
    assert req(new_eval, "al-md", "boundaries_all").status == "not_applicable"
    assert req(new_eval, "al-md", "boundaries_new_licensee").deadline == date(2027, 3, 1)


def test_louisiana_cds_hours_due_by_the_first_renewal_on_or_after_2019() -> None:
    """LSBME: the one-time 3 h CDS course is due before the first licence renewal on or after
    January 1, 2019 (La. R.S. 37:1276.1 as summarised by the Board)."""
    la = licence(
        "LA", issue_date=date(2005, 3, 1), expiry_date=date(2027, 3, 31), dea_registered=True
    )
    cds = req(_shipped(profile(la, birth_date=date(1970, 3, 9)), []), "la-md", "cds_prescribing")
    assert cds.deadline == date(2019, 3, 31)  # yearly cycle: first end on/after 2019-01-01
    assert cds.status == "unmet"


def test_delaware_and_vermont_first_renewal_hours() -> None:
    """Delaware (mdcme.com): first renewal 20 h if licensed more than one year, none if less.
    Vermont Board of Medical Practice: none if licensed under one year, 15 h otherwise."""
    de_new = licence("DE", issue_date=date(2026, 6, 1), expiry_date=date(2027, 3, 31))
    assert req(_shipped(profile(de_new), []), "de-md", "total").status == "not_applicable"
    de_year = licence("DE", issue_date=date(2025, 12, 1), expiry_date=date(2027, 3, 31))
    assert req(_shipped(profile(de_year), []), "de-md", "total").hours_needed == 20
    vt = licence("VT", issue_date=date(2023, 6, 1), expiry_date=date(2026, 11, 30))
    # Vermont cycles end Nov 30 of even years; at 2026-12-07 the cycle is 2026-12-01..2028-11-30
    vt_new = licence("VT", issue_date=date(2026, 12, 2), expiry_date=date(2028, 11, 30))
    assert req(_shipped(profile(vt_new), []), "vt-md", "total").hours_needed == 15
    assert req(_shipped(profile(vt), []), "vt-md", "total").hours_needed == 30


def test_georgia_pharmacist_prorated_first_biennium() -> None:
    """Ga. Comp. R. & Regs. 480-3-.03(5): 30 h if licensed in the first six months of the
    biennium, 15 h in the next twelve, none in the last six."""

    def needed(issue: date) -> object:
        lic = licence("GA", "PharmD", issue_date=issue, expiry_date=date(2026, 12, 31))
        return req(_shipped(profile(lic, profession="PharmD"), []), "ga-pharmd", "total")

    assert needed(date(2025, 3, 1)).hours_needed == 30  # type: ignore[attr-defined]
    assert needed(date(2025, 9, 1)).hours_needed == 15  # type: ignore[attr-defined]
    assert needed(date(2026, 8, 1)).status == "not_applicable"  # type: ignore[attr-defined]


def test_florida_pharmacist_first_renewal_and_10_live_hours() -> None:
    """FAC 64B16-26.103: 30 h per biennium, at least 10 live; first renewal 15 h, none when the
    licence was issued under 12 months before expiry."""
    young = licence("FL", "PharmD", issue_date=date(2025, 12, 1), expiry_date=date(2027, 9, 30))
    first = req(_shipped(profile(young, profession="PharmD"), []), "fl-pharmd", "first_renewal")
    assert first.status == "unmet" and first.hours_needed == 15
    newest = licence("FL", "PharmD", issue_date=date(2026, 11, 1), expiry_date=date(2027, 9, 30))
    assert (
        req(_shipped(profile(newest, profession="PharmD"), []), "fl-pharmd", "first_renewal").status
        == "not_applicable"
    )
    est = licence("FL", "PharmD", issue_date=date(2010, 1, 1), expiry_date=date(2027, 9, 30))
    home = [done(f"h{i}", date(2026, 1, i + 1), 6, credit="acpe") for i in range(5)]
    total = req(_shipped(profile(est, profession="PharmD"), home), "fl-pharmd", "total")
    assert total.hours_counted == 30 and total.status != "met"
    live = [
        *home[:3],
        done("l1", date(2026, 3, 1), 6, credit="acpe", kinds=["live"]),
        done("l2", date(2026, 3, 2), 6, credit="acpe", kinds=["live"]),
    ]
    assert (
        req(_shipped(profile(est, profession="PharmD"), live), "fl-pharmd", "total").status == "met"
    )


def test_new_york_pharmacist_23_live_hours() -> None:
    """N.Y. Education Law 6827: 45 h per triennial registration, at most 22 by self-study."""
    ny = licence("NY", "PharmD", expiry_date=date(2027, 5, 31))
    home = [done(f"h{i}", date(2025, 1, i + 1), 9, credit="acpe") for i in range(5)]
    total = req(_shipped(profile(ny, profession="PharmD"), home), "ny-pharmd", "total")
    assert total.hours_counted == 45 and total.status != "met"
    assert "23 live h still needed" in total.explanation


def test_texas_md_opioid_hours_two_in_each_of_the_first_two_renewals() -> None:
    """Occ. Code 156.055(b) (HB 2454), implemented by 22 TAC 161.35: not less than two hours in
    each of the first two renewal periods, two of them by the first anniversary of issue."""
    tx = licence("TX", issue_date=date(2025, 6, 15), expiry_date=date(2027, 5, 31))
    records = [done("op", date(2026, 3, 1), 2, "opioid_prescribing")]
    evaluation = _shipped(profile(tx), records)
    early = req(evaluation, "tx-md", "opioid_early")
    assert (early.hours_needed, early.status) == (2, "met")
    first_year = req(evaluation, "tx-md", "opioid_first_year")
    assert first_year.deadline == date(2026, 6, 15)
    assert first_year.status == "met"
    none = _shipped(profile(tx), [])
    assert req(none, "tx-md", "opioid_first_year").status == "unmet"  # overdue since 2026-06-15


@pytest.mark.parametrize(
    "check",
    [
        lambda r: r.id != "ca-pa" or r.satisfied_by_certification == frozenset({"NCCPA"}),
        lambda r: r.id != "hi-md" or r.first_renewal is not None,
    ],
)
def test_shipped_rules_declare_the_features(check: Callable[[object], bool]) -> None:
    from cmepath.credits.rules import default_rules

    assert all(check(r) for r in default_rules())


def test_georgia_rn_national_certification_is_a_continuing_competency_option() -> None:
    """Ga. Comp. R. & Regs. 410-13-.01(1): "(a) Completion of thirty (30) continuing education
    hours by a Board approved provider; (b) Maintenance of certification or recertification by a
    national certifying body recognized by the Board"."""
    ga = licence("GA", "RN", expiry_date=date(2027, 1, 31))
    nurse = profile(ga, profession="RN")
    assert req(_shipped(nurse, []), "ga-rn", "total").status == "at_risk"
    certified = replace(
        nurse, board_certifications=(BoardCert("ANCC", "", date(2024, 1, 1), date(2029, 1, 1)),)
    )
    assert req(_shipped(certified, []), "ga-rn", "total").status == "met"


def test_an_activity_counts_toward_an_any_of_requirement_as_toward_its_best_alternative() -> None:
    """K.A.R. 100-15-5: Category I minimum of whichever window the licensee meets; the catalog's
    "closes N h" figure for an any_of requirement is its best alternative."""
    from cmepath.credits.rules import default_rules
    from cmepath.credits.rules.counting import hours_toward

    ks = next(r for r in default_rules() if r.id == "ks-md")
    cat1 = next(q for q in ks.requirements if q.id == "category_1")
    assert hours_toward(cat1, {"ama_pra_1": 3.0}, ()) == 3.0
    assert hours_toward(cat1, {"ama_pra_2": 3.0}, ()) == 0.0  # no alternative accepts it


def test_a_regime_certification_also_meets_an_any_of_requirement() -> None:
    text = "satisfied_by_certification: [NCCPA]\n" + ANY_OF
    evaluation = run(text, [], profile_kw=_nccpa(date(2027, 12, 31)))
    total = req(evaluation, "xx-md", "total")
    assert total.status == "met"
    assert "met by current NCCPA certification" in total.explanation
    assert req(run(text, [], profile_kw=_nccpa(date(2026, 1, 1))), "xx-md", "total").status != "met"
