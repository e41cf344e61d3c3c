"""The career planner's solver: a mixed-integer program solved with HiGHS (``highspy``).

Variables: ``x_a`` in {0, 1} per eligible candidate (see :func:`solver_model.prepare`:
start on or after ``as_of``, end on or before ``horizon_end``, starting inside a budget
period unless free, useful for the goal, a need, the review or practice improvement).

Objective (maximised; the ``objective``/``bound`` of a :class:`PlanResult` are in these
units): for each goal competency c with target ``T_c`` the weighted gain
``G_c = sum_a x_a * value_score_a/100 * competency_hours_a[c]`` is valued piecewise
linearly and concavely: weight 1.0 up to ``T_c/2``, 0.6 from ``T_c/2`` to ``T_c``, nothing
beyond the target (learning past it is not what the goal asks for). The sum over competencies, minus a tie-breaker of
``1e-6`` per dollar spent (equal-value plans prefer the cheaper) and minus an effort
penalty of :data:`~cmepath.planner.solver_model.EFFORT_PER_ITEM` (0.25) per activity (of
two equal-value plans the one with fewer activities wins; a tiny module whose value is
below the penalty is left out), is the objective.

Hard constraints:

- budget: for each :class:`BudgetPeriod`, the cost of the items starting in it is at most
  its money, their days at most its paid days, their credit hours at most its study
  ``hours`` when set (a priced item starting in no period is never taken);
- no two live activities overlap: for every distinct start day t of a live activity, at
  most one live activity runs on day t;
- every :class:`Need` is covered: the hours of chosen items that end by its deadline and
  start on or after its window start (each capped at the need's hours) reach its hours;
- practice improvement: at least ``pi_per_12_months * ceil(horizon months / 12)``
  practice-improvement items, capped at the number that are eligible in the horizon;
- review: when ``review_date`` lies in the horizon, at least one career item (positive
  competency hours toward a goal competency) ends on or before it.

Solving: the greedy plan (:mod:`cmepath.planner.greedy`) is computed first; when the LP
relaxation already proves it within ``mip_gap`` it is the answer, otherwise HiGHS solves the
mixed-integer program with ``mip_rel_gap = mip_gap`` and the better of its plan and the
greedy plan is returned (so the plan is never worse than greedy). ``time_limit_s`` covers
the whole call. ``bound`` is HiGHS's dual bound (or the LP bound) in objective units and
``gap = (bound - objective) / |objective|`` (0 below an absolute 1e-6).

Status: ``optimal`` when the gap is ~0, ``within_gap`` when HiGHS proved it within
``mip_gap``, ``time_limit`` when the time limit stopped HiGHS first (the best plan found is
returned with its gap, or the greedy plan if HiGHS found none, or no items if neither
exists), ``infeasible`` when no plan meets every hard constraint.

Infeasible problems: requirements no catalog activity can meet at all are named first
(nothing else can fix them); then an elastic model puts a non-negative slack on every
budget, days, study-hours, need, practice-improvement and review row and minimises 1 per
dollar + 200 per day + 40 per study hour + 1e5 per requirement hour + 1e6 per missing item,
so the advice is "add $X", "add N days" or "allow N more hours" whenever money, days or
time can fix the plan (requirements are mandated; money and
leave are what a clinician can change). Each slack becomes a :class:`Binding` with the
amount to relax. The result then carries the *nearest feasible plan*: the best plan under
the relaxed limits, with status ``infeasible`` and an explanation that says it needs the
relaxation.

Big catalogs: above :data:`PRUNE_ABOVE` candidates :func:`prune` keeps several hundred
(top lists per competency and budget period, need, practice improvement and review, long
enough to fill a target with small activities, plus the greedy plan's activities;
candidates dominated six times over are dropped); ``candidates_considered`` records how
many were kept. Pruning keeps, per requirement, the
cheapest activities and the best per dollar, so it does not make a feasible problem look
infeasible in practice (not proven: an activity that is cheap only because it counts
toward several requirements at once is kept through a list of its own).
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
from numpy.typing import NDArray

from cmepath.planner import explain
from cmepath.planner.explain import day, hours, money
from cmepath.planner.greedy import GreedyOutcome, greedy_select
from cmepath.planner.problem import Binding, PlanResult, Problem, SolveStatus
from cmepath.planner.solver_model import (
    TOL,
    Arrays,
    BoolArray,
    FloatArray,
    Limits,
    Outcome,
    limits_of,
    max_objective,
    plan_objective,
    polish,
    prepare,
    prune_indices,
    run_model,
)

__all__ = ["PRUNE_ABOVE", "PRUNE_KEEP", "greedy", "prune", "second_best", "solve"]

#: Candidate counts above this are pruned before the model is built.
PRUNE_ABOVE = 1500
#: Length of each top list kept by :func:`prune`.
PRUNE_KEEP = 40


def prune(problem: Problem, keep: int = PRUNE_KEEP) -> Problem:
    """The problem with only the candidates worth modelling (see ``prune_indices``)."""
    arr = prepare(problem)
    rows = _kept_rows(arr, keep)
    return dataclasses.replace(problem, candidates=tuple(arr.cands[int(i)] for i in rows))


def _kept_rows(full: Arrays, keep: int) -> NDArray[np.int64]:
    """Pruned rows plus the greedy plan's, so the solver is never worse than greedy."""
    if full.n <= keep:
        return np.arange(full.n, dtype=np.int64)
    rows = np.union1d(prune_indices(full, keep), np.flatnonzero(greedy_select(full).x))
    return rows.astype(np.int64)


