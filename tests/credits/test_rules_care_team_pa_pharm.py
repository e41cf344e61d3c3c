"""Scenario tests for physician assistant, pharmacist and national board rules (issue 17).

Each test quotes the rule it checks; the rule files' ``notes:`` cite the sources in full.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from cmepath.credits.rules import BoardCert, Evaluation, evaluate
from tests.credits.rules_helpers import done, licence, profile, regime, req

AS_OF = date(2026, 12, 7)
CAT1 = "aapa_1"


def _ids(evaluation: Evaluation) -> set[str]:
    return {r.regime_id for r in evaluation.regimes}


def _statuses(evaluation: Evaluation, regime_id: str) -> dict[str, str]:
    return {r.id: r.status for r in regime(evaluation, regime_id).requirements}


# -- Texas --------------------------------------------------------------------------------------


def test_texas_pa_40_hours_20_formal_with_human_trafficking_and_opioid_hours() -> None:
    """22 TAC 185.6(b): "40 hours of continuing medical education (CME) ... (1) At least 20 hours
    are to be from formal courses ... designated for Category I credit ... (2) As part of the 20
    formal hours required, a course in human trafficking prevention"; Board page: "At least 2
    hours are required" on opioids."""
    tx = licence("TX", "PA", expiry_date=date(2027, 6, 30))  # registration from 2025-07-01
    records = [
        done("f", date(2025, 9, 1), 19, credit=CAT1),
        done("ht", date(2025, 10, 1), 1, "human_trafficking", credit=CAT1),
        done("op", date(2026, 1, 10), 2, "opioid_prescribing", credit="aapa_2"),
        done("c2", date(2026, 3, 1), 18, credit="aapa_2"),
        done("old", date(2025, 6, 30), 40, credit=CAT1),  # previous registration period
    ]
    evaluation = evaluate(profile(tx, profession="PA"), records, AS_OF)
    assert set(_statuses(evaluation, "tx-pa").values()) == {"met"}
    assert req(evaluation, "tx-pa", "total").hours_counted == 40
    assert req(evaluation, "tx-pa", "formal").hours_counted == 20  # the Category II opioid hours
    short = evaluate(profile(tx, profession="PA"), records[:1] + records[2:], AS_OF)
    assert req(short, "tx-pa", "human_trafficking").status == "unmet"
    assert req(short, "tx-pa", "formal").hours_counted == 19
    md = evaluate(profile(licence("TX"), profession="MD"), records, AS_OF)
    assert "tx-pa" not in _ids(md)


def test_texas_pharmacist_30_hours_law_hour_and_new_licensee_controlled_substances() -> None:
    """22 TAC 295.8(a)(1): "30 contact hours (3.0 CEUs) of approved continuing education";
    Board FAQ: 1 h "TEXAS PHARMACY LAWS OR RULES", one HHSC human trafficking course, and
    "Pharmacists licensed on or after September 1, 2020 must complete [2 h prescribing and
    monitoring controlled substances] not later than the first anniversary of their licensure"."""
    est = licence("TX", "PharmD", issue_date=date(2012, 5, 1), expiry_date=date(2027, 6, 30))
    records = [
        done("gen", date(2025, 8, 1), 29, credit="acpe"),
        done("law", date(2025, 9, 1), 1, "board_regulations", credit="acpe"),
        done("ht", date(2026, 2, 1), 1, "human_trafficking", credit="other"),
    ]
    evaluation = evaluate(profile(est, profession="PharmD"), records, AS_OF)
    assert req(evaluation, "tx-pharmd", "total").hours_counted == 30  # the HHSC course is not ACPE
    for rid in ("total", "pharmacy_law", "human_trafficking"):
        assert req(evaluation, "tx-pharmd", rid).status == "met"
    assert req(evaluation, "tx-pharmd", "controlled_substances_new").status == "not_applicable"
    new = licence("TX", "PharmD", issue_date=date(2025, 10, 1), expiry_date=date(2027, 6, 30))
    first = evaluate(profile(new, profession="PharmD"), [], AS_OF)
    assert req(first, "tx-pharmd", "total").status == "not_applicable"  # initial renewal
    cs = req(first, "tx-pharmd", "controlled_substances_new")
    assert cs.deadline == date(2026, 10, 1)
    assert cs.status == "unmet"
    taken = [done("cs", date(2026, 5, 1), 2, "controlled_substances", credit="acpe")]
    assert (
        req(
            evaluate(profile(new, profession="PharmD"), taken, AS_OF),
            "tx-pharmd",
            "controlled_substances_new",
        ).status
        == "met"
    )


