"""The solver's inputs (pure): one :class:`~cmepath.planner.problem.Problem` from a
clinician's profile and requirement evaluation, the rules, catalog rows and a goal.

- **Needs**: every requirement of the evaluation that is ``unmet`` or ``at_risk``, still lacks
  hours and falls due within the horizon; an overdue one gets until the end of its cure
  period, else :data:`OVERDUE_DAYS` from ``as_of``. What an activity counts toward it is
  the rule of :func:`cmepath.credits.rules.counting.hours_toward` (the rule's accepted
  credit types and topics, as the engine applies them to a completion), computed for all
  rows at once by :func:`need_hours`.
- **Budgets**: one :class:`BudgetPeriod` per policy year, 12-month periods from ``as_of``
  (the last one ends with the horizon), each with the year's money (employer allowance plus
  own money) and paid CME days.
- **Candidates**: catalog rows that start on or after ``as_of``, end by the horizon's end
  and are open to the clinician's profession (a row naming no profession is open to all);
  a row that builds no goal competency, counts toward no need and is no practice-improvement
  activity is left out (it could only take money and days from a plan).
  Value score: the row's goal-neutral value score (the stored ``value_score`` of a database
  row, the rubric's score of a file row) with the rubric's career-applicability factor
  re-evaluated against the goal's core competencies, exactly as the catalog's activity page
  does; a row without competencies keeps its score. ``competency_hours``: the row's credits
  (largest designation) spread evenly over its competencies, kept for those the goal targets.
- **Days**: an in-person or hybrid activity uses ``min(span in days, ceil(credits / 6),
  10)`` paid days, at least 1, plus a travel day when it takes place in another state than
  ``home_state`` (in person only); only those spanning at most :data:`LIVE_SPAN_DAYS` days
  are "live" for the no-overlap rule (a year-long series does not block the calendar).

The candidates are computed on whole columns of the :class:`PreparedCatalog` and returned
as a :class:`~cmepath.planner.problem.CandidateTable`, which the solver reads as columns and
which makes a ``Candidate`` only for a row that is indexed (see :class:`_RowSource`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from cmepath.catalog import rubric
from cmepath.core.progress import Progress, no_progress
from cmepath.core.vocabulary import COMPETENCIES, CREDIT_TYPES, PROFESSIONS, TOPICS
from cmepath.credits.rules.counting import accepted_types
from cmepath.credits.rules.engine import add_months
from cmepath.credits.rules.model import ClinicianProfile, Evaluation
from cmepath.credits.rules.spec import Regime, Requirement
from cmepath.planner.goals import PlannerGoal
from cmepath.planner.problem import (
    BudgetPeriod,
    Candidate,
    CandidateColumns,
    CandidateTable,
    Need,
    Problem,
)

#: Days an overdue requirement gets when its regime has no cure period.
OVERDUE_DAYS = 90
#: Paid days per credit hour of an in-person activity (a 6-hour day), and the cap.
HOURS_PER_DAY = 6.0
MAX_DAYS = 10
#: In-person activities spanning more days than this (series) do not block the calendar.
LIVE_SPAN_DAYS = 14
#: Catalog delivery codes.
IN_PERSON = "live"
HYBRID = "hybrid"
PI_FORMAT = "performance_improvement"
#: Rows between two progress reports.
PROGRESS_EVERY = 5000
PROGRESS_STEP = "building the plan's inputs"


class PlanInputError(ValueError):
    """A plan cannot be built from these inputs; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class CatalogRow:
    """One catalog activity as the planner reads it (from a database row or a file row).

    ``value_score`` is the goal-neutral value score (0..100); ``credits`` maps credit type
    to amount; ``competencies`` are shared-vocabulary codes."""

    id: str
    title: str
    start: date
    end: date
    cost: float
    delivery: str
    value_score: float
    credits: Mapping[str, float] = field(default_factory=dict)
    topics: frozenset[str] = frozenset()
    competencies: frozenset[str] = frozenset()
    professions: frozenset[str] = frozenset()
    format: str = ""
    state: str = ""
    pi_component: bool = False

    @property
    def max_credits(self) -> float:
        return max(self.credits.values(), default=0.0)

    @property
    def practice_improvement(self) -> bool:
        return self.pi_component or self.format == PI_FORMAT


FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
_PROFESSION_BIT = {code: 1 << i for i, code in enumerate(PROFESSIONS)}
_COMPETENCY_BIT = {code: 1 << i for i, code in enumerate(COMPETENCIES)}
_TYPE_INDEX = {code: i for i, code in enumerate(CREDIT_TYPES)}
_TOPIC_INDEX = {code: i for i, code in enumerate(TOPICS)}


@dataclass(frozen=True, slots=True)
class PreparedCatalog:
    """Rows sorted by start date, with columns for the per-plan filters (built once: a
    service keeps it per catalog version, the benchmark per run). ``credit`` holds each
    row's amount per credit type (vocabulary order), ``topic`` its topics; masks are bit sets
    over the vocabulary's professions (0: open to all) and competencies."""

    rows: tuple[CatalogRow, ...]
    start: IntArray  # ordinals, ascending
    end: IntArray
    cost: FloatArray
    max_credits: FloatArray
    span: IntArray
    pi: BoolArray
    professions: IntArray
    competencies: IntArray
    credit: FloatArray  # rows x credit types
    topic: BoolArray  # rows x topics
    comps: tuple[tuple[str, ...], ...]  # each row's competencies, sorted
    value_score: FloatArray  # goal-neutral
    n_comps: IntArray  # competencies per row
    comp_set: IntArray  # index into comp_sets: the row's competencies
    comp_sets: tuple[frozenset[str], ...]
    in_person: BoolArray  # delivery IN_PERSON
    hybrid: BoolArray  # delivery HYBRID
    state: IntArray  # index into states
    states: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.rows)


def _bits(codes: Iterable[str], bits: Mapping[str, int]) -> int:
    mask = 0
    for code in codes:
        mask |= bits.get(code, 0)
    return mask


def prepare_catalog(rows: Iterable[CatalogRow]) -> PreparedCatalog:
    ordered = tuple(sorted(rows, key=lambda r: (r.start, r.id)))
    n = len(ordered)
    credit = np.zeros((n, len(_TYPE_INDEX)), dtype=np.float64)
    topic = np.zeros((n, len(_TOPIC_INDEX)), dtype=np.bool_)
    for i, r in enumerate(ordered):
        for code, amount in r.credits.items():
            if code in _TYPE_INDEX and amount > 0:
                credit[i, _TYPE_INDEX[code]] = amount
        for code in r.topics:
            if code in _TOPIC_INDEX:
                topic[i, _TOPIC_INDEX[code]] = True
    start = np.fromiter((r.start.toordinal() for r in ordered), np.int64, n)
    end = np.fromiter((r.end.toordinal() for r in ordered), np.int64, n)
    sets: dict[frozenset[str], int] = {}
    states: dict[str, int] = {}
    return PreparedCatalog(
        rows=ordered,
        start=start,
        end=end,
        cost=np.fromiter((r.cost for r in ordered), np.float64, n),
        max_credits=np.fromiter((r.max_credits for r in ordered), np.float64, n),
        span=end - start + 1,
        pi=np.fromiter((r.practice_improvement for r in ordered), np.bool_, n),
        professions=np.fromiter(
            (_bits(r.professions, _PROFESSION_BIT) for r in ordered), np.int64, n
        ),
        competencies=np.fromiter(
            (_bits(r.competencies, _COMPETENCY_BIT) for r in ordered), np.int64, n
        ),
        credit=credit,
        topic=topic,
        comps=tuple(tuple(sorted(r.competencies)) for r in ordered),
        value_score=np.fromiter((r.value_score for r in ordered), np.float64, n),
        n_comps=np.fromiter((len(r.competencies) for r in ordered), np.int64, n),
        comp_set=np.fromiter(
            (sets.setdefault(r.competencies, len(sets)) for r in ordered), np.int64, n
        ),
        comp_sets=tuple(sets),
        in_person=np.fromiter((r.delivery == IN_PERSON for r in ordered), np.bool_, n),
        hybrid=np.fromiter((r.delivery == HYBRID for r in ordered), np.bool_, n),
        state=np.fromiter((states.setdefault(r.state, len(states)) for r in ordered), np.int64, n),
        states=tuple(states),
    )


