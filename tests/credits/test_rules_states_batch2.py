"""Scenario tests for the second batch of state rules (issue 17), each quoting its source."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from cmepath.credits.rules import BoardCert, Evaluation, evaluate
from tests.credits.rules_helpers import done, licence, profile, regime, req

AS_OF = date(2026, 12, 7)


def _regime_ids(evaluation: Evaluation) -> set[str]:
    return {r.regime_id for r in evaluation.regimes}


def test_ohio_50_category_1_hours_and_one_hour_duty_to_report() -> None:
    """State Medical Board of Ohio guidance (OSMA, 2019): "Physicians with renewal dates of
    April 1, 2020 and beyond are expected to complete 50 hours of Category 1 CME"; Board news:
    "one hour of Continuing Medical Education (CME) prior to renewal on the topic of a
    licensee's duty to report misconduct under section 4731.224"."""
    oh = licence("OH", expiry_date=date(2027, 3, 31))  # registration period from 2025-04-01
    met = [done("c1", date(2025, 6, 1), 49), done("dtr", date(2026, 2, 1), 1, "duty_to_report")]
    evaluation = evaluate(profile(oh), met, AS_OF)
    total = req(evaluation, "oh-md", "total")
    assert total.hours_counted == 50
    assert total.status == "met"
    assert total.deadline == date(2027, 3, 31)
    assert req(evaluation, "oh-md", "duty_to_report").status == "met"
    category_2 = [done("c2", date(2025, 6, 1), 50, credit="ama_pra_2")]
    unmet = evaluate(profile(oh), category_2, AS_OF)
    assert req(unmet, "oh-md", "total").hours_counted == 0
    assert req(unmet, "oh-md", "duty_to_report").status == "unmet"
    before = [done("old", date(2025, 3, 31), 50)]
    assert req(evaluate(profile(oh), before, AS_OF), "oh-md", "total").hours_counted == 0
    do = evaluate(profile(licence("OH", "DO"), profession="DO"), met, AS_OF)
    assert req(do, "oh-md", "total").status == "met"


def test_nevada_md_40_hours_per_biennial_registration_to_june_30_of_odd_years() -> None:
    """NRS 630.267(1): registration "on or before July 1 ... of each odd-numbered year";
    40 AMA PRA Category 1 credits every two years, 2 h ethics, pain management or addiction
    care, 2 h on controlled substances for prescribers, 2 h suicide prevention every four years
    (whiteglovecme, secondary)."""
    nv = licence("NV", dea_registered=True)
    records = [
        done("gen", date(2025, 8, 1), 34),
        done("eth", date(2025, 9, 1), 2, "ethics"),
        done("cs", date(2026, 1, 15), 2, "opioid_prescribing"),
        done("sui", date(2023, 8, 1), 2, "suicide_prevention"),  # within the 4 years to 2027
        done("old", date(2025, 6, 30), 40),  # previous biennium
    ]
    evaluation = evaluate(profile(nv), records, AS_OF)
    total = req(evaluation, "nv-md", "total")
    assert total.hours_counted == 38
    assert total.deadline == date(2027, 6, 30)
    assert total.status == "unmet"
    assert req(evaluation, "nv-md", "ethics_pain_addiction").status == "met"
    assert req(evaluation, "nv-md", "controlled_substances").status == "met"
    assert req(evaluation, "nv-md", "suicide_prevention").status == "met"
    stale = [done("sui", date(2023, 6, 1), 2, "suicide_prevention")]
    assert (
        req(evaluate(profile(nv), stale, AS_OF), "nv-md", "suicide_prevention").hours_counted == 0
    )
    no_dea = evaluate(profile(licence("NV", dea_registered=False)), [], AS_OF)
    assert req(no_dea, "nv-md", "controlled_substances").status == "not_applicable"
    do = evaluate(profile(licence("NV", "DO"), profession="DO"), records, AS_OF)
    assert "nv-md" not in _regime_ids(do)


