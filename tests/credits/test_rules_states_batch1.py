"""Scenario tests for the batch-1 physician licences (issue 17), each quoting its source.

AL, AK, AR, CO, DC, DE, HI, ID, IN, KS, LA, ME (MD and DO), MO, MS. The regimes are loaded
from their own files so that these tests do not depend on rule files edited elsewhere.
"""

from __future__ import annotations

from datetime import date

import pytest

from cmepath.credits.rules import RULES_DIR, Evaluation, Regime, evaluate, load_rule_file
from cmepath.credits.rules.model import ClinicianProfile, Completion
from tests.credits.rules_helpers import done, licence, profile, regime, req

AS_OF = date(2026, 12, 7)
BATCH1 = (
    "al-md",
    "ak-md",
    "ar-md",
    "co-md",
    "dc-md",
    "de-md",
    "hi-md",
    "id-md",
    "in-md",
    "ks-md",
    "la-md",
    "me-md",
    "me-do",
    "mo-md",
    "ms-md",
)
RULES: tuple[Regime, ...] = tuple(load_rule_file(RULES_DIR / f"{name}.yaml") for name in BATCH1)


def run(p: ClinicianProfile, records: list[Completion], as_of: date = AS_OF) -> Evaluation:
    return evaluate(p, records, as_of, RULES)


def test_batch1_files_are_sourced_and_dated() -> None:
    """Each file: id = file name, a licence rule for its own state, sources, as_of 2026-12-07."""
    for name, rule in zip(BATCH1, RULES, strict=True):
        assert rule.id == name
        assert rule.kind == "licence"
        assert rule.applies_to.licence_state == rule.jurisdiction == name[:2].upper()
        assert rule.sources and all(s.startswith("http") for s in rule.sources)
        assert rule.as_of == date(2026, 12, 7)
        assert len(rule.notes) > 200
    assert {r.id for r in RULES if "DO" in r.applies_to.professions} == set(BATCH1) - {"me-md"}


def test_alabama_540_x_14_02_twenty_five_category_1_credits_each_calendar_year() -> None:
    """Ala. Admin. Code r. 540-X-14-.02(1): "in each calendar year, on or before December 31,
    not less than twenty five (25) AMA PRA Category 1 Credits"; AOA 1-A is the equivalent
    (.02(3)(a)); exempt in the year the initial licence was received (Board CME page)."""
    al = licence("AL", issue_date=date(2010, 5, 1))
    records = [
        done("a", date(2026, 3, 1), 20),
        done("b", date(2026, 6, 1), 5, credit="aoa_1a"),
        done("cat2", date(2026, 7, 1), 10, credit="ama_pra_2"),
        done("last_year", date(2025, 12, 31), 25),
    ]
    total = req(run(profile(al), records), "al-md", "total")
    assert total.hours_counted == 25
    assert total.status == "met"
    assert total.deadline == date(2026, 12, 31)
    assert set(total.counted_completion_ids) == {"a", "b"}
    first_year = licence("AL", issue_date=date(2026, 3, 1))
    exempt = req(run(profile(first_year), []), "al-md", "total")
    assert exempt.status == "not_applicable"


def test_alabama_acsc_two_credits_every_two_years_and_boundaries_course() -> None:
    """Board ACSC page: ACSC holders need "two (2) AMA PRA Category 1 Credits or equivalent every
    two years" on controlled substance prescribing, even in the initial licensure year;
    540-X-14-.02(1)(a): new licensees take the boundaries course within twelve months of issue."""
    holder = licence("AL", dea_registered=True, issue_date=date(2026, 3, 1))
    records = [
        done("cs1", date(2025, 5, 1), 1, "controlled_substances"),
        done("cs2", date(2026, 2, 1), 1, "pain_management"),
        done("old", date(2024, 12, 1), 2, "controlled_substances"),
    ]
    evaluation = run(profile(holder), records)
    acsc = req(evaluation, "al-md", "acsc_controlled_substances")
    assert acsc.hours_counted == 2
    assert acsc.status == "met"
    boundaries = req(evaluation, "al-md", "boundaries_new_licensee")
    assert boundaries.deadline == date(2027, 3, 1)
    assert boundaries.status == "at_risk"
    course = [done("pb", date(2026, 9, 1), 2, "professional_boundaries")]
    assert req(run(profile(holder), course), "al-md", "boundaries_new_licensee").status == "met"
    no_acsc = licence("AL", dea_registered=False)
    assert (
        req(run(profile(no_acsc), []), "al-md", "acsc_controlled_substances").status
        == "not_applicable"
    )
    older = req(run(profile(no_acsc), []), "al-md", "boundaries_new_licensee")
    assert older.status == "not_applicable"