# -- Florida ------------------------------------------------------------------------------------


def test_florida_pa_100_hours_50_category_1_and_state_topics() -> None:
    """FAC 64B8-30.005(2)(b): "100 hours of Continuing Medical Education in the previous two (2)
    years ... A minimum of 50 hours must be Category I"; (2)(c) domestic violence "as part of every
    third biennial renewal"; Board: "2 hours in the Prevention of Medical Errors"; 3 h controlled
    substance prescribing for prescribing PAs (F.S. 458.347(4)(e), secondary)."""
    # biennium 2026-02-01..2028-01-31; licence issued 2010-03-01 -> 9th renewal (DV due)
    fl = licence("FL", "PA", issue_date=date(2010, 3, 1), dea_registered=True)
    records = [
        done("c1", date(2026, 3, 1), 47, credit=CAT1),
        done("c2", date(2026, 4, 1), 46, credit="aapa_2"),
        done("me", date(2026, 5, 1), 2, "medical_errors", credit="aapa_2"),
        done("dv", date(2026, 6, 1), 2, "domestic_violence", credit="aapa_2"),
        done("cs", date(2026, 7, 1), 3, "controlled_substances", credit=CAT1),
        done("ht", date(2020, 6, 1), 1, "human_trafficking", credit="aapa_2"),
        done("prev", date(2026, 1, 31), 100, credit=CAT1),  # previous biennium
    ]
    evaluation = evaluate(profile(fl, profession="PA"), records, AS_OF)
    total = req(evaluation, "fl-pa", "total")
    assert total.hours_counted == 100
    assert total.deadline == date(2028, 1, 31)
    assert req(evaluation, "fl-pa", "category_1").hours_counted == 50
    for rid in (
        "total",
        "category_1",
        "medical_errors",
        "domestic_violence",
        "controlled_substances",
    ):
        assert req(evaluation, "fl-pa", rid).status == "met"
    assert req(evaluation, "fl-pa", "human_trafficking").status == "met"  # one time, 2020
    assert req(evaluation, "fl-pa", "hiv_aids").status == "not_applicable"  # first renewal only
    no_dea = licence("FL", "PA", issue_date=date(2010, 3, 1))
    assert (
        req(
            evaluate(profile(no_dea, profession="PA"), records, AS_OF),
            "fl-pa",
            "controlled_substances",
        ).status
        == "not_applicable"
    )


def test_florida_pharmacist_30_hours_topics_and_first_renewal() -> None:
    """FAC 64B16-26.103(1): "no less than 30 hours ... within the 24 month period prior to the
    expiration date"; (1)(a) 1 h HIV/AIDS at the first renewal; (1)(b) 15 h at an initial renewal
    12 months or more after licensure; 64B16-27.831: 2 h validation of controlled substance
    prescriptions every biennium; F.S. 465.009(6)(a): certified immunizers 3 h (AMA PRA Cat. 1);
    at least 10 of the 30 hours live."""
    est = licence("FL", "PharmD", issue_date=date(2012, 6, 1))  # biennium to 2027-09-30
    records = [
        done("gen", date(2025, 11, 1), 26, credit="acpe", kinds=["live"]),
        done("me", date(2026, 1, 15), 2, "medical_errors", credit="acpe"),
        done("cs", date(2026, 3, 1), 2, "controlled_substances", credit="acpe"),
        done("ht", date(2020, 9, 1), 1, "human_trafficking", credit="acpe"),
    ]
    evaluation = evaluate(profile(est, profession="PharmD"), records, AS_OF)
    total = req(evaluation, "fl-pharmd", "total")
    assert total.hours_counted == 30
    assert total.deadline == date(2027, 9, 30)
    for rid in ("total", "medication_errors", "controlled_substances", "human_trafficking"):
        assert req(evaluation, "fl-pharmd", rid).status == "met"
    home_study = [replace(records[0], kinds=frozenset()), *records[1:]]
    no_live = evaluate(profile(est, profession="PharmD"), home_study, AS_OF)
    assert req(no_live, "fl-pharmd", "total").status == "unmet"  # 30 h but none live
    for rid in ("first_renewal", "hiv_aids", "immunization", "consultant"):
        assert req(evaluation, "fl-pharmd", rid).status == "not_applicable"
    new = licence("FL", "PharmD", issue_date=date(2025, 11, 1))
    first = evaluate(
        profile(new, profession="PharmD"), [done("h", date(2026, 2, 1), 1, "hiv_aids")], AS_OF
    )
    assert req(first, "fl-pharmd", "total").status == "not_applicable"
    assert req(first, "fl-pharmd", "first_renewal").hours_needed == 15
    assert req(first, "fl-pharmd", "hiv_aids").status == "met"
    immunizer = licence(
        "FL",
        "PharmD",
        issue_date=date(2012, 6, 1),
        endorsements=frozenset({"immunization_certified"}),
    )
    acpe_vaccine = [done("v", date(2026, 2, 1), 3, "immunization", credit="acpe")]
    imm = evaluate(profile(immunizer, profession="PharmD"), acpe_vaccine, AS_OF)
    assert req(imm, "fl-pharmd", "immunization").status == "unmet"  # must be AMA PRA Category 1