def test_nebraska_50_category_1_hours_before_october_1_of_even_years() -> None:
    """NebMed: renewal on or before Oct. 1 of each even-numbered year; "50 hours of category 1
    continuing education approved by the ... (ACCME) or the American Osteopathic Association
    (AOA)" during the previous two-year period; physicians and osteopathic physicians alike."""
    as_of = date(2026, 9, 15)
    records = [done("a", date(2024, 10, 2), 30, credit="aoa_1a"), done("b", date(2026, 5, 1), 20)]
    for prof in ("MD", "DO"):
        ne = licence("NE", prof, expiry_date=date(2026, 10, 1))
        total = req(evaluate(profile(ne, profession=prof), records, as_of), "ne-md", "total")
        assert total.hours_counted == 50
        assert total.status == "met"
        assert total.deadline == date(2026, 10, 1)
    ne = licence("NE")
    early = [done("a", date(2024, 10, 1), 30), done("b", date(2026, 5, 1), 20)]
    short = req(evaluate(profile(ne), early, as_of), "ne-md", "total")
    assert short.hours_counted == 20
    assert short.status == "at_risk"
    later = req(evaluate(profile(ne), [], AS_OF), "ne-md", "total")
    assert later.deadline == date(2028, 10, 1)


def test_new_hampshire_100_hours_40_category_1_and_3_opioid_hours_for_dea() -> None:
    """RSA 329:16-g: "100 hours of approved continuing medical education program within the
    preceding 2 years"; NHMS: "40 credits must be Category 1"; DEA holders "3 CME credits
    (Category 1) related to opioid pain management, alternative pain treatment, or addiction
    disorder treatment as part of the 100 credits"."""
    nh = licence("NH", dea_registered=True, expiry_date=date(2027, 6, 30))
    records = [
        done("c1", date(2025, 9, 1), 37),
        done("op", date(2025, 10, 1), 3, "opioid_prescribing"),
        done("c2", date(2026, 3, 1), 60, credit="ama_pra_2"),
    ]
    evaluation = evaluate(profile(nh), records, AS_OF)
    assert req(evaluation, "nh-md", "total").hours_counted == 100
    assert req(evaluation, "nh-md", "total").status == "met"
    assert req(evaluation, "nh-md", "category_1").status == "met"
    assert req(evaluation, "nh-md", "opioid").status == "met"
    mostly_2 = [
        done("c1", date(2025, 9, 1), 39),
        done("c2", date(2026, 3, 1), 61, credit="ama_pra_2"),
    ]
    short = evaluate(profile(nh), mostly_2, AS_OF)
    assert req(short, "nh-md", "total").status == "met"
    assert req(short, "nh-md", "category_1").hours_counted == 39
    assert req(short, "nh-md", "category_1").status == "unmet"
    assert req(short, "nh-md", "opioid").status == "unmet"
    no_dea = licence("NH", dea_registered=False, expiry_date=date(2027, 6, 30))
    assert req(evaluate(profile(no_dea), [], AS_OF), "nh-md", "opioid").status == "not_applicable"


def test_north_dakota_60_hours_every_three_years_and_one_hour_nutrition() -> None:
    """ND Board: "60 AMA Category 1 hours of continuing education every three years ... CME
    compliance is required in the years 2016, 2019, 2022, etc."; N.D.C.C. 43-17-27.1(2): "one
    hour of continuing education on nutrition and metabolic health each renewal cycle"."""
    nd = licence("ND", expiry_date=date(2026, 5, 14))  # annual birthday renewal
    records = [
        done("a", date(2023, 1, 1), 40),
        done("n", date(2024, 6, 1), 1, "nutrition"),
        done("b", date(2025, 3, 1), 19),
        done("old", date(2022, 12, 31), 60),  # previous three-year cycle
    ]
    evaluation = evaluate(profile(nd), records, date(2025, 6, 1))
    total = req(evaluation, "nd-md", "total")
    assert total.hours_counted == 60
    assert total.status == "met"
    assert total.deadline == date(2025, 12, 31)
    assert req(evaluation, "nd-md", "nutrition").status == "met"
    nxt = evaluate(profile(nd), records, AS_OF)
    assert req(nxt, "nd-md", "total").deadline == date(2028, 12, 31)
    assert req(nxt, "nd-md", "total").hours_counted == 0
    assert req(nxt, "nd-md", "nutrition").status == "unmet"


def test_oklahoma_md_60_category_i_hours_in_the_three_years_before_renewal() -> None:
    """Tulsa County Medical Society (secondary): "you must certify that you have completed 60
    hours within the preceding three years, which must be Category I"; 59 O.S. 495a.1(A):
    re-registration "no less than one time per annum"."""
    ok = licence("OK", expiry_date=date(2027, 5, 31))
    inside = [done("a", date(2024, 6, 1), 30), done("b", date(2026, 6, 1), 30)]
    total = req(evaluate(profile(ok), inside, AS_OF), "ok-md", "total")
    assert total.hours_counted == 60
    assert total.status == "met"
    assert total.deadline == date(2027, 5, 31)
    outside = [done("a", date(2024, 5, 31), 30), done("b", date(2026, 6, 1), 30)]
    assert req(evaluate(profile(ok), outside, AS_OF), "ok-md", "total").hours_counted == 30
    do = evaluate(profile(licence("OK", "DO"), profession="DO"), inside, AS_OF)
    assert "ok-md" not in _regime_ids(do)
    assert "ok-do" in _regime_ids(do)


