"""Scenario tests for the osteopathic (DO) licence rules (issue 17), each quoting its source.

AZ, CA, CT, FL, MI, NM, NV, PA, UT and WA license DOs through a separate board (or, for CT and
NM, under the medical board's rule that ``<st>-md`` applies to MDs only). The regimes are loaded
from their own files, with their MD counterparts, so that these tests do not depend on rule
files edited elsewhere.
"""

from __future__ import annotations

from datetime import date

import pytest

from cmepath.credits.rules import RULES_DIR, Evaluation, Regime, evaluate, load_rule_file
from cmepath.credits.rules.model import ClinicianProfile, Completion
from tests.credits.rules_helpers import done, licence, profile, req

AS_OF = date(2026, 12, 7)
STATES = ("az", "ca", "ct", "fl", "mi", "nm", "nv", "pa", "ut", "wa")
DO_FILES = tuple(f"{st}-do" for st in STATES)
DO_RULES: tuple[Regime, ...] = tuple(load_rule_file(RULES_DIR / f"{n}.yaml") for n in DO_FILES)
MD_RULES: tuple[Regime, ...] = tuple(load_rule_file(RULES_DIR / f"{st}-md.yaml") for st in STATES)
RULES = DO_RULES + MD_RULES


def run(p: ClinicianProfile, records: list[Completion], as_of: date = AS_OF) -> Evaluation:
    return evaluate(p, records, as_of, RULES)


def do(state: str, **kw: object) -> ClinicianProfile:
    return profile(licence(state, "DO", **kw), profession="DO")


def ids(evaluation: Evaluation) -> set[str]:
    return {r.regime_id for r in evaluation.regimes}


def test_do_files_are_sourced_dated_and_separate_from_md() -> None:
    """Each file: id = file name, a DO-only licence rule for its own state, sources, as_of
    2026-12-07, notes quoting the sections; a DO gets only the DO regime, an MD only the MD one."""
    for name, rule in zip(DO_FILES, DO_RULES, strict=True):
        state = name[:2].upper()
        assert rule.id == name
        assert rule.kind == "licence"
        assert rule.applies_to.professions == frozenset({"DO"})
        assert rule.applies_to.licence_state == rule.jurisdiction == state
        assert rule.sources and all(s.startswith("http") for s in rule.sources)
        assert rule.as_of == date(2026, 12, 7)
        assert len(rule.notes) > 400
        assert ids(run(do(state), [])) == {name}
        assert ids(run(profile(licence(state, "MD")), [])) == {f"{name[:2]}-md"}


def test_arizona_r4_22_207_forty_hours_twenty_four_aoa_1a_three_opioid() -> None:
    """A.A.C. R4-22-207(A): "40 hours of Board-approved CME in the two years before license
    renewal", "At least 24 hours ... classified by the AOA as Category 1A", "No more than 16
    hours ... American Medical Association Category 1", and the A.R.S. 32-3248.02 opioid hours
    ("the required 3 hours of Opioids", Board CME page; DEA registrants)."""
    az = do("AZ", dea_registered=True, expiry_date=date(2026, 12, 31))
    records = [
        done("aoa", date(2025, 3, 1), 21, credit="aoa_1a"),
        done("op", date(2025, 9, 1), 3, "opioid_prescribing", credit="aoa_1a"),
        done("ama", date(2026, 2, 1), 16),
        done("cat2", date(2026, 3, 1), 10, credit="ama_pra_2"),
        done("old", date(2024, 12, 31), 40, credit="aoa_1a"),
    ]
    evaluation = run(az, records)
    total = req(evaluation, "az-do", "total")
    assert total.hours_counted == 40
    assert total.status == "met"
    assert total.deadline == date(2026, 12, 31)
    assert req(evaluation, "az-do", "aoa_1a").hours_counted == 24
    assert req(evaluation, "az-do", "opioid_sud").status == "met"
    too_much_ama = run(
        az, [done("a", date(2025, 3, 1), 20, credit="aoa_1a"), done("b", date(2025, 4, 1), 20)]
    )
    assert req(too_much_ama, "az-do", "total").status == "met"
    assert req(too_much_ama, "az-do", "aoa_1a").status != "met"
    no_dea = run(do("AZ", dea_registered=False, expiry_date=date(2026, 12, 31)), records)
    assert req(no_dea, "az-do", "opioid_sud").status == "not_applicable"