def _arrays(problem: Problem, keep: int = PRUNE_KEEP) -> tuple[Arrays, Arrays]:
    """(full eligible arrays, arrays the model is built on).

    A pruned model also keeps the greedy plan's activities, so the solver's plan is never
    worse than the greedy one (greedy on the pruned rows then picks exactly the same).
    """
    full = prepare(problem)
    if full.n > PRUNE_ABOVE:
        return full, full.take(_kept_rows(full, keep))
    return full, full


def solve(problem: Problem) -> PlanResult:
    t0 = time.perf_counter()
    _, arr = _arrays(problem)
    return _solve(arr, t0)


def greedy(problem: Problem) -> PlanResult:
    """The greedy plan (see :mod:`cmepath.planner.greedy`) on the full eligible catalog.

    Status ``within_gap`` when it meets every hard constraint, else ``infeasible`` with a
    :class:`Binding` per missed constraint. ``bound`` is a trivial upper bound (every
    competency at twice its target), so ``gap`` is honest but loose; compare ``objective``
    with the solver's.
    """
    t0 = time.perf_counter()
    arr = prepare(problem)
    g = greedy_select(arr)
    binding = _greedy_missed(arr, g.missed_needs, g.missed_pi, g.missed_review)
    status: SolveStatus = "within_gap" if g.feasible else "infeasible"
    count = int(g.x.sum())
    head = [
        f"Greedy plan (best value per dollar first): {count} "
        f"{explain.plural(count, 'activity', 'activities')}, "
        f"{money(float(arr.cost[g.x].sum()))}."
    ]
    head += [b.message for b in binding]
    return explain.build_result(
        arr,
        g.x,
        status=status,
        bound=max_objective(arr),
        seconds=time.perf_counter() - t0,
        head=head,
        binding=binding,
    )


def second_best(problem: Problem, best: PlanResult) -> PlanResult | None:
    """The best plan that differs from ``best`` in at least one item (a no-good cut)."""
    if best.status == "infeasible":
        return None
    t0 = time.perf_counter()
    _, arr = _arrays(problem)
    ids = {item.candidate_id for item in best.items}
    cut = np.array([c.id in ids for c in arr.cands], dtype=np.bool_)
    result = _solve(arr, t0, nogoods=(cut,), second=True)
    if result.status == "infeasible" or not result.items:
        return None
    return dataclasses.replace(
        result,
        explanation=(
            f"Second-best plan: goal value {result.objective:.2f} against "
            f"{best.objective:.2f} for the best plan.",
            *result.explanation,
        ),
    )


