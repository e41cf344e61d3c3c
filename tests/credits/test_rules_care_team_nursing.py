"""Scenario tests for the nursing rules of the ten largest states (issue 17, the care team).

Registered nurse licences (``<st>-rn``, which also apply to an NP licence: an NP holds the RN
licence), state APRN rules (``<st>-np``) and the ANCC NP certification. Each test quotes the
rule it checks; the rule files' ``notes:`` give the sources.
"""

from __future__ import annotations

from datetime import date

import pytest

from cmepath.credits.rules import BoardCert, ClinicianProfile, Licence, evaluate
from tests.credits.rules_helpers import done, profile, regime, req

AS_OF = date(2026, 12, 7)


def nurse(state: str, kind: str = "RN", **kw: object) -> Licence:
    """A nursing licence; ``kind`` is the licence type (RN or NP)."""
    values: dict[str, object] = {"issue_date": date(2010, 3, 1), "expiry_date": date(2027, 1, 31)}
    values.update(kw)
    return Licence(state=state, profession=kind, **values)


def rn(*licences: Licence, **kw: object) -> ClinicianProfile:
    return profile(*licences, profession="RN", **kw)


def np_(*licences: Licence, **kw: object) -> ClinicianProfile:
    return profile(*licences, profession="NP", **kw)


# -- Texas --------------------------------------------------------------------------------


def test_texas_rn_20_contact_hours_in_the_licensing_period() -> None:
    """22 TAC 216.3(a): "complete 20 contact hours of continuing nursing education (CNE) in the
    nurse's area of practice within licensing period"."""
    p = rn(nurse("TX", issue_date=date(2023, 3, 1)))
    short = req(
        evaluate(p, [done("a", date(2025, 6, 1), 12, credit="ancc")], AS_OF), "tx-rn", "total"
    )
    # due 2027-01-31, within 90 days of the evaluation date
    assert (short.hours_needed, short.hours_counted, short.status) == (20, 12, "at_risk")
    before = done("old", date(2024, 12, 1), 30, credit="ancc")  # previous period
    records = [
        done("a", date(2025, 6, 1), 12, credit="ancc"),
        done("b", date(2026, 1, 5), 8, credit="ancc"),
        before,
    ]
    full = req(evaluate(p, records, AS_OF), "tx-rn", "total")
    assert full.status == "met"
    assert full.counted_completion_ids == ("a", "b")


@pytest.mark.parametrize(("issued", "due"), [(date(2021, 3, 1), True), (date(2023, 3, 1), False)])
def test_texas_rn_jurisprudence_and_ethics_every_third_licensing_period(
    issued: date, due: bool
) -> None:
    """Board FAQ on 216.3: "at least two contact hours in nursing jurisprudence and ethics prior to
    the end of every third licensure renewal cycle" (engine: renewals 3, 6, 9 from issue)."""
    p = rn(nurse("TX", issue_date=issued))  # cycles end 2023-01-31, 2025-01-31, 2027-01-31
    result = req(
        evaluate(p, [done("j", date(2023, 5, 1), 2, "board_regulations", credit="ancc")], AS_OF),
        "tx-rn",
        "jurisprudence_ethics",
    )
    if due:
        assert result.status == "met"
        assert result.counted_completion_ids == ("j",)
    else:
        assert result.status == "not_applicable"
        assert "due every 3 renewals" in result.reason_not_applicable


