"""The plan solver's model: candidate arrays, pruning and the HiGHS mixed-integer program.

Pure (numpy and highspy only); :mod:`cmepath.planner.solver` is the public entry point and
documents the objective and the constraints. Everything here works on :class:`Arrays`, the
eligible candidates of one :class:`~cmepath.planner.problem.Problem` as numpy columns, so a
model of ~1,000 columns is built with a handful of array calls.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import highspy
import numpy as np
from highspy._core import _Highs
from numpy.typing import NDArray

from cmepath.planner.problem import (
    BudgetPeriod,
    Candidate,
    CandidateColumns,
    CandidateTable,
    Need,
    Problem,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Diminishing returns per competency with target T: (segment width as a fraction of T,
#: weight). Gain up to T/2 counts fully, from T/2 to T at 0.6, beyond T nothing (learning
#: past the target is not what the goal asks for; a plan that overshoots only grows longer).
SEGMENTS: tuple[tuple[float, float], ...] = ((0.5, 1.0), (0.5, 0.6))
#: Total segment width as a fraction of the target: gain beyond it adds no value.
VALUE_CAP = sum(width for width, _ in SEGMENTS)
#: Objective tie-breaker per dollar, so that of two plans of equal value the cheaper wins.
COST_TIE_BREAK = 1e-6
#: Effort penalty per planned activity, in objective units (one unit = one hour of learning
#: toward a competency below half its target, at value score 100). 0.25 is a quarter of such
#: an hour: among plans of equal value the one with fewer activities wins, and a module
#: adding less than this (a 0.5-credit module spread over two competencies, for instance)
#: is not worth a line in the plan. Requirement cover is hard, so the penalty never drops
#: a mandated hour.
EFFORT_PER_ITEM = 0.25
#: Elastic model weights (see :func:`run_model`): a missing requirement hour or a missing
#: practice-improvement/review item costs far more than a dollar, a day or a study hour, so
#: the advice is about money, days and hours whenever more of them would make the plan
#: feasible.
ELASTIC_MONEY = 1.0  # per dollar
ELASTIC_DAY = 200.0  # per paid day (a day of leave weighs like $200)
ELASTIC_STUDY = 40.0  # per hour of study time a year (an hour weighs like $40)
ELASTIC_HOUR = 1e5  # per requirement hour
ELASTIC_ITEM = 1e6  # per missing practice-improvement or review item
TOL = 1e-6
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True, slots=True)
class Arrays:
    """The eligible candidates of a problem as numpy columns (row i is ``cands[i]``)."""

    problem: Problem
    cands: Sequence[Candidate]  # a CandidateTable when the problem's candidates are one
    start: IntArray  # date ordinals
    end: IntArray
    cost: FloatArray
    days: FloatArray
    credits: FloatArray  # study hours each activity takes (its largest credit amount)
    live: BoolArray
    pi: BoolArray
    comps: tuple[str, ...]  # goal competencies with a positive target
    targets: FloatArray  # (m,)
    hours: FloatArray  # (n, m) competency hours
    gain: FloatArray  # (n, m) value_score/100 * competency hours
    needs: tuple[Need, ...]  # needs still lacking hours
    need_hours: FloatArray  # (n, k) hours counting toward each need (0 if not qualifying)
    periods: tuple[BudgetPeriod, ...]
    in_period: BoolArray  # (n, p) candidate starts in period
    review: BoolArray  # career item ending on or before an active review date
    review_active: bool
    pi_wanted: int  # the goal's practice-improvement minimum over the horizon
    pi_required: int  # capped at the eligible practice-improvement activities

    @property
    def n(self) -> int:
        return len(self.cands)

    def take(self, idx: IntArray) -> Arrays:
        """The same arrays restricted to rows ``idx`` (pruning)."""
        pi = self.pi[idx]
        return Arrays(
            problem=self.problem,
            cands=(
                self.cands.take(idx)
                if isinstance(self.cands, CandidateTable)
                else tuple(self.cands[int(i)] for i in idx)
            ),
            start=self.start[idx],
            end=self.end[idx],
            cost=self.cost[idx],
            days=self.days[idx],
            credits=self.credits[idx],
            live=self.live[idx],
            pi=pi,
            comps=self.comps,
            targets=self.targets,
            hours=self.hours[idx],
            gain=self.gain[idx],
            needs=self.needs,
            need_hours=self.need_hours[idx],
            periods=self.periods,
            in_period=self.in_period[idx],
            review=self.review[idx],
            review_active=self.review_active,
            pi_wanted=self.pi_wanted,
            pi_required=min(self.pi_wanted, int(pi.sum())),
        )


def horizon_months(as_of: int, horizon_end: int) -> int:
    return max(1, round((horizon_end - as_of) / DAYS_PER_MONTH))


def segmented_value(gains: FloatArray, targets: FloatArray) -> FloatArray:
    """Goal value of competency gains ``(..., m)`` under :data:`SEGMENTS`, summed over m."""
    left = np.maximum(gains, 0.0)
    total = np.zeros(gains.shape[:-1])
    for width, weight in SEGMENTS:
        take = np.minimum(left, width * targets)
        total = total + weight * take.sum(axis=-1)
        left = left - take
    return total


def plan_objective(arr: Arrays, x: BoolArray) -> float:
    """The solver's objective of a selection: goal value minus the cost tie-breaker and
    the effort penalty per activity."""
    gains = arr.gain[x].sum(axis=0) if arr.n else np.zeros(len(arr.comps))
    value = float(segmented_value(gains, arr.targets)) if arr.comps else 0.0
    return value - COST_TIE_BREAK * float(arr.cost[x].sum()) - EFFORT_PER_ITEM * int(x.sum())


def max_objective(arr: Arrays) -> float:
    """A trivial upper bound: every competency at its target, for free, in no activity."""
    return float(segmented_value(VALUE_CAP * arr.targets, arr.targets)) if arr.comps else 0.0


def _floats(values: list[float] | tuple[float, ...]) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


_SCALARS = np.dtype(
    [
        ("start", np.int64),
        ("end", np.int64),
        ("cost", np.float64),
        ("days", np.float64),
        ("credits", np.float64),
        ("value", np.float64),
        ("live", np.bool_),
        ("pi", np.bool_),
    ]
)


def prepare(problem: Problem) -> Arrays:
    """Filter the problem's candidates to those that can ever be in a plan, as arrays.

    Kept: start on or after ``as_of``, end on or before ``horizon_end``, non-negative finite
    cost and days, starting inside a budget period unless free (a priced activity starting
    outside every period is unaffordable when periods are given), and useful: some goal
    value, hours toward a need, a career item before the review, or practice improvement
    the goal asks for.
    """
    cands = problem.candidates
    n0 = len(cands)
    as_of = problem.as_of.toordinal()
    h_end = problem.horizon_end.toordinal()
    table = cands if isinstance(cands, CandidateTable) else None
    if table is not None:
        cols = table.columns
        start, end, cost, days = cols.start, cols.end, cols.cost, cols.days
        credits, value_score, live, pi = cols.credits, cols.value_score, cols.live, cols.pi
    else:
        # one pass over the candidates for the scalar fields
        scalars = np.fromiter(
            (
                (
                    c.start.toordinal(),
                    c.end.toordinal(),
                    c.cost,
                    c.days,
                    c.credits,
                    c.value_score,
                    c.live,
                    c.practice_improvement,
                )
                for c in cands
            ),
            dtype=_SCALARS,
            count=n0,
        )
        start, end = scalars["start"], scalars["end"]
        cost, days = scalars["cost"], scalars["days"]
        credits, value_score = scalars["credits"], scalars["value"]
        live, pi = scalars["live"], scalars["pi"]
    ok = (start >= as_of) & (end <= h_end) & (start <= end)
    ok &= np.isfinite(cost) & (cost >= 0) & np.isfinite(days) & (days >= 0)
    periods = problem.budgets
    if periods:
        p_start = np.array([p.start.toordinal() for p in periods], dtype=np.int64)
        p_end = np.array([p.end.toordinal() for p in periods], dtype=np.int64)
        in_p = (start[:, None] >= p_start[None, :]) & (start[:, None] <= p_end[None, :])
        free = (cost <= 0) & (days <= 0)
        ok &= free | in_p.any(axis=1)
    else:
        in_p = np.zeros((n0, 0), dtype=np.bool_)
    idx = np.flatnonzero(ok)
    start, end, cost, days, in_p = start[idx], end[idx], cost[idx], days[idx], in_p[idx]
    credits, value_score, live, pi = credits[idx], value_score[idx], live[idx], pi[idx]
    goal = problem.goal
    comps = tuple(c for c, t in goal.competency_targets.items() if t > 0)
    targets = _floats([float(goal.competency_targets[c]) for c in comps])
    needs = tuple(nd for nd in problem.needs if nd.hours > 0)
    sub: Sequence[Candidate]
    if table is not None:
        sub = table.take(idx)
        hours, need_hours = _table_hours(table.columns, idx, comps, needs)
    else:
        sub = tuple(cands[int(i)] for i in idx)
        hours, need_hours = _sparse_hours(sub, comps, needs)
    n = len(sub)
    hours = np.maximum(np.nan_to_num(hours), 0.0)
    value = np.nan_to_num(np.clip(value_score, 0.0, 100.0)) / 100
    gain = hours * value[:, None]
    need_hours = np.maximum(np.nan_to_num(need_hours), 0.0)
    for k, nd in enumerate(needs):
        qualifies = end <= nd.deadline.toordinal()
        if nd.window_start is not None:
            qualifies &= start >= nd.window_start.toordinal()
        need_hours[:, k] = np.where(qualifies, np.minimum(need_hours[:, k], nd.hours), 0.0)
    review_date = problem.review_date
    review_active = review_date is not None and as_of <= review_date.toordinal() <= h_end
    career = hours.sum(axis=1) > 0
    if review_active and review_date is not None:
        review = career & (end <= review_date.toordinal())
    else:
        review = np.zeros(n, dtype=np.bool_)
    pi_wanted = max(goal.pi_per_12_months, 0) * math.ceil(horizon_months(as_of, h_end) / 12)
    useful = (gain.sum(axis=1) > 0) | review | (need_hours.sum(axis=1) > 0) | (pi & (pi_wanted > 0))
    keep = np.flatnonzero(useful)
    arr = Arrays(
        problem=problem,
        cands=sub,
        start=start,
        end=end,
        cost=cost,
        days=days,
        credits=np.maximum(np.nan_to_num(credits), 0.0),
        live=live,
        pi=pi,
        comps=comps,
        targets=targets,
        hours=hours,
        gain=gain,
        needs=needs,
        need_hours=need_hours,
        periods=periods,
        in_period=in_p,
        review=review,
        review_active=review_active,
        pi_wanted=pi_wanted,
        pi_required=0,
    )
    return arr.take(keep.astype(np.int64))


def _sparse_hours(
    cands: Sequence[Candidate], comps: tuple[str, ...], needs: tuple[Need, ...]
) -> tuple[FloatArray, FloatArray]:
    """(competency hours (n, m), hours toward each need (n, k)) from the candidates' dicts."""
    comp_index = {c: j for j, c in enumerate(comps)}
    need_index = {nd.key: k for k, nd in enumerate(needs)}
    # sparse pass: only the (few) keys each candidate carries
    h_rows: list[int] = []
    h_cols: list[int] = []
    h_vals: list[float] = []
    n_rows: list[int] = []
    n_cols: list[int] = []
    n_vals: list[float] = []
    for i, c in enumerate(cands):
        for key, h in c.competency_hours.items():
            j = comp_index.get(key)
            if j is not None:
                h_rows.append(i)
                h_cols.append(j)
                h_vals.append(h)
        if need_index:
            for key, h in c.counts_toward.items():
                k = need_index.get(key)
                if k is not None:
                    n_rows.append(i)
                    n_cols.append(k)
                    n_vals.append(h)
    hours = np.zeros((len(cands), len(comps)))
    hours[h_rows, h_cols] = h_vals
    need_hours = np.zeros((len(cands), len(needs)))
    need_hours[n_rows, n_cols] = n_vals
    return hours, need_hours