def test_rhode_island_40_hours_and_one_career_hour_on_alzheimers() -> None:
    """RIDOH: "a minimum of forty (40) hours of American Medical Association (AMA) Category 1
    or American Osteopathic Association (AOA) Category 1a"; "every physician has to complete
    one hour (per career) of CME training regarding Alzheimer's disease"."""
    ri = licence("RI")
    records = [
        done("a", date(2024, 7, 1), 20),
        done("b", date(2025, 11, 1), 20, credit="aoa_1a"),
        done("alz", date(2020, 2, 1), 1, "dementia"),
    ]
    evaluation = evaluate(profile(ri), records, date(2026, 5, 1))
    total = req(evaluation, "ri-md", "total")
    assert total.hours_counted == 40
    assert total.status == "met"
    assert total.deadline == date(2026, 6, 30)
    assert req(evaluation, "ri-md", "alzheimers").status == "met"
    assert req(evaluate(profile(ri), [], date(2026, 5, 1)), "ri-md", "alzheimers").status == "unmet"
    assert req(evaluate(profile(ri), records, AS_OF), "ri-md", "total").deadline == date(
        2028, 6, 30
    )


def test_montana_and_south_dakota_require_no_cme_hours() -> None:
    """ARM 24.156.615: "All licensees will renew for a period of two years" (no CME rule);
    ARSD 20:47:06:01: "Biennial renewal of the license" (no CME rule)."""
    for state, rid in (("MT", "mt-md"), ("SD", "sd-md")):
        for prof in ("MD", "DO"):
            evaluation = evaluate(profile(licence(state, prof), profession=prof), [], AS_OF)
            result = regime(evaluation, rid)
            assert [r.id for r in result.requirements] == ["none"]
            assert result.requirements[0].hours_needed == 0
            assert result.requirements[0].status == "met"


def test_utah_md_40_hours_34_category_1_and_3_5_controlled_substance_hours() -> None:
    """Utah Code 58-67-304(1): CE "during each two-year licensure cycle"; 40 h, at least 34
    Category 1 (cmetrail, secondary); S.B. 214 (2013): "at least 3.5 hours" in controlled
    substance prescribing classes."""
    ut = licence("UT", dea_registered=True, expiry_date=date(2028, 1, 31))
    records = [
        done("c1", date(2026, 3, 1), 30.5),
        done("cs", date(2026, 4, 1), 3.5, "controlled_substances"),
        done("c2", date(2026, 5, 1), 6, credit="ama_pra_2"),
    ]
    evaluation = evaluate(profile(ut), records, AS_OF)
    assert req(evaluation, "ut-md", "total").hours_counted == 40
    assert req(evaluation, "ut-md", "total").status == "met"
    assert req(evaluation, "ut-md", "category_1").hours_counted == 34
    assert req(evaluation, "ut-md", "category_1").status == "met"
    assert req(evaluation, "ut-md", "controlled_substances").status == "met"
    low = [done("c1", date(2026, 3, 1), 33), done("c2", date(2026, 5, 1), 7, credit="ama_pra_2")]
    short = evaluate(profile(ut), low, AS_OF)
    assert req(short, "ut-md", "total").status == "met"
    assert req(short, "ut-md", "category_1").status == "unmet"
    assert req(short, "ut-md", "controlled_substances").status == "unmet"
    do = evaluate(profile(licence("UT", "DO"), profession="DO"), records, AS_OF)
    assert "ut-md" not in _regime_ids(do)