def test_california_ombc_hundred_hours_forty_aoa_1a_1b_every_two_years() -> None:
    """OMBC FAQ: "Effective January 1, 2018, the CME is every two (2) years"; OPSC: "100 hours (to
    include a minimum of 40 AOA 1A or 1B hours)" (16 CCR 1635's 150 h / 60 h per three years in
    two-year form); B&P 2190.5: one-time 12 h pain management and care of the terminally ill,
    pathologists and radiologists exempt."""
    ca = licence("CA", "DO", expiry_date=date(2027, 6, 30))
    records = [
        done("aoa", date(2025, 9, 1), 40, credit="aoa_1a"),
        done("ama", date(2026, 3, 1), 60),
        done("pain", date(2012, 5, 1), 12, "pain_management"),
    ]
    evaluation = run(profile(ca, profession="DO"), records)
    total = req(evaluation, "ca-do", "total")
    assert (total.hours_needed, total.hours_counted, total.status) == (100, 100, "met")
    assert req(evaluation, "ca-do", "osteopathic").status == "met"
    assert req(evaluation, "ca-do", "pain_management_one_time").status == "met"
    ama_only = run(profile(ca, profession="DO"), [done("ama", date(2026, 3, 1), 100)])
    assert req(ama_only, "ca-do", "total").status == "met"
    assert req(ama_only, "ca-do", "osteopathic").hours_counted == 0
    radiologist = profile(ca, profession="DO", specialties=frozenset({"radiology"}))
    assert req(run(radiologist, []), "ca-do", "pain_management_one_time").status == "not_applicable"
    new = licence("CA", "DO", issue_date=date(2025, 7, 1), expiry_date=date(2027, 6, 30))
    pain = req(run(profile(new, profession="DO"), []), "ca-do", "pain_management_one_time")
    assert pain.deadline == date(2029, 6, 30)


def test_connecticut_do_20_10b_fifty_hours_and_six_yearly_topics_as_for_md() -> None:
    """P.A. 99-102, C.G.S. 20-9(e): osteopathic physicians "shall be deemed licensed as a physician
    and surgeon"; 20-10b(b): "a minimum of fifty contact hours of continuing medical education
    within the preceding twenty-four-month period" and one contact hour in each of six topics at
    least once every six years."""
    ct = do("CT", expiry_date=date(2027, 3, 31))
    topics = (
        "infectious_disease",
        "risk_management",
        "sexual_assault",
        "domestic_violence",
        "cultural_competency",
        "behavioral_health",
    )
    records = [done("gen", date(2025, 6, 1), 44, credit="aoa_1a")]
    records += [done(t, date(2026, 1, 10), 1, t) for t in topics]
    records.append(done("early", date(2025, 3, 31), 50))
    evaluation = run(ct, records)
    total = req(evaluation, "ct-do", "total")
    assert total.hours_counted == 50
    assert total.status == "met"
    for rid in (
        "infectious_diseases",
        "risk_management",
        "sexual_assault",
        "domestic_violence",
        "cultural_competency",
        "behavioral_health",
    ):
        assert req(evaluation, "ct-do", rid).status == "met"
    missing = run(ct, [done("gen", date(2025, 6, 1), 50)])
    assert req(missing, "ct-do", "sexual_assault").status != "met"


def test_florida_64b15_13_001_forty_hours_and_mandatory_courses() -> None:
    """Fla. Admin. Code R. 64B15-13.001: "forty (40) hours ... in the twenty-four (24) months
    preceding each biennial renewal"; (1)(a) 1 h Florida Laws and Rules/Professional and Medical
    Ethics and 2 h Prevention of Medical Errors each renewal; (1)(c) 2 h domestic violence "as
    part of every third biennial renewal"; (1)(d) 1 h HIV/AIDS "no later than upon first biennial
    renewal"; (1)(e) 2 h prescribing controlled substances for DEA registrants; FOMA: 20 AOA
    Category 1-A hours, licensure period April 1 to March 31 of even years."""
    fl = do("FL", dea_registered=True, issue_date=date(2011, 1, 1))
    records = [
        done("aoa", date(2026, 5, 1), 20, credit="aoa_1a"),
        done("gen", date(2026, 6, 1), 13),
        done("laws", date(2026, 7, 1), 1, "board_regulations"),
        done("errors", date(2026, 8, 1), 2, "medical_errors"),
        done("dv", date(2026, 9, 1), 2, "domestic_violence"),
        done("cs", date(2026, 10, 1), 2, "controlled_substances"),
        done("ht", date(2020, 6, 1), 1, "human_trafficking"),
        done("last_cycle", date(2026, 3, 31), 40, credit="aoa_1a"),
    ]
    evaluation = run(fl, records)
    total = req(evaluation, "fl-do", "total")
    assert total.hours_counted == 40
    assert total.status == "met"
    assert total.deadline == date(2028, 3, 31)
    for rid in (
        "aoa_1a",
        "laws_and_ethics",
        "medical_errors",
        "domestic_violence",
        "controlled_substances",
        "human_trafficking",
    ):
        assert req(evaluation, "fl-do", rid).status == "met", rid
    assert req(evaluation, "fl-do", "hiv_aids").status == "not_applicable"
    tenth = run(do("FL", dea_registered=True, issue_date=date(2010, 1, 1)), records)
    assert req(tenth, "fl-do", "domestic_violence").status == "not_applicable"
    first = req(run(do("FL", issue_date=date(2026, 6, 1)), []), "fl-do", "hiv_aids")
    assert first.status != "not_applicable"
    assert first.hours_needed == 1