# -- New York -----------------------------------------------------------------------------------


def test_new_york_pa_infection_control_every_four_years_and_pain_hours_every_three() -> None:
    """PHL 239(a): every physician assistant "every four years ... complete course work or
    training ... regarding infection control, which shall include sepsis"; PHL 3309-a(3): DEA
    registrants, three hours in pain management, palliative care and addiction "once within each
    three year period"."""
    ny = licence("NY", "PA", dea_registered=True, expiry_date=date(2027, 6, 30))
    records = [
        done("ic", date(2024, 1, 10), 2, "infection_control", credit=CAT1),
        done("pain", date(2024, 8, 1), 3, "pain_management", credit=CAT1),
    ]
    evaluation = evaluate(profile(ny, profession="PA"), records, AS_OF)
    assert _statuses(evaluation, "ny-pa") == {
        "infection_control": "met",
        "pain_palliative_addiction": "met",
    }
    stale = [
        done("ic", date(2023, 6, 1), 2, "sepsis", credit=CAT1),  # before 2023-07-01
        done("pain", date(2024, 6, 1), 3, "pain_management", credit=CAT1),  # before 2024-07-01
    ]
    old = evaluate(profile(ny, profession="PA"), stale, AS_OF)
    assert req(old, "ny-pa", "infection_control").status == "unmet"
    assert req(old, "ny-pa", "pain_palliative_addiction").hours_counted == 0
    no_dea = licence("NY", "PA", expiry_date=date(2027, 6, 30))
    assert (
        req(
            evaluate(profile(no_dea, profession="PA"), records, AS_OF),
            "ny-pa",
            "pain_palliative_addiction",
        ).status
        == "not_applicable"
    )


def test_new_york_pharmacist_45_hours_a_triennium_with_medication_errors_and_cdtm() -> None:
    """Education Law 6827(2): "During each triennial registration period ... a minimum of
    forty-five hours"; CDTM pharmacists "at least five hours"; 3 h medication errors (NYSED
    guidance, secondary) and 3 h compounding (secondary)."""
    ny = licence("NY", "PharmD", expiry_date=date(2027, 6, 30))  # 2024-07-01..2027-06-30
    records = [
        done("gen", date(2024, 9, 1), 39, credit="acpe"),
        done("me", date(2025, 2, 1), 3, "medical_errors", credit="acpe"),
        done("cmp", date(2025, 3, 1), 3, "compounding", credit="acpe"),
    ]
    evaluation = evaluate(profile(ny, profession="PharmD"), records, AS_OF)
    total = req(evaluation, "ny-pharmd", "total")
    assert total.hours_counted == 45
    assert total.deadline == date(2027, 6, 30)
    assert req(evaluation, "ny-pharmd", "medication_errors").status == "met"
    assert req(evaluation, "ny-pharmd", "compounding").status == "met"
    assert req(evaluation, "ny-pharmd", "collaborative_drug_therapy").status == "not_applicable"
    cdtm = licence(
        "NY",
        "PharmD",
        expiry_date=date(2027, 6, 30),
        endorsements=frozenset({"collaborative_drug_therapy"}),
    )
    assert (
        req(
            evaluate(profile(cdtm, profession="PharmD"), records, AS_OF),
            "ny-pharmd",
            "collaborative_drug_therapy",
        ).status
        == "met"
    )
    before = [done("gen", date(2024, 6, 30), 45, credit="acpe")]
    assert (
        req(
            evaluate(profile(ny, profession="PharmD"), before, AS_OF), "ny-pharmd", "total"
        ).hours_counted
        == 0
    )