# ---------------------------------------------------------------------------------------


def _status(out: Outcome, objective: float, mip_gap: float) -> tuple[SolveStatus, float]:
    """Status from the proven gap (the plan may be the greedy one if that was better)."""
    bound = out.bound if math.isfinite(out.bound) else objective
    abs_gap = max(bound - objective, 0.0)
    gap = 0.0 if abs_gap <= TOL else abs_gap / max(abs(objective), 1e-9)
    if gap <= 1e-6:
        return "optimal", gap
    if out.state == "optimal" or gap <= mip_gap:
        # HiGHS proved it within its tolerance (mip_rel_gap = mip_gap): a gap a hair
        # above mip_gap is HiGHS's rounding
        return "within_gap", gap
    return "time_limit", gap


def _solve(
    arr: Arrays, t0: float, nogoods: tuple[BoolArray, ...] = (), second: bool = False
) -> PlanResult:
    problem = arr.problem
    structural = _structural(arr)
    if structural:
        return _infeasible(arr, t0, structural, nogoods)
    greedy_plan: GreedyOutcome | None = None  # computed once: the same arrays, the same plan
    if not nogoods:
        greedy_plan = greedy_select(arr)
        quick = _greedy_is_enough(arr, t0, greedy_plan)
        if quick is not None:
            return quick
    # the time limit covers the whole solve; HiGHS always gets a tenth of it at least
    elapsed = time.perf_counter() - t0
    remaining = max(problem.time_limit_s - elapsed, problem.time_limit_s / 10)
    out = run_model(
        arr,
        "value",
        limits_of(arr),
        time_limit=remaining,
        mip_gap=problem.mip_gap,
        nogoods=nogoods,
    )
    if out.state == "infeasible" and second:
        return _empty_infeasible(arr, t0)
    if out.state == "infeasible":
        return _infeasible(arr, t0, [], nogoods)
    tail: list[str] = []
    if out.x is None:
        # No MIP start is passed to HiGHS: in highspy 1.16 a start solution that presolve
        # reduces can come back as the answer with the reduced model's objective. The
        # greedy plan is the fallback instead.
        g = greedy_plan if greedy_plan is not None else greedy_select(arr)
        if not (g.feasible and not nogoods):
            return explain.build_result(
                arr,
                np.zeros(arr.n, dtype=np.bool_),
                status="time_limit",
                bound=out.bound,
                seconds=time.perf_counter() - t0,
                head=[
                    f"No plan was found within the time limit of {problem.time_limit_s:g} s; "
                    "allow more time."
                ],
            )
        x = g.x
        tail.append("HiGHS found no plan in time; this is the greedy plan.")
        objective = plan_objective(arr, x)
        status: SolveStatus = "time_limit"
        bound = out.bound if math.isfinite(out.bound) else max_objective(arr)
        gap = max(bound - objective, 0.0) / max(abs(objective), 1e-9)
    else:
        x = polish(arr, out.x, limits_of(arr))
        if not nogoods:
            # a plan proven within the gap can still be (slightly) below the greedy one
            g = greedy_plan if greedy_plan is not None else greedy_select(arr)
            if g.feasible and plan_objective(arr, g.x) > plan_objective(arr, x):
                x = g.x
        objective = plan_objective(arr, x)
        status, gap = _status(out, objective, problem.mip_gap)
        bound = out.bound
    head = [explain.status_sentence(status, x, arr, gap, problem.time_limit_s)]
    return explain.build_result(
        arr,
        x,
        status=status,
        bound=bound,
        seconds=time.perf_counter() - t0,
        head=head,
        tail=tail,
    )