def test_michigan_r_338_143_hundred_fifty_hours_forty_aoa_sixty_category_1() -> None:
    """R 338.143 row (a): AOA/MOA programs, "A minimum of 40 hours of continuing education credit
    must be earned in this activity"; MOA: 150 h every 3 years, 60 in Category 1, 1 h medical
    ethics, 3 h pain and symptom management (1 on controlled substances); R 338.7004: 1 h implicit
    bias for each year of the licence cycle."""
    mi = do("MI", expiry_date=date(2027, 5, 31))
    records = [
        done("aoa", date(2024, 9, 1), 40, credit="aoa_1a"),
        done("ama", date(2025, 1, 1), 20),
        done("cat2", date(2025, 6, 1), 84, credit="ama_pra_2"),
        done("ethics", date(2025, 7, 1), 1, "ethics", credit="ama_pra_2"),
        done("pain", date(2025, 8, 1), 2, "pain_management", credit="ama_pra_2"),
        done("cs", date(2025, 9, 1), 1, "controlled_substances", credit="ama_pra_2"),
        done("bias", date(2026, 1, 1), 3, "implicit_bias", credit="ama_pra_2"),
    ]
    evaluation = run(mi, records)
    assert req(evaluation, "mi-do", "total").hours_counted == 151
    assert req(evaluation, "mi-do", "category_1").hours_counted == 60
    for rid in (
        "total",
        "category_1",
        "osteopathic",
        "ethics",
        "pain",
        "controlled_substances",
        "implicit_bias",
    ):
        assert req(evaluation, "mi-do", rid).status == "met", rid
    ama_only = run(mi, [done("ama", date(2025, 1, 1), 150)])
    assert req(ama_only, "mi-do", "category_1").status == "met"
    assert req(ama_only, "mi-do", "osteopathic").status != "met"


def test_new_mexico_do_under_the_medical_board_16_10_4_seventy_five_hours() -> None:
    """SB 279 (2021): the Board of Osteopathic Medicine's functions go to the New Mexico Medical
    Board (Osteopathic Medicine Act repealed July 1, 2022); 16.10.4.2 NMAC: "This part applies to
    physicians licensed by the board"; 16.10.4.8: 75 hours each triennial cycle, one on the
    Medical Practice Act; 16.10.14.11: pain management hours for DEA and NM CSR holders."""
    nm = do("NM", dea_registered=True, expiry_date=date(2027, 6, 30))
    records = [
        done("gen", date(2025, 1, 1), 69),
        done("act", date(2025, 2, 1), 1, "board_regulations"),
        done("pain", date(2026, 1, 1), 5, "pain_management", credit="aoa_1a"),
        done("cat2", date(2026, 2, 1), 20, credit="ama_pra_2"),
    ]
    evaluation = run(nm, records)
    total = req(evaluation, "nm-do", "total")
    assert (total.hours_counted, total.status) == (75, "met")
    assert req(evaluation, "nm-do", "practice_act").status == "met"
    assert req(evaluation, "nm-do", "pain_management").status == "met"
    no_dea = run(do("NM", expiry_date=date(2027, 6, 30)), records)
    assert req(no_dea, "nm-do", "pain_management").status == "not_applicable"


@pytest.mark.parametrize(("dea", "status"), [(True, "met"), (False, "not_applicable")])
def test_nevada_nrs_633_471_thirty_five_hours_in_the_preceding_year(dea: bool, status: str) -> None:
    """NRS 633.471(1): renewal "on or before January 1 of each calendar year", with CME "in the
    year preceding ... not ... less than 35 hours"; NAC 633.250: "at least 10 hours of which are
    category 1A courses" (AOA- or ACCME-accredited sponsor); R116-17 (Board newsletter): two hours
    on misuse and abuse of controlled substances, opioid prescribing or addiction."""
    nv = do("NV", dea_registered=dea)
    records = [
        done("gen", date(2026, 2, 1), 25, credit="other"),
        done("aoa", date(2026, 3, 1), 8, credit="aoa_1a"),
        done("cs", date(2026, 4, 1), 2, "controlled_substances"),
        done("last_year", date(2025, 12, 31), 35, credit="aoa_1a"),
    ]
    evaluation = run(nv, records)
    total = req(evaluation, "nv-do", "total")
    assert (total.hours_counted, total.status) == (35, "met")
    assert total.deadline == date(2026, 12, 31)
    category_1a = req(evaluation, "nv-do", "category_1a")
    assert (category_1a.hours_counted, category_1a.status) == (10, "met")
    assert req(evaluation, "nv-do", "controlled_substances").status == status


