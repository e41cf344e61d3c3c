"""Scenario tests for the Georgia nurse practitioner licence and AOBIM certification (issue 17).

The last two "not covered" cells: ``ga-np`` (state APRN rule on top of ``ga-rn``) and
``aoa-aobim``. Each test quotes the text it rests on; the rule files' ``notes:`` cite the
sections and say which figures are uncertain. The regimes are loaded from their own files (with
the RN and national certification rules they work with) so that these tests do not depend on
rule files edited elsewhere.
"""

from __future__ import annotations

from datetime import date

from cmepath.credits.rules import (
    RULES_DIR,
    BoardCert,
    ClinicianProfile,
    Evaluation,
    Licence,
    Regime,
    evaluate,
    load_rule_file,
)
from cmepath.credits.rules.model import Completion
from tests.credits.rules_helpers import done, licence, profile, regime, req

AS_OF = date(2026, 12, 7)
NAMES = ("ga-np", "ga-rn", "aanpcb-np", "ancc-np", "aoa-aobim", "aoa-aobfp")
RULES: tuple[Regime, ...] = tuple(load_rule_file(RULES_DIR / f"{n}.yaml") for n in NAMES)


def run(p: ClinicianProfile, records: list[Completion], as_of: date = AS_OF) -> Evaluation:
    return evaluate(p, records, as_of, RULES)


def ids(evaluation: Evaluation) -> set[str]:
    return {r.regime_id for r in evaluation.regimes}


def ga_nurse(kind: str = "NP", **kw: object) -> Licence:
    values: dict[str, object] = {"issue_date": date(2012, 3, 1), "expiry_date": date(2028, 1, 31)}
    values.update(kw)
    return Licence(state="GA", profession=kind, **values)


def rule(name: str) -> Regime:
    return next(r for r in RULES if r.id == name)


# -- Georgia nurse practitioner ---------------------------------------------------------------


def test_georgia_np_rule_is_a_sourced_licence_rule_marked_secondary() -> None:
    """The "no APRN-specific hours" reading rests on no primary renewal text (the 410-11 renewal
    rule and SB 164's renewal section were not read), so the file says secondary."""
    ga_np = rule("ga-np")
    assert (ga_np.kind, ga_np.jurisdiction, ga_np.applies_to.licence_state) == (
        "licence",
        "GA",
        "GA",
    )
    assert ga_np.applies_to.professions == frozenset({"NP"})
    assert ga_np.source_quality == "secondary"
    assert ga_np.as_of == AS_OF
    assert ga_np.sources and all(s.startswith("http") for s in ga_np.sources)
    for section in ("43-26-3(1.1)", "43-26-9", "410-11-.01", "360-32-.01", "SB 164"):
        assert section in ga_np.notes, section


def test_georgia_np_keeps_certification_and_the_rn_competency_rule_with_no_aprn_hours() -> None:
    """O.C.G.A. 43-26-3(1.1): an APRN "holds ... national board certification in his or her area
    of specialty"; 43-26-9(b.1): renewal needs one of "(1) Completion of 30 continuing education
    hours by a board approved provider; (2) Maintenance of certification or recertification by a
    national certifying body recognized by the board". No APRN-specific CE hours were found."""
    cert = (BoardCert("AANPCB", "family_nurse_practitioner", date(2024, 6, 1), date(2029, 5, 31)),)
    np = profile(ga_nurse(dea_registered=True), profession="NP", board_certifications=cert)
    evaluation = run(np, [])
    assert {"ga-np", "ga-rn", "aanpcb-np"} <= ids(evaluation)
    aprn = regime(evaluation, "ga-np")
    assert [(r.id, r.hours_needed, r.status) for r in aprn.requirements] == [
        ("national_certification", 0, "met")
    ]  # no pharmacology or controlled-substance hours, DEA registration or not
    competency = req(evaluation, "ga-rn", "total")  # 43-26-9(b.1)(2): the certification meets it
    assert competency.status == "met"
    assert competency.hours_counted == 0
    assert competency.explanation.startswith("met by current AANPCB certification")
    (credential,) = [c for c in evaluation.credentials if c.kind == "licence"]
    assert credential.status != "not_covered"
    assert set(credential.regime_ids) == {"ga-rn", "ga-np"}