def _table_hours(
    cols: CandidateColumns, idx: IntArray, comps: tuple[str, ...], needs: tuple[Need, ...]
) -> tuple[FloatArray, FloatArray]:
    """:func:`_sparse_hours` from a :class:`CandidateTable`'s columns (rows ``idx``)."""
    hours = np.zeros((len(idx), len(comps)))
    comp_col = {c: j for j, c in enumerate(cols.comps)}
    for j, c in enumerate(comps):
        col = comp_col.get(c)
        if col is not None:
            hours[:, j] = cols.hours[idx, col]
    need_hours = np.zeros((len(idx), len(needs)))
    need_col = {key: k for k, key in enumerate(cols.need_keys)}
    # a key named by two needs counts toward the later one only (as a dict lookup does)
    for key, k in {nd.key: k for k, nd in enumerate(needs)}.items():
        col = need_col.get(key)
        if col is not None:
            need_hours[:, k] = cols.need_hours[idx, col]
    return hours, need_hours


# ---------------------------------------------------------------------------------------
# Pruning
# ---------------------------------------------------------------------------------------


def prune_indices(arr: Arrays, keep: int) -> IntArray:
    """Rows worth keeping for a big catalog: the union of several top-``keep`` lists.

    Per competency and budget period (live and not live apart): the best by value per
    dollar, by value per share of the period's money and days, and by value. Per need: the
    best by hours per dollar, the cheapest, the most hours, and by hours per share of money
    and days. Practice-improvement and review-eligible activities by value per dollar and
    cheapest; free activities by value. Then candidates dominated by at least
    ``DOMINATORS`` others (no better anywhere, no cheaper) are dropped.
    """
    n = arr.n
    if n <= keep:
        return np.arange(n, dtype=np.int64)
    chosen = np.zeros(n, dtype=np.bool_)

    def top(
        score: FloatArray,
        mask: BoolArray,
        k: int,
        cover: tuple[FloatArray, float] | None = None,
        money_cap: float = np.inf,
    ) -> None:
        """Mark the best ``k`` rows of ``mask`` by ``score``; with ``cover`` = (gain, amount),
        more (up to COVER_MAX) until their gain reaches the amount or their cost 3 times
        ``money_cap``: small activities (many free one-hour modules) can fill a target."""
        rows = np.flatnonzero(mask)
        limit = k if cover is None else max(k, COVER_MAX)
        if len(rows) > limit:
            rows = rows[np.argpartition(-score[rows], limit - 1)[:limit]]
        if cover is not None and len(rows) > k:
            rows = rows[np.argsort(-score[rows], kind="stable")]
            gained = np.cumsum(cover[0][rows])
            spent = np.cumsum(arr.cost[rows])
            need = min(
                int(np.searchsorted(gained, cover[1])) + 1,
                int(np.searchsorted(spent, 3 * money_cap)) + 1,
            )
            rows = rows[: max(k, need)]
        chosen[rows] = True

    total_gain = arr.gain.sum(axis=1)
    standalone = segmented_value(arr.gain, arr.targets) if arr.comps else np.zeros(n)
    per_dollar = 1.0 / (arr.cost + 1.0)
    if arr.periods:
        groups = [arr.in_period[:, p] for p in range(len(arr.periods))]
        money = _floats([max(p.money, 1.0) for p in arr.periods])
        pdays = _floats([max(p.days, 0.5) for p in arr.periods])
        share = np.full(n, np.inf)
        for p in range(len(arr.periods)):
            s = arr.cost / money[p] + arr.days / pdays[p]
            share = np.where(arr.in_period[:, p], np.minimum(share, s), share)
        share = np.where(np.isfinite(share), share, 0.0) + 1e-3
        raw_money = _floats([p.money for p in arr.periods])
        raw_days = _floats([p.days for p in arr.periods])
        cap_money = np.where(arr.in_period, raw_money[None, :], np.inf).min(axis=1)
        cap_days = np.where(arr.in_period, raw_days[None, :], np.inf).min(axis=1)
        affordable = (arr.cost <= cap_money + TOL) & (arr.days <= cap_days + TOL)
    else:
        groups = [np.ones(n, dtype=np.bool_)]
        affordable = np.ones(n, dtype=np.bool_)
        share = arr.cost / max(float(arr.cost.max()), 1.0) + arr.days + 1e-3
    outside = np.zeros(n, dtype=np.bool_)
    if arr.periods:
        outside = np.logical_not(arr.in_period.any(axis=1))
    groups.append(outside)
    half = max(keep // 2, 1)
    group_money = [float(p.money) for p in arr.periods] + [np.inf]
    free = arr.cost <= 0
    for group, cap in zip(groups, group_money, strict=True):
        for live_flag in (True, False):
            g_mask = group & (arr.live == live_flag) & affordable
            if not g_mask.any():
                continue
            for j in range(len(arr.comps)):
                g = arr.gain[:, j]
                mask = g_mask & (g > 0)
                enough = (g, 2.5 * float(arr.targets[j]))
                top(g * per_dollar, mask, keep, enough, cap)
                top(g / share, mask, keep, enough, cap)
                top(g, mask, half)
                top(g, mask & free, half, enough)
            mask = g_mask & (total_gain > 0)
            top(standalone * per_dollar, mask, keep)
            top(standalone / share, mask, keep)
    for k in range(len(arr.needs)):
        h = arr.need_hours[:, k]
        mask = h > 0
        top(h * per_dollar, mask, keep)
        top(-arr.cost, mask, keep)
        top(h, mask, half)
        top(h / share, mask, keep)
    if len(arr.needs) > 1:
        # activities that count toward several requirements at once
        all_needs = arr.need_hours.sum(axis=1)
        several = (arr.need_hours > 0).sum(axis=1) > 1
        top(all_needs * per_dollar, several, keep)
        top(-arr.cost, several, half)
    if arr.pi_required > 0:
        top(standalone * per_dollar, arr.pi, keep)
        top(-arr.cost, arr.pi, keep)
        top(-arr.days, arr.pi, half)
    if arr.review_active:
        top(standalone * per_dollar, arr.review, keep)
        top(-arr.cost, arr.review, keep)
    top(standalone, (arr.cost <= 0) & (total_gain > 0), keep)
    rows = np.flatnonzero(chosen)
    return rows[_undominated(arr, rows)]


#: Most rows one top list may keep to cover a competency target with small activities.
COVER_MAX = 400

#: A candidate is dropped only when at least this many kept candidates dominate it, so a
#: plan that would have taken it can take a dominator instead.
DOMINATORS = 6


def _undominated(arr: Arrays, rows: IntArray) -> BoolArray:
    """Mask over ``rows``: False where the row is dominated by DOMINATORS or more rows.

    b dominates a when both are live or both not, same budget periods and practice-improvement
    flag, b at least as good on every competency, need and the review, no dearer in money
    or days, and (live) its dates inside a's; exact ties are broken by position.
    """
    m = len(rows)
    keep = np.ones(m, dtype=np.bool_)
    if m < DOMINATORS + 1:
        return keep
    feats = np.hstack(
        [arr.gain[rows], arr.need_hours[rows], arr.review[rows, None].astype(np.float64)]
    )
    cost, days = arr.cost[rows], arr.days[rows]
    start, end, live = arr.start[rows], arr.end[rows], arr.live[rows]
    signature = np.hstack([arr.live[rows, None], arr.pi[rows, None], arr.in_period[rows]])
    _, group = np.unique(signature, axis=0, return_inverse=True)
    for g in np.unique(group):
        members = np.flatnonzero(group.reshape(-1) == g)
        if len(members) <= DOMINATORS:
            continue
        f, c, d, s, e = feats[members], cost[members], days[members], start[members], end[members]
        pos = np.arange(len(members))
        for lo in range(0, len(members), 256):
            a = slice(lo, lo + 256)
            # better[i, j]: member j dominates member lo + i
            # feature by feature (2-D comparisons, the same test as over a 3-D array)
            better = (c[None, :] <= c[a, None]) & (d[None, :] <= d[a, None])
            equal = (c[None, :] == c[a, None]) & (d[None, :] == d[a, None])
            for q in range(f.shape[1]):
                col, mine = f[:, q], f[a, q]
                better &= col[None, :] >= mine[:, None] - 1e-12
                equal &= col[None, :] == mine[:, None]
            if live[members[0]]:
                better &= (s[None, :] >= s[a, None]) & (e[None, :] <= e[a, None])
            equal &= (s[None, :] == s[a, None]) & (e[None, :] == e[a, None])
            better &= ~equal | (pos[None, :] < pos[a, None])
            better &= pos[None, :] != pos[a, None]
            keep[members[a]] = better.sum(axis=1) < DOMINATORS
    return keep


# ---------------------------------------------------------------------------------------
# The mixed-integer program
# ---------------------------------------------------------------------------------------

Mode = Literal["value", "elastic", "cost"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Right-hand sides of one model (the problem's own, or relaxed ones)."""

    money: FloatArray  # per period
    days: FloatArray  # per period
    hours: FloatArray  # per period, study hours (inf: no limit)
    need_req: FloatArray  # hours required per need (0: not required)
    pi_req: int
    review_req: bool
    budgets: bool = True  # False: no money/days rows (cheapest-cost models)


def period_hours(periods: tuple[BudgetPeriod, ...]) -> FloatArray:
    """Each period's study-hours limit (``inf`` when it has none)."""
    return _floats([np.inf if p.hours is None else max(p.hours, 0.0) for p in periods])


def limits_of(arr: Arrays) -> Limits:
    return Limits(
        money=_floats([max(p.money, 0.0) for p in arr.periods]),
        days=_floats([max(p.days, 0.0) for p in arr.periods]),
        hours=period_hours(arr.periods),
        need_req=_floats([nd.hours for nd in arr.needs]),
        pi_req=arr.pi_required,
        review_req=arr.review_active,
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    """What HiGHS returned for one model."""

    state: Literal["optimal", "time_limit", "infeasible", "no_solution"]
    x: BoolArray | None
    objective: float  # HiGHS objective of x (same sense as the model)
    bound: float  # HiGHS dual bound
    slack: dict[tuple[str, int], float]  # elastic mode: (kind, index) -> slack value
    seconds: float


class _Builder:
    def __init__(self) -> None:
        self.col_cost: list[FloatArray] = []
        self.col_lo: list[FloatArray] = []
        self.col_hi: list[FloatArray] = []
        self.ncol = 0
        self.row_lo: list[float] = []
        self.row_hi: list[float] = []
        self.row_idx: list[IntArray] = []
        self.row_val: list[FloatArray] = []

    def cols(self, cost: FloatArray, lo: FloatArray, hi: FloatArray) -> int:
        first = self.ncol
        self.col_cost.append(cost)
        self.col_lo.append(lo)
        self.col_hi.append(hi)
        self.ncol += len(cost)
        return first

    def row(self, lo: float, hi: float, idx: IntArray, val: FloatArray) -> None:
        self.row_lo.append(lo)
        self.row_hi.append(hi)
        self.row_idx.append(idx.astype(np.int64))
        self.row_val.append(val.astype(np.float64))


def _overlap_cliques(arr: Arrays) -> list[IntArray]:
    """For each distinct start t of a live candidate, the live candidates running on day t."""
    live = np.flatnonzero(arr.live)
    if len(live) < 2:
        return []
    s, e = arr.start[live], arr.end[live]
    out: list[IntArray] = []
    prev: BoolArray | None = None  # over live: the last clique kept
    for t in np.unique(s).tolist():
        running = (s <= t) & (e >= t)
        if np.count_nonzero(running) < 2:
            continue
        if prev is not None and not (running & ~prev).any():
            continue  # contained in the previous clique
        out.append(live[running])
        prev = running
    return out


def run_model(
    arr: Arrays,
    mode: Mode,
    limits: Limits,
    *,
    time_limit: float,
    mip_gap: float,
    nogoods: tuple[BoolArray, ...] = (),
    relax: bool = False,
) -> Outcome:
    """Build and solve one model.

    ``value``: maximise goal value (segments) minus the cost tie-breaker and the effort
    penalty, every limit hard.
    ``elastic``: the same rows with a non-negative slack on every budget, days, hours, need,
    practice-improvement and review row, minimising weighted slack (never infeasible).
    ``cost``: minimise cost subject to the need/practice-improvement/review rows (budgets
    only if ``limits.budgets``). ``relax``: the LP relaxation only; its optimum is returned
    as ``bound`` (a valid bound on the mixed-integer optimum) with ``x`` None.
    """
    t0 = time.perf_counter()
    n, m = arr.n, len(arr.comps)
    b = _Builder()
    x_cost = -COST_TIE_BREAK * arr.cost - EFFORT_PER_ITEM if mode == "value" else np.zeros(n)
    if mode == "cost":
        x_cost = arr.cost.copy()
    b.cols(x_cost, np.zeros(n), np.ones(n))
    slack_kind: list[tuple[str, int]] = []
    slack_first = 0

    def slack(kind: str, index: int, weight: float, hi: float = np.inf) -> int:
        col = b.cols(_floats([weight]), _floats([0.0]), _floats([hi]))
        slack_kind.append((kind, index))
        return col

    elastic = mode == "elastic"
    if mode == "value" and m:
        seg_w = _floats([w for _, w in SEGMENTS])
        widths = np.concatenate([arr.targets * f for f, _ in SEGMENTS])
        # segment columns laid out segment-major: column first + s*m + j
        first = b.cols(np.repeat(seg_w, m), np.zeros(len(widths)), widths)
        for j in range(m):
            xs = np.flatnonzero(arr.gain[:, j] > 0)
            segs = first + j + m * np.arange(len(SEGMENTS))
            b.row(
                -np.inf,
                0.0,
                np.concatenate([segs, xs]),
                np.concatenate([np.ones(len(segs)), -arr.gain[xs, j]]),
            )
    slack_first = b.ncol
    if limits.budgets:
        for p in range(len(arr.periods)):
            members = np.flatnonzero(arr.in_period[:, p])
            for kind, coef, rhs, weight in (
                ("money", arr.cost, limits.money[p], ELASTIC_MONEY),
                ("days", arr.days, limits.days[p], ELASTIC_DAY),
                ("hours", arr.credits, limits.hours[p], ELASTIC_STUDY),
            ):
                rows = members[coef[members] > 0]
                if not len(rows) or not math.isfinite(rhs):
                    continue
                idx, val = rows, coef[rows]
                if elastic:
                    col = slack(kind, p, weight)
                    idx, val = np.append(idx, col), np.append(val, -1.0)
                b.row(-np.inf, float(rhs), idx, val)
    for k in range(len(arr.needs)):
        req = float(limits.need_req[k])
        if req <= TOL:
            continue
        rows = np.flatnonzero(arr.need_hours[:, k] > 0)
        idx, val = rows, np.minimum(arr.need_hours[rows, k], req)
        if elastic:
            col = slack("need", k, ELASTIC_HOUR, req)
            idx, val = np.append(idx, col), np.append(val, 1.0)
        b.row(req, np.inf, idx, val)
    for kind, mask, req in (
        ("pi", arr.pi, float(limits.pi_req)),
        ("review", arr.review, 1.0 if limits.review_req else 0.0),
    ):
        if req <= 0:
            continue
        idx = np.flatnonzero(mask)
        val = np.ones(len(idx))
        if elastic:
            col = slack(kind, 0, ELASTIC_ITEM, req)
            idx, val = np.append(idx, col), np.append(val, 1.0)
        b.row(req, np.inf, idx, val)
    for members in _overlap_cliques(arr):
        b.row(-np.inf, 1.0, members, np.ones(len(members)))
    for cut in nogoods:
        inside = np.flatnonzero(cut)
        outside = np.flatnonzero(~cut)
        b.row(
            -np.inf,
            float(len(inside) - 1),
            np.concatenate([inside, outside]),
            np.concatenate([np.ones(len(inside)), -np.ones(len(outside))]),
        )

    # the compiled class: highspy.Highs (its Python subclass) prints a banner to stdout
    h = _Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(float(time_limit), 1e-3))
    h.setOptionValue("mip_rel_gap", max(float(mip_gap), 0.0))
    h.setOptionValue("threads", 1)
    # HiGHS presolve (probing on ~1,000 binaries) took seconds on pruned 100k-catalog models
    # that solve in a tenth of a second without it
    h.setOptionValue("presolve", "off")
    cost = np.concatenate(b.col_cost) if b.col_cost else np.zeros(0)
    lo = np.concatenate(b.col_lo)
    hi = np.concatenate(b.col_hi)
    ncol = len(cost)
    empty_i = np.zeros(0, dtype=np.int64)
    empty_f = np.zeros(0, dtype=np.float64)
    h.addCols(ncol, cost, lo, hi, 0, np.zeros(ncol, dtype=np.int64), empty_i, empty_f)
    if n and not relax:
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int64), np.full(n, 1, dtype=np.uint8))
    if b.row_lo:
        starts = np.cumsum([0] + [len(i) for i in b.row_idx[:-1]]).astype(np.int64)
        idx_all = np.concatenate(b.row_idx)
        val_all = np.concatenate(b.row_val)
        h.addRows(
            len(b.row_lo),
            _floats(b.row_lo),
            _floats(b.row_hi),
            len(idx_all),
            starts,
            idx_all,
            val_all,
        )
    sense = highspy.ObjSense.kMaximize if mode == "value" else highspy.ObjSense.kMinimize
    h.changeObjectiveSense(sense)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    seconds = time.perf_counter() - t0
    has_solution = info.primal_solution_status == 2
    if status == highspy.HighsModelStatus.kInfeasible:
        return Outcome("infeasible", None, math.nan, math.nan, {}, seconds)
    if relax:
        ok = status == highspy.HighsModelStatus.kOptimal
        value = float(info.objective_function_value) if ok else math.nan
        return Outcome("optimal" if ok else "no_solution", None, value, value, {}, seconds)
    if not has_solution:
        bound = float(info.mip_dual_bound) if n else math.nan
        return Outcome("no_solution", None, math.nan, bound, {}, seconds)
    values = np.asarray(h.getSolution().col_value, dtype=np.float64)
    x = values[:n] > 0.5
    slacks = {key: float(values[slack_first + i]) for i, key in enumerate(slack_kind)}
    state: Literal["optimal", "time_limit"] = (
        "optimal" if status == highspy.HighsModelStatus.kOptimal else "time_limit"
    )
    objective = float(info.objective_function_value)
    bound = float(info.mip_dual_bound) if n else objective
    if not math.isfinite(bound):
        bound = objective
    return Outcome(state, x, objective, bound, slacks, seconds)


def polish(arr: Arrays, x: BoolArray, limits: Limits) -> BoolArray:
    """Drop chosen items that add less goal value than their effort penalty and no
    hard-constraint cover, dearest first.

    HiGHS can return a useless item (from a start solution, after presolve) whose only
    effect is its cost; dropping it keeps every hard constraint and can only raise the
    objective.
    """
    x = x.copy()
    gains = arr.gain[x].sum(axis=0)
    value = float(segmented_value(gains, arr.targets)) if arr.comps else 0.0
    # the chosen rows only (in row order, as a mask over all rows would select them)
    chosen = np.flatnonzero(x)
    need_hours, pi, review = arr.need_hours[chosen], arr.pi[chosen], arr.review[chosen]
    need_req = limits.need_req.tolist()
    inside = np.ones(len(chosen), dtype=np.bool_)
    for p in sorted(range(len(chosen)), key=lambda p: -float(arr.cost[chosen[p]])):
        a = int(chosen[p])
        x[a] = inside[p] = False
        ok = all(
            float(np.minimum(need_hours[inside, k], req).sum()) >= req - TOL
            for k, req in enumerate(need_req)
        )
        ok = ok and int(pi[inside].sum()) >= limits.pi_req
        ok = ok and (not limits.review_req or bool(review[inside].any()))
        rest = gains - arr.gain[a]
        new = float(segmented_value(rest, arr.targets)) if arr.comps else 0.0
        if ok and new - value > -EFFORT_PER_ITEM - COST_TIE_BREAK * float(arr.cost[a]) + 1e-12:
            gains, value = rest, new
        else:
            x[a] = inside[p] = True
    return x