def test_alaska_fifty_category_1_hours_two_of_them_on_opioids_for_dea_registrants() -> None:
    """Alaska State Medical Board: "an average of 25 credit hours ... during each year of the
    previous license period", licences expiring December 31 of even years; 12 AAC 40.015 and the
    Department of Health: two hours in pain management and opioid use and addiction for DEA
    registrants."""
    ak = licence("AK", dea_registered=True)
    records = [
        done("c1", date(2025, 3, 1), 48),
        done("op", date(2026, 4, 1), 2, "opioid_prescribing"),
        done("cat2", date(2026, 5, 1), 10, credit="ama_pra_2"),
        done("before", date(2024, 12, 31), 50),
    ]
    evaluation = run(profile(ak), records)
    total = req(evaluation, "ak-md", "total")
    assert total.hours_counted == 50
    assert total.status == "met"
    assert total.deadline == date(2026, 12, 31)
    assert req(evaluation, "ak-md", "pain_opioid_addiction").status == "met"
    no_dea = run(profile(licence("AK", dea_registered=False)), records)
    assert req(no_dea, "ak-md", "pain_opioid_addiction").status == "not_applicable"


def test_arkansas_regulation_17_twenty_hours_a_year_one_on_prescribing() -> None:
    """Ark. Admin. Rules 060.00.10-004 (Regulation 17) A: "twenty (20) credit hours per year of
    continuing medical education" (Category 1 or 2); Board news 2018: one hour of prescribing
    education within the 20; Ark. Code 20-7-704(a)(1): two hours within the first two years."""
    ar = licence("AR", issue_date=date(2010, 1, 1), expiry_date=date(2027, 1, 31))
    records = [
        done("gen", date(2026, 3, 1), 19, credit="ama_pra_2"),
        done("rx", date(2026, 4, 1), 1, "opioid_prescribing"),
    ]
    evaluation = run(profile(ar), records)
    assert req(evaluation, "ar-md", "total").hours_counted == 20
    assert req(evaluation, "ar-md", "total").status == "met"
    assert req(evaluation, "ar-md", "prescribing").status == "met"
    assert req(evaluation, "ar-md", "new_prescriber").status == "not_applicable"
    new = licence("AR", dea_registered=True, issue_date=date(2025, 6, 1))
    fresh = run(profile(new), [done("np", date(2025, 9, 1), 2, "controlled_substances")])
    new_prescriber = req(fresh, "ar-md", "new_prescriber")
    assert new_prescriber.status == "met"
    assert new_prescriber.deadline == date(2027, 6, 1)
    short = run(profile(new), [done("gen", date(2026, 3, 1), 20)])
    assert req(short, "ar-md", "prescribing").status != "met"


