"""The plan solver on small catalogs whose optimum is known by hand.

Goal: one competency "lead" with a 10 h target, so a plan's goal value is
min(g, 5) + 0.6 * min(max(g - 5, 0), 5) for weighted gain g (value score 100 means weight
1; nothing beyond the target), minus 1e-6 per dollar and the effort penalty of 0.25 per
activity.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cmepath.planner.problem import (
    BudgetPeriod,
    Candidate,
    Goal,
    Need,
    PlanResult,
    Problem,
)
from cmepath.planner.solver import greedy, prune, second_best, solve

AS_OF = date(2027, 1, 1)
END = date(2027, 12, 31)
GOAL = Goal(
    "g", "Leader", {"lead": 10.0}, pi_per_12_months=0, competency_labels={"lead": "leadership"}
)


def cand(
    cid: str,
    cost: float,
    lead: float = 0.0,
    *,
    start: date = date(2027, 3, 1),
    end: date | None = None,
    days: float = 0.0,
    live: bool = False,
    value: float = 100.0,
    counts: dict[str, float] | None = None,
    pi: bool = False,
) -> Candidate:
    return Candidate(
        id=cid,
        title=f"Activity {cid}",
        start=start,
        end=end or start,
        cost=cost,
        days=days,
        live=live,
        value_score=value,
        credits=max(lead, *(counts or {}).values(), 0.0),
        counts_toward=counts or {},
        competency_hours={"lead": lead} if lead else {},
        practice_improvement=pi,
    )


def budget(money: float, days: float = 10.0) -> tuple[BudgetPeriod, ...]:
    return (BudgetPeriod(AS_OF, END, money, days),)


def problem(
    cands: list[Candidate],
    money: float | None = 1000.0,
    days: float = 10.0,
    needs: tuple[Need, ...] = (),
    goal: Goal = GOAL,
    review: date | None = None,
) -> Problem:
    return Problem(
        as_of=AS_OF,
        horizon_end=END,
        candidates=tuple(cands),
        needs=needs,
        budgets=() if money is None else budget(money, days),
        goal=goal,
        review_date=review,
        mip_gap=0.0,
    )


def ids(result: PlanResult) -> set[str]:
    return {item.candidate_id for item in result.items}


def value(gain: float, cost: float, items: int) -> float:
    return (min(gain, 5) + 0.6 * min(max(gain - 5, 0), 5)) - 1e-6 * cost - 0.25 * items


PAIN = Need("ca:pain", "pain management, California licence", 12.0, date(2027, 6, 30))


def test_budget_binds_two_small_beat_one_large() -> None:
    # given A and B (5 h each, $100) and C (8 h, $150) with $200
    p = problem([cand("A", 100, 5), cand("B", 100, 5), cand("C", 150, 8)], money=200)
    # when
    result = solve(p)
    # then A+B (gain 10 -> 8.0 - 2 x 0.25) beats C alone (6.8 - 0.25)
    assert result.status == "optimal"
    assert ids(result) == {"A", "B"}
    assert result.objective == pytest.approx(value(10, 200, 2), rel=1e-9)
    assert result.total_cost == 200
    assert result.gap == 0
    # A+B reach the target: C would add no value, so the budget is not named as binding
    assert not any("binding limit" in s for s in result.explanation)


def test_more_budget_changes_the_plan() -> None:
    cands = [cand("A", 100, 5), cand("B", 110, 4), cand("C", 150, 8)]
    # $150: C alone (6.8 - 0.25) beats A (5 - 0.25) and B; A would add value but not fit
    small = solve(problem(cands, money=150))
    assert ids(small) == {"C"}
    assert any(
        "budget is the binding limit" in s and "$150 of $150" in s for s in small.explanation
    )
    result = solve(problem(cands, money=250))
    # $250: A+C (gain 13, capped at the target: 8.0 - 0.5) beats A+B (gain 9: 7.4 - 0.5)
    assert ids(result) == {"A", "C"}
    assert result.objective == pytest.approx(value(13, 250, 2), rel=1e-9)


def test_days_bind() -> None:
    # two free live courses (2 days each, not overlapping) and a free online one
    cands = [
        cand("D1", 0, 6, days=2, live=True, start=date(2027, 3, 1), end=date(2027, 3, 2)),
        cand("D2", 0, 5, days=2, live=True, start=date(2027, 5, 1), end=date(2027, 5, 2)),
        cand("O", 0, 2, value=50),
    ]
    three_days = solve(problem(cands, days=3))
    assert ids(three_days) == {"D1", "O"}
    assert three_days.objective == pytest.approx(value(7, 0, 2))
    assert any("Paid CME days are the binding limit" in s for s in three_days.explanation)
    four_days = solve(problem(cands, days=4))
    # D1+D2 reach the target (gain 11): O would add nothing but another line in the plan
    assert ids(four_days) == {"D1", "D2"}
    assert four_days.objective == pytest.approx(value(11, 0, 2))


def test_overlapping_live_activities_exclude_each_other() -> None:
    cands = [
        cand("L1", 0, 6, live=True, start=date(2027, 3, 1), end=date(2027, 3, 3)),
        cand("L2", 0, 6, live=True, start=date(2027, 3, 2), end=date(2027, 3, 4)),
        cand("L3", 0, 3, live=True, start=date(2027, 3, 4), end=date(2027, 3, 5)),
    ]
    result = solve(problem(cands, money=None))
    # L2 overlaps both; L1 + L3 (gain 9 -> 7.4 - 0.5) beats L2 alone (5.6 - 0.25)
    assert ids(result) == {"L1", "L3"}
    assert result.objective == pytest.approx(value(9, 0, 2))


def test_a_need_forces_a_low_value_activity() -> None:
    cands = [
        cand("P", 300, counts={"ca:pain": 12}),
        cand("V", 200, 7),
        cand("V2", 150, 5),
    ]
    without = solve(problem(cands, money=450))
    assert ids(without) == {"V", "V2"}
    with_need = solve(problem(cands, money=450, needs=(PAIN,)))
    assert ids(with_need) == {"P", "V2"}
    assert with_need.objective == pytest.approx(value(5, 450, 2))
    item = next(i for i in with_need.items if i.candidate_id == "P")
    assert item.counts_toward == {"ca:pain": 12}
    assert "Covers 12 of the 12 h still needed for pain management" in item.why
    assert with_need.needs[0].planned == 12


def test_practice_improvement_minimum() -> None:
    goal = replace(GOAL, pi_per_12_months=1)
    cands = [cand("Q", 200, 2, pi=True), cand("V", 200, 8), cand("W", 100, 3)]
    free = solve(problem(cands, money=300))
    assert ids(free) == {"V", "W"}
    result = solve(problem(cands, money=300, goal=goal))
    assert ids(result) == {"Q", "W"}
    assert result.objective == pytest.approx(value(5, 300, 2))
    assert any("1 practice-improvement activity" in s for s in result.explanation)


def test_practice_improvement_minimum_scales_with_the_horizon() -> None:
    goal = replace(GOAL, pi_per_12_months=1)
    cands = [
        cand("Q1", 100, 1, pi=True),
        cand("Q2", 100, 1, pi=True, start=date(2028, 3, 1)),
        cand("V", 100, 8),
    ]
    p = replace(
        problem(cands, money=None, goal=goal),
        horizon_end=date(2028, 12, 31),  # 24 months: two practice-improvement activities
    )
    result = solve(p)
    assert {"Q1", "Q2"} <= ids(result)


def test_review_date_needs_a_career_item_before_it() -> None:
    cands = [cand("R1", 200, 4, end=date(2027, 3, 15)), cand("S", 200, 8, start=date(2027, 6, 1))]
    without = solve(problem(cands, money=300))
    assert ids(without) == {"S"}
    result = solve(problem(cands, money=300, review=date(2027, 3, 31)))
    assert ids(result) == {"R1"}
    assert "Ends before your review on Mar 31, 2027" in result.items[0].why


def test_activity_ending_after_the_deadline_does_not_count() -> None:
    need = Need(
        "ca:pain", "pain management", 10.0, date(2027, 6, 30), window_start=date(2027, 2, 1)
    )
    cands = [
        cand("LATE", 50, counts={"ca:pain": 10}, start=date(2027, 7, 1)),
        cand("EARLY", 60, counts={"ca:pain": 10}, start=date(2027, 1, 15)),  # before the window
        cand("OK", 200, counts={"ca:pain": 10}, start=date(2027, 6, 1)),
    ]
    result = solve(problem(cands, money=1000, needs=(need,)))
    assert ids(result) == {"OK"}


def test_second_best_differs_in_an_item() -> None:
    p = problem([cand("A", 100, 5), cand("B", 100, 5), cand("C", 150, 8)], money=200)
    best = solve(p)
    second = second_best(p, best)
    assert second is not None
    # {A, C} costs $250; the runner-up is C alone (6.8 - 0.25), not A or B alone (5.0 - 0.25)
    assert ids(second) == {"C"}
    assert second.objective == pytest.approx(value(8, 150, 1))
    assert second.objective < best.objective


def test_second_best_none_when_only_one_plan() -> None:
    p = problem([cand("P", 100, counts={"ca:pain": 12})], needs=(PAIN,))
    best = solve(p)
    assert ids(best) == {"P"}
    assert second_best(p, best) is None


def test_greedy_takes_best_value_per_dollar_first() -> None:
    # C has the best standalone value per dollar (5/$50), then A (4.5/$100), then B
    # (6.8/$170); after C and A (gain 9.5: 7.7), B no longer fits; C+B (gain 13: 8.0) is best
    p = problem([cand("A", 100, 4.5), cand("B", 170, 8), cand("C", 50, 5)], money=220)
    g = greedy(p)
    assert g.status == "within_gap"
    assert ids(g) == {"C", "A"}
    best = solve(p)
    assert ids(best) == {"C", "B"}
    assert best.objective > g.objective


def test_infeasible_budget_names_the_shortfall_in_dollars() -> None:
    cands = [cand("P", 380, counts={"ca:pain": 12}), cand("P2", 500, counts={"ca:pain": 12})]
    result = solve(problem(cands, money=250, needs=(PAIN,)))
    assert result.status == "infeasible"
    assert [b.constraint for b in result.binding] == ["budget:2027"]
    assert result.binding[0].relax_by == pytest.approx(130)
    assert any(
        "cannot be covered for less than $380; the budget left after the other requirements "
        "is $250" in s
        for s in result.explanation
    )
    # the nearest feasible plan is shown and says what it needs
    assert ids(result) == {"P"}
    assert any("needs $130 more in the 2027 budget" in s for s in result.explanation)


def test_infeasible_budget_after_other_requirements() -> None:
    other = Need("ny:abuse", "child abuse, New York licence", 2.0, date(2027, 6, 30))
    cands = [cand("P", 380, counts={"ca:pain": 12}), cand("N", 150, counts={"ny:abuse": 2})]
    result = solve(problem(cands, money=400, needs=(PAIN, other)))
    assert result.status == "infeasible"
    assert result.binding[0].constraint == "budget:2027"
    assert result.binding[0].relax_by == pytest.approx(130)
    assert any(
        "less than $380; the budget left after the other requirements is $250" in s
        for s in result.explanation
    )


def test_a_free_need_is_never_said_to_cost_zero() -> None:
    """The budget breaks on the New York course; the free pain course is not named as
    "cannot be covered for less than $0"."""
    other = Need("ny:abuse", "child abuse, New York licence", 2.0, date(2027, 6, 30))
    cands = [cand("P", 0, counts={"ca:pain": 12}), cand("N", 500, counts={"ny:abuse": 2})]
    result = solve(problem(cands, money=250, needs=(PAIN, other)))
    assert result.status == "infeasible"
    assert not any("less than $0" in s for s in result.explanation)
    assert any(
        "child abuse, New York licence (2 h still missing) cannot be covered for less than "
        "$500; the budget left after the other requirements is $250" in s
        for s in result.explanation
    )


def test_infeasible_need_without_qualifying_activity() -> None:
    cands = [cand("LATE", 50, 3, counts={"ca:pain": 12}, start=date(2027, 8, 1)), cand("V", 50, 5)]
    result = solve(problem(cands, needs=(PAIN,)))
    assert result.status == "infeasible"
    assert [b.constraint for b in result.binding] == ["need:ca:pain"]
    assert result.binding[0].relax_by == 12
    assert "No activity in the catalog ends by Jun 30, 2027" in result.binding[0].message
    # the nearest plan drops the impossible need and keeps the goal items
    assert ids(result) == {"LATE", "V"}


def test_infeasible_days() -> None:
    cands = [cand("L", 0, counts={"ca:pain": 12}, days=3, live=True, end=date(2027, 3, 3))]
    result = solve(problem(cands, days=2, needs=(PAIN,)))
    assert result.status == "infeasible"
    assert [b.constraint for b in result.binding] == ["days:2027"]
    assert result.binding[0].relax_by == pytest.approx(1)


def test_infeasible_review() -> None:
    cands = [cand("S", 100, 8, start=date(2027, 6, 1))]
    result = solve(problem(cands, review=date(2027, 3, 31)))
    assert result.status == "infeasible"
    assert result.binding[0].constraint == "review"
    assert result.binding[0].relax_by == 62  # 1 Jun is 62 days after 31 Mar


def test_tiny_time_limit_never_raises() -> None:
    cands = [
        cand(
            f"C{i}", 20 + (i * 37) % 200, 1 + (i * 7) % 6, start=date(2027, 1 + i % 12, 1 + i % 27)
        )
        for i in range(120)
    ]
    p = replace(problem(cands, money=900), time_limit_s=1e-4, mip_gap=0.0)
    result = solve(p)
    assert result.status in ("time_limit", "optimal", "within_gap")
    assert result.total_cost <= 900 + 1e-6
    assert result.bound >= result.objective


def test_prune_keeps_small_problems_whole_and_shrinks_big_ones() -> None:
    small = problem([cand("A", 100, 5), cand("B", 100, 5)])
    assert len(prune(small).candidates) == 2
    big = problem(
        [cand(f"C{i}", 10 + (i * 37) % 400, 1 + (i * 7) % 9) for i in range(3000)], money=500
    )
    pruned = prune(big, keep=10)
    assert 10 <= len(pruned.candidates) < 200
    full = solve(replace(big, mip_gap=0.0))
    assert full.candidates_considered < 3000
    # the pruned optimum equals the unpruned one found on a bigger keep
    wide = solve(prune(big, keep=400))
    assert full.objective == pytest.approx(wide.objective, rel=1e-6)


def test_candidates_outside_the_horizon_are_ignored() -> None:
    cands = [
        cand("BEFORE", 0, 5, start=date(2026, 12, 1)),
        cand("AFTER", 0, 5, start=date(2028, 1, 2)),
    ]
    result = solve(problem(cands))
    assert result.items == ()
    assert result.status == "optimal"
