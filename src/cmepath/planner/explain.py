"""Plain-words output of the plan solver: items with their "why", coverage and explanation."""

from __future__ import annotations

import math
from datetime import date

import numpy as np

from cmepath.core.dates import site_date
from cmepath.planner.problem import (
    Binding,
    BudgetPeriod,
    Coverage,
    PlanItem,
    PlanResult,
    SolveStatus,
)
from cmepath.planner.solver_model import TOL, Arrays, BoolArray, plan_objective, segmented_value


def money(amount: float) -> str:
    if abs(amount - round(amount)) < 0.005:
        return f"${amount:,.0f}"
    return f"${amount:,.2f}"


def hours(value: float) -> str:
    if abs(value - round(value)) < 0.05:
        return f"{value:.0f}"
    return f"{value:.1f}"


def day(d: date) -> str:
    """A date as the site writes it: "Dec 31, 2027"."""
    return site_date(d)


def plural(count: float, word: str, many: str | None = None) -> str:
    return word if abs(count - 1) < 1e-9 else (many or word + "s")


def period_label(p: BudgetPeriod) -> str:
    if (p.start.month, p.start.day, p.end.month, p.end.day) == (1, 1, 12, 31) and (
        p.start.year == p.end.year
    ):
        return str(p.start.year)
    return f"{day(p.start)} to {day(p.end)}"


def period_key(periods: tuple[BudgetPeriod, ...], index: int) -> str:
    """``2027`` when the period's start year is unique, else its start date."""
    p = periods[index]
    if sum(q.start.year == p.start.year for q in periods) == 1:
        return str(p.start.year)
    return p.start.isoformat()


def competency_label(arr: Arrays, code: str) -> str:
    return arr.problem.goal.competency_labels.get(code) or code.replace("_", " ")


def attribute(arr: Arrays, x: BoolArray) -> dict[int, dict[str, float]]:
    """Hours each selected row contributes to each need, greedily in deadline then end order."""
    used: dict[int, dict[str, float]] = {int(a): {} for a in np.flatnonzero(x)}
    for k in sorted(range(len(arr.needs)), key=lambda k: arr.needs[k].deadline):
        need = arr.needs[k]
        remaining = float(need.hours)
        rows = [a for a in used if arr.need_hours[a, k] > 0]
        for a in sorted(rows, key=lambda a: (int(arr.end[a]), a)):
            if remaining <= TOL:
                break
            take = min(float(arr.need_hours[a, k]), remaining)
            used[a][need.key] = take
            remaining -= take
    return used


def why(arr: Arrays, a: int, counts: dict[str, float]) -> str:
    cand = arr.cands[a]
    parts: list[str] = []
    for need in arr.needs:
        if need.key in counts:
            parts.append(
                f"covers {hours(counts[need.key])} of the {hours(need.hours)} {need.unit} "
                f"still needed for {need.label} by {day(need.deadline)}"
            )
    if arr.pi[a] and arr.pi_required > 0:
        parts.append(
            f"a practice-improvement activity (the goal asks for {arr.pi_required} in this horizon)"
        )
    review_date = arr.problem.review_date
    if arr.review_active and arr.review[a] and review_date is not None:
        parts.append(f"ends before your review on {day(review_date)}")
    comp = sorted(
        ((float(arr.hours[a, j]), j) for j in range(len(arr.comps)) if arr.hours[a, j] > 0),
        reverse=True,
    )
    if comp:
        built = ", ".join(
            f"{competency_label(arr, arr.comps[j])} ({hours(h)} h)" for h, j in comp[:3]
        )
        parts.append(f"builds {built}")
    if cand.cost <= 0:
        parts.append("free")
    if not parts:
        parts.append("adds value toward your goal")
    text = "; ".join(parts)
    return text[0].upper() + text[1:]


def build_result(
    arr: Arrays,
    x: BoolArray,
    *,
    status: SolveStatus,
    bound: float,
    seconds: float,
    head: list[str],
    tail: list[str] | None = None,
    binding: tuple[Binding, ...] = (),
    candidates_considered: int | None = None,
) -> PlanResult:
    """A :class:`PlanResult` for selection ``x``: items, coverage and the explanation."""
    objective = plan_objective(arr, x)
    if not math.isfinite(bound) or bound < objective:
        bound = objective
    gap = max(bound - objective, 0.0)
    gap = 0.0 if gap <= TOL else gap / max(abs(objective), 1e-9)
    used = attribute(arr, x)
    rows = sorted(used, key=lambda a: (int(arr.start[a]), arr.cands[a].id))
    items = tuple(
        PlanItem(
            candidate_id=arr.cands[a].id,
            title=arr.cands[a].title,
            start=arr.cands[a].start,
            end=arr.cands[a].end,
            cost=float(arr.cost[a]),
            days=float(arr.days[a]),
            counts_toward=dict(used[a]),
            competency_hours={
                c: float(arr.hours[a, j]) for j, c in enumerate(arr.comps) if arr.hours[a, j] > 0
            },
            why=why(arr, a, used[a]),
        )
        for a in rows
    )
    need_cov = tuple(
        Coverage(nd.key, nd.label, float(nd.hours), float(arr.need_hours[x, k].sum()))
        for k, nd in enumerate(arr.needs)
    )
    comp_cov = tuple(
        Coverage(c, competency_label(arr, c), float(arr.targets[j]), float(arr.hours[x, j].sum()))
        for j, c in enumerate(arr.comps)
    )
    total_cost = float(arr.cost[x].sum())
    total_days = float(arr.days[x].sum())
    sentences = list(head)
    if status != "infeasible":
        sentences += _summary(arr, x, need_cov, comp_cov)
    sentences += tail or []
    return PlanResult(
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        items=items,
        total_cost=total_cost,
        total_days=total_days,
        needs=need_cov,
        competencies=comp_cov,
        explanation=tuple(sentences),
        binding=binding,
        solve_seconds=seconds,
        candidates_considered=arr.n if candidates_considered is None else candidates_considered,
    )