def test_colorado_hb24_1153_thirty_hours_and_3_ccr_713_44_2_substance_use_training() -> None:
    """HB 24-1153 (C.R.S. 12-240-130.5): "30 credit hours of CME ... in the 24 months preceding
    the renewal"; 3 CCR 713-44.2(A): "at least two cumulative hours of training per renewal
    period", exempting physicians who do not prescribe opioids."""
    co = licence("CO", dea_registered=True, expiry_date=date(2027, 4, 30))
    records = [
        done("gen", date(2025, 6, 1), 28),
        done("sud", date(2026, 1, 15), 2, "substance_use_disorder"),
        done("early", date(2025, 4, 30), 30),
    ]
    evaluation = run(profile(co), records)
    total = req(evaluation, "co-md", "total")
    assert total.hours_counted == 30
    assert total.status == "met"
    assert req(evaluation, "co-md", "substance_use_prevention").status == "met"
    non_prescriber = licence("CO", dea_registered=False, expiry_date=date(2027, 4, 30))
    assert (
        req(run(profile(non_prescriber), []), "co-md", "substance_use_prevention").status
        == "not_applicable"
    )


def test_district_of_columbia_4614_fifty_ama_pra_hours_two_on_lgbtq_care() -> None:
    """17 DCMR 4614.2: "fifty (50) ... (AMA/PRA) Category I hours ... during the two-year period
    preceding the date the license expires", including "two (2) ... hours in cultural competence
    or appropriate clinical treatment specifically for individuals who are ... (LGBTQ)"."""
    dc = licence("DC")
    records = [
        done("gen", date(2025, 2, 1), 48),
        done("lgbtq", date(2026, 5, 1), 2, "lgbtq_health"),
        done("aoa", date(2026, 6, 1), 10, credit="aoa_1a"),
    ]
    evaluation = run(profile(dc), records)
    total = req(evaluation, "dc-md", "total")
    assert total.hours_counted == 50
    assert total.status == "met"
    assert total.deadline == date(2026, 12, 31)
    assert req(evaluation, "dc-md", "lgbtq").status == "met"
    general = run(profile(dc), [done("cc", date(2026, 5, 1), 2, "cultural_competency")])
    assert req(general, "dc-md", "lgbtq").hours_counted == 0


def test_delaware_forty_hours_each_licensing_period_ending_march_31_of_odd_years() -> None:
    """Medical Society of Delaware (secondary): licences "expire on March 31 of odd-numbered
    years"; "40 hours of accredited Continuing Medical Education during each licensing period";
    CSR holders "an additional two hours" biennially."""
    de = licence("DE", dea_registered=True)
    records = [
        done("gen", date(2025, 4, 1), 40),
        done("cs", date(2026, 2, 1), 2, "controlled_substances"),
        done("prev", date(2025, 3, 31), 40),
    ]
    evaluation = run(profile(de), records)
    total = req(evaluation, "de-md", "total")
    assert total.deadline == date(2027, 3, 31)
    assert total.hours_counted == 42
    assert total.status == "met"
    assert req(evaluation, "de-md", "csr_controlled_substances").status == "met"
    no_csr = run(profile(licence("DE", dea_registered=False)), [])
    assert req(no_csr, "de-md", "csr_controlled_substances").status == "not_applicable"


def test_hawaii_453_6_category_1_or_1a_forty_hours_each_biennium() -> None:
    """HRS 453-6(b)-(c): renew "no later than January 31 of each even-numbered year" and
    "comply with the category 1 or 1A continuing medical education requirements"; 40 hours per
    the Board's audit notice (secondary)."""
    hi = licence("HI", expiry_date=date(2028, 1, 31))
    met = [done("aoa", date(2026, 8, 1), 40, credit="aoa_1a")]
    assert req(run(profile(hi), met), "hi-md", "total").status == "met"
    category_2 = [done("c2", date(2026, 8, 1), 40, credit="ama_pra_2")]
    assert req(run(profile(hi), category_2), "hi-md", "total").hours_counted == 0
    do = run(profile(licence("HI", "DO", expiry_date=date(2028, 6, 30)), profession="DO"), met)
    assert req(do, "hi-md", "total").status == "met"