def need_hours(catalog: PreparedCatalog, req: Requirement, rows: IntArray) -> FloatArray:
    """:func:`~cmepath.credits.rules.counting.hours_toward` for many rows at once: the
    largest credit among the requirement's accepted types, if a row carries one of its
    topics (any, when it names none) and none of its excluded topics. The same rule,
    vectorized; ``tests/planner/test_inputs.py`` pins the two equal on every shipped rule."""
    types = accepted_types(req)
    if types is None:
        hours = catalog.max_credits[rows]
    else:
        cols = [_TYPE_INDEX[t] for t in types if t in _TYPE_INDEX]
        if not cols:
            return np.zeros(len(rows), dtype=np.float64)
        hours = catalog.credit[np.ix_(rows, np.asarray(cols, dtype=np.int64))].max(axis=1)
    ok = np.ones(len(rows), dtype=np.bool_)
    if req.topics:
        cols = [_TOPIC_INDEX[t] for t in req.topics if t in _TOPIC_INDEX]
        if not cols:
            return np.zeros(len(rows), dtype=np.float64)
        ok &= catalog.topic[np.ix_(rows, np.asarray(cols, dtype=np.int64))].any(axis=1)
    if req.exclude_topics:
        cols = [_TOPIC_INDEX[t] for t in req.exclude_topics if t in _TOPIC_INDEX]
        if cols:
            ok &= ~catalog.topic[np.ix_(rows, np.asarray(cols, dtype=np.int64))].any(axis=1)
    return np.where(ok, hours, 0.0)


# ------------------------------------------------------------------------ pieces


def horizon_end(as_of: date, horizon_months: int) -> date:
    """The last day of a horizon of ``horizon_months`` starting on ``as_of``."""
    return add_months(as_of, horizon_months) - timedelta(days=1)


def budget_periods(
    as_of: date, end: date, *, money: float, days: float
) -> tuple[BudgetPeriod, ...]:
    """Policy years: 12-month periods from ``as_of``, the last one cut at ``end``; each gets
    the year's ``money`` and ``days`` (an allowance is granted per policy year)."""
    periods = []
    start, k = as_of, 0
    while start <= end:
        k += 1
        stop = min(add_months(as_of, 12 * k) - timedelta(days=1), end)
        periods.append(BudgetPeriod(start=start, end=stop, money=money, days=days))
        start = stop + timedelta(days=1)
    return tuple(periods)


def _spec_index(rules: Iterable[Regime]) -> dict[tuple[str, str], tuple[Regime, Requirement]]:
    return {(r.id, q.id): (r, q) for r in rules for q in r.requirements}


@dataclass(frozen=True, slots=True)
class NeedSpec:
    """A :class:`Need` with the rule's requirement (what counts toward it)."""

    need: Need
    requirement: Requirement


def _unit(req: Requirement) -> str:
    """ "points" when every credit type the requirement accepts counts points (ABIM, ABP
    MOC), else "h"."""
    types = accepted_types(req)
    if types and all(t in CREDIT_TYPES and CREDIT_TYPES[t].unit == "point" for t in types):
        return "points"
    return "h"


def needs_from(
    evaluation: Evaluation, rules: Iterable[Regime], *, as_of: date, end: date
) -> tuple[NeedSpec, ...]:
    """Requirements ``unmet`` or ``at_risk``, still short of hours, due by ``end``."""
    specs = _spec_index(rules)
    out = []
    for regime in evaluation.regimes:
        for req in regime.requirements:
            missing = round(req.hours_needed - req.hours_counted, 2)
            if req.status not in ("unmet", "at_risk") or missing <= 0 or req.deadline is None:
                continue
            if req.deadline > end:
                continue
            found = specs.get((regime.regime_id, req.id))
            if found is None:
                raise PlanInputError(
                    "rules", f"no rule {regime.regime_id}:{req.id} for an evaluated requirement"
                )
            _, spec = found
            deadline, overdue = req.deadline, req.deadline < as_of
            if overdue:
                cure = regime.cure_until
                deadline = cure if cure is not None and cure >= as_of else as_of
                deadline = max(deadline, as_of + timedelta(days=OVERDUE_DAYS))
                deadline = min(deadline, end)
            recurring = spec.frequency in ("per_cycle", "every_n_cycles", "rolling_years")
            label = f"{req.label}, {regime.name}" + (" (overdue)" if overdue else "")
            out.append(
                NeedSpec(
                    need=Need(
                        key=f"{regime.regime_id}:{req.id}",
                        label=label,
                        hours=missing,
                        deadline=deadline,
                        window_start=regime.cycle_start if recurring else None,
                        regime_name=regime.name,
                        unit=_unit(spec),
                    ),
                    requirement=spec,
                )
            )
    return tuple(out)


