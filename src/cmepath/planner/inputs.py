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
from cmepath.planner.problem import BudgetPeriod, Candidate, Need, Problem

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
    keys = [s.need.key for s in specs]
    career: dict[frozenset[str], float] = {}
    candidates: list[Candidate] = []
    index = rows.tolist()
    max_list = prepared.max_credits[rows].tolist()
    span_list = prepared.span[rows].tolist()
    counted_list = counted.T.tolist() if keys else [[]] * total
    for j, i in enumerate(index):
        if j % PROGRESS_EVERY == 0 and j:
            progress(PROGRESS_STEP, j, total)
        row = prepared.rows[i]
        comps = prepared.comps[i]
        max_credits = max_list[j]
        share = max_credits / len(comps) if comps else 0.0
        hours = {c: share for c in comps if c in targets} if share > 0 else {}
        counts = {keys[k]: v for k, v in enumerate(counted_list[j]) if v > 0}
        if comps and wanted:
            value = career.get(row.competencies)
            if value is None:
                value = career[row.competencies] = _career_value(row.competencies, wanted)
            score = row.value_score + 100.0 * CAREER_SHARE * (value - NEUTRAL_CAREER)
            score = round(min(100.0, max(0.0, score)), 1)
        else:
            score = row.value_score
        used, live, travel = _days(row, span_list[j], max_credits, home_state)
        candidates.append(
            Candidate(
                id=row.id,
                title=row.title,
                start=row.start,
                end=row.end,
                cost=row.cost,
                days=used,
                live=live,
                value_score=score,
                credits=max_credits,
                counts_toward=counts,
                competency_hours=hours,
                practice_improvement=row.practice_improvement,
                travel=travel,
                state=row.state,
                delivery=row.delivery,
            )
        )
    progress(PROGRESS_STEP, total, total)
    return Problem(
        as_of=as_of,
        horizon_end=end,
        candidates=tuple(candidates),
        needs=tuple(s.need for s in specs),
        budgets=budget_periods(as_of, end, money=money, days=days),
        goal=goal.problem_goal(),
        review_date=review_date if review_date is not None and review_date >= as_of else None,
        time_limit_s=time_limit_s,
        mip_gap=mip_gap,
    )