def test_idaho_board_forty_practice_relevant_category_1_hours_every_two_years() -> None:
    """Idaho Board of Medicine: "no less than 40 hours of practice relevant, Category 1, CME
    every two (2) years" for medicine and osteopathic medicine licensees."""
    idl = licence("ID", expiry_date=date(2027, 6, 30))
    records = [done("a", date(2025, 7, 1), 30), done("b", date(2026, 2, 1), 10)]
    total = req(run(profile(idl), records), "id-md", "total")
    assert total.hours_counted == 40
    assert total.status == "met"
    stale = [done("a", date(2025, 6, 30), 30), done("b", date(2026, 2, 1), 10)]
    assert req(run(profile(idl), stale), "id-md", "total").hours_counted == 10


def test_indiana_no_general_hours_two_on_opioids_for_csr_renewals() -> None:
    """Medical Licensing Board of Indiana: "each physician or osteopathic physician renewing
    their controlled substances registration will need to have completed two (2) hours of
    continuing education in the topic of opioid prescribing and opioid abuse"; no other hours."""
    ind = licence("IN", dea_registered=True, expiry_date=date(2027, 10, 31))
    evaluation = run(profile(ind), [done("op", date(2026, 1, 1), 2, "opioid_prescribing")])
    assert {r.id for r in regime(evaluation, "in-md").requirements} == {"opioid_prescribing"}
    assert req(evaluation, "in-md", "opioid_prescribing").status == "met"
    no_csr = run(profile(licence("IN", dea_registered=False)), [])
    assert {r.status for r in regime(no_csr, "in-md").requirements} == {"not_applicable"}


def test_kansas_100_15_5_fifty_credits_in_the_18_months_before_expiry() -> None:
    """K.A.R. 100-15-5 (as quoted, secondary): "50 continuing medical education (CME) credits
    during the 18-month period immediately preceding license expiration date", at least 20 of
    them Category I; K.A.R. 100-15-1: MD licences expire June 30 each year."""
    ks = licence("KS", expiry_date=date(2027, 6, 30))  # window 2026-01-01..2027-06-30
    records = [
        done("c1", date(2026, 2, 1), 30),
        done("c2", date(2026, 5, 1), 20, credit="ama_pra_2"),
        done("before", date(2025, 12, 31), 50),
    ]
    evaluation = run(profile(ks), records)
    total = req(evaluation, "ks-md", "total")
    assert total.hours_counted == 50
    assert total.status == "met"
    assert req(evaluation, "ks-md", "category_1").hours_counted == 30
    mostly_cat2 = [
        done("c1", date(2026, 2, 1), 15),
        done("c2", date(2026, 5, 1), 35, credit="ama_pra_2"),
    ]
    assert req(run(profile(ks), mostly_cat2), "ks-md", "category_1").status != "met"


def test_louisiana_xlv_4005_one_time_cds_hours_and_twenty_hours_a_year() -> None:
    """La. Admin. Code tit. 46, XLV-4005(A): "three hours of CME approved by the board on CDS
    prescribing practices"; R.S. 40:978.3(B)(1): completing it "once shall satisfy the
    requirement in full"; 20 h Category 1 annually, an orientation program at the initial
    renewal (ACS summary, secondary)."""
    la = licence("LA", dea_registered=True, expiry_date=date(2027, 3, 31))
    records = [
        done("cds", date(2019, 6, 1), 3, "controlled_substances"),
        done("gen", date(2026, 5, 1), 20),
    ]
    evaluation = run(profile(la), records)
    assert req(evaluation, "la-md", "cds_prescribing").status == "met"
    assert req(evaluation, "la-md", "total").status == "met"
    assert req(evaluation, "la-md", "orientation").status == "not_applicable"
    new = licence("LA", issue_date=date(2026, 5, 1), expiry_date=date(2027, 3, 31))
    first = run(profile(new), [])
    assert req(first, "la-md", "total").status == "not_applicable"
    assert req(first, "la-md", "orientation").hours_needed == 2
    assert req(first, "la-md", "cds_prescribing").status == "not_applicable"


