"""Career goals as data (core/data/career_goals.yaml) and the planner's view of them."""

from __future__ import annotations

import re

import pytest

from cmepath.catalog.choices import CAREER_GOALS, ActivityFormat, career_goal
from cmepath.core.career_goals import (
    DATA_FILE,
    CareerGoalFileError,
    goal_template,
    load_career_goals,
    parse_career_goals,
)
from cmepath.core.vocabulary import COMPETENCIES, PROFESSIONS
from cmepath.planner.goals import custom_goal, planner_goal, scaled_targets

GOALS = load_career_goals()
TEXT = DATA_FILE.read_text(encoding="utf-8")

ACGME = {
    "patient_care": "Patient care and procedural skills",
    "medical_knowledge": "Medical knowledge",
    "practice_based_learning": "Practice-based learning and improvement",
    "interpersonal_communication": "Interpersonal and communication skills",
    "professionalism": "Professionalism",
    "systems_based_practice": "Systems-based practice",
}


def test_the_ten_goals_ship_and_the_catalog_keys_are_kept():
    assert list(GOALS) == [
        "nurse_leader",
        "informaticist",
        "cmo",
        "medical_director",
        "department_chief",
        "quality_lead",
        "educator",
        "advancing_scope",
        "pharmacist_specialist",
        "stay_current",
    ]
    # the catalog reads the same file: one definition
    assert list(CAREER_GOALS) == list(GOALS)
    for key, goal in GOALS.items():
        assert CAREER_GOALS[key].label == goal.label
        assert CAREER_GOALS[key].competencies == goal.competencies


def test_the_vocabulary_has_the_six_acgme_competencies_and_keeps_the_old_codes():
    for code, label in ACGME.items():
        assert COMPETENCIES[code].label == label
    for code in ("leadership", "finance", "strategy", "quality_patient_safety", "clinical"):
        assert code in COMPETENCIES


@pytest.mark.parametrize("key", list(GOALS))
def test_every_goal_is_complete_and_sourced(key):
    goal = GOALS[key]
    assert goal.sources and all(s.startswith(("http://", "https://")) for s in goal.sources)
    assert goal.as_of.year == 2026
    assert goal.pi_per_12_months >= 1
    assert goal.frameworks and all(f.domains and f.source for f in goal.frameworks)
    assert set(goal.targets) <= set(COMPETENCIES) and set(goal.competencies) <= set(goal.targets)
    assert set(goal.professions) <= set(PROFESSIONS)
    assert set(goal.formats) <= {f.value for f in ActivityFormat}
    assert "performance_improvement" in goal.formats
    for alias in goal.aliases:  # the catalog matches whole lower-case words
        assert alias == " ".join(re.findall(r"[a-z0-9]+", alias))


def test_horizons_and_loads_come_from_the_reference():
    cmo = GOALS["cmo"]
    assert (cmo.horizon_months, cmo.total_hours) == (12, 185)  # Emory CMO: 185 credits
    assert GOALS["quality_lead"].horizon_months == 20  # UChicago PI-CME: ~20 months
    assert GOALS["informaticist"].horizon_months == 36  # ABPM practice pathway (verify)
    assert GOALS["advancing_scope"].total_hours == 100  # NCCPA: 100 credits per 2 years
    cpe = cmo.credential
    assert cpe is not None and any("150 hours" in r.text for r in cpe.requirements)
    abpm = GOALS["informaticist"].credential
    assert abpm is not None and abpm.verify
    assert any(r.verify and "25%" in r.text for r in abpm.requirements)
    ihi = GOALS["quality_lead"].credential
    assert ihi is not None and any("13 online courses" in r.text for r in ihi.requirements)