def test_vermont_md_30_category_1_hours_december_to_november_with_two_topics() -> None:
    """Board of Medical Practice rules (UVM CMIE): "30 hours of AMA PRA Category 1 Credits
    during each licensure cycle ... a minimum of one credit for hospice, palliative care and
    pain management services ... a minimum of two credits for prescribing controlled
    substances (required only for licensees who have or have applied for DEA registration)";
    the cycle "runs from December 1, 2022 through November 30, 2024"."""
    vt = licence("VT", dea_registered=True)
    records = [
        done("gen", date(2024, 12, 1), 27),
        done("pal", date(2025, 5, 1), 1, "end_of_life_care"),
        done("cs", date(2026, 1, 10), 2, "controlled_substances"),
    ]
    evaluation = evaluate(profile(vt), records, date(2026, 11, 1))
    total = req(evaluation, "vt-md", "total")
    assert total.hours_counted == 30
    assert total.status == "met"
    assert total.deadline == date(2026, 11, 30)
    assert req(evaluation, "vt-md", "hospice_palliative_pain").status == "met"
    assert req(evaluation, "vt-md", "controlled_substances").status == "met"
    late = [done("gen", date(2024, 11, 30), 30)]
    assert req(evaluate(profile(vt), late, date(2026, 11, 1)), "vt-md", "total").hours_counted == 0
    no_dea = evaluate(profile(licence("VT", dea_registered=False)), [], date(2026, 11, 1))
    assert req(no_dea, "vt-md", "controlled_substances").status == "not_applicable"
    assert req(no_dea, "vt-md", "hospice_palliative_pain").status == "at_risk"


def test_vermont_do_30_hours_40_percent_osteopathic_and_2_opioid_hours() -> None:
    """26 V.S.A. 1836(c): "a minimum of 30 hours of continuing medical education ... during the
    preceding two-year period. At least 40 percent of these hours must be osteopathic medical
    education"; VSAOPS: "2 hours of opioid prescribing education"."""
    vt = licence("VT", "DO", dea_registered=True, expiry_date=date(2027, 9, 30))
    p = profile(vt, profession="DO")
    records = [
        done("osteo", date(2026, 1, 1), 12, credit="aoa_1a"),
        done("ama", date(2026, 2, 1), 16),
        done("op", date(2026, 3, 1), 2, "opioid_prescribing"),
    ]
    evaluation = evaluate(p, records, AS_OF)
    assert "vt-md" not in _regime_ids(evaluation)
    assert req(evaluation, "vt-do", "total").hours_counted == 30
    assert req(evaluation, "vt-do", "total").status == "met"
    osteo = req(evaluation, "vt-do", "osteopathic")
    assert osteo.hours_needed == 12
    assert osteo.status == "met"
    assert req(evaluation, "vt-do", "opioid").status == "met"
    all_ama = evaluate(p, [done("ama", date(2026, 2, 1), 30)], AS_OF)
    assert req(all_ama, "vt-do", "total").status == "met"
    assert req(all_ama, "vt-do", "osteopathic").hours_counted == 0
    assert req(all_ama, "vt-do", "osteopathic").status == "unmet"


def test_west_virginia_md_50_hours_and_3_hour_controlled_substance_course() -> None:
    """11 CSR 6-6.5: "a minimum of 50 hours of continuing education"; 11 CSR 6-7.1: "a minimum
    of three hours of training on Risk Assessment and Responsible Prescribing of Controlled
    Substances"."""
    wv = licence("WV", dea_registered=True, expiry_date=date(2028, 6, 30))
    records = [
        done("gen", date(2026, 8, 1), 47),
        done("cs", date(2026, 9, 1), 3, "controlled_substances"),
    ]
    evaluation = evaluate(profile(wv), records, AS_OF)
    assert req(evaluation, "wv-md", "total").hours_counted == 50
    assert req(evaluation, "wv-md", "total").status == "met"
    assert req(evaluation, "wv-md", "controlled_substances").status == "met"
    no_dea = licence("WV", dea_registered=False, expiry_date=date(2028, 6, 30))
    assert (
        req(evaluate(profile(no_dea), [], AS_OF), "wv-md", "controlled_substances").status
        == "not_applicable"
    )


def test_west_virginia_do_32_aoa_hours_half_category_1() -> None:
    """W. Va. Code 30-14-10(b): "thirty-two hours of educational refresher course training, of
    which the total amount of hours must be approved by the American Osteopathic Association,
    and fifty percent of the required thirty-two hours shall be classified as category (1)"."""
    wv = licence("WV", "DO", expiry_date=date(2026, 6, 30))
    p = profile(wv, profession="DO")
    records = [
        done("a", date(2025, 1, 1), 16, credit="aoa_1a"),
        done("b", date(2025, 6, 1), 16, credit="aoa_1b"),
    ]
    evaluation = evaluate(p, records, date(2026, 6, 1))
    assert "wv-md" not in _regime_ids(evaluation)
    total = req(evaluation, "wv-do", "total")
    assert total.hours_counted == 32
    assert total.status == "met"
    assert req(evaluation, "wv-do", "category_1").hours_needed == 16
    ama_only = evaluate(p, [done("a", date(2025, 1, 1), 32)], date(2026, 6, 1))
    assert req(ama_only, "wv-do", "total").hours_counted == 0
    assert req(ama_only, "wv-do", "total").status == "at_risk"