def _greedy_is_enough(arr: Arrays, t0: float, g: GreedyOutcome) -> PlanResult | None:
    """The greedy plan ``g``, when the LP relaxation already proves it within ``mip_gap``.

    On big catalogs the greedy plan is often within a fraction of a percent of the LP
    bound; HiGHS can then spend seconds closing the last gap for nothing.
    """
    problem = arr.problem
    if not g.feasible:
        return None
    lp = run_model(
        arr, "value", limits_of(arr), time_limit=problem.time_limit_s, mip_gap=0.0, relax=True
    )
    if not math.isfinite(lp.bound):
        return None
    objective = plan_objective(arr, g.x)
    abs_gap = max(lp.bound - objective, 0.0)
    gap = 0.0 if abs_gap <= TOL else abs_gap / max(abs(objective), 1e-9)
    if gap > problem.mip_gap:
        return None
    status: SolveStatus = "optimal" if gap <= 1e-6 else "within_gap"
    return explain.build_result(
        arr,
        g.x,
        status=status,
        bound=lp.bound,
        seconds=time.perf_counter() - t0,
        head=[explain.status_sentence(status, g.x, arr, gap, problem.time_limit_s)],
    )


def _empty_infeasible(arr: Arrays, t0: float) -> PlanResult:
    return explain.build_result(
        arr,
        np.zeros(arr.n, dtype=np.bool_),
        status="infeasible",
        bound=math.nan,
        seconds=time.perf_counter() - t0,
        head=["No other plan meets every hard constraint."],
    )


def _structural(arr: Arrays) -> list[Binding]:
    """Requirements that no selection of catalog activities can meet, whatever the budget."""
    out: list[Binding] = []
    for k, need in enumerate(arr.needs):
        available = float(arr.need_hours[:, k].sum())
        if available <= TOL:
            out.append(
                Binding(
                    f"need:{need.key}",
                    f"No activity in the catalog ends by {day(need.deadline)} with credit "
                    f"that counts toward {need.label}; {hours(need.hours)} h are needed.",
                    float(need.hours),
                )
            )
        elif available < need.hours - TOL:
            short = float(need.hours) - available
            out.append(
                Binding(
                    f"need:{need.key}",
                    f"Only {hours(available)} of the {hours(need.hours)} h of {need.label} can "
                    f"be earned from the catalog by {day(need.deadline)}: {hours(short)} h short.",
                    short,
                )
            )
    review_date = arr.problem.review_date
    if arr.review_active and review_date is not None and not arr.review.any():
        career_ends = arr.end[arr.hours.sum(axis=1) > 0]
        if len(career_ends):
            first = int(career_ends.min())
            late = first - review_date.toordinal()
            out.append(
                Binding(
                    "review",
                    f"No career activity ends by your review on {day(review_date)}; the "
                    f"earliest ends {late} {explain.plural(late, 'day')} later.",
                    float(late),
                )
            )
        else:
            out.append(
                Binding(
                    "review",
                    "No activity in the catalog builds a competency of this goal, so none can "
                    f"end before your review on {day(review_date)}.",
                    1.0,
                )
            )
    return out


def _ceil2(value: float) -> float:
    return math.ceil(value * 100 - 1e-6) / 100