def test_pennsylvania_25_271_hundred_hours_twenty_aoa_1a_twelve_patient_safety() -> None:
    """49 Pa. Code 25.271(c): "100 credit hours ... including at least 2 hours of approved courses
    in child abuse recognition and reporting" in the biennial period ending October 31 of even
    years; (c)(1): "at least 20 credit hours ... in AOA category 1-A" and "At least 12 credit hours
    ... in the area of patient safety and risk management"; Act 124 (PAMED): 2 h pain management,
    addiction or opioid prescribing; 40 P.S. 1303.910(d)(1): first renewal exempt."""
    as_of = date(2026, 9, 1)
    pa = do("PA", dea_registered=True)
    records = [
        done("aoa", date(2025, 1, 10), 20, credit="aoa_1a"),
        done("ps", date(2025, 6, 1), 12, "patient_safety", credit="ama_pra_2"),
        done("ca", date(2026, 1, 10), 2, "child_abuse"),
        done("op", date(2026, 2, 1), 2, "opioid_prescribing"),
        done("gen", date(2026, 3, 1), 64),
        done("before", date(2024, 10, 31), 100, credit="aoa_1a"),
    ]
    evaluation = run(pa, records, as_of)
    total = req(evaluation, "pa-do", "total")
    assert (total.hours_counted, total.status) == (100, "met")
    assert total.deadline == date(2026, 10, 31)
    for rid in ("aoa_1a", "patient_safety", "child_abuse", "opioid"):
        assert req(evaluation, "pa-do", rid).status == "met", rid
    ama_only = run(pa, [done("gen", date(2025, 3, 1), 100)], as_of)
    assert req(ama_only, "pa-do", "aoa_1a").hours_counted == 0
    new = do("PA", issue_date=date(2025, 3, 1))
    assert req(run(new, [], as_of), "pa-do", "total").status == "not_applicable"


def test_utah_do_forty_hours_thirty_four_category_1_and_prescriber_hours() -> None:
    """cmetrail (MD and DO): "40 hours of CME every 2 years", "At least 34 of the 40 hours must be
    Category 1 credits"; Utah Code 58-37-6.5 (names the D.O.) and S.B. 214 (2013): "at least 3.5
    hours" in controlled substance prescribing classes."""
    ut = do("UT", dea_registered=True, expiry_date=date(2027, 5, 31))
    records = [
        done("aoa", date(2025, 7, 1), 30.5, credit="aoa_1a"),
        done("cs", date(2026, 1, 1), 3.5, "controlled_substances"),
        done("other", date(2026, 2, 1), 6, credit="other"),
    ]
    evaluation = run(ut, records)
    assert req(evaluation, "ut-do", "total").hours_counted == 40
    for rid in ("total", "category_1", "controlled_substances"):
        assert req(evaluation, "ut-do", rid).status == "met", rid
    short = run(
        ut,
        [
            done("a", date(2025, 7, 1), 30, credit="aoa_1a"),
            done("b", date(2025, 8, 1), 10, credit="other"),
        ],
    )
    assert req(short, "ut-do", "total").status == "met"
    assert req(short, "ut-do", "category_1").status != "met"


def test_washington_wac_246_853_080_hundred_fifty_hours_every_three_years() -> None:
    """WAC 246-853-080(1): "one hundred fifty hours of continuing education every three years";
    WAC 246-853-075 (WSR 23-23-078): "two hours of health equity education ... every four
    years"; WAC 246-853-065: one-time six-hour suicide assessment, treatment and management."""
    wa = do("WA", expiry_date=date(2027, 12, 31))
    records = [
        done("gen", date(2025, 5, 1), 148, credit="aoa_1a"),
        done("equity", date(2026, 1, 1), 2, "health_equity"),
        done("suicide", date(2018, 3, 1), 6, "suicide_prevention"),
        done("before", date(2024, 12, 31), 150),
    ]
    evaluation = run(wa, records)
    total = req(evaluation, "wa-do", "total")
    assert (total.hours_counted, total.status) == (150, "met")
    assert req(evaluation, "wa-do", "health_equity").status == "met"
    assert req(evaluation, "wa-do", "suicide_prevention").status == "met"
    stale = run(wa, [done("equity", date(2023, 6, 1), 2, "health_equity")])
    assert req(stale, "wa-do", "health_equity").hours_counted == 0