def test_texas_rn_targeted_courses_depend_on_the_practice() -> None:
    """216.3(h): nurses "whose practice includes older adult or geriatric populations" complete 2
    hours each cycle; 216.3(i): "Any nurse who provides direct patient care must complete a human
    trafficking prevention course"; ER nurses: forensic evidence collection once."""
    older = rn(
        nurse("TX"), patients_65_plus_share=0.3, specialties=frozenset({"emergency_medicine"})
    )
    ev = evaluate(
        older,
        [done("g", date(2025, 9, 1), 2, "geriatrics", "human_trafficking", credit="ancc")],
        AS_OF,
    )
    assert req(ev, "tx-rn", "older_adult").status == "met"
    assert req(ev, "tx-rn", "human_trafficking").status == "met"
    assert req(ev, "tx-rn", "forensic_evidence").status == "unmet"
    office = rn(nurse("TX", direct_patient_care=False))
    ev2 = evaluate(office, [], AS_OF)
    assert req(ev2, "tx-rn", "older_adult").status == "not_applicable"
    assert req(ev2, "tx-rn", "human_trafficking").status == "not_applicable"
    assert req(ev2, "tx-rn", "forensic_evidence").status == "not_applicable"


def test_texas_np_licence_carries_the_rn_rule_and_the_aprn_hours() -> None:
    """216.3(c)(3): "The APRN who holds prescriptive authority must complete ... at least five
    additional contact hours of continuing education in pharmacotherapeutics"; (c)(4): opioid
    prescribers "not less than two (2) hours of continuing education annually"."""
    p = np_(nurse("TX", "NP", dea_registered=True))
    records = [
        done("rx", date(2025, 4, 1), 5, "pharmacology", credit="aanp_pharm"),
        done(
            "op", date(2025, 3, 1), 2, "opioid_prescribing", credit="ancc"
        ),  # > 12 months before expiry
    ]
    ev = evaluate(p, records, AS_OF)
    assert {"tx-rn", "tx-np"} <= {r.regime_id for r in ev.regimes}
    assert req(ev, "tx-np", "pharmacotherapeutics").status == "met"
    yearly = req(ev, "tx-np", "opioid_pain_management")
    assert yearly.hours_counted == 0
    assert yearly.status == "at_risk"  # 2 h due in the year to 2027-01-31
    recent = evaluate(
        p, [*records, done("op2", date(2026, 6, 1), 2, "pain_management", credit="ancc")], AS_OF
    )
    assert req(recent, "tx-np", "opioid_pain_management").status == "met"
    no_dea = evaluate(np_(nurse("TX", "NP")), records, AS_OF)
    assert req(no_dea, "tx-np", "opioid_pain_management").status == "not_applicable"


# -- Florida ------------------------------------------------------------------------------


def test_florida_rn_24_hours_with_the_mandated_topics() -> None:
    """Board FAQ: "24 hours of appropriate CE during each renewal period, including two (2) hours
    relating to prevention of medical errors, two (2) hours in Laws and Rules in Nursing, (2)
    hours in Human Trafficking"."""
    p = rn(nurse("FL", issue_date=date(2015, 3, 1)))
    records = [
        done("me", date(2025, 3, 1), 2, "medical_errors", credit="ancc"),
        done("lr", date(2025, 4, 1), 2, "board_regulations", credit="ancc"),
        done("ht", date(2025, 5, 1), 2, "human_trafficking", credit="ancc"),
        done("x", date(2025, 6, 1), 18, credit="ancc"),
    ]
    ev = evaluate(p, records, AS_OF)
    for rid in ("total", "medical_errors", "laws_and_rules", "human_trafficking"):
        assert req(ev, "fl-rn", rid).status == "met", rid
    assert req(ev, "fl-rn", "total").hours_counted == 24
    assert req(ev, "fl-rn", "hiv_aids").status == "not_applicable"  # first renewal only


@pytest.mark.parametrize(
    ("expiry", "impairment_due", "dv_due"),
    [
        # issued 2019-03-01, cycles ending Jan 31: renewal 1 = 2021, 2 = 2023, 3 = 2025, 4 = 2027
        (date(2025, 1, 31), True, True),
        (date(2027, 1, 31), False, False),
    ],
)
def test_florida_rn_impairment_every_other_biennium_domestic_violence_every_third(
    expiry: date, impairment_due: bool, dv_due: bool
) -> None:
    """Board FAQ: "(2) hours in Recognizing Impairment in the Workplace every other biennium (every
    4 years) ... every third renewal two (2) hours of domestic violence CE"."""
    p = rn(nurse("FL", issue_date=date(2019, 3, 1), expiry_date=expiry))
    ev = evaluate(p, [], expiry.replace(day=1))
    impairment = req(ev, "fl-rn", "workplace_impairment")
    dv = req(ev, "fl-rn", "domestic_violence")
    assert (impairment.status != "not_applicable") is impairment_due
    assert (dv.status != "not_applicable") is dv_due


