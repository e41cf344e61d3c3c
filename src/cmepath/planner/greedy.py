"""The greedy plan: what a careful clinician would pick by hand, as a baseline for the solver.

Four passes over the eligible candidates, each taking an activity only if it fits the money
and days left in every budget period containing its start and overlaps no live activity
already taken:

1. requirements in deadline order, cheapest per qualifying hour first, until covered;
2. practice-improvement activities, best value per dollar first, up to the goal's minimum;
3. if a review date is set and no career item ends before it yet, the best career item
   per dollar that does;
4. free activities with goal value, most valuable first, then the rest by standalone goal
   value per dollar, each only if it still adds more value than its effort penalty
   (diminishing returns are applied).

Each pass also respects the study-hours limit of the periods (``BudgetPeriod.hours``).

It meets every hard constraint when it can but does not search: :func:`greedy_select`
reports the constraints it missed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cmepath.planner.solver_model import (
    COST_TIE_BREAK,
    EFFORT_PER_ITEM,
    TOL,
    VALUE_CAP,
    Arrays,
    BoolArray,
    limits_of,
    period_hours,
    polish,
    segmented_value,
)


@dataclass(frozen=True, slots=True)
class GreedyOutcome:
    x: BoolArray
    missed_needs: dict[int, float]  # need index -> hours still missing
    missed_pi: int  # practice-improvement items still missing
    missed_review: bool

    @property
    def feasible(self) -> bool:
        return not self.missed_needs and not self.missed_pi and not self.missed_review


class _State:
    def __init__(self, arr: Arrays) -> None:
        self.arr = arr
        self.x = np.zeros(arr.n, dtype=np.bool_)
        self.money = [max(p.money, 0.0) for p in arr.periods]
        self.days = [max(p.days, 0.0) for p in arr.periods]
        self.hours: list[float] = period_hours(arr.periods).tolist()
        self.study: list[float] = arr.credits.tolist()
        self._periods: dict[int, list[int]] = {}
        self.cost: list[float] = arr.cost.tolist()
        self.day_use: list[float] = arr.days.tolist()
        self.live: list[bool] = arr.live.tolist()
        self.start: list[int] = arr.start.tolist()
        self.end: list[int] = arr.end.tolist()
        self.live_taken: list[tuple[int, int]] = []
        self.gains: list[float] = [0.0] * len(arr.comps)

    def periods(self, a: int) -> list[int]:
        if a not in self._periods:
            self._periods[a] = np.flatnonzero(self.arr.in_period[a]).tolist()
        return self._periods[a]

    def fits(self, a: int) -> bool:
        if self.x[a]:
            return False
        cost, days, study = self.cost[a], self.day_use[a], self.study[a]
        for p in self.periods(a):
            if cost > self.money[p] + TOL or days > self.days[p] + TOL:
                return False
            if study > self.hours[p] + TOL:
                return False
        if self.live[a]:
            s, e = self.start[a], self.end[a]
            if any(s <= e2 and s2 <= e for s2, e2 in self.live_taken):
                return False
        return True

    def take(self, a: int) -> None:
        self.x[a] = True
        for p in self.periods(a):
            self.money[p] -= self.cost[a]
            self.days[p] -= self.day_use[a]
            self.hours[p] -= self.study[a]
        if self.live[a]:
            self.live_taken.append((self.start[a], self.end[a]))
        for j, g in enumerate(self.arr.gain[a].tolist()):
            self.gains[j] += g


def greedy_select(arr: Arrays) -> GreedyOutcome:
    st = _State(arr)
    n = arr.n
    standalone = segmented_value(arr.gain, arr.targets) if arr.comps else np.zeros(n)
    # best value per dollar first; free activities first, by value
    ratio = standalone / np.maximum(arr.cost, 1e-9)
    order = np.lexsort((-ratio, arr.cost > 0))
    order_needs = sorted(range(len(arr.needs)), key=lambda k: arr.needs[k].deadline)
    missed_needs: dict[int, float] = {}
    for k in order_needs:
        need = float(arr.needs[k].hours)
        h = arr.need_hours[:, k]
        remaining = need - float(h[st.x].sum())
        rows = np.flatnonzero(h > 0)
        rows = rows[np.lexsort((arr.end[rows], arr.cost[rows], arr.cost[rows] / h[rows]))]
        for a in rows.tolist():
            if remaining <= TOL:
                break
            if st.fits(a):
                st.take(a)
                remaining -= float(h[a])
        if remaining > TOL:
            missed_needs[k] = remaining
    missing_pi = arr.pi_required - int(arr.pi[st.x].sum())
    if missing_pi > 0:
        for a in order[arr.pi[order]].tolist():
            if missing_pi <= 0:
                break
            if st.fits(a):
                st.take(a)
                missing_pi -= 1
    missed_review = False
    if arr.review_active and not arr.review[st.x].any():
        missed_review = True
        for a in order[arr.review[order]].tolist():
            if st.fits(a):
                st.take(a)
                missed_review = False
                break
    _fill(arr, st, order[standalone[order] > 0])
    x = polish(arr, st.x, limits_of(arr)) if not missed_needs and missing_pi <= 0 else st.x
    return GreedyOutcome(x, missed_needs, max(missing_pi, 0), missed_review)


def _fill(arr: Arrays, st: _State, order: NDArray[np.int64]) -> None:
    """Pass 4: take each activity in ``order`` that fits and still adds goal value.

    Works in chunks: money and days left only shrink and (concave returns) marginal values
    only fall as activities are taken, so an activity a vectorised test rejects at the start
    of its chunk would be rejected later too; only the survivors are checked one by one.
    """
    m = len(arr.comps)
    if not m:
        return
    targets: list[float] = arr.targets.tolist()
    full = [VALUE_CAP * t for t in targets]
    for lo in range(0, len(order), _CHUNK):
        if all(st.gains[j] >= full[j] for j in range(m)):
            return  # every competency is at its target: nothing adds value
        chunk = order[lo : lo + _CHUNK]
        ok = _still_possible(arr, st, chunk)
        gains = np.asarray(st.gains)
        current = float(segmented_value(gains, arr.targets))
        for a in chunk[ok].tolist():
            new = float(segmented_value(gains + arr.gain[a], arr.targets))
            penalty = COST_TIE_BREAK * st.cost[a] + EFFORT_PER_ITEM
            if new - current > penalty + 1e-12 and st.fits(a):
                st.take(a)
                gains = np.asarray(st.gains)
                current = new


_CHUNK = 2048


def _still_possible(arr: Arrays, st: _State, chunk: NDArray[np.int64]) -> BoolArray:
    """Rows of ``chunk`` that fit the money and days left and add value right now."""
    gains = np.asarray(st.gains)
    current = float(segmented_value(gains, arr.targets))
    adds = segmented_value(gains[None, :] + arr.gain[chunk], arr.targets) - current
    ok: BoolArray = adds > COST_TIE_BREAK * arr.cost[chunk] + EFFORT_PER_ITEM + 1e-12
    if arr.periods:
        inside = arr.in_period[chunk]
        money = np.asarray(st.money)[None, :]
        days = np.asarray(st.days)[None, :]
        ok &= (~inside | (arr.cost[chunk, None] <= money + TOL)).all(axis=1)
        ok &= (~inside | (arr.days[chunk, None] <= days + TOL)).all(axis=1)
        study = np.asarray(st.hours)[None, :]
        ok &= (~inside | (arr.credits[chunk, None] <= study + TOL)).all(axis=1)
    return ok