@functools.lru_cache(maxsize=8192)
def _career_value(offered: frozenset[str], wanted: frozenset[str]) -> float:
    """The rubric's career-applicability value (0..1) of these competencies for this goal."""
    breakdown = rubric.score(rubric.ActivityFacts(competencies=offered), wanted)
    return next(f.value for f in breakdown.factors if f.key == "career_applicability")


def _career_share() -> float:
    w = rubric.DEFAULT_WEIGHTS.as_dict()
    return w["career_applicability"] / sum(w.values())


CAREER_SHARE = _career_share()
NEUTRAL_CAREER = 0.5  # the rubric's career value without a goal


def goal_value_score(row: CatalogRow, goal_competencies: frozenset[str]) -> float:
    """The row's value score for this goal: its neutral score with the career factor
    re-evaluated (the catalog page's arithmetic); unchanged without competencies on either side."""
    if not row.competencies or not goal_competencies:
        return row.value_score
    career = _career_value(row.competencies, goal_competencies)
    total = row.value_score + 100.0 * CAREER_SHARE * (career - NEUTRAL_CAREER)
    return round(min(100.0, max(0.0, total)), 1)


def paid_days(row: CatalogRow, home_state: str) -> tuple[float, bool, bool]:
    """(paid days, live for the no-overlap rule, travel) of a row."""
    return _days(row, (row.end - row.start).days + 1, row.max_credits, home_state)


def _days(
    row: CatalogRow, span: int, max_credits: float, home_state: str
) -> tuple[float, bool, bool]:
    if row.delivery not in (IN_PERSON, HYBRID):
        return 0.0, False, False
    days = max(1, min(span, math.ceil(max_credits / HOURS_PER_DAY), MAX_DAYS))
    travel = bool(
        row.delivery == IN_PERSON and home_state and row.state and row.state != home_state
    )
    return float(days + (1 if travel else 0)), span <= LIVE_SPAN_DAYS, travel


def competency_hours(row: CatalogRow, targets: Mapping[str, float]) -> dict[str, float]:
    """The row's credits spread evenly over its competencies, for those the goal targets."""
    if not row.competencies:
        return {}
    share = row.max_credits / len(row.competencies)
    return {c: share for c in sorted(row.competencies) if c in targets and share > 0}


# ------------------------------------------------------------------------ the problem