def test_georgia_np_without_a_certification_on_file_needs_the_thirty_hours() -> None:
    """43-26-9(b.1)(1): "Completion of 30 continuing education hours by a board approved provider"
    (the renewal period is the two years to the licence's expiry, 43-26-9(a) "biennially")."""
    np = profile(ga_nurse(), profession="NP")
    none = req(run(np, []), "ga-rn", "total")
    assert (none.hours_needed, none.hours_counted, none.status) == (30, 0, "unmet")
    records = [
        done("a", date(2026, 3, 1), 18, credit="ancc"),
        done("b", date(2027, 2, 1), 12, credit="aanp"),
        done("old", date(2026, 1, 30), 30, credit="ancc"),  # before this period (from 2026-01-31)
    ]
    full = req(run(np, records, as_of=date(2027, 6, 1)), "ga-rn", "total")
    assert (full.hours_counted, full.status, full.deadline) == (30, "met", date(2028, 1, 31))
    assert req(run(np, []), "ga-np", "national_certification").status == "met"


def test_georgia_rn_licence_does_not_get_the_aprn_rule() -> None:
    """The APRN rule applies to the NP licence only; an RN licence keeps ga-rn alone."""
    evaluation = run(profile(ga_nurse("RN"), profession="RN"), [])
    assert ids(evaluation) == {"ga-rn"}


# -- AOBIM -------------------------------------------------------------------------------------


def test_aobim_120_credits_per_aoa_certification_cme_cycle() -> None:
    """AOA CME policies: "The 2025-27 certification CME cycle is Jan. 1, 2025 through Dec. 31,
    2027"; AOA CME guide: "Non-time-limited diplomates who choose not to voluntarily participate
    in OCC will be required to obtain 120 CME credits ... regardless of specialty" (AOBIM's own
    time-limited figure was not found: 120 is the conservative reading)."""
    cert = (BoardCert("AOBIM", "internal_medicine"),)
    do = profile(licence("OH", "DO"), profession="DO", board_certifications=cert)
    records = [
        done("1a", date(2025, 2, 1), 40, credit="aoa_1a"),
        done("1b", date(2025, 9, 1), 20, credit="aoa_1b"),
        done("ama", date(2026, 3, 1), 59, credit="ama_pra_1"),
        done("nurse", date(2026, 4, 1), 10, credit="ancc"),  # not an AOA/AMA credit
        done("prev", date(2024, 12, 31), 120, credit="aoa_1a"),  # 2022-24 cycle
    ]
    short = req(run(do, records), "aoa-aobim", "total")
    assert (short.hours_needed, short.hours_counted, short.status) == (120, 119, "unmet")
    assert short.deadline == date(2027, 12, 31)
    assert set(short.counted_completion_ids) == {"1a", "1b", "ama"}
    records.append(done("cat2", date(2026, 10, 1), 1, credit="ama_pra_2"))
    evaluation = run(do, records)
    assert req(evaluation, "aoa-aobim", "total").status == "met"
    (credential,) = [c for c in evaluation.credentials if c.kind == "board_certification"]
    assert (credential.code, credential.regime_ids) == ("AOBIM", ("aoa-aobim",))
    assert credential.status == "met"


def test_aobim_cycles_follow_the_aoa_three_year_calendar_and_md_diplomates() -> None:
    """The AOA cycles run in fixed three-year blocks (2025-27, then 2028-30); AOBIM's board
    policies admit graduates of "a LCME-accredited medical school" with ACGME training, so an MD
    with AOBIM certification is covered too; an AOBFP Diplomate is not an AOBIM one."""
    cert = (BoardCert("AOBIM", "internal_medicine"),)
    md = profile(licence("OH"), profession="MD", board_certifications=cert)
    later = req(run(md, [], as_of=date(2028, 2, 1)), "aoa-aobim", "total")
    assert later.deadline == date(2030, 12, 31)
    assert later.hours_needed == 120
    family = (BoardCert("AOBFP", "family_medicine"),)
    do_fp = profile(licence("OH", "DO"), profession="DO", board_certifications=family)
    assert ids(run(do_fp, [])) == {"aoa-aobfp"}
    aobim = rule("aoa-aobim")
    assert aobim.source_quality == "secondary"
    assert aobim.applies_to.board == "AOBIM"
    assert aobim.applies_to.professions == frozenset({"MD", "DO"})
