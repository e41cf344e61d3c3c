"""Inputs and outputs of the plan solver: plain frozen dataclasses, no Django.

A service (or the ``cmepath plan`` command working on files) turns the catalog, the
clinician's requirement evaluation, the career goal and the money and days available into
one :class:`Problem`; :func:`cmepath.planner.solver.solve` returns a :class:`PlanResult`.
Money is in US dollars, time in days, credits in hours (1 credit = 1 hour).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

#: ``optimal``: proven optimal; ``within_gap``: proven within ``mip_gap`` of optimal;
#: ``time_limit``: the best plan found before the time limit, with its (larger) gap;
#: ``infeasible``: no plan meets every hard constraint (see ``binding``).
SolveStatus = Literal["optimal", "within_gap", "time_limit", "infeasible"]
STATUSES: tuple[SolveStatus, ...] = ("optimal", "within_gap", "time_limit", "infeasible")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One catalog activity the clinician could take.

    ``counts_toward`` maps a :class:`Need` key to the hours this activity would count toward
    it (already filtered by the need's accepted credit types and topics); ``competency_hours``
    maps a competency code to the hours of goal-relevant learning (the activity's credits
    spread over its competencies). ``days`` is the paid CME days a live activity uses
    (0 for online/enduring ones); travel outside the home state is already added.
    """

    id: str  # catalog row's provider_activity_id (CLI) or the activity's primary key (web)
    title: str
    start: date
    end: date
    cost: float
    days: float
    live: bool
    value_score: float  # 0..100, the catalog's value score for this clinician's goal
    credits: float  # largest designated credit amount
    counts_toward: Mapping[str, float] = field(default_factory=dict)
    competency_hours: Mapping[str, float] = field(default_factory=dict)
    practice_improvement: bool = False
    travel: bool = False  # live and outside the home state (one travel day included in days)
    state: str = ""
    delivery: str = ""  # catalog delivery code: live, online, hybrid, enduring


@dataclass(frozen=True, slots=True)
class Need:
    """A requirement that falls due within the horizon and still lacks hours (hard).

    Activities count toward it only if they end on or before ``deadline`` and on or after
    ``window_start`` (the cycle start). ``label`` is the plain-words name used in
    explanations ("12 h pain management, California MD licence").
    """

    key: str  # "<regime_id>:<requirement_id>"
    label: str
    hours: float  # still missing
    deadline: date
    window_start: date | None = None
    regime_name: str = ""


@dataclass(frozen=True, slots=True)
class BudgetPeriod:
    """Money, paid days and study hours available for activities starting in [start, end]
    (a policy year). ``hours`` limits the credit hours of the activities starting in the
    period (the time a clinician can give to CME); None: no limit."""

    start: date
    end: date
    money: float  # employer allowance + own money for the period
    days: float  # paid CME days for the period
    hours: float | None = None  # study hours for the period (None: no limit)


@dataclass(frozen=True, slots=True)
class Goal:
    """The career goal as targets: hours per competency over the horizon."""

    key: str
    label: str
    competency_targets: Mapping[str, float]  # competency code -> target hours
    pi_per_12_months: int = 1  # practice-improvement activities per 12 months (0: none)
    # competency code -> plain label for explanations ("leadership"); the code when missing
    competency_labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Problem:
    as_of: date
    horizon_end: date
    candidates: tuple[Candidate, ...]
    needs: tuple[Need, ...]
    budgets: tuple[BudgetPeriod, ...]
    goal: Goal
    review_date: date | None = None  # career items should end before it (see solver)
    time_limit_s: float = 5.0
    mip_gap: float = 0.01


@dataclass(frozen=True, slots=True)
class PlanItem:
    candidate_id: str
    title: str
    start: date
    end: date
    cost: float
    days: float
    counts_toward: Mapping[str, float]  # need key -> hours used toward it
    competency_hours: Mapping[str, float]
    why: str  # one plain line: why this item is in the plan


@dataclass(frozen=True, slots=True)
class Coverage:
    key: str  # need key or competency code
    label: str
    target: float
    planned: float


@dataclass(frozen=True, slots=True)
class Binding:
    """A hard constraint that makes the problem infeasible, and how far to relax it."""

    constraint: str  # "budget:2027", "days:2027", "hours:2027", "need:<key>", "pi", "review"
    message: str  # plain words
    relax_by: float  # dollars, days, hours or count needed to make it feasible


@dataclass(frozen=True, slots=True)
class PlanResult:
    status: SolveStatus
    objective: float
    bound: float
    gap: float  # relative: (bound - objective) / max(|objective|, tiny); 0 when optimal
    items: tuple[PlanItem, ...]
    total_cost: float
    total_days: float
    needs: tuple[Coverage, ...]
    competencies: tuple[Coverage, ...]
    explanation: tuple[str, ...]  # plain sentences
    binding: tuple[Binding, ...] = ()
    solve_seconds: float = 0.0
    candidates_considered: int = 0  # after pruning