def build_problem(
    *,
    profile: ClinicianProfile,
    evaluation: Evaluation,
    rules: Sequence[Regime],
    catalog: PreparedCatalog | Sequence[CatalogRow],
    goal: PlannerGoal,
    money: float,
    days: float,
    horizon_months: int,
    as_of: date,
    home_state: str = "",
    review_date: date | None = None,
    time_limit_s: float = 5.0,
    mip_gap: float = 0.01,
    progress: Progress = no_progress,
) -> Problem:
    """The plan problem (see the module docstring). Raises :class:`PlanInputError` naming
    the input at fault (``budget``, ``days``, ``horizon_months``, ``catalog``)."""
    if not math.isfinite(money) or money < 0:
        raise PlanInputError("budget", f"must be a non-negative amount of dollars, not {money:g}")
    if not math.isfinite(days) or days < 0:
        raise PlanInputError("days", f"must be a non-negative number of days, not {days:g}")
    if horizon_months < 1:
        raise PlanInputError("horizon_months", "must be at least 1 month")
    prepared = catalog if isinstance(catalog, PreparedCatalog) else prepare_catalog(catalog)
    if not prepared.rows:
        raise PlanInputError("catalog", "has no activities")
    end = horizon_end(as_of, horizon_months)
    specs = needs_from(evaluation, rules, as_of=as_of, end=end)
    wanted = frozenset(goal.competencies)
    targets = goal.targets
    # Columns first: the window, the profession, what each row counts toward each need.
    end_ord = end.toordinal()
    lo = int(np.searchsorted(prepared.start, as_of.toordinal(), side="left"))
    hi = int(np.searchsorted(prepared.start, end_ord, side="right"))
    rows = np.arange(lo, hi, dtype=np.int64)
    bit = _PROFESSION_BIT.get(profile.profession, 0)
    prof = prepared.professions[rows]
    rows = rows[(prepared.end[rows] <= end_ord) & ((prof == 0) | ((prof & bit) != 0))]
    counted = np.zeros((len(specs), len(rows)), dtype=np.float64)
    for k, spec in enumerate(specs):
        counted[k] = need_hours(prepared, spec.requirement, rows)
    target_mask = _bits(targets, _COMPETENCY_BIT)
    builds = ((prepared.competencies[rows] & target_mask) != 0) & (prepared.max_credits[rows] > 0)
    useful = builds | prepared.pi[rows] | (counted > 0).any(axis=0)
    # (a row that builds nothing, counts toward nothing and is no PI item is never in a plan)
    keep = np.flatnonzero(useful)
    rows, counted = rows[keep], counted[:, keep]
    total = len(rows)
    progress(PROGRESS_STEP, 0, total)
    table = _candidate_table(
        prepared, rows, counted, [s.need.key for s in specs], targets, wanted, home_state
    )
    progress(PROGRESS_STEP, total, total)
    return Problem(
        as_of=as_of,
        horizon_end=end,
        candidates=table,
        needs=tuple(s.need for s in specs),
        budgets=budget_periods(as_of, end, money=money, days=days),
        goal=goal.problem_goal(),
        review_date=review_date if review_date is not None and review_date >= as_of else None,
        time_limit_s=time_limit_s,
        mip_gap=mip_gap,
    )


# ------------------------------------------------------------------------ candidates


def _python_round(values: FloatArray, ndigits: int) -> FloatArray:
    """``round(v, ndigits)`` (Python's correctly rounded one, not numpy's) of every value."""
    if not len(values):
        return values.copy()
    distinct, inverse = np.unique(values, return_inverse=True)
    rounded = np.fromiter((round(v, ndigits) for v in distinct.tolist()), np.float64)
    out: FloatArray = rounded[inverse.reshape(-1)]
    return out


def _goal_scores(prepared: PreparedCatalog, rows: IntArray, wanted: frozenset[str]) -> FloatArray:
    """:func:`goal_value_score` of many rows at once (the same arithmetic, element-wise)."""
    score = prepared.value_score[rows]
    with_comps = prepared.n_comps[rows] > 0
    if not wanted or not with_comps.any():
        return score
    sets = prepared.comp_set[rows[with_comps]]
    used = np.unique(sets)
    career = np.zeros(len(prepared.comp_sets), dtype=np.float64)
    for k in used.tolist():
        career[k] = _career_value(prepared.comp_sets[k], wanted)
    raw = score[with_comps] + 100.0 * CAREER_SHARE * (career[sets] - NEUTRAL_CAREER)
    raw = np.where(raw > 0.0, raw, 0.0)  # max(0.0, raw)
    raw = np.where(raw < 100.0, raw, 100.0)  # min(100.0, raw)
    score = score.copy()
    score[with_comps] = _python_round(raw, 1)
    return score