def test_framework_domains_are_names_not_statements():
    hla = GOALS["cmo"].frameworks[0]
    assert len(hla.domains) == 5 and "Business skills and knowledge" in hla.domains
    assert len(GOALS["nurse_leader"].frameworks[0].domains) == 6  # AONL
    assert len(GOALS["informaticist"].frameworks[0].domains) == 4  # AMIA
    for goal in GOALS.values():
        for framework in goal.frameworks:
            assert all(len(d.split()) <= 8 for d in framework.domains)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Medical director", "medical_director"),
        ("Clinical pharmacist", "pharmacist_specialist"),
        ("I want to stay current", "stay_current"),
        ("Chief of medicine", "department_chief"),
        ("Chief medical officer", "cmo"),
        ("Chief nursing officer", "nurse_leader"),
    ],
)
def test_free_text_reads_the_new_goals(text, key):
    found = career_goal(text)
    assert found is not None and found.key == key


def _broken(old: str, new: str) -> str:
    assert old in TEXT
    return TEXT.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("    horizon_months: 24\n", "    horizon_monts: 24\n", "goals.nurse_leader.horizon_monts"),
        (
            "    sources:\n      - http://www.aonl.org/competencies\n      - https://prod.aonl.org/news/AONL-Releases-Nurse-Leader-Core-Competencies\n",
            "",
            "goals.nurse_leader.sources",
        ),
        ("    as_of: 2026-12-07\n", "", "goals.nurse_leader.as_of"),
        ("      leadership: 30\n", "      leadrship: 30\n", "goals.nurse_leader.targets.leadrship"),
        ("      finance: 20\n", "      finance: -2\n", "goals.nurse_leader.targets.finance"),
        (
            "        source: http://www.aonl.org/competencies\n",
            "        source: aonl.org\n",
            "goals.nurse_leader.frameworks[0].source",
        ),
    ],
)
def test_a_broken_file_names_the_file_and_the_field(old, new, where):
    with pytest.raises(CareerGoalFileError) as exc:
        parse_career_goals(_broken(old, new))
    assert str(exc.value).startswith(f"career_goals.yaml: {where}")


def test_an_unknown_competency_suggests_the_nearest():
    with pytest.raises(CareerGoalFileError, match="did you mean leadership"):
        parse_career_goals(_broken("      leadership: 30\n", "      leadrship: 30\n"))


# ------------------------------------------------------------------ the planner's view


def test_a_one_off_goal_keeps_its_total_over_a_longer_plan_and_is_prorated_over_a_shorter():
    cmo = GOALS["cmo"]
    assert sum(scaled_targets(cmo, 24).values()) == 185
    six = scaled_targets(cmo, 6)
    assert six["leadership"] == 22.5 and sum(six.values()) == pytest.approx(92.5, abs=1.5)


def test_a_recurring_goal_scales_with_the_plan():
    stay = GOALS["stay_current"]
    assert stay.recurring
    assert sum(scaled_targets(stay, 24).values()) == 2 * stay.total_hours


def test_planner_goal_carries_targets_pi_formats_credential_and_sources():
    goal = planner_goal("informaticist", 24)
    assert goal.targets["informatics"] == 40  # 60 h over 36 months, prorated to 24
    assert goal.pi_per_12_months == 1 and goal.credential is not None
    assert goal.verify_items and all("verify" not in t for t in goal.verify_items)
    problem_goal = goal.problem_goal()
    assert problem_goal.competency_targets == goal.targets
    assert problem_goal.competency_labels["informatics"] == "informatics"


def test_an_unknown_goal_key_lists_the_accepted_ones():
    with pytest.raises(KeyError, match="did you mean 'cmo'.*accepted: nurse_leader"):
        goal_template("cmoo")
    with pytest.raises(KeyError):
        planner_goal("astronaut", 12)


def test_a_goal_named_by_competencies_gets_a_modest_recurring_load():
    goal = custom_goal("Leadership and finance", ("leadership", "finance"), 24)
    assert dict(goal.targets) == {"leadership": 30.0, "finance": 30.0}
    with pytest.raises(ValueError, match="unknown competency"):
        custom_goal("x", ("juggling",), 12)