def _infeasible(
    arr: Arrays, t0: float, structural: list[Binding], nogoods: tuple[BoolArray, ...]
) -> PlanResult:
    """Name what to relax, by how much, and return the nearest feasible plan."""
    problem = arr.problem
    base = limits_of(arr)
    available = arr.need_hours.sum(axis=0) if arr.n else np.zeros(len(arr.needs))
    need_req = np.minimum(base.need_req, available)
    review_req = base.review_req and bool(arr.review.any())
    reduced = dataclasses.replace(base, need_req=need_req, review_req=review_req)
    slice_s = max(problem.time_limit_s / 4, 0.5)
    elastic = run_model(arr, "elastic", reduced, time_limit=slice_s, mip_gap=0.0)
    binding = list(structural)
    tail: list[str] = []
    money_more = np.zeros(len(arr.periods))
    days_more = np.zeros(len(arr.periods))
    hours_more = np.zeros(len(arr.periods))
    need_slack = np.zeros(len(arr.needs))
    pi_less = 0
    review_slack = False
    if elastic.x is not None:
        for (kind, i), value in sorted(elastic.slack.items()):
            if value <= TOL:
                continue
            if kind == "money":
                money_more[i] = _ceil2(value)
            elif kind == "days":
                days_more[i] = _ceil2(value)
            elif kind == "hours":
                hours_more[i] = _ceil2(value)
            elif kind == "need":
                need_slack[i] = _ceil2(value)
            elif kind == "pi":
                pi_less = math.ceil(value - TOL)
            elif kind == "review":
                review_slack = True
        binding += _elastic_bindings(
            arr, money_more, days_more, hours_more, need_slack, pi_less, review_slack
        )
        if money_more.any():
            tail += _need_costs(arr, reduced, slice_s)
    relaxed = Limits(
        money=base.money + money_more,
        days=base.days + days_more,
        hours=base.hours + hours_more,
        need_req=np.maximum(need_req - need_slack, 0.0),
        pi_req=max(base.pi_req - pi_less, 0),
        review_req=review_req and not review_slack,
    )
    plan = run_model(
        arr, "value", relaxed, time_limit=slice_s, mip_gap=problem.mip_gap, nogoods=nogoods
    )
    head = ["No plan meets every hard constraint."]
    head += [b.message for b in binding]
    x = plan.x if plan.x is not None else np.zeros(arr.n, dtype=np.bool_)
    if plan.x is not None and binding:
        changes = "; ".join(_relax_phrase(arr, b) for b in binding)
        tail.append(f"The plan shown is the nearest feasible one: it needs {changes}.")
    elif plan.x is None:
        tail.append("No plan could be found even with these relaxations.")
    return explain.build_result(
        arr,
        x,
        status="infeasible",
        bound=plan.bound if plan.x is not None else math.nan,
        seconds=time.perf_counter() - t0,
        head=head,
        tail=tail,
        binding=tuple(binding),
    )


def _elastic_bindings(
    arr: Arrays,
    money_more: FloatArray,
    days_more: FloatArray,
    hours_more: FloatArray,
    need_short: FloatArray,
    pi_less: int,
    review_short: bool,
) -> list[Binding]:
    out: list[Binding] = []
    for p, period in enumerate(arr.periods):
        key = explain.period_key(arr.periods, p)
        label = explain.period_label(period)
        if money_more[p] > 0:
            out.append(
                Binding(
                    f"budget:{key}",
                    f"The {label} budget of {money(period.money)} is {money(money_more[p])} "
                    "short of the cheapest way to meet every requirement.",
                    float(money_more[p]),
                )
            )
        if days_more[p] > 0:
            out.append(
                Binding(
                    f"days:{key}",
                    f"The {hours(period.days)} paid CME {explain.plural(period.days, 'day')} "
                    f"for {label} are {hours(days_more[p])} "
                    f"{explain.plural(float(days_more[p]), 'day')} short of what the "
                    "requirements need.",
                    float(days_more[p]),
                )
            )
        if hours_more[p] > 0 and period.hours is not None:
            out.append(
                Binding(
                    f"hours:{key}",
                    f"The {key} hours limit of {hours(period.hours)} h is "
                    f"{hours(hours_more[p])} h short of the study time the requirements "
                    f"need ({label}).",
                    float(hours_more[p]),
                )
            )
    for k, need in enumerate(arr.needs):
        if need_short[k] > TOL:
            out.append(
                Binding(
                    f"need:{need.key}",
                    f"{hours(float(need_short[k]))} h of {need.label} cannot be fitted around "
                    "the other limits (overlapping live activities, deadlines).",
                    float(need_short[k]),
                )
            )
    if pi_less:
        out.append(
            Binding(
                "pi",
                f"The goal asks for {arr.pi_required} practice-improvement "
                f"{explain.plural(arr.pi_required, 'activity', 'activities')}; only "
                f"{arr.pi_required - pi_less} fit the budget and schedule.",
                float(pi_less),
            )
        )
    review_date = arr.problem.review_date
    if review_short and review_date is not None:
        out.append(
            Binding(
                "review",
                f"No career activity that ends before your review on {day(review_date)} "
                "fits the budget and schedule.",
                1.0,
            )
        )
    return out