def test_florida_np_controlled_substances_from_the_named_accreditors() -> None:
    """F.S. 464.013(3)(b): APRNs "must complete at least 3 hours of continuing education on the safe
    and effective prescription of controlled substances", offered by providers accredited for AMA
    PRA Category 1, ANCC, AANA or AANP."""
    p = np_(nurse("FL", "NP"))
    pa_credit = [done("c", date(2025, 8, 1), 3, "controlled_substances", credit="aapa_1")]
    assert req(evaluate(p, pa_credit, AS_OF), "fl-np", "controlled_substances").hours_counted == 0
    cme = [done("c", date(2025, 8, 1), 3, "controlled_substances", credit="ama_pra_1")]
    assert req(evaluate(p, cme, AS_OF), "fl-np", "controlled_substances").status == "met"


# -- New York -----------------------------------------------------------------------------


def test_new_york_rn_infection_control_every_four_years_and_child_abuse_once() -> None:
    """Education Law 6505-b: registered nurses complete infection control course work "every four
    years"; NYSED: two hours of child abuse identification and reporting coursework when applying
    for licensure, "a one-time requirement"."""
    p = rn(nurse("NY", issue_date=date(2012, 5, 1), expiry_date=date(2027, 4, 30)))
    records = [
        done("ic", date(2023, 6, 1), 4.25, "infection_control", credit="ancc"),
        done("ca", date(2012, 1, 10), 2, "child_abuse", credit="other"),
    ]
    ev = evaluate(p, records, AS_OF)
    assert req(ev, "ny-rn", "infection_control").status == "met"
    assert req(ev, "ny-rn", "child_abuse").status == "met"
    stale = evaluate(
        p, [done("ic", date(2022, 6, 1), 4, "infection_control", credit="ancc")], AS_OF
    )
    assert (
        req(stale, "ny-rn", "infection_control").status == "unmet"
    )  # older than 4 years at 2027-04-30


def test_new_york_np_three_hours_pain_palliative_addiction_per_three_year_period() -> None:
    """PHL 3309-a(3): DEA-registered prescribers complete three hours in pain management,
    palliative care and addiction "once within each three year period" after July 1, 2017."""
    p = np_(nurse("NY", "NP", dea_registered=True, expiry_date=date(2027, 4, 30)))
    before_period = [done("p", date(2026, 6, 1), 3, "pain_management", credit="ancc")]
    result = req(evaluate(p, before_period, AS_OF), "ny-np", "pain_palliative_addiction")
    assert result.deadline == date(2029, 7, 1)
    assert result.hours_counted == 0
    in_period = [done("p", date(2026, 8, 1), 3, "end_of_life_care", credit="ancc")]
    assert req(evaluate(p, in_period, AS_OF), "ny-np", "pain_palliative_addiction").status == "met"
    without = evaluate(np_(nurse("NY", "NP")), in_period, AS_OF)
    assert req(without, "ny-np", "pain_palliative_addiction").status == "not_applicable"


# -- Pennsylvania -------------------------------------------------------------------------


def test_pennsylvania_rn_first_renewal_needs_only_child_abuse() -> None:
    """49 Pa. Code 21.131: 30 hours a biennium, "At least 2 of the 30 hours ... in child abuse
    recognition and reporting"; (b) no CE at the first renewal "except for the mandatory continuing
    education in child abuse recognition and reporting"."""
    first = rn(nurse("PA", issue_date=date(2025, 6, 1), expiry_date=date(2027, 4, 30)))
    ev = evaluate(first, [done("ca", date(2025, 9, 1), 2, "child_abuse", credit="ancc")], AS_OF)
    assert req(ev, "pa-rn", "total").status == "not_applicable"
    assert req(ev, "pa-rn", "child_abuse").status == "met"
    later = rn(nurse("PA", issue_date=date(2015, 6, 1), expiry_date=date(2027, 4, 30)))
    assert req(evaluate(later, [], AS_OF), "pa-rn", "total").hours_needed == 30