@dataclass(frozen=True, slots=True, eq=False)
class _RowSource:
    """Materializes candidate j of a :class:`CandidateTable` from its catalog row (the
    ``Candidate`` the per-row builder made before the columns existed)."""

    prepared: PreparedCatalog
    rows: IntArray  # candidate j -> catalog row
    counted: FloatArray  # (needs, candidates), what each row counts toward each need
    keys: tuple[str, ...]  # need keys, as counted's rows
    targets: Mapping[str, float]
    wanted: frozenset[str]
    columns: CandidateColumns

    def candidate(self, j: int) -> Candidate:
        i = int(self.rows[j])
        row = self.prepared.rows[i]
        comps = self.prepared.comps[i]
        cols = self.columns
        max_credits = float(cols.credits[j])
        share = max_credits / len(comps) if comps else 0.0
        hours = {c: share for c in comps if c in self.targets} if share > 0 else {}
        counts = {
            k: v for k, v in zip(self.keys, self.counted[:, j].tolist(), strict=True) if v > 0
        }
        return Candidate(
            id=row.id,
            title=row.title,
            start=row.start,
            end=row.end,
            cost=row.cost,
            days=float(cols.days[j]),
            live=bool(cols.live[j]),
            value_score=float(cols.value_score[j]) if comps and self.wanted else row.value_score,
            credits=max_credits,
            counts_toward=counts,
            competency_hours=hours,
            practice_improvement=row.practice_improvement,
            travel=bool(cols.travel[j]),
            state=row.state,
            delivery=row.delivery,
        )


def _candidate_table(
    prepared: PreparedCatalog,
    rows: IntArray,
    counted: FloatArray,
    keys: list[str],
    targets: Mapping[str, float],
    wanted: frozenset[str],
    home_state: str,
) -> CandidateTable:
    """The candidates of catalog rows ``rows`` as columns (see :class:`CandidateTable`):
    the per-row rules of the module docstring, applied to whole columns."""
    n = len(rows)
    max_credits = prepared.max_credits[rows]
    # paid days, live, travel (paid_days)
    in_person = prepared.in_person[rows]
    attended = in_person | prepared.hybrid[rows]
    span = prepared.span[rows]
    need_days = np.ceil(max_credits / HOURS_PER_DAY)
    used = np.maximum(1.0, np.minimum(np.minimum(span, need_days), float(MAX_DAYS)))
    travel = np.zeros(n, dtype=np.bool_)
    if home_state:
        state = prepared.state[rows]
        travel = in_person & (state != _state_id(prepared, ""))
        travel &= state != _state_id(prepared, home_state)
    days = np.where(attended, used + travel, 0.0)
    live = attended & (span <= LIVE_SPAN_DAYS)
    # competency hours: the credits spread evenly over the row's competencies
    n_comps = prepared.n_comps[rows]
    share = np.where(n_comps > 0, max_credits / np.maximum(n_comps, 1), 0.0)
    has_share = share > 0
    codes = tuple(targets)
    hours = np.zeros((n, len(codes)), dtype=np.float64)
    row_bits = prepared.competencies[rows]
    for j, code in enumerate(codes):
        bit = _COMPETENCY_BIT.get(code)
        if bit is not None:
            member = (row_bits & bit) != 0
        else:  # a code outside the vocabulary: no bit, look it up
            member = np.fromiter((code in prepared.comps[i] for i in rows.tolist()), np.bool_, n)
        hours[:, j] = np.where(member & has_share, share, 0.0)
    # what each row counts toward each need (a key named twice: the later positive value)
    need_keys = tuple(dict.fromkeys(keys))
    need_cols = np.zeros((n, len(need_keys)), dtype=np.float64)
    where = {key: k for k, key in enumerate(need_keys)}
    for k, key in enumerate(keys):
        col = need_cols[:, where[key]]
        need_cols[:, where[key]] = np.where(counted[k] > 0, counted[k], col)
    columns = CandidateColumns(
        start=prepared.start[rows],
        end=prepared.end[rows],
        cost=prepared.cost[rows],
        days=days,
        credits=max_credits,
        value_score=_goal_scores(prepared, rows, wanted),
        live=live,
        pi=prepared.pi[rows],
        travel=travel,
        comps=codes,
        hours=hours,
        need_keys=need_keys,
        need_hours=need_cols,
    )
    source = _RowSource(prepared, rows, counted, tuple(keys), targets, wanted, columns)
    return CandidateTable(columns, source)


def _state_id(prepared: PreparedCatalog, state: str) -> int:
    try:
        return prepared.states.index(state)
    except ValueError:
        return -1