def _relax_phrase(arr: Arrays, b: Binding) -> str:
    kind, _, key = b.constraint.partition(":")
    if kind == "budget":
        return f"{money(b.relax_by)} more in the {key} budget"
    if kind == "days":
        return f"{hours(b.relax_by)} more paid {explain.plural(b.relax_by, 'day')} in {key}"
    if kind == "hours":
        return f"{hours(b.relax_by)} more study hours in {key}"
    if kind == "need":
        label = next((n.label for n in arr.needs if n.key == key), key)
        return f"{hours(b.relax_by)} h less of {label} (earn them elsewhere)"
    if kind == "pi":
        return f"{b.relax_by:g} fewer practice-improvement activities"
    return "no career activity before the review date"


def _need_costs(arr: Arrays, limits: Limits, time_limit: float) -> list[str]:
    """For each need: its cheapest cover alone against the budget left after the others."""
    out: list[str] = []
    total_money = float(sum(max(p.money, 0.0) for p in arr.periods))
    none = np.zeros(len(arr.needs))
    for k, need in enumerate(arr.needs):
        if limits.need_req[k] <= TOL:
            continue
        only = none.copy()
        only[k] = limits.need_req[k]
        alone = run_model(
            arr,
            "cost",
            dataclasses.replace(limits, need_req=only, pi_req=0, review_req=False, budgets=False),
            time_limit=time_limit,
            mip_gap=1e-4,
        )
        others_req = limits.need_req.copy()
        others_req[k] = 0.0
        others = run_model(
            arr,
            "cost",
            dataclasses.replace(limits, need_req=others_req, budgets=False),
            time_limit=time_limit,
            mip_gap=1e-4,
        )
        if alone.x is None or others.x is None:
            continue
        cheapest = float(arr.cost[alone.x].sum())
        left = total_money - float(arr.cost[others.x].sum())
        if cheapest <= 0.005 or cheapest <= left + 0.005:
            continue  # free to cover, or affordable: this need is not what breaks the budget
        missing = f"{hours(need.hours)} {need.unit} still missing"
        if left < -0.005:
            out.append(
                f"The mandated {need.label} ({missing}) cannot be covered for less than "
                f"{money(cheapest)}, and the other requirements alone already need "
                f"{money(-left)} more than the budget."
            )
        else:
            out.append(
                f"The mandated {need.label} ({missing}) cannot be covered for less than "
                f"{money(cheapest)}; the budget left after the other requirements is "
                f"{money(left)}."
            )
    return out


def _greedy_missed(
    arr: Arrays, missed_needs: dict[int, float], missed_pi: int, missed_review: bool
) -> tuple[Binding, ...]:
    out = [
        Binding(
            f"need:{arr.needs[k].key}",
            f"The greedy plan misses {hours(short)} h of {arr.needs[k].label}.",
            short,
        )
        for k, short in sorted(missed_needs.items())
    ]
    if missed_pi:
        out.append(
            Binding(
                "pi",
                f"The greedy plan misses {missed_pi} practice-improvement "
                f"{explain.plural(missed_pi, 'activity', 'activities')}.",
                float(missed_pi),
            )
        )
    if missed_review:
        out.append(
            Binding("review", "The greedy plan has no career item before the review date.", 1.0)
        )
    return tuple(out)