def test_pennsylvania_rn_organ_donation_once_for_new_licensees() -> None:
    """20 Pa.C.S. 8628 (from May 1, 2026): "at least 2 hours of board-approved continuing education
    in organ donation one time within 5 years of initial licensure"."""
    new = rn(nurse("PA", issue_date=date(2026, 6, 1), expiry_date=date(2028, 4, 30)))
    result = req(evaluate(new, [], AS_OF), "pa-rn", "organ_donation")
    assert result.deadline == date(2031, 6, 1)
    assert result.status == "unmet"
    old = rn(nurse("PA", issue_date=date(2015, 6, 1)))
    assert req(evaluate(old, [], AS_OF), "pa-rn", "organ_donation").status == "not_applicable"


def test_pennsylvania_np_16_of_30_hours_in_pharmacology() -> None:
    """Act 206 / 49 Pa. Code 21.283(c): CRNPs complete 30 hours a biennium, and with prescriptive
    authority "at least 16 hours of Board-approved continuing education in pharmacology"."""
    p = np_(nurse("PA", "NP", expiry_date=date(2027, 10, 31)))
    records = [
        done("rx", date(2026, 1, 1), 10, "pharmacology", credit="ancc"),
        done("x", date(2026, 2, 1), 20, credit="ancc"),
    ]
    ev = evaluate(p, records, AS_OF)
    assert req(ev, "pa-np", "total").status == "met"
    pharm = req(ev, "pa-np", "pharmacology")
    assert (pharm.hours_counted, pharm.status) == (10, "unmet")


# -- Illinois -----------------------------------------------------------------------------


def test_illinois_rn_20_hours_and_the_one_hour_mandates() -> None:
    """68 Ill. Adm. Code 1300.130: "20 hours of approved continuing education per 2-year license
    renewal cycle"; 1130.400: a one-hour sexual harassment prevention course; P.A. 102-0399: one
    hour on Alzheimer's disease and other dementias per renewal period (direct care of adults)."""
    p = rn(nurse("IL", expiry_date=date(2028, 5, 31)))
    records = [
        done("sh", date(2026, 7, 1), 1, "sexual_harassment_prevention", credit="ancc"),
        done("ib", date(2026, 7, 2), 1, "implicit_bias", credit="ancc"),
        done("x", date(2026, 8, 1), 18, credit="ancc"),
    ]
    ev = evaluate(p, records, AS_OF)
    assert req(ev, "il-rn", "total").status == "met"
    assert req(ev, "il-rn", "sexual_harassment").status == "met"
    assert req(ev, "il-rn", "implicit_bias").status == "met"
    assert req(ev, "il-rn", "dementia").status == "unmet"
    desk = rn(nurse("IL", expiry_date=date(2028, 5, 31), direct_patient_care=False))
    assert req(evaluate(desk, records, AS_OF), "il-rn", "dementia").status == "not_applicable"


def test_illinois_np_80_hours_with_20_pharmacotherapeutics_including_10_opioid() -> None:
    """68 Ill. Adm. Code 1300.130(a)(1)(C): 80 hours per 2-year cycle, "no less than 20 hours of
    pharmacotherapeutics, including 10 hours of opioid prescribing or substance abuse education";
    the 80 hours "shall satisfy" the RN requirement."""
    p = np_(nurse("IL", "NP", expiry_date=date(2028, 5, 31)))
    records = [
        done("rx", date(2026, 7, 1), 12, "pharmacology", credit="ancc"),
        done("op", date(2026, 7, 2), 8, "pharmacology", "opioid_prescribing", credit="ancc"),
        done("x", date(2026, 8, 1), 60, credit="ama_pra_1"),
    ]
    ev = evaluate(p, records, AS_OF)
    assert req(ev, "il-np", "total").hours_counted == 80
    assert req(ev, "il-np", "pharmacotherapeutics").status == "met"
    opioid = req(ev, "il-np", "opioid_or_substance_use")
    assert (opioid.hours_counted, opioid.status) == (8, "unmet")
    assert req(ev, "il-rn", "total").status == "met"  # the same hours meet the RN licence