# -- Pennsylvania -------------------------------------------------------------------------------


def test_pennsylvania_pa_child_abuse_and_opioid_hours_nccpa_tracked_separately() -> None:
    """49 Pa. Code 25.163(c): CME "as required by NCCPA, including at least 2 hours of approved
    courses in child abuse recognition and reporting ... and maintain National certification";
    16.15(c): "Registration for a biennium expires December 31 of every even-numbered year"."""
    pa = licence("PA", "PA", dea_registered=True)
    records = [
        done("ca", date(2025, 5, 1), 2, "child_abuse", credit=CAT1),
        done("op", date(2026, 1, 10), 2, "opioid_prescribing", credit=CAT1),
    ]
    nccpa = (BoardCert("NCCPA", "", date(2025, 1, 1), date(2026, 12, 31)),)
    evaluation = evaluate(profile(pa, profession="PA", board_certifications=nccpa), records, AS_OF)
    assert _statuses(evaluation, "pa-pa") == {"child_abuse": "met", "opioid": "met"}
    assert req(evaluation, "pa-pa", "child_abuse").deadline == date(2026, 12, 31)
    assert "nccpa-pa" in _ids(evaluation)  # NCCPA's own 100 credits are tracked there
    nothing = evaluate(profile(pa, profession="PA"), [], AS_OF)
    assert req(nothing, "pa-pa", "child_abuse").status == "at_risk"  # 24 days to the deadline


def test_pennsylvania_pharmacist_30_hours_with_patient_safety_child_abuse_and_opioids() -> None:
    """49 Pa. Code 27.32(a): "a minimum of 30 contact hours (3 CEU) ... 2 of the required 30
    contact hours shall be completed in courses from the ACPE topic designator 'Patient Safety'",
    2 h on injectables for authorized pharmacists; 2 h child abuse and 2 h opioids (freece)."""
    pa = licence("PA", "PharmD")  # biennium 2026-10-01..2028-09-30
    records = [
        done("gen", date(2026, 10, 5), 24, credit="acpe"),
        done("ps", date(2026, 10, 20), 2, "patient_safety", credit="acpe"),
        done("ca", date(2026, 11, 2), 2, "child_abuse", credit="acpe"),
        done("op", date(2026, 11, 20), 2, "opioid_prescribing", credit="acpe"),
        done("prev", date(2026, 9, 30), 30, credit="acpe"),  # previous biennium
    ]
    evaluation = evaluate(profile(pa, profession="PharmD"), records, AS_OF)
    total = req(evaluation, "pa-pharmd", "total")
    assert total.hours_counted == 30
    assert total.deadline == date(2028, 9, 30)
    for rid in ("patient_safety", "child_abuse", "opioid"):
        assert req(evaluation, "pa-pharmd", rid).status == "met"
    assert req(evaluation, "pa-pharmd", "injectables").status == "not_applicable"


# -- Illinois -----------------------------------------------------------------------------------


def test_illinois_pa_50_hours_25_category_1_topics_and_first_renewal_waiver() -> None:
    """68 Ill. Adm. Code 1350.116(a): "50 hours of approved CE per 2-year license renewal cycle
    ... not required to comply with CE requirements for the first renewal"; (b)(1)(A) "A minimum
    of 25 hours ... Category 1"; IAPA: 3 h safe opioid prescribing every two years for controlled
    substance prescribers, 1 h each of sexual harassment, implicit bias and dementia."""
    il = licence(
        "IL", "PA", issue_date=date(2015, 4, 1), expiry_date=date(2028, 3, 1), dea_registered=True
    )
    records = [
        done("c1", date(2026, 4, 1), 22, credit=CAT1),
        done("c2", date(2026, 5, 1), 22, credit="aapa_2"),
        done("sh", date(2026, 6, 1), 1, "sexual_harassment_prevention", credit=CAT1),
        done("ib", date(2026, 6, 2), 1, "implicit_bias", credit=CAT1),
        done("dem", date(2026, 6, 3), 1, "dementia", credit=CAT1),
        done("op", date(2026, 7, 1), 3, "opioid_prescribing", credit="aapa_2"),
        done("dcfs", date(2022, 6, 1), 1, "child_abuse", credit="other"),  # 6 years to 2028-03-01
        done("cc", date(2025, 1, 1), 1, "cultural_competency", credit="aapa_2"),
    ]
    evaluation = evaluate(profile(il, profession="PA"), records, AS_OF)
    assert req(evaluation, "il-pa", "total").hours_counted == 50
    assert req(evaluation, "il-pa", "category_1").hours_counted == 25
    assert set(_statuses(evaluation, "il-pa").values()) == {"met"}
    first = licence(
        "IL", "PA", issue_date=date(2026, 4, 1), expiry_date=date(2028, 3, 1), dea_registered=True
    )
    waived = evaluate(profile(first, profession="PA"), [], AS_OF)
    for rid in ("total", "category_1", "sexual_harassment", "implicit_bias", "dementia"):
        assert req(waived, "il-pa", rid).status == "not_applicable"
    assert req(waived, "il-pa", "opioid").status == "unmet"  # not waived at the first renewal