def status_sentence(
    status: SolveStatus, x: BoolArray, arr: Arrays, gap: float, time_limit: float
) -> str:
    count = int(x.sum())
    what = (
        f"{count} {plural(count, 'activity', 'activities')}, {money(float(arr.cost[x].sum()))}"
        f" and {hours(float(arr.days[x].sum()))} paid "
        f"{plural(float(arr.days[x].sum()), 'day')}"
    )
    if status == "optimal":
        return f"This plan is the best possible for your goal: {what}."
    if status == "within_gap":
        return f"This plan is proven within {gap:.1%} of the best possible: {what}."
    return (
        f"The solver reached its time limit of {time_limit:g} s; this is the best plan found "
        f"({what}), within {gap:.1%} of the best possible."
    )


def _summary(
    arr: Arrays, x: BoolArray, needs: tuple[Coverage, ...], comps: tuple[Coverage, ...]
) -> list[str]:
    out: list[str] = []
    if needs:
        met = [c for c in needs if c.planned >= c.target - TOL]
        if len(met) == len(needs):
            labels = "; ".join(c.label for c in needs)
            out.append(f"It covers every requirement due within the horizon: {labels}.")
        else:
            for c in needs:
                if c.planned < c.target - TOL:
                    out.append(f"{c.label}: {hours(c.planned)} of {hours(c.target)} h planned.")
    if arr.pi_wanted > 0:
        taken = int(arr.pi[x].sum())
        text = f"It includes {taken} practice-improvement {plural(taken, 'activity', 'activities')}"
        if arr.pi_required < arr.pi_wanted:
            text += (
                f"; the goal asks for {arr.pi_wanted} but only {arr.pi_required} fit "
                "within the horizon"
            )
        out.append(text + ".")
    review_date = arr.problem.review_date
    if arr.review_active and review_date is not None:
        taken = int(arr.review[x].sum())
        out.append(
            f"{taken} career {plural(taken, 'activity ends', 'activities end')} before your "
            f"review on {day(review_date)}."
        )
    reached = [c.label for c in comps if c.planned >= c.target - TOL]
    short = [c for c in comps if c.planned < c.target - TOL]
    if reached:
        out.append(f"Targets reached: {', '.join(reached)}.")
    if short:
        text = ", ".join(f"{c.label} ({hours(c.planned)} of {hours(c.target)} h)" for c in short)
        out.append(f"Below target: {text}.")
    out += _limits(arr, x)
    return out


def _limits(arr: Arrays, x: BoolArray) -> list[str]:
    """Which budget, days or study-hours limit stops the plan from taking more.

    A limit binds in a period when some activity left out of the plan would still add goal
    value but does not fit the money (or days) left there.
    """
    out: list[str] = []
    gains = arr.gain[x].sum(axis=0)
    if arr.comps and arr.n:
        current = float(segmented_value(gains, arr.targets))
        adds = (segmented_value(gains[None, :] + arr.gain, arr.targets) > current + 1e-9) & ~x
    else:
        adds = np.zeros(arr.n, dtype=np.bool_)
    for p, period in enumerate(arr.periods):
        members = arr.in_period[:, p]
        used_money = float(arr.cost[x & members].sum())
        used_days = float(arr.days[x & members].sum())
        rest = adds & members
        label = period_label(period)
        if (rest & (arr.cost > period.money - used_money + TOL)).any():
            out.append(
                f"The budget is the binding limit in {label}: {money(used_money)} of "
                f"{money(period.money)} used."
            )
        elif period.money > 0:
            out.append(f"{money(used_money)} of the {money(period.money)} budget for {label} used.")
        if (rest & (arr.days > period.days - used_days + TOL)).any():
            out.append(
                f"Paid CME days are the binding limit in {label}: {hours(used_days)} of "
                f"{hours(period.days)} used."
            )
        if period.hours is not None:
            used_hours = float(arr.credits[x & members].sum())
            if (rest & (arr.credits > period.hours - used_hours + TOL)).any():
                out.append(
                    f"Study time is the binding limit in {label}: {hours(used_hours)} of "
                    f"{hours(period.hours)} h used."
                )
    return out