# -- Ohio ---------------------------------------------------------------------------------


def test_ohio_rn_24_hours_with_category_a_none_at_the_first_renewal() -> None:
    """OAC 4723-14-03(A): "twenty-four contact hours ... at least one of the required hours needs to
    be in category A"; (A)(1): after licensure by examination, none "for the first license
    renewal"."""
    first = rn(nurse("OH", issue_date=date(2025, 12, 1), expiry_date=date(2027, 10, 31)))
    assert {q.status for q in regime(evaluate(first, [], AS_OF), "oh-rn").requirements} == {
        "not_applicable"
    }
    later = rn(nurse("OH", issue_date=date(2012, 7, 1), expiry_date=date(2027, 10, 31)))
    records = [
        done("a", date(2026, 1, 1), 1, "board_regulations", credit="ancc"),
        done("x", date(2026, 2, 1), 23, credit="ancc"),
    ]
    ev = evaluate(later, records, AS_OF)
    assert req(ev, "oh-rn", "total").status == "met"
    assert req(ev, "oh-rn", "category_a").status == "met"


def test_ohio_np_24_hours_for_the_aprn_licence() -> None:
    """NetCE (via course-faq): "APRNs must complete 24 hours of CE for each APRN license"; ORC
    4723.24(A)(1)(c): APRN licences renew in odd-numbered years."""
    p = np_(nurse("OH", "NP", expiry_date=date(2027, 10, 31)))
    result = req(
        evaluate(p, [done("x", date(2026, 1, 1), 20, credit="ancc")], AS_OF), "oh-np", "total"
    )
    assert (result.hours_needed, result.hours_counted, result.status) == (24, 20, "unmet")


# -- Georgia, North Carolina --------------------------------------------------------------


def test_georgia_rn_thirty_hours_option() -> None:
    """Ga. Comp. R. & Regs. 410-13-.01(1)(a): "Completion of thirty (30) continuing education hours
    by a Board approved provider" (one of the options; the others are not tracked)."""
    p = rn(nurse("GA", expiry_date=date(2028, 1, 31)))
    result = req(
        evaluate(p, [done("x", date(2026, 3, 1), 30, credit="ancc")], AS_OF), "ga-rn", "total"
    )
    assert result.status == "met"
    assert result.hours_needed == 30


def test_north_carolina_rn_thirty_contact_hours_by_birth_month() -> None:
    """21 NCAC 36 .0232(b)(2): "Thirty contact hours of continuing education activities related to
    the nurse's practice" (licence ends in the birth month every two years)."""
    p = rn(
        Licence(state="NC", profession="RN", issue_date=date(2010, 3, 1)),
        birth_date=date(1980, 8, 15),
    )
    result = req(
        evaluate(p, [done("x", date(2026, 3, 1), 30, credit="ancc")], AS_OF), "nc-rn", "total"
    )
    assert result.deadline == date(2027, 8, 31)
    assert result.status == "met"


