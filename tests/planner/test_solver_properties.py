"""Properties of the plan solver on small random problems, checked against brute force.

The hard constraints and the objective are re-implemented here from the solver's documented
rules (module docstring of ``cmepath.planner.solver``), not imported from it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmepath.planner.problem import BudgetPeriod, Candidate, Goal, Need, PlanResult, Problem
from cmepath.planner.solver import greedy, solve

AS_OF = date(2027, 1, 1)
END = date(2027, 12, 31)
MID = date(2027, 6, 30)
COMPS = ("lead", "qi")
SEGMENTS = ((0.5, 1.0), (0.5, 0.6))  # nothing beyond the target
EFFORT_PER_ITEM = 0.25

PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def candidates(draw: st.DrawFn, index: int) -> Candidate:
    live = draw(st.booleans())
    # live activities cluster on a few dates so that they often overlap
    offset = st.sampled_from([40, 41, 42, 150, 152, 300]) if live else st.integers(-10, 360)
    start = AS_OF + timedelta(days=draw(offset))
    length = draw(st.integers(0, 3)) if live else draw(st.integers(0, 40))
    hours = {c: float(draw(st.integers(0, 8))) for c in COMPS}
    return Candidate(
        id=f"c{index}",
        title=f"Activity {index}",
        start=start,
        end=start + timedelta(days=length),
        cost=float(draw(st.sampled_from([0, 40, 75, 120, 200, 310]))),
        days=float(draw(st.sampled_from([0, 1, 2]))) if live else 0.0,
        live=live,
        value_score=float(draw(st.sampled_from([0, 30, 60, 100]))),
        credits=8.0,
        counts_toward={"n1": float(draw(st.integers(1, 6)))} if draw(st.booleans()) else {},
        competency_hours={c: h for c, h in hours.items() if h},
        practice_improvement=draw(st.integers(0, 4)) == 0,
    )


@st.composite
def problems(draw: st.DrawFn, max_n: int = 8) -> Problem:
    n = draw(st.integers(1, max_n))
    cands = tuple(draw(candidates(i)) for i in range(n))
    split = draw(st.booleans())
    if split:
        budgets: tuple[BudgetPeriod, ...] = (
            BudgetPeriod(
                AS_OF, MID, float(draw(st.integers(0, 500))), float(draw(st.integers(0, 3)))
            ),
            BudgetPeriod(MID + timedelta(days=1), END, float(draw(st.integers(0, 500))), 2.0),
        )
    else:
        budgets = (
            BudgetPeriod(
                AS_OF, END, float(draw(st.integers(0, 900))), float(draw(st.integers(0, 4)))
            ),
        )
    needs: tuple[Need, ...] = ()
    if draw(st.booleans()):
        deadline = AS_OF + timedelta(days=draw(st.integers(60, 364)))
        window = AS_OF + timedelta(days=draw(st.integers(0, 40))) if draw(st.booleans()) else None
        needs = (Need("n1", "need one", float(draw(st.integers(1, 8))), deadline, window),)
    goal = Goal(
        "g",
        "Goal",
        {"lead": float(draw(st.integers(4, 16))), "qi": float(draw(st.integers(4, 16)))},
        pi_per_12_months=draw(st.integers(0, 1)),
    )
    review = AS_OF + timedelta(days=draw(st.integers(30, 300))) if draw(st.booleans()) else None
    return Problem(
        AS_OF, END, cands, needs, budgets, goal, review_date=review, time_limit_s=10.0, mip_gap=0.0
    )


# ---- the documented rules, independently --------------------------------------------------


def objective(problem: Problem, chosen: list[Candidate]) -> float:
    total = 0.0
    for comp, target in problem.goal.competency_targets.items():
        gain = sum(c.value_score / 100 * c.competency_hours.get(comp, 0.0) for c in chosen)
        for width, weight in SEGMENTS:
            take = min(max(gain, 0.0), width * target)
            total += weight * take
            gain -= take
    return total - 1e-6 * sum(c.cost for c in chosen) - EFFORT_PER_ITEM * len(chosen)


def in_horizon(problem: Problem, c: Candidate) -> bool:
    return problem.as_of <= c.start <= c.end <= problem.horizon_end


def periods_of(problem: Problem, c: Candidate) -> list[BudgetPeriod]:
    return [p for p in problem.budgets if p.start <= c.start <= p.end]


def pi_required(problem: Problem) -> int:
    months = max(1, round((problem.horizon_end - problem.as_of).days / 30.4375))
    wanted = problem.goal.pi_per_12_months * math.ceil(months / 12)
    eligible = [
        c
        for c in problem.candidates
        if c.practice_improvement
        and in_horizon(problem, c)
        and (periods_of(problem, c) or (c.cost == 0 and c.days == 0))
    ]
    return min(wanted, len(eligible))


def violations(problem: Problem, chosen: list[Candidate]) -> list[str]:
    out = []
    for c in chosen:
        if not in_horizon(problem, c):
            out.append(f"{c.id} outside the horizon")
        if (c.cost > 0 or c.days > 0) and not periods_of(problem, c):
            out.append(f"{c.id} starts in no budget period")
    for p in problem.budgets:
        inside = [c for c in chosen if p.start <= c.start <= p.end]
        if sum(c.cost for c in inside) > p.money + 1e-6:
            out.append(f"money {p.start}")
        if sum(c.days for c in inside) > p.days + 1e-6:
            out.append(f"days {p.start}")
    live = [c for c in chosen if c.live]
    for a, b in itertools.combinations(live, 2):
        if a.start <= b.end and b.start <= a.end:
            out.append(f"{a.id} overlaps {b.id}")
    for need in problem.needs:
        got = sum(
            min(c.counts_toward.get(need.key, 0.0), need.hours)
            for c in chosen
            if c.end <= need.deadline
            and (need.window_start is None or c.start >= need.window_start)
        )
        if got < need.hours - 1e-6:
            out.append(f"need {need.key}")
    if sum(c.practice_improvement for c in chosen) < pi_required(problem):
        out.append("pi")
    review = problem.review_date
    if review is not None and problem.as_of <= review <= problem.horizon_end:
        targets = problem.goal.competency_targets
        if not any(
            c.end <= review
            and any(c.competency_hours.get(k, 0) > 0 for k in targets if targets[k] > 0)
            for c in chosen
        ):
            out.append("review")
    return out


def brute_force(problem: Problem) -> float | None:
    best: float | None = None
    cands = problem.candidates
    for r in range(len(cands) + 1):
        for subset in itertools.combinations(cands, r):
            chosen = list(subset)
            if violations(problem, chosen):
                continue
            value = objective(problem, chosen)
            if best is None or value > best:
                best = value
    return best


def chosen_of(problem: Problem, result: PlanResult) -> list[Candidate]:
    by_id = {c.id: c for c in problem.candidates}
    return [by_id[i.candidate_id] for i in result.items]


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1.0)


# ---- properties ----------------------------------------------------------------------------


@PROPS
@given(problems())
def test_optimum_equals_brute_force(problem: Problem) -> None:
    result = solve(problem)
    best = brute_force(problem)
    if best is None:
        assert result.status == "infeasible"
        assert result.binding
    else:
        assert result.status == "optimal"
        assert close(result.objective, best), (result.objective, best)
        assert close(objective(problem, chosen_of(problem, result)), result.objective)


@PROPS
@given(problems(max_n=10))
def test_a_plan_never_violates_a_hard_constraint(problem: Problem) -> None:
    result = solve(problem)
    if result.status != "infeasible":
        assert violations(problem, chosen_of(problem, result)) == []
        assert result.total_cost == sum(c.cost for c in chosen_of(problem, result))
        assert result.bound >= result.objective - 1e-9


@PROPS
@given(problems(), st.integers(1, 400))
def test_more_budget_never_lowers_the_optimum(problem: Problem, extra: int) -> None:
    richer = replace(
        problem,
        budgets=tuple(replace(p, money=p.money + extra, days=p.days + 1) for p in problem.budgets),
    )
    before, after = solve(problem), solve(richer)
    if before.status != "infeasible":
        assert after.status != "infeasible"
        assert after.objective >= before.objective - 1e-6 * max(abs(before.objective), 1.0)


@PROPS
@given(problems(max_n=12))
def test_never_worse_than_greedy(problem: Problem) -> None:
    g = greedy(problem)
    if g.status != "infeasible":
        assert violations(problem, chosen_of(problem, g)) == []
        result = solve(problem)
        assert result.status != "infeasible"
        assert result.objective >= g.objective - 1e-6 * max(abs(g.objective), 1.0)