def test_illinois_pharmacist_30_acpe_hours_not_at_first_renewal() -> None:
    """68 Ill. Adm. Code 1330.100(a): "30 hours of CE during the 24 months preceding the
    expiration date ... not required ... for the first renewal after original licensure"; (b)(1)
    ACPE providers; 1 h sexual harassment prevention and 1 h implicit bias (secondary)."""
    il = licence("IL", "PharmD", issue_date=date(2014, 4, 1), expiry_date=date(2028, 3, 31))
    records = [
        done("gen", date(2026, 5, 1), 28, credit="acpe"),
        done("sh", date(2026, 6, 1), 1, "sexual_harassment_prevention", credit="acpe"),
        done("ib", date(2026, 7, 1), 1, "implicit_bias", credit="acpe"),
        done("cme", date(2026, 8, 1), 5, credit="ama_pra_1"),  # not ACPE
    ]
    evaluation = evaluate(profile(il, profession="PharmD"), records, AS_OF)
    assert req(evaluation, "il-pharmd", "total").hours_counted == 30
    assert set(_statuses(evaluation, "il-pharmd").values()) == {"met"}
    new = licence("IL", "PharmD", issue_date=date(2026, 4, 1), expiry_date=date(2028, 3, 31))
    first = evaluate(profile(new, profession="PharmD"), [], AS_OF)
    assert set(_statuses(first, "il-pharmd").values()) == {"not_applicable"}


# -- Ohio ---------------------------------------------------------------------------------------


def test_ohio_pa_100_hours_and_12_pharmacology_hours_for_prescribers() -> None:
    """R.C. 4730.14(B)(2): "not less than one hundred hours of continuing medical education";
    R.C. 4730.49(A) (2006): "every two years at least twelve hours of continuing education in
    pharmacology" to renew prescribing authority, "in addition to the continuing education
    required under section 4730.14": the 12 h do not count toward the 100."""
    oh = licence("OH", "PA", expiry_date=date(2027, 1, 31), dea_registered=True)
    records = [
        done("gen", date(2025, 3, 1), 88, credit=CAT1),
        done("ph", date(2025, 9, 1), 12, "pharmacology", credit=CAT1),
    ]
    evaluation = evaluate(profile(oh, profession="PA"), records, AS_OF)
    assert req(evaluation, "oh-pa", "total").hours_counted == 88  # 100 less the 12 set aside
    assert _statuses(evaluation, "oh-pa") == {"total": "at_risk", "pharmacology": "met"}
    enough = [*records, done("more", date(2025, 10, 1), 12, credit=CAT1)]
    evaluation = evaluate(profile(oh, profession="PA"), enough, AS_OF)
    assert req(evaluation, "oh-pa", "total").hours_counted == 100
    assert _statuses(evaluation, "oh-pa") == {"total": "met", "pharmacology": "met"}
    short = evaluate(profile(oh, profession="PA"), records[:1], AS_OF)
    assert req(short, "oh-pa", "pharmacology").status == "at_risk"  # due 2027-01-31
    no_dea = licence("OH", "PA", expiry_date=date(2027, 1, 31))
    assert (
        req(
            evaluate(profile(no_dea, profession="PA"), records, AS_OF), "oh-pa", "pharmacology"
        ).status
        == "not_applicable"
    )