def test_north_carolina_np_50_hours_20_nationally_approved_and_controlled_substances() -> None:
    """21 NCAC 36 .0807(a): "50 contact hours of continuing education activity every two years ...
    The 20 hours must have approval from a national credentialing body or ... ACCME"; (b) before
    prescribing controlled substances "a minimum of one CE hour within the preceding 12 months"."""
    p = np_(nurse("NC", "NP", dea_registered=True, expiry_date=date(2027, 8, 31)))
    records = [
        done("n", date(2026, 1, 1), 15, credit="ancc"),
        done("o", date(2026, 2, 1), 35, credit="other"),
        done("cs", date(2026, 10, 1), 1, "controlled_substances", credit="other"),
    ]
    ev = evaluate(p, records, AS_OF)
    assert req(ev, "nc-np", "total").status == "met"
    national = req(ev, "nc-np", "nationally_approved")
    assert (national.hours_counted, national.status) == (15, "unmet")
    assert (
        req(ev, "nc-np", "controlled_substances").status == "met"
    )  # in the 12 months to 2027-08-31
    old = evaluate(
        p, [done("cs", date(2026, 6, 1), 1, "controlled_substances", credit="other")], AS_OF
    )
    assert req(old, "nc-np", "controlled_substances").hours_counted == 0


# -- Michigan, California -----------------------------------------------------------------


def test_michigan_rn_25_hours_pain_and_implicit_bias() -> None:
    """R 338.10601: "not less than 25 hours" in the 2 years before renewal, "At least 2 hours must be
    in pain and symptom management"; R 338.7004: 1 hour of implicit bias for each year of the
    licence cycle (2 h for the 2-year nursing licence)."""
    p = rn(nurse("MI", expiry_date=date(2028, 3, 31)))
    records = [
        done("p", date(2026, 5, 1), 2, "pain_management", credit="ancc"),
        done("ib", date(2026, 6, 1), 1, "implicit_bias", credit="ancc"),
        done("x", date(2026, 7, 1), 22, credit="ama_pra_1"),
    ]
    ev = evaluate(p, records, AS_OF)
    assert req(ev, "mi-rn", "total").status == "met"
    assert req(ev, "mi-rn", "pain_symptom_management").status == "met"
    bias = req(ev, "mi-rn", "implicit_bias")
    assert (bias.hours_needed, bias.hours_counted, bias.status) == (2, 1, "unmet")


def test_michigan_and_california_np_certificates_add_no_hours_of_their_own() -> None:
    """Mich. Admin. Code R 338.10405b: NP specialty renewal requires maintained national
    certification, not CE hours; California: the NP certificate rests on the RN licence, whose 30
    contact hours (16 CCR 1451) apply."""
    mi = evaluate(np_(nurse("MI", "NP")), [], AS_OF)
    assert req(mi, "mi-np", "national_certification").status == "met"
    assert "mi-rn" in {r.regime_id for r in mi.regimes}
    ca = evaluate(np_(nurse("CA", "NP", expiry_date=date(2027, 3, 31))), [], AS_OF)
    assert req(ca, "ca-np", "none").status == "met"
    assert req(ca, "ca-rn", "total").hours_needed == 30


# -- ANCC ---------------------------------------------------------------------------------


def test_ancc_np_75_hours_with_25_pharmacotherapeutics_in_the_certification_period() -> None:
    """ANCC (via AACN's FAQ): certified NPs "must complete 25 of 75 required contact hours in
    pharmacotherapeutics" within the 5-year certification period."""
    cert = BoardCert("ANCC", "family_np", date(2023, 1, 1), date(2027, 12, 31))
    p = np_(nurse("TX", "NP"), board_certifications=(cert,))
    records = [
        done("rx", date(2024, 2, 1), 20, "pharmacology", credit="ancc"),
        done("x", date(2025, 2, 1), 55, credit="aanp"),
        done("early", date(2022, 6, 1), 10, "pharmacology", credit="ancc"),  # before the period
    ]
    ev = evaluate(p, records, AS_OF)
    assert req(ev, "ancc-np", "total").hours_counted == 75
    pharm = req(ev, "ancc-np", "pharmacotherapeutics")
    assert (pharm.hours_counted, pharm.status, pharm.deadline) == (20, "unmet", date(2027, 12, 31))
    as_rn = evaluate(rn(nurse("TX"), board_certifications=(cert,)), records, AS_OF)
    assert "ancc-np" not in {r.regime_id for r in as_rn.regimes}