def test_wyoming_60_hours_in_three_years_not_before_three_years_of_licensure() -> None:
    """Wyo. Board of Medicine rules ch. 3 sec. 7(a): "not less than sixty (60) hours of
    continuing medical education ... during the previous three (3) years"; 7(b)(i): not for
    physicians who "Have held a Wyoming license to practice medicine for less than three years
    as of the renewal date"; ch. 1 sec. 10(a): renewal "no later than June 30th of each calendar
    year"."""
    wy = licence("WY", issue_date=date(2010, 5, 1))
    inside = [done("a", date(2024, 7, 1), 40), done("b", date(2026, 7, 1), 20, credit="aoa_1a")]
    total = req(evaluate(profile(wy), inside, AS_OF), "wy-md", "total")
    assert total.hours_counted == 60
    assert total.status == "met"
    assert total.deadline == date(2027, 6, 30)
    outside = [done("a", date(2024, 6, 30), 40), done("b", date(2026, 7, 1), 20)]
    assert req(evaluate(profile(wy), outside, AS_OF), "wy-md", "total").hours_counted == 20
    new = licence("WY", issue_date=date(2025, 8, 1))  # under three years at the 2027 renewal
    assert req(evaluate(profile(new), [], AS_OF), "wy-md", "total").status == "not_applicable"
    older = licence("WY", issue_date=date(2024, 3, 15))  # over three years by June 30, 2027
    assert req(evaluate(profile(older), [], AS_OF), "wy-md", "total").status == "unmet"
    do = evaluate(profile(licence("WY", "DO"), profession="DO"), inside, AS_OF)
    assert req(do, "wy-md", "total").status == "met"


def test_california_pa_50_category_i_hours_and_geriatrics_share() -> None:
    """16 CCR 1399.615 (PA Board): "a minimum of fifty (50) hours of approved continuing medical
    education (CME) during each two (2) year renewal period"; B&P 3524.6: PAs in primary care
    with over 25% of patients 65 or older "shall complete at least 20% of all mandatory
    continuing education hours" in geriatric medicine, dementia care or the care of older
    patients. NCCPA certification at renewal also satisfies the rule (schema gap: not
    tracked)."""
    ca = licence("CA", "PA", expiry_date=date(2027, 4, 30))
    records = [
        done("pi", date(2025, 6, 1), 20, credit="aapa_1", kinds=("pi_cme",)),
        done("ger", date(2025, 9, 1), 10, "geriatrics", credit="aapa_1"),
        done("gen", date(2026, 1, 1), 20),
    ]
    primary = profile(
        ca,
        profession="PA",
        specialties=frozenset({"primary_care"}),
        patients_65_plus_share=0.4,
        board_certifications=(BoardCert("NCCPA", "", date(2025, 1, 1), date(2026, 12, 31)),),
    )
    evaluation = evaluate(primary, records, AS_OF)
    total = req(evaluation, "ca-pa", "total")
    assert total.hours_counted == 50  # earned hours: no NCCPA PI-CME doubling
    assert total.status == "met"
    assert total.deadline == date(2027, 4, 30)
    geriatrics = req(evaluation, "ca-pa", "geriatrics_share")
    assert geriatrics.hours_needed == 10
    assert geriatrics.status == "met"
    assert "ca-md" not in _regime_ids(evaluation)
    surgeon = profile(
        ca, profession="PA", specialties=frozenset({"surgery"}), patients_65_plus_share=0.4
    )
    assert (
        req(evaluate(surgeon, records, AS_OF), "ca-pa", "geriatrics_share").status
        == "not_applicable"
    )
    short_records = [done("gen", date(2026, 1, 1), 49, credit="aapa_1")]
    # 16 CCR 1399.615: PAs "certified by the NCCPA ... at the time of renewal are compliant"
    short = evaluate(primary, short_records, AS_OF)
    assert req(short, "ca-pa", "total").status == "met"
    assert req(short, "ca-pa", "total").explanation.startswith("met by current NCCPA")
    assert req(short, "ca-pa", "geriatrics_share").status == "unmet"  # the statute stays due
    uncertified = evaluate(replace(primary, board_certifications=()), short_records, AS_OF)
    assert req(uncertified, "ca-pa", "total").status == "unmet"
    assert req(uncertified, "ca-pa", "geriatrics_share").hours_counted == 0