def test_ohio_pharmacist_40_hours_with_jurisprudence_and_patient_safety() -> None:
    """OAC 4729:1-5 (figures via licenseclock): "4 C.E.U.s (40 contact hours) ... within the two
    years prior to the September 15 renewal date ... at least 0.2 C.E.U.s (2 hours) ... in pharmacy
    jurisprudence/law and at least 0.2 C.E.U.s (2 hours) in patient or medication safety"."""
    oh = licence("OH", "PharmD", expiry_date=date(2027, 9, 15))
    records = [
        done("gen", date(2025, 10, 1), 36, credit="acpe"),
        done("law", date(2026, 1, 5), 2, "board_regulations", credit="acpe"),
        done("ps", date(2026, 2, 5), 2, "patient_safety", credit="acpe"),
    ]
    evaluation = evaluate(profile(oh, profession="PharmD"), records, AS_OF)
    assert req(evaluation, "oh-pharmd", "total").hours_counted == 40
    assert set(_statuses(evaluation, "oh-pharmd").values()) == {"met"}
    no_law = evaluate(profile(oh, profession="PharmD"), [records[0], records[2]], AS_OF)
    assert req(no_law, "oh-pharmd", "jurisprudence").status == "unmet"


# -- Georgia ------------------------------------------------------------------------------------


def test_georgia_pa_40_hours_not_at_first_renewal_but_pharmaceutical_hours_are() -> None:
    """Ga. Comp. R. & Regs. 360-5-.07(1): "not less than forty (40) hours biennially ... a minimum
    of three (3) hours in practice specific pharmaceuticals"; (1)(a): not the 40 hours at the
    first renewal, "but ... the 3 hours" still; 360-5-.06: renewal in the birth month."""
    ga = licence(
        "GA", "PA", issue_date=date(2014, 2, 1), expiry_date=date(2027, 8, 31), dea_registered=True
    )
    records = [
        done("gen", date(2025, 10, 1), 37, credit=CAT1),
        done("rx", date(2026, 1, 1), 3, "pharmacology", credit=CAT1),
    ]
    evaluation = evaluate(profile(ga, profession="PA"), records, AS_OF)
    assert req(evaluation, "ga-pa", "total").hours_counted == 40
    assert _statuses(evaluation, "ga-pa") == {"total": "met", "pharmaceuticals": "met"}
    new = licence(
        "GA", "PA", issue_date=date(2025, 12, 1), expiry_date=date(2027, 8, 31), dea_registered=True
    )
    first = evaluate(profile(new, profession="PA"), [], AS_OF)
    assert req(first, "ga-pa", "total").status == "not_applicable"
    assert req(first, "ga-pa", "pharmaceuticals").status == "unmet"


def test_georgia_pharmacist_30_hours_per_biennium_ending_december_31_of_even_years() -> None:
    """Ga. Comp. R. & Regs. 480-3-.03(3): "not less than thirty (30) hours of approved continuing
    education"; 480-3-.01: licences "must be renewed by December 31st of the even numbered
    years"; 480-12-.03(3): specialty certification "ten (10) hours ... in each specific area"."""
    ga = licence("GA", "PharmD")
    records = [
        done("gen", date(2025, 2, 1), 20, credit="acpe"),
        done("gen2", date(2026, 6, 1), 10, credit="acpe"),
        done("old", date(2024, 12, 31), 30, credit="acpe"),  # previous biennium
    ]
    evaluation = evaluate(profile(ga, profession="PharmD"), records, AS_OF)
    total = req(evaluation, "ga-pharmd", "total")
    assert total.hours_counted == 30
    assert total.deadline == date(2026, 12, 31)
    assert total.status == "met"
    assert req(evaluation, "ga-pharmd", "specialty").status == "not_applicable"
    spec = licence("GA", "PharmD", endorsements=frozenset({"specialty_pharmacy_certification"}))
    assert (
        req(
            evaluate(profile(spec, profession="PharmD"), records, AS_OF), "ga-pharmd", "specialty"
        ).status
        == "met"
    )


# -- North Carolina -----------------------------------------------------------------------------


def test_north_carolina_pa_50_category_1_hours_and_controlled_substance_hours() -> None:
    """21 NCAC 32S .0216(a): "at least 50 hours of Continuing Medical Education (CME) every two
    years ... recognized by the NCCPA as Category I CME"; (b): a PA who prescribes controlled
    substances "shall complete at least two hours of CME, from the required 50 hours"."""
    nc = licence("NC", "PA", expiry_date=date(2027, 4, 30), dea_registered=True)
    records = [
        done("gen", date(2025, 6, 1), 48, credit=CAT1),
        done("cs", date(2026, 2, 1), 2, "controlled_substances", credit=CAT1),
        done("c2", date(2026, 3, 1), 10, credit="aapa_2"),  # Category II does not count
    ]
    evaluation = evaluate(profile(nc, profession="PA"), records, AS_OF)
    assert req(evaluation, "nc-pa", "total").hours_counted == 50
    assert _statuses(evaluation, "nc-pa") == {"total": "met", "controlled_substances": "met"}
    no_cs = evaluate(
        profile(nc, profession="PA"), [done("gen", date(2025, 6, 1), 50, credit=CAT1)], AS_OF
    )
    assert req(no_cs, "nc-pa", "controlled_substances").status == "unmet"