def test_maine_md_chapter_21_three_opioid_hours_for_all_and_forty_category_1() -> None:
    """Joint rule ch. 21 s. 5(1): "all clinicians must complete 3 hours of Category 1 credit ...
    every two years on the prescribing of opioid medication regardless of whether or not they
    prescribe"; 40 h Category 1 per cycle (ProAssurance, secondary). DOs go to me-do."""
    me = licence("ME", dea_registered=False, expiry_date=date(2027, 5, 31))
    records = [
        done("gen", date(2025, 7, 1), 37),
        done("op", date(2026, 1, 1), 3, "opioid_prescribing"),
    ]
    evaluation = run(profile(me), records)
    assert req(evaluation, "me-md", "total").hours_counted == 40
    assert req(evaluation, "me-md", "total").status == "met"
    assert req(evaluation, "me-md", "opioid_prescribing").status == "met"
    assert "me-do" not in {r.regime_id for r in evaluation.regimes}
    missing = run(profile(me), [done("gen", date(2025, 7, 1), 40)])
    assert req(missing, "me-md", "opioid_prescribing").status == "unmet"


def test_maine_do_2581_hundred_hours_forty_percent_osteopathic() -> None:
    """32 M.R.S. 2581: "at least 100 hours of educational programs devoted to continuing medical
    education" in the 2 preceding years, "At least 40% of these credit hours must be osteopathic
    medical education"; ch. 21 s. 5(3): 3 opioid hours for opioid prescribers."""
    me = licence("ME", "DO", dea_registered=True, expiry_date=date(2027, 5, 31))
    records = [
        done("ama", date(2025, 7, 1), 60),
        done("aoa", date(2026, 1, 1), 37, credit="aoa_1a"),
        done("op", date(2026, 3, 1), 3, "opioid_prescribing", credit="aoa_1a"),
    ]
    evaluation = run(profile(me, profession="DO"), records)
    assert req(evaluation, "me-do", "total").hours_counted == 100
    osteopathic = req(evaluation, "me-do", "osteopathic")
    assert osteopathic.hours_needed == 40
    assert osteopathic.status == "met"
    assert req(evaluation, "me-do", "opioid_prescribing").status == "met"
    assert "me-md" not in {r.regime_id for r in evaluation.regimes}
    allopathic_only = run(profile(me, profession="DO"), [done("ama", date(2025, 7, 1), 100)])
    assert req(allopathic_only, "me-do", "osteopathic").status == "unmet"


def test_missouri_fifty_hours_ama_pra_1_or_aoa_1a_every_two_years() -> None:
    """Altus Learn (secondary) on 20 CSR 2150-2.125: "50 hours AMA PRA Category 1 Credits, AOA
    Category 1-A or 2-A credits, or American Academy of Family Physicians prescribed credits"."""
    mo = licence("MO", expiry_date=date(2027, 1, 31))
    met = [done("a", date(2025, 3, 1), 25), done("b", date(2026, 3, 1), 25, credit="aoa_1a")]
    assert req(run(profile(mo), met), "mo-md", "total").status == "met"
    category_2 = [done("c", date(2025, 3, 1), 50, credit="ama_pra_2")]
    assert req(run(profile(mo), category_2), "mo-md", "total").hours_counted == 0


@pytest.mark.parametrize(("dea", "status"), [(True, "met"), (False, "not_applicable")])
def test_mississippi_forty_category_1_hours_five_on_controlled_substances(
    dea: bool, status: str
) -> None:
    """MSBML notice (2/20/2026): "forty (40) hours of Category 1 CME during each two-year CME
    cycle"; five hours on controlled substances for DEA registrants (LAMMICO, secondary)."""
    ms = licence("MS", dea_registered=dea, expiry_date=date(2028, 6, 30))
    records = [
        done("gen", date(2026, 8, 1), 35),
        done("cs", date(2026, 9, 1), 5, "controlled_substances"),
    ]
    evaluation = run(profile(ms), records)
    assert req(evaluation, "ms-md", "total").hours_counted == 40
    assert req(evaluation, "ms-md", "total").status == "met"
    assert req(evaluation, "ms-md", "controlled_substances").status == status
