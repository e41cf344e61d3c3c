"""The value rubric: examples for each factor and properties of the whole score."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmepath.catalog.rubric import (
    DEFAULT_WEIGHTS,
    ActivityFacts,
    CommercialSupport,
    Weights,
    parse_moore_level,
    score,
)

IDEAL = ActivityFacts(
    accreditor="Joint Accreditation",
    accreditation_valid=True,
    designed_to_change=frozenset({"performance", "patient_outcomes"}),
    outcomes_evaluated=True,
    moore_level=7,
    interprofessional=True,
    ipce_credit=True,
    professions=frozenset({"MD", "RN", "PharmD"}),
    competencies=frozenset({"quality improvement", "leadership", "teamwork"}),
    disclosure_summary=True,
)
GOAL = frozenset({"Leadership", "quality  improvement", "finance", "negotiation"})


def factor(facts: ActivityFacts, key: str, goal: frozenset[str] | None = None) -> tuple[float, str]:
    f = next(f for f in score(facts, goal).factors if f.key == key)
    return f.value, f.reason


def test_ideal_activity_scores_100_against_a_goal_it_covers() -> None:
    result = score(IDEAL, frozenset({"leadership", "teamwork"}))
    assert result.total == 100.0
    assert [f.key for f in result.factors] == [
        "outcome_tracking",
        "commercial_independence",
        "interprofessional",
        "career_applicability",
        "accreditation",
    ]


def test_empty_activity_scores_only_the_neutral_career_half() -> None:
    result = score(ActivityFacts(disclosure_summary=False))
    # no support but no disclosure (0.8 x 25) + neutral career (0.5 x 20); the rest 0 -> 30
    assert result.total == 30.0
    assert factor(ActivityFacts(), "career_applicability") == (0.5, "No goal given.")


@pytest.mark.parametrize(
    ("level", "expected"),
    [(None, 0.0), (1, 0.05), (2, 0.10), (3, 0.25), (4, 0.55), (5, 0.75), (6, 0.90), (7, 1.0)],
)
def test_outcome_tracking_follows_moore_levels(level: int | None, expected: float) -> None:
    value, reason = factor(ActivityFacts(moore_level=level), "outcome_tracking")
    assert value == expected
    assert ("Moore level" in reason) == (level is not None)


def test_pars_evaluated_flag_counts_as_competence_and_pi_as_performance() -> None:
    assert (
        factor(ActivityFacts(moore_level=2, outcomes_evaluated=True), "outcome_tracking")[0] == 0.55
    )
    assert factor(ActivityFacts(pi_component=True), "outcome_tracking")[0] == 0.75
    assert factor(ActivityFacts(moore_level=6, pi_component=True), "outcome_tracking")[0] == 0.90


def test_designed_but_unmeasured_change_earns_a_little() -> None:
    facts = ActivityFacts(
        moore_level=3, designed_to_change=frozenset({"competence", "performance"})
    )
    value, reason = factor(facts, "outcome_tracking")
    assert value == pytest.approx(0.35)
    assert "designed to change competence, performance but not measured" in reason


@pytest.mark.parametrize(
    ("support", "disclosed", "expected"),
    [
        ((), True, 1.0),
        ((), False, 0.8),
        ((CommercialSupport("Acme Devices", "in_kind", 0),), True, 0.7),
        ((CommercialSupport("Acme Pharma", "monetary", 25_000),), True, 0.4),
        ((CommercialSupport("Acme Pharma", "monetary", 500_000),), True, 0.3),
        (
            (CommercialSupport("A", "monetary", 0), CommercialSupport("B", "in_kind", 0)),
            True,
            0.45,
        ),
    ],
)
def test_commercial_independence(
    support: tuple[CommercialSupport, ...], disclosed: bool, expected: float
) -> None:
    facts = ActivityFacts(commercial_support=support, disclosure_summary=disclosed)
    assert factor(facts, "commercial_independence")[0] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("ipce", "inter", "professions", "expected"),
    [
        (True, False, {"MD"}, 1.0),
        (False, True, {"MD"}, 0.5),
        (False, True, {"MD", "RN", "PA"}, 0.7),
        (False, True, {"MD", "RN", "PA", "NP", "DO", "PharmD"}, 0.8),
        (False, False, {"MD", "RN"}, 0.3),
        (False, False, {"MD"}, 0.0),
    ],
)
def test_interprofessional(ipce: bool, inter: bool, professions: set[str], expected: float) -> None:
    facts = ActivityFacts(
        ipce_credit=ipce, interprofessional=inter, professions=frozenset(professions)
    )
    assert factor(facts, "interprofessional")[0] == pytest.approx(expected)


def test_career_applicability_against_a_goal() -> None:
    value, reason = factor(IDEAL, "career_applicability", GOAL)
    assert value == pytest.approx(2 / 3, abs=1e-4)
    assert reason == "Covers 2 of 4 goal competencies: leadership, quality improvement."
    assert factor(IDEAL, "career_applicability", frozenset({"coding"}))[0] == 0.0
    assert factor(IDEAL, "career_applicability", frozenset())[1] == "No goal given."


def test_accreditation_needs_a_named_valid_accreditor() -> None:
    assert (
        factor(ActivityFacts(accreditor="ACCME", accreditation_valid=True), "accreditation")[0] == 1
    )
    assert factor(ActivityFacts(accreditor="ACCME"), "accreditation")[0] == 0
    assert factor(ActivityFacts(accreditation_valid=True), "accreditation")[0] == 0


def test_weights_are_configurable() -> None:
    only_accreditation = Weights(0, 0, 0, 0, 1)
    assert score(IDEAL, weights=only_accreditation).total == 100.0
    assert score(ActivityFacts(), weights=only_accreditation).total == 0.0


@pytest.mark.parametrize(
    "weights",
    [
        {"outcome_tracking": -1},
        {"accreditation": math.nan},
        {"accreditation": math.inf},
        dict.fromkeys(dataclasses.asdict(DEFAULT_WEIGHTS), 0.0),
    ],
)
def test_bad_weights_are_refused(weights: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="weight"):
        Weights(**weights)


@pytest.mark.parametrize(
    ("raw", "level"), [("3a", 3), ("3B", 3), (" 5 ", 5), (7, 7), ("", None), (None, None)]
)
def test_parse_moore_level(raw: str | int | None, level: int | None) -> None:
    assert parse_moore_level(raw) == level


@pytest.mark.parametrize("raw", ["0", "8", "3c"])
def test_parse_moore_level_refuses_nonsense(raw: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (int() and our own message differ)
        parse_moore_level(raw)


def test_facts_are_validated() -> None:
    with pytest.raises(ValueError, match="moore_level"):
        ActivityFacts(moore_level=9)
    with pytest.raises(ValueError, match="designed_to_change"):
        ActivityFacts(designed_to_change=frozenset({"attitude"}))
    with pytest.raises(ValueError, match="amount"):
        CommercialSupport("X", "monetary", -5)


# ------------------------------------------------------------------- properties

supports = st.builds(
    CommercialSupport,
    source=st.sampled_from(["Acme", "Beta Pharma", "Gamma Devices", ""]),
    kind=st.sampled_from(["monetary", "in_kind"]),
    amount=st.floats(0, 1e7, allow_nan=False),
)
words = st.sampled_from(["leadership", "quality improvement", "teamwork", "finance", "ethics"])
facts_strategy = st.builds(
    ActivityFacts,
    accreditor=st.none() | st.sampled_from(["ACCME", "ANCC", " "]),
    accreditation_valid=st.booleans(),
    commercial_support=st.lists(supports, max_size=5).map(tuple),
    designed_to_change=st.frozensets(
        st.sampled_from(["competence", "performance", "patient_outcomes"])
    ),
    outcomes_evaluated=st.booleans(),
    moore_level=st.none() | st.integers(1, 7),
    interprofessional=st.booleans(),
    ipce_credit=st.booleans(),
    professions=st.frozensets(st.sampled_from(["MD", "DO", "RN", "NP", "PA", "PharmD"])),
    competencies=st.frozensets(words),
    pi_component=st.booleans(),
    disclosure_summary=st.booleans(),
)
goals = st.none() | st.frozensets(words, max_size=4)
weights_strategy = st.builds(
    Weights, *[st.floats(0, 100, allow_nan=False) for _ in range(4)], st.floats(0.01, 100)
)


@settings(max_examples=300)
@given(facts=facts_strategy, goal=goals, weights=weights_strategy)
def test_total_is_within_0_and_100_and_reasons_are_one_line(
    facts: ActivityFacts, goal: frozenset[str] | None, weights: Weights
) -> None:
    result = score(facts, goal, weights)
    assert 0.0 <= result.total <= 100.0
    assert len(result.factors) == 5
    for f in result.factors:
        assert 0.0 <= f.value <= 1.0
        assert f.reason.strip()
        assert "\n" not in f.reason
    assert sum(f.points for f in result.factors) == pytest.approx(result.total, abs=0.3)


@settings(max_examples=300)
@given(facts=facts_strategy, extra=supports, goal=goals)
def test_adding_commercial_support_never_raises_the_score(
    facts: ActivityFacts, extra: CommercialSupport, goal: frozenset[str] | None
) -> None:
    more = dataclasses.replace(facts, commercial_support=(*facts.commercial_support, extra))
    assert score(more, goal).total <= score(facts, goal).total


@settings(max_examples=300)
@given(facts=facts_strategy, goal=goals, raise_to=st.integers(1, 7))
def test_raising_the_evaluated_moore_level_never_lowers_the_score(
    facts: ActivityFacts, goal: frozenset[str] | None, raise_to: int
) -> None:
    higher = max(raise_to, facts.moore_level or 0)
    raised = dataclasses.replace(facts, moore_level=higher)
    assert score(raised, goal).total >= score(facts, goal).total


def test_breakdown_serialises_for_the_api() -> None:
    data = score(IDEAL, GOAL).as_dict()
    assert data["total"] == score(IDEAL, GOAL).total
    assert isinstance(data["factors"], list)
    assert {
        "key",
        "label",
        "value",
        "weight",
        "points",
        "reason",
    } <= set(data["factors"][0])