def test_north_carolina_pharmacist_15_hours_each_calendar_year() -> None:
    """NCBOP: "To renew every year, all Pharmacists are required to have, at minimum, a total of
    fifteen (15) hours and five (5) of those hours are required LIVE"; G.S. 90-85.17: licences
    "expire on December 31"."""
    nc = licence("NC", "PharmD")
    records = [
        done("a", date(2026, 1, 20), 10, credit="acpe"),
        done("b", date(2026, 11, 1), 5, credit="acpe", kinds=["live"]),
        done("last", date(2025, 12, 31), 15, credit="acpe"),  # last calendar year
    ]
    total = req(evaluate(profile(nc, profession="PharmD"), records, AS_OF), "nc-pharmd", "total")
    assert total.hours_counted == 15
    assert total.deadline == date(2026, 12, 31)
    assert total.status == "met"
    home_study = [replace(r, kinds=frozenset()) for r in records]
    no_live = req(
        evaluate(profile(nc, profession="PharmD"), home_study, AS_OF), "nc-pharmd", "total"
    )
    assert no_live.status == "at_risk"  # 15 h but none live; due 2026-12-31
    assert "5 live h still needed" in no_live.explanation


# -- Michigan -----------------------------------------------------------------------------------


def test_michigan_pa_three_hours_implicit_bias_per_three_year_cycle() -> None:
    """R 338.7004(2): implicit bias "for each year of the license cycle"; Renew Now CE: "3 hours
    of implicit bias training for the 2026 license renewal, reflecting 1 hour per year of the
    3-year renewal cycle"."""
    mi = licence("MI", "PA", expiry_date=date(2027, 6, 30))
    two = [done("ib", date(2025, 1, 10), 2, "implicit_bias", credit=CAT1)]
    result = req(evaluate(profile(mi, profession="PA"), two, AS_OF), "mi-pa", "implicit_bias")
    assert result.hours_needed == 3
    assert result.status == "unmet"
    three = [*two, done("ib2", date(2026, 1, 10), 1, "implicit_bias", credit=CAT1)]
    assert (
        req(evaluate(profile(mi, profession="PA"), three, AS_OF), "mi-pa", "implicit_bias").status
        == "met"
    )


def test_michigan_pharmacist_30_hours_ethics_law_pain_and_implicit_bias() -> None:
    """R 338.3042(1)(e): "not less than 30 hours ... (i) At least 1 hour ... in pharmacy ethics
    and pharmacy law"; R 338.7004: implicit bias 1 h for each year of the 2-year cycle; 1 h pain
    and symptom management (secondary)."""
    mi = licence("MI", "PharmD", issue_date=date(2016, 7, 1), expiry_date=date(2027, 6, 30))
    records = [
        done("gen", date(2025, 8, 1), 26, credit="acpe"),
        done("law", date(2025, 9, 1), 1, "board_regulations", credit="acpe"),
        done("pain", date(2025, 10, 1), 1, "pain_management", credit="acpe"),
        done("ib", date(2026, 1, 1), 2, "implicit_bias", credit="acpe"),
    ]
    evaluation = evaluate(profile(mi, profession="PharmD"), records, AS_OF)
    assert req(evaluation, "mi-pharmd", "total").hours_counted == 30
    assert set(_statuses(evaluation, "mi-pharmd").values()) == {"met"}
    new = licence("MI", "PharmD", issue_date=date(2026, 1, 15), expiry_date=date(2027, 6, 30))
    first = evaluate(profile(new, profession="PharmD"), [], AS_OF)
    assert req(first, "mi-pharmd", "total").status == "not_applicable"
    assert req(first, "mi-pharmd", "implicit_bias").status == "unmet"


# -- National boards ----------------------------------------------------------------------------


