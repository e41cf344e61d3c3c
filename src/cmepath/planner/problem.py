"""Inputs and outputs of the plan solver: plain frozen dataclasses, no Django.

A service (or the ``cmepath plan`` command working on files) turns the catalog, the
clinician's requirement evaluation, the career goal and the money and days available into
one :class:`Problem`; :func:`cmepath.planner.solver.solve` returns a :class:`PlanResult`.
Money is in US dollars, time in days, credits in hours (1 credit = 1 hour).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Protocol, overload

import numpy as np
import numpy.typing as npt

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


FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class CandidateSource(Protocol):
    """What a :class:`CandidateTable` materializes its rows from (``inputs`` builds one)."""

    def candidate(self, j: int) -> Candidate: ...


@dataclass(frozen=True, slots=True, eq=False)
class CandidateColumns:
    """Candidates as numpy columns, row j describing the same activity as ``Candidate`` j.

    ``hours`` (n x len(comps)) holds each row's ``competency_hours`` (0 where a code is
    absent); ``need_hours`` (n x len(need_keys)) its ``counts_toward`` (0 where absent);
    ``comps`` and ``need_keys`` are distinct."""

    start: IntArray  # date ordinals
    end: IntArray
    cost: FloatArray
    days: FloatArray
    credits: FloatArray
    value_score: FloatArray
    live: BoolArray
    pi: BoolArray
    travel: BoolArray
    comps: tuple[str, ...]
    hours: FloatArray
    need_keys: tuple[str, ...]
    need_hours: FloatArray

    def take(self, idx: IntArray) -> CandidateColumns:
        return CandidateColumns(
            start=self.start[idx],
            end=self.end[idx],
            cost=self.cost[idx],
            days=self.days[idx],
            credits=self.credits[idx],
            value_score=self.value_score[idx],
            live=self.live[idx],
            pi=self.pi[idx],
            travel=self.travel[idx],
            comps=self.comps,
            hours=self.hours[idx],
            need_keys=self.need_keys,
            need_hours=self.need_hours[idx],
        )


class CandidateTable(Sequence[Candidate]):
    """A read-only sequence of :class:`Candidate` kept as columns.

    :func:`cmepath.planner.inputs.build_problem` returns one: the solver reads ``columns``
    directly and only the few rows that reach a plan are ever turned into ``Candidate``
    objects (on indexing, once each). Equal to any sequence of equal candidates."""

    __slots__ = ("_cache", "_index", "_source", "columns")

    def __init__(
        self, columns: CandidateColumns, source: CandidateSource, index: IntArray | None = None
    ) -> None:
        self.columns = columns
        self._source = source
        # position -> row of the source (None: the identity)
        self._index = index
        self._cache: dict[int, Candidate] = {}

    def __len__(self) -> int:
        return len(self.columns.start)

    @overload
    def __getitem__(self, i: int) -> Candidate: ...
    @overload
    def __getitem__(self, i: slice) -> CandidateTable: ...
    def __getitem__(self, i: int | slice) -> Candidate | CandidateTable:
        if isinstance(i, slice):
            return self.take(np.arange(len(self), dtype=np.int64)[i])
        n = len(self)
        j = int(i)
        if j < 0:
            j += n
        if not 0 <= j < n:
            raise IndexError("candidate index out of range")
        found = self._cache.get(j)
        if found is None:
            row = j if self._index is None else int(self._index[j])
            found = self._cache[j] = self._source.candidate(row)
        return found

    def __iter__(self) -> Iterator[Candidate]:
        for j in range(len(self)):
            yield self[j]

    def take(self, idx: IntArray) -> CandidateTable:
        """The rows ``idx`` (positions), still as columns."""
        idx = np.asarray(idx, dtype=np.int64)
        index = idx if self._index is None else self._index[idx]
        return CandidateTable(self.columns.take(idx), self._source, index)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type[tuple[Candidate, ...]], tuple[tuple[Candidate, ...]]]:
        # pickled (and deep-copied) as the plain tuple of its candidates, not the catalog
        return (tuple, (tuple(self),))

    def __repr__(self) -> str:
        return f"CandidateTable({len(self)} candidates)"


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
    unit: str = "h"  # "h", or "points" when every accepted credit type counts points (MOC)


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
    # a tuple, or a CandidateTable (columns) from build_problem
    candidates: Sequence[Candidate]
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
