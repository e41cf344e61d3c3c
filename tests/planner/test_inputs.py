"""Building the solver's Problem from a profile, its evaluation, the rules and catalog rows."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from cmepath.catalog import rubric
from cmepath.credits.rules import (
    completions_from_json,
    default_rules,
    evaluate,
    profile_from_json,
)
from cmepath.credits.rules.counting import hours_toward
from cmepath.planner.goals import planner_goal
from cmepath.planner.inputs import (
    CatalogRow,
    PlanInputError,
    budget_periods,
    build_problem,
    competency_hours,
    goal_value_score,
    horizon_end,
    needs_from,
    paid_days,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
AS_OF = date(2026, 12, 7)
RULES = default_rules()


@pytest.fixture(scope="module")
def internist():
    profile = profile_from_json(json.loads((EXAMPLES / "credits-profile.json").read_text()))
    done = completions_from_json(json.loads((EXAMPLES / "credits-records.json").read_text()))
    return profile, evaluate(profile, done, AS_OF, RULES)


def row(rid: str = "r1", **kw) -> CatalogRow:
    base = {
        "id": rid,
        "title": f"Activity {rid}",
        "start": date(2027, 2, 1),
        "end": date(2027, 2, 1),
        "cost": 100.0,
        "delivery": "online",
        "value_score": 60.0,
        "credits": {"ama_pra_1": 10.0},
        "competencies": frozenset({"leadership", "clinical"}),
    }
    base.update(kw)
    return CatalogRow(**base)


def test_needs_are_the_unmet_or_at_risk_requirements_due_in_the_horizon(internist):
    profile, evaluation = internist
    end = horizon_end(AS_OF, 24)
    specs = needs_from(evaluation, RULES, as_of=AS_OF, end=end)
    expected = {
        f"{r.regime_id}:{q.id}": round(q.hours_needed - q.hours_counted, 2)
        for r in evaluation.regimes
        for q in r.requirements
        if q.status in ("unmet", "at_risk")
        and q.deadline is not None
        and q.deadline <= end
        and q.hours_needed > q.hours_counted
    }
    assert {s.need.key: s.need.hours for s in specs} == expected
    assert "ca-md:total" in expected and expected["ca-md:total"] == 9.0
    assert "tx-md:total" in expected  # at risk: 41 of 48
    total = next(s for s in specs if s.need.key == "ca-md:total")
    assert total.need.deadline == date(2027, 3, 31)
    assert "California" in total.need.label
    assert total.requirement.credit_types == frozenset({"ama_pra_1"})
    assert total.need.unit == "h"  # credits are hours; ABIM MOC points say "points"
    for spec in specs:
        types = spec.requirement.credit_types or frozenset()
        if types and all(t.endswith("_moc") or "_moc_" in t for t in types):
            assert spec.need.unit == "points", spec.need.key
    # a shorter horizon leaves out what falls due after it
    short = needs_from(evaluation, RULES, as_of=AS_OF, end=date(2027, 3, 1))
    assert {s.need.key for s in short} == {k for k in expected if k.startswith("tx-md")}


def test_policy_years_are_12_month_periods_cut_at_the_horizon():
    periods = budget_periods(AS_OF, horizon_end(AS_OF, 18), money=1500, days=3)
    assert [(p.start, p.end) for p in periods] == [
        (date(2026, 12, 7), date(2027, 12, 6)),
        (date(2027, 12, 7), date(2028, 6, 6)),
    ]
    assert all(p.money == 1500 and p.days == 3 for p in periods)


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"delivery": "online"}, (0.0, False, False)),
        ({"delivery": "live", "state": "CA", "end": date(2027, 2, 3)}, (2.0, True, False)),
        # 3 days of 10 credits: 2 paid days (6 h a day), plus travel out of state
        ({"delivery": "live", "state": "NY", "end": date(2027, 2, 3)}, (3.0, True, True)),
        # a year-long series: a couple of days, not blocking the calendar
        ({"delivery": "live", "state": "CA", "end": date(2027, 12, 1)}, (2.0, False, False)),
        ({"delivery": "hybrid", "state": "NY"}, (1.0, True, False)),
    ],
)
def test_paid_days_travel_and_live(kw, expected):
    assert paid_days(row(**kw), "CA") == expected


def test_competency_hours_spread_credits_over_the_activity_competencies():
    r = row(competencies=frozenset({"leadership", "clinical"}), credits={"ama_pra_1": 10.0})
    assert competency_hours(r, {"leadership": 40.0}) == {"leadership": 5.0}
    assert competency_hours(r, {"finance": 40.0}) == {}


def test_the_goal_value_score_is_the_rubric_with_the_goal():
    facts = rubric.ActivityFacts(
        accreditor="ACCME",
        accreditation_valid=True,
        competencies=frozenset({"leadership", "strategy"}),
        moore_level=4,
    )
    goal = frozenset({"leadership", "strategy", "finance", "communication"})
    r = row(value_score=rubric.score(facts).total, competencies=facts.competencies)
    assert goal_value_score(r, goal) == pytest.approx(rubric.score(facts, goal).total, abs=0.1)
    assert goal_value_score(replace(r, competencies=frozenset()), goal) == r.value_score


def _problem(internist, rows, **kw):
    profile, evaluation = internist
    args = {
        "profile": profile,
        "evaluation": evaluation,
        "rules": RULES,
        "catalog": rows,
        "goal": planner_goal("cmo", 24),
        "money": 2000.0,
        "days": 3.0,
        "horizon_months": 24,
        "as_of": AS_OF,
        "home_state": "CA",
    }
    args.update(kw)
    return build_problem(**args)


def test_candidates_are_in_the_horizon_open_to_the_profession_and_counted(internist):
    rows = [
        row("ok", topics=frozenset({"ethics"})),
        row("past", start=date(2026, 11, 1), end=date(2026, 11, 1)),
        row("late", start=date(2028, 12, 1), end=date(2029, 1, 10)),
        row("np-only", professions=frozenset({"NP"})),
        row("md", professions=frozenset({"MD", "DO"}), credits={"aanp": 5.0}),
    ]
    problem = _problem(internist, rows)
    ids = [c.id for c in problem.candidates]
    assert ids == ["md", "ok"]
    ok = next(c for c in problem.candidates if c.id == "ok")
    specs = {
        s.need.key: s for s in needs_from(internist[1], RULES, as_of=AS_OF, end=problem.horizon_end)
    }
    for key, hours in ok.counts_toward.items():
        assert hours == hours_toward(specs[key].requirement, {"ama_pra_1": 10.0}, {"ethics"})
    assert ok.counts_toward["ca-md:total"] == 10.0
    md = next(c for c in problem.candidates if c.id == "md")
    assert "ca-md:total" not in md.counts_toward  # AANP hours are not AMA PRA Category 1
    assert ok.competency_hours == {"leadership": 5.0}
    assert [b.money for b in problem.budgets] == [2000.0, 2000.0]
    assert problem.goal.competency_targets["leadership"] == 45.0


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"money": -1.0}, "budget"),
        ({"days": -0.5}, "days"),
        ({"horizon_months": 0}, "horizon_months"),
        ({"catalog": []}, "catalog"),
    ],
)
def test_bad_inputs_name_the_field(internist, kw, field):
    with pytest.raises(PlanInputError) as exc:
        _problem(internist, [row()], **kw)
    assert exc.value.field == field and str(exc.value).startswith(f"{field}: ")


def test_progress_is_reported(internist):
    calls = []
    _problem(internist, [row(f"r{i}") for i in range(3)], progress=lambda *a: calls.append(a))
    assert calls[0][1] == 0 and calls[-1][1] == calls[-1][2] == 3


def test_need_hours_is_hours_toward_for_every_shipped_rule():
    import random

    import numpy as np

    from cmepath.core.vocabulary import CREDIT_TYPES, TOPICS
    from cmepath.planner.inputs import need_hours, prepare_catalog

    rng = random.Random(7)
    types, topics = sorted(CREDIT_TYPES), sorted(TOPICS)
    rows = [
        row(
            f"r{i}",
            credits={t: float(rng.randint(1, 20)) for t in rng.sample(types, rng.randint(1, 3))},
            topics=frozenset(rng.sample(topics, rng.randint(0, 3))),
        )
        for i in range(300)
    ]
    catalog = prepare_catalog(rows)
    every = np.arange(len(catalog), dtype=np.int64)
    checked = 0
    for regime in RULES:
        for req in regime.requirements:
            got = need_hours(catalog, req, every)
            want = [hours_toward(req, r.credits, r.topics) for r in catalog.rows]
            assert got.tolist() == want, f"{regime.id}:{req.id}"
            checked += 1
    assert checked > 100