def test_abfm_150_credits_per_three_year_stage_half_division_1() -> None:
    """ABFM: "150 hours (average of 50 per year) of CME credit in each three-year stage"; "A
    minimum of 50% of the total required CME must be met by" Division I activities."""
    cert = (BoardCert("ABFM", "family_medicine", date(2025, 1, 1), date(2027, 12, 31)),)
    p = profile(licence("OH"), board_certifications=cert)
    records = [
        done("d1", date(2025, 3, 1), 74),
        done("d2", date(2025, 9, 1), 76, credit="ama_pra_2"),
        done("before", date(2024, 12, 31), 150),  # before the stage
    ]
    evaluation = evaluate(p, records, AS_OF)
    total = req(evaluation, "abfm-cert", "total")
    assert total.hours_counted == 150
    assert total.deadline == date(2027, 12, 31)
    assert req(evaluation, "abfm-cert", "division_1").hours_counted == 74
    assert req(evaluation, "abfm-cert", "division_1").status == "unmet"
    assert "abfm-cert" not in _ids(evaluate(profile(licence("OH")), records, AS_OF))


def test_abp_50_part_2_and_50_part_4_points_with_part_4_rollover() -> None:
    """ABP (AAP News, 2022): "50 points from self-assessment activities (Part 2) and 50 points
    from quality improvement activities (Part 4) each cycle"; "roll over up to 25 Part 4 points
    into their next cycle"."""
    cert = (BoardCert("ABP", "pediatrics", date(2026, 1, 1), date(2030, 12, 31)),)
    p = profile(licence("OH"), board_certifications=cert)
    records = [
        done("p2", date(2026, 3, 1), 50, credit="abp_moc_2"),
        done("p4", date(2026, 6, 1), 25, credit="abp_moc_4"),
        done("prev4", date(2024, 6, 1), 90, credit="abp_moc_4"),  # previous cycle: 40 over 50
        done("cme", date(2026, 7, 1), 40),  # CME credit is not an ABP point
    ]
    evaluation = evaluate(p, records, AS_OF)
    assert req(evaluation, "abp-moc", "part_2").status == "met"
    part4 = req(evaluation, "abp-moc", "part_4")
    assert part4.hours_counted == 50  # 25 earned + 25 rolled over (capped)
    assert part4.status == "met"
    assert "carried forward 25 h" in part4.explanation


def test_abem_sets_no_cme_hours() -> None:
    """ABEM: a 5-year cycle of "MyEMCert Assessment Modules" and an "Annual Fee Payment"; ACEP
    Now: "four modules and one Improvement in Medical Practice (IMP) activity" - no CME hours."""
    cert = (BoardCert("ABEM", "emergency_medicine", date(2023, 1, 1), date(2027, 12, 31)),)
    evaluation = evaluate(profile(licence("OH"), board_certifications=cert), [], AS_OF)
    result = req(evaluation, "abem-cert", "none")
    assert result.hours_needed == 0
    assert result.status == "met"


def test_aobfp_120_credits_per_aoa_cycle_60_category_1_and_30_category_1a() -> None:
    """AOBFP OCC Component 2: "120 CME credits per three-year AOA CME cycle ... 30 credits must be
    AOA Category 1A, an additional 30 credits can be either AOA Category 1A or 1B"; AOA: "The
    2025-27 certification CME cycle is Jan. 1, 2025 through Dec. 31, 2027"."""
    cert = (BoardCert("AOBFP", "family_medicine"),)
    do = profile(licence("OH", "DO"), profession="DO", board_certifications=cert)
    records = [
        done("1a", date(2025, 2, 1), 30, credit="aoa_1a"),
        done("1b", date(2025, 5, 1), 30, credit="aoa_1b"),
        done("ama", date(2026, 3, 1), 60, credit="ama_pra_1"),
        done("prev", date(2024, 12, 31), 120, credit="aoa_1a"),  # 2022-24 cycle
    ]
    evaluation = evaluate(do, records, AS_OF)
    total = req(evaluation, "aoa-aobfp", "total")
    assert total.hours_counted == 120
    assert total.deadline == date(2027, 12, 31)
    assert set(_statuses(evaluation, "aoa-aobfp").values()) == {"met"}
    ama_only = [done("ama", date(2026, 3, 1), 120, credit="ama_pra_1")]
    short = evaluate(do, ama_only, AS_OF)
    assert req(short, "aoa-aobfp", "total").status == "met"
    assert req(short, "aoa-aobfp", "category_1a").status == "unmet"
    md = profile(licence("OH"), board_certifications=cert)
    assert "aoa-aobfp" not in _ids(evaluate(md, records, AS_OF))
