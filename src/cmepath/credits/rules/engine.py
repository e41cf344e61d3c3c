"""Evaluate a clinician's completions against every regime that applies to them.

Pure and deterministic: the same profile, completions, date and rules give the same
:class:`Evaluation` whatever the order of the completions (they are sorted by date and id
first, and hours are summed with ``math.fsum``). One completion may count toward any number
of regimes; weighting (NCCPA's PI-CME and SA-CME) is declared per regime, so it changes that
regime's count and no other.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from math import fsum
from operator import attrgetter
from typing import TypeVar

from cmepath.core.vocabulary import STATES
from cmepath.credits.rules.boards import Authority, board_directory
from cmepath.credits.rules.loader import default_rules
from cmepath.credits.rules.model import (
    BoardCert,
    ClinicianProfile,
    Completion,
    CredentialKind,
    CredentialResult,
    Evaluation,
    Licence,
    RegimeResult,
    RequirementResult,
    Status,
)
from cmepath.credits.rules.spec import NO_CONDITIONS, Conditions, Regime, Requirement

DEFAULT_AT_RISK_DAYS = 90
_COMPLETION_ORDER = attrgetter("completed_on", "id", "title")
_EPS = 1e-9
_ONE_DAY = timedelta(days=1)
_K = TypeVar("_K")


# -- dates ------------------------------------------------------------------------------------


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_days(year: int, month: int) -> int:
    """Days in the month (a table; ``calendar.monthrange`` also works out the weekday)."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month - 1]


@functools.lru_cache(maxsize=1 << 16)
def add_months(d: date, months: int) -> date:
    """Shift by whole months; a month-end date stays a month-end date (cached: hot path)."""
    is_month_end = d.day == _month_days(d.year, d.month)
    years, month0 = divmod(d.month - 1 + months, 12)
    year, month = d.year + years, month0 + 1
    last = _month_days(year, month)
    return date(year, month, last if is_month_end else min(d.day, last))


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


def _fmt_h(hours: float) -> str:
    return f"{hours:g}"


# -- rule index -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleIndex:
    """Rules grouped for quick lookup, so a clinician's regimes cost a few dict lookups.

    ``by_licence``: (state, licence type) -> licence regimes; ``by_cert``: (board, profile
    profession) -> board and certification regimes; ``federal``: profession -> federal
    regimes; ``dea``: profession -> ids of the federal regimes a DEA registration brings
    (a requirement conditioned on ``dea_registered: true``). ``by_state`` and ``by_board``
    group the same regimes by state and board alone (coverage tables).
    """

    rules: tuple[Regime, ...]
    by_state: dict[str, tuple[Regime, ...]]
    by_board: dict[str, tuple[Regime, ...]]
    by_licence: dict[tuple[str, str], tuple[Regime, ...]]
    by_cert: dict[tuple[str, str], tuple[Regime, ...]]
    federal: dict[str, tuple[Regime, ...]]
    dea: dict[str, tuple[str, ...]]
    licence_ids: dict[tuple[str, str], tuple[str, ...]]  # by_licence, as regime ids
    cert_ids: dict[tuple[str, str], tuple[str, ...]]  # by_cert, as regime ids


_INDEX_CACHE: dict[int, RuleIndex] = {}


def _group(pairs: Iterable[tuple[_K, Regime]]) -> dict[_K, tuple[Regime, ...]]:
    grouped: dict[_K, list[Regime]] = {}
    for key, regime in pairs:
        grouped.setdefault(key, []).append(regime)
    return {key: tuple(found) for key, found in grouped.items()}


def compile_rules(rules: Sequence[Regime]) -> RuleIndex:
    """Index rules once; evaluate() caches the index per rules tuple."""
    ordered = tuple(sorted(rules, key=lambda r: r.id))
    licence: list[Regime] = []
    boards: list[Regime] = []
    federal: list[Regime] = []
    for regime in ordered:
        if regime.kind == "licence" and regime.applies_to.licence_state:
            licence.append(regime)
        elif regime.applies_to.board:
            boards.append(regime)
        else:
            federal.append(regime)
    professions = sorted({p for r in ordered for p in r.applies_to.professions})
    by_licence = _group(
        ((str(r.applies_to.licence_state), p), r)
        for r in licence
        for p in sorted(r.applies_to.professions)
    )
    by_cert = _group(
        ((str(r.applies_to.board), p), r) for r in boards for p in sorted(r.applies_to.professions)
    )
    return RuleIndex(
        rules=ordered,
        by_state=_group((str(r.applies_to.licence_state), r) for r in licence),
        by_board=_group((str(r.applies_to.board), r) for r in boards),
        by_licence=by_licence,
        by_cert=by_cert,
        licence_ids={key: tuple(r.id for r in group) for key, group in by_licence.items()},
        cert_ids={key: tuple(r.id for r in group) for key, group in by_cert.items()},
        federal=_group((p, r) for r in federal for p in sorted(r.applies_to.professions)),
        dea={
            p: ids
            for p in professions
            if (
                ids := tuple(
                    r.id
                    for r in federal
                    if p in r.applies_to.professions
                    and any(q.conditions.dea_registered for q in r.requirements)
                )
            )
        },
    )


def _index(rules: Sequence[Regime] | RuleIndex) -> RuleIndex:
    if isinstance(rules, RuleIndex):
        return rules
    cached = _INDEX_CACHE.get(id(rules))
    if cached is not None and cached.rules == tuple(sorted(rules, key=lambda r: r.id)):
        return cached
    index = compile_rules(rules)
    if isinstance(rules, tuple):
        _INDEX_CACHE[id(rules)] = index
    return index


# -- per-regime context -----------------------------------------------------------------------


class _Pool:
    """One clinician's completions, sorted, with per-evaluation lookups reused by every regime.

    ``hours(types)``: each completion's hours toward a credit-type set (largest accepted
    credit). ``with_topics(topics)``: indices of completions tagged with any of the topics.
    Both are computed once per evaluation and cached per type set / topic set: a clinician's
    regimes ask for the same few sets again and again.
    """

    __slots__ = ("_by_topic", "_hours", "_split", "_topics", "comps", "dates")

    def __init__(self, comps: list[Completion]) -> None:
        self.comps = comps
        self.dates = [c.completed_on for c in comps]
        self._hours: dict[frozenset[str] | None, list[float]] = {}
        self._split: (
            tuple[list[tuple[str, float]], list[tuple[int, list[tuple[str, float]]]]] | None
        ) = None
        self._by_topic: dict[str, list[int]] | None = None
        self._topics: dict[frozenset[str], list[int]] = {}

    def hours(self, types: frozenset[str] | None) -> list[float]:
        found = self._hours.get(types)
        if found is not None:
            return found
        split = self._split
        if split is None:
            split = self._split = self._split_credits()
        singles, multi = split
        # Most completions carry one credit type: one comprehension for them all, then the
        # few with several types take the largest accepted value.
        if types is None:  # every credit type counts: the largest positive credit
            found = [value for _, value in singles]
            for i, items in multi:
                found[i] = max(value for _, value in items)
        else:
            found = [value if credit_type in types else 0.0 for credit_type, value in singles]
            for i, items in multi:
                best = 0.0
                for credit_type, value in items:
                    if value > best and credit_type in types:
                        best = value
                found[i] = best
        self._hours[types] = found
        return found

    def _split_credits(
        self,
    ) -> tuple[list[tuple[str, float]], list[tuple[int, list[tuple[str, float]]]]]:
        """Each completion's single positive credit (or ("", 0.0)), and the completions with
        several positive credits. A value <= 0 never beats the 0.0 start, so it is dropped."""
        singles: list[tuple[str, float]] = []
        multi: list[tuple[int, list[tuple[str, float]]]] = []
        none = ("", 0.0)
        for i, c in enumerate(self.comps):
            credits = c.credits
            if len(credits) == 1:
                item = next(iter(credits.items()))
                singles.append(item if item[1] > 0 else none)
                continue
            positive = [(t, v) for t, v in credits.items() if v > 0]
            if len(positive) == 1:
                singles.append(positive[0])
            else:
                singles.append(none)
                if positive:
                    multi.append((i, positive))
        return singles, multi

    def with_topics(self, topics: frozenset[str]) -> list[int]:
        by_topic = self._by_topic
        if by_topic is None:
            by_topic = {}
            for i, c in enumerate(self.comps):
                for topic in c.topics:
                    by_topic.setdefault(topic, []).append(i)
            self._by_topic = by_topic
        if len(topics) == 1:
            return by_topic.get(next(iter(topics)), [])
        found = self._topics.get(topics)
        if found is None:
            found = sorted({i for t in topics for i in by_topic.get(t, ())})
            self._topics[topics] = found
        return found


@dataclass(slots=True)  # private and never changed: not frozen, whose __init__ is slower
class _Ctx:
    profile: ClinicianProfile
    regime: Regime
    as_of: date
    at_risk_days: int
    licence: Licence | None
    cert: BoardCert | None
    cycle_start: date | None
    cycle_end: date | None
    renewal_number: int | None
    issue_date: date | None
    pool: _Pool
    picked: dict[str, tuple[list[int], list[float]]] | None = None  # for in_addition_to


def _next_end_on_or_after(known_end: date, length: int, as_of: date) -> date:
    end = known_end
    while end < as_of:
        end = add_months(end, length)
    while add_months(end, -length) >= as_of:
        end = add_months(end, -length)
    return end


def _cycle(
    regime: Regime,
    profile: ClinicianProfile,
    licence: Licence | None,
    cert: BoardCert | None,
    as_of: date,
) -> tuple[date | None, date | None]:
    cycle = regime.cycle
    length = cycle.length_months
    end: date | None = None
    start: date | None = None
    if cycle.anchor == "none":
        return None, None
    if cycle.anchor == "fixed" and cycle.fixed_end is not None:
        end = _next_end_on_or_after(cycle.fixed_end, length, as_of)
    elif cycle.anchor == "certification" and cert is not None:
        end, start = cert.cycle_end, cert.cycle_start
    elif licence is not None and licence.expiry_date is not None:
        end = licence.expiry_date
    elif cycle.anchor == "birth_month" and profile.birth_date is not None:
        month = profile.birth_date.month
        year = as_of.year
        end = date(year, month, _month_days(year, month))
        if end < as_of:
            end = date(year + 1, month, _month_days(year + 1, month))
    if end is not None and start is None:
        start = add_months(end, -length) + _ONE_DAY
    return start, end


def _renewal_number(regime: Regime, end: date | None, issue: date | None) -> int | None:
    """Which renewal the cycle ending at ``end`` is: 1 for the first renewal after issue.

    That is the number of cycle ends (``end``, ``end`` - length, ...) falling after issue.
    """
    if end is None or issue is None or regime.kind != "licence" or issue >= end:
        return None
    length = regime.cycle.length_months
    months = (end.year - issue.year) * 12 + end.month - issue.month
    n = max(1, months // length - 1)
    while add_months(end, -n * length) > issue:
        n += 1
    while n > 1 and add_months(end, -(n - 1) * length) <= issue:
        n -= 1
    return n


# -- counting ---------------------------------------------------------------------------------


def _count(
    ctx: _Ctx, req: Requirement, start: date | None, end: date | None
) -> tuple[float, list[int], list[float], list[str]]:
    """Hours toward ``req`` from completions dated in [start, end]; also the indices of the
    completions counted, each completion's hours toward ``req``, and notes.

    A completion's hours toward a requirement are its largest credit among the accepted
    types (one activity designated for AMA PRA 1 and ANCC is one hour, not two).
    """
    pool = ctx.pool
    lo = 0 if start is None else bisect_left(pool.dates, start)
    hi = len(pool.dates) if end is None else bisect_right(pool.dates, end)
    hours = pool.hours(req.credit_types)
    comps = pool.comps
    candidates: Sequence[int]
    if req.topics:  # sorted indices of the tagged completions, cut to [lo, hi)
        tagged = pool.with_topics(req.topics)
        candidates = tagged[bisect_left(tagged, lo) : bisect_left(tagged, hi)]
    else:
        candidates = range(lo, hi)
    exclude = req.exclude_topics
    if exclude:
        picked = [i for i in candidates if hours[i] > 0 and exclude.isdisjoint(comps[i].topics)]
    else:
        picked = [i for i in candidates if hours[i] > 0]
    total = fsum([hours[i] for i in picked])
    notes: list[str] = []
    if req.weighted and ctx.regime.weighting:
        for w in ctx.regime.weighting:
            weighted_base = fsum(
                hours[i]
                for i in picked
                if not w.kinds.isdisjoint(comps[i].kinds)
                or any(t in comps[i].credits for t in w.credit_types)
            )
            if weighted_base <= 0:
                continue
            if w.cap_hours is not None:
                weighted_base = min(weighted_base, w.cap_hours)
            bonus = weighted_base * (w.factor - 1.0)
            total += bonus
            notes.append(f"{w.label or 'weighting'}: +{round(bonus, 4):g} h")
    return total, picked, hours, notes


# -- conditions -------------------------------------------------------------------------------


def _not_applicable_reason(ctx: _Ctx, cond: Conditions) -> str:
    profile, licence = ctx.profile, ctx.licence
    if cond.dea_registered is not None:
        dea = licence.dea_registered if licence is not None else profile.dea_registered
        if cond.dea_registered and not dea:
            return "applies only to DEA registrants (prescribers of controlled substances)"
        if not cond.dea_registered and dea:
            return "applies only to licensees without a DEA registration"
    if cond.direct_patient_care is not None:
        dpc = (
            licence.direct_patient_care
            if licence is not None
            else any(lic.direct_patient_care for lic in profile.licences)
        )
        if cond.direct_patient_care and not dpc:
            return "applies only to licensees in direct patient care"
        if not cond.direct_patient_care and dpc:
            return "applies only to licensees not in direct patient care"
    if cond.patients_65_plus_share_over is not None:
        share = profile.patients_65_plus_share
        threshold = cond.patients_65_plus_share_over
        if share is None or share <= threshold:
            known = "unknown" if share is None else f"{share:.0%}"
            return f"applies only when more than {threshold:.0%} of patients are aged 65+ (yours: {known})"
    if cond.specialties_any and cond.specialties_any.isdisjoint(profile.specialties):
        return "applies only to specialties: " + ", ".join(sorted(cond.specialties_any))
    if cond.specialties_none:
        exempt = cond.specialties_none & profile.specialties
        if exempt:
            return "specialty exempt: " + ", ".join(sorted(exempt))
    if cond.endorsements_any:
        held = licence.endorsements if licence is not None else frozenset()
        if cond.endorsements_any.isdisjoint(held):
            return "applies only to licences endorsed as: " + ", ".join(
                sorted(cond.endorsements_any)
            )
    if cond.board_specialties_none:
        board_exempt = cond.board_specialties_none & {
            c.specialty for c in profile.board_certifications
        }
        if board_exempt:
            return "exempt by board certification in " + ", ".join(sorted(board_exempt))
    n = ctx.renewal_number
    if cond.renewal_number_max is not None and (n is None or n > cond.renewal_number_max):
        which = "licence issue date unknown" if n is None else f"this is renewal {n}"
        return f"applies only up to renewal {cond.renewal_number_max} ({which})"
    if cond.renewal_number_min is not None and n is not None and n < cond.renewal_number_min:
        return f"applies from renewal {cond.renewal_number_min} (this is renewal {n})"
    if cond.licensed_on_or_after is not None and (
        ctx.issue_date is None or ctx.issue_date < cond.licensed_on_or_after
    ):
        return (
            f"applies only to licences issued on or after {cond.licensed_on_or_after.isoformat()}"
        )
    if (
        cond.licensed_before is not None
        and ctx.issue_date is not None
        and ctx.issue_date >= cond.licensed_before
    ):
        return f"applies only to licences issued before {cond.licensed_before.isoformat()}"
    return ""


# -- one requirement --------------------------------------------------------------------------


def _status(short: float, deadline: date | None, ctx: _Ctx) -> tuple[Status, str, date | None]:
    """Status from the hours still ``short``, a sentence about timing, and the end of any
    cure period."""
    if short <= _EPS:
        return "met", "", None
    if deadline is None:
        return "unmet", "", None
    cure_days = ctx.regime.cure_period_days
    cure_until = deadline + timedelta(days=cure_days) if cure_days else None
    days_left = (deadline - ctx.as_of).days
    if days_left < 0:
        if cure_until is not None and ctx.as_of <= cure_until:
            return (
                "at_risk",
                f"deadline passed; cure period runs until {cure_until.isoformat()}",
                cure_until,
            )
        return "unmet", f"overdue since {deadline.isoformat()}", cure_until
    timing = f"due {deadline.isoformat()} ({days_left} days)"
    if cure_until is not None:
        timing += f"; a {cure_days}-day cure period follows"
    if days_left <= ctx.at_risk_days:
        return "at_risk", timing, cure_until
    return "unmet", timing, cure_until


def _one_time_deadline(ctx: _Ctx, req: Requirement) -> date | None:
    spec = req.deadline
    if spec is None:
        return None
    parts: list[date] = []
    length = ctx.regime.cycle.length_months
    if spec.by_renewal is not None and ctx.renewal_number is not None and ctx.cycle_end is not None:
        first_end = add_months(ctx.cycle_end, -(ctx.renewal_number - 1) * length)
        parts.append(add_months(first_end, (spec.by_renewal - 1) * length))
    if spec.within_years_of_licensure is not None and ctx.issue_date is not None:
        parts.append(add_years(ctx.issue_date, spec.within_years_of_licensure))
    if spec.at_licensure and ctx.issue_date is not None:
        parts.append(ctx.issue_date)
    registered = ctx.profile.dea_registration_date
    if spec.dea_renewal_on_or_after is not None and registered is not None:
        due, k = registered, 0
        while due < spec.dea_renewal_on_or_after and k < 100:
            k += 1
            due = add_months(registered, k * spec.dea_renewal_months)
        parts.append(due)
    if spec.by_date is not None:
        parts.append(spec.by_date)
    if spec.renewal_on_or_after is not None and ctx.cycle_end is not None and length:
        due = _next_end_on_or_after(ctx.cycle_end, length, spec.renewal_on_or_after)
        while ctx.issue_date is not None and due <= ctx.issue_date:
            due = add_months(due, length)
        parts.append(due)
    return min(parts) if parts else None


def _missing_deadline_inputs(ctx: _Ctx, req: Requirement) -> str:
    """What the profile lacks to date a one-time requirement ("" when nothing is missing)."""
    spec = req.deadline
    if spec is None:
        return ""
    missing: list[str] = []
    needs_issue = (
        spec.by_renewal is not None
        or spec.within_years_of_licensure is not None
        or spec.at_licensure
    )
    if needs_issue and ctx.issue_date is None:
        missing.append("the licence's issue date (or the date of first licensure)")
    if (spec.by_renewal is not None or spec.renewal_on_or_after is not None) and (
        ctx.cycle_end is None
    ):
        missing.append("the licence's expiry date")
    if spec.dea_renewal_on_or_after is not None and ctx.profile.dea_registration_date is None:
        missing.append("the DEA registration date")
    return " and ".join(missing)


def _na(req: Requirement, reason: str, deadline: date | None = None) -> RequirementResult:
    return RequirementResult(
        id=req.id,
        label=req.label,
        status="not_applicable",
        hours_counted=0.0,
        hours_needed=req.hours,
        deadline=deadline,
        counted_completion_ids=(),
        explanation=f"Not applicable: {reason}.",
        reason_not_applicable=reason,
    )


def _window(ctx: _Ctx, req: Requirement) -> tuple[date | None, date | None, date | None, str]:
    """The counting window [start, end] of a per-cycle or rolling requirement, its
    deadline and a sentence about it."""
    end = ctx.cycle_end
    if req.frequency == "rolling_years" or req.frequency == "rolling_months":
        anchor = end or ctx.as_of
        if req.frequency == "rolling_years":
            start = add_years(anchor, -req.rolling_years) + _ONE_DAY
            span = f"{req.rolling_years} years"
        else:
            start = add_months(anchor, -req.rolling_months) + _ONE_DAY
            span = f"{req.rolling_months} months"
        return start, anchor, end, f"counted in the {span} to {anchor.isoformat()}"
    if end is None:
        length = ctx.regime.cycle.length_months
        today = ctx.as_of
        return (
            add_months(today, -length) + _ONE_DAY if length else None,
            today,
            None,
            "cycle end unknown (add the licence expiry date): counted the last cycle length to today",
        )
    first = ctx.cycle_start
    return first, end, end, f"cycle {first.isoformat() if first else '?'} to {end.isoformat()}"


def _months_licensed(issue: date, end: date) -> int:
    """Whole months from ``issue`` to the end of day ``end``."""
    stop = end + _ONE_DAY
    months = (stop.year - issue.year) * 12 + stop.month - issue.month
    while months > 0 and add_months(issue, months) > stop:
        months -= 1
    return months


def _first_renewal_hours(ctx: _Ctx, req: Requirement) -> tuple[float, str] | None:
    """Reduced hours (and why) when the licence was issued inside the current cycle."""
    spec = req.first_renewal
    issue, start, end = ctx.issue_date, ctx.cycle_start, ctx.cycle_end
    if spec is None or issue is None or start is None or end is None:
        return None
    if not start <= issue <= end:
        return None
    months = _months_licensed(issue, end)
    length = ctx.regime.cycle.length_months
    why = f"first renewal: licence issued {issue.isoformat()}, {months} months before the cycle end"
    if spec.no_hours_within_months is not None and months < spec.no_hours_within_months:
        return 0.0, f"{why} (under {spec.no_hours_within_months}), so no hours are required"
    for at_least, hours in spec.steps:
        if months >= at_least:
            return hours, f"{why}: {_fmt_h(hours)} h"
    if spec.prorate and length:
        exact = req.hours * months / length
        if spec.rounding == "down":
            hours = float(int(exact + _EPS))
        elif spec.rounding == "up":
            hours = float(-int(-(exact - _EPS) // 1))
        elif spec.rounding == "nearest":
            hours = float(int(exact + 0.5 + _EPS))
        else:
            hours = round(exact, 2)
        hours = min(hours, req.hours)
        return hours, (
            f"{why}: prorated to {_fmt_h(hours)} h ({_fmt_h(req.hours)} h x {months}/{length} months)"
        )
    return None


def _current_cert(ctx: _Ctx, boards: frozenset[str]) -> tuple[BoardCert | None, str]:
    """A current certification from one of ``boards``, or a hint when one lacks its dates."""
    hint = ""
    for cert in ctx.profile.board_certifications:
        if cert.board in boards:
            if cert.cycle_end is None:
                hint = (
                    f"a {cert.board} certification is on file without its cycle end: add it "
                    "to count the certification"
                )
            elif cert.cycle_end >= ctx.as_of:
                return cert, ""
    return None, hint


def _ids(comps: list[Completion], picked: Iterable[int]) -> tuple[str, ...]:
    return tuple(sorted({comps[i].id for i in picked}))


def _finish(
    ctx: _Ctx,
    req: Requirement,
    counted: float,
    needed: float,
    deadline: date | None,
    ids: tuple[str, ...],
    window_note: str,
    notes: list[str],
    *,
    live: float | None = None,
    met_by: str = "",
) -> RequirementResult:
    """The result sentence and status, shared by every kind of requirement."""
    counted = round(counted, 4)
    short = needed - counted
    live_short = 0.0
    if live is not None:
        live_short = req.live_hours_min - live
        short = max(short, live_short)
    if met_by:
        short = 0.0
    status, timing, _cure = _status(short, deadline, ctx)
    parts = [met_by] if met_by else []
    parts.append(f"{_fmt_h(counted)} of {_fmt_h(needed)} h counted ({window_note})")
    parts.extend(notes)
    if live is not None:
        parts.append(f"{_fmt_h(round(live, 4))} of at least {_fmt_h(req.live_hours_min)} h live")
    if status != "met":
        if needed - counted > _EPS:
            parts.append(f"{_fmt_h(round(needed - counted, 4))} h still needed")
        if live_short > _EPS:
            parts.append(f"{_fmt_h(round(live_short, 4))} live h still needed")
    if timing:
        parts.append(timing)
    if req.note:
        parts.append(req.note)
    return RequirementResult(
        id=req.id,
        label=req.label,
        status=status,
        hours_counted=counted,
        hours_needed=needed,
        deadline=deadline,
        counted_completion_ids=ids,
        explanation="; ".join(parts) + ".",
    )


def _live_hours(ctx: _Ctx, picked: list[int], hours: list[float]) -> float:
    comps = ctx.pool.comps
    return fsum(hours[i] for i in picked if "live" in comps[i].kinds)


def _evaluate_any_of(ctx: _Ctx, req: Requirement) -> RequirementResult:
    """Met when any one alternative is met; else reports the one closest to being met."""
    comps = ctx.pool.comps
    tried: list[
        tuple[bool, float, Requirement, float, list[int], str, list[str], float | None]
    ] = []
    for alt in req.any_of:
        start, end, _deadline, note = _window(ctx, alt)
        counted, picked, hours, notes = _count(ctx, alt, start, end)
        counted = round(counted, 4)
        live = _live_hours(ctx, picked, hours) if alt.live_hours_min else None
        met = counted + _EPS >= alt.hours and (live is None or live + _EPS >= alt.live_hours_min)
        share = counted / alt.hours if alt.hours else 1.0
        tried.append((met, share, alt, counted, picked, note, notes, live))
    chosen = next((t for t in tried if t[0]), None)
    if chosen is None:
        chosen = max(tried, key=lambda t: t[1])  # first of equals: the order of the file
    _met, _share, alt, counted, picked, note, notes, live = chosen
    options = "; ".join(
        f"option {n}: {_fmt_h(t[3])} of {_fmt_h(t[2].hours)} h ({t[2].label})"
        for n, t in enumerate(tried, start=1)
    )
    lead = f"any one of {len(tried)} options; " + (
        f"met by {alt.label}" if chosen[0] else f"closest: {alt.label}"
    )
    met_by = ""
    if req.satisfied_by_certification:
        cert, _hint = _current_cert(ctx, req.satisfied_by_certification)
        if cert is not None and cert.cycle_end is not None:
            met_by = (
                f"met by current {cert.board} certification (cycle ends "
                f"{cert.cycle_end.isoformat()})"
            )
    result = _finish(
        ctx,
        alt,
        counted,
        alt.hours,
        ctx.cycle_end,
        _ids(comps, picked),
        note,
        [*notes, options],
        live=live,
        met_by=met_by,
    )
    return RequirementResult(
        id=req.id,
        label=req.label,
        status=result.status,
        hours_counted=result.hours_counted,
        hours_needed=result.hours_needed,
        deadline=result.deadline,
        counted_completion_ids=result.counted_completion_ids,
        explanation=f"{lead}: {result.explanation}" + (f" {req.note}." if req.note else ""),
    )


def _evaluate_requirement(ctx: _Ctx, req: Requirement) -> RequirementResult:
    if ctx.regime.exempt_first_renewal and ctx.renewal_number == 1:
        return _na(req, "no continuing education is required at the first renewal")
    if req.conditions is not NO_CONDITIONS:
        reason = _not_applicable_reason(ctx, req.conditions)
        if reason:
            return _na(req, reason)
    if req.any_of:
        return _evaluate_any_of(ctx, req)

    length = ctx.regime.cycle.length_months
    needed = req.hours
    notes: list[str] = []
    if req.first_renewal is not None:
        reduced = _first_renewal_hours(ctx, req)
        if reduced is not None:
            needed, why = reduced
            if needed <= 0:
                return _na(req, why, ctx.cycle_end)
            notes.append(why)

    start: date | None
    end: date | None
    deadline: date | None
    if req.frequency == "one_time":
        start, end = req.completed_on_or_after, ctx.as_of
        deadline = _one_time_deadline(ctx, req)
        window_note = (
            "one-time requirement: any completion to date counts"
            if start is None
            else f"one-time requirement: completions on or after {start.isoformat()} count"
        )
        missing = _missing_deadline_inputs(ctx, req)
        if missing:
            when = "deadline unknown" if deadline is None else "the deadline may be earlier"
            window_note += f"; {when}: add {missing}"
    elif req.frequency == "every_n_cycles":
        end = ctx.cycle_end
        n, every, first = ctx.renewal_number, req.every_n_cycles, req.first_due_renewal
        if n is not None and (n < first or (n - first) % every):
            next_due = first if n < first else n + every - (n - first) % every
            next_end = add_months(end, (next_due - n) * length) if end else None
            when = f", cycle ending {next_end.isoformat()}" if next_end else ""
            return _na(
                req, f"due every {every} renewals; next due at renewal {next_due}{when}", next_end
            )
        deadline = end
        anchor = end or ctx.as_of
        start = add_months(anchor, -every * length) + _ONE_DAY
        end = anchor
        window_note = (
            f"counted over the last {every} cycles ({start.isoformat()} to {anchor.isoformat()})"
        )
    else:
        end = ctx.cycle_end
        if req.frequency == "per_cycle" and end is not None:  # the usual case, inline
            start = ctx.cycle_start
            deadline = end
            window_note = f"cycle {start.isoformat() if start else '?'} to {end.isoformat()}"
        else:
            start, end, deadline, window_note = _window(ctx, req)

    counted, picked, hours, count_notes = _count(ctx, req, start, end)
    notes.extend(count_notes)
    comps = ctx.pool.comps
    ids_from: list[int] = picked
    if req.carry_forward_max > 0 and req.frequency == "per_cycle" and start is not None:
        prev_end = start - _ONE_DAY
        prev_start = add_months(start, -length)
        prev, prev_picked, _, _ = _count(ctx, req, prev_start, prev_end)
        carried = min(req.carry_forward_max, max(0.0, prev - needed))
        if carried > 0:
            counted += carried
            ids_from = prev_picked + picked
            notes.append(
                f"carried forward {_fmt_h(round(carried, 4))} h of excess from the previous cycle "
                f"(max {_fmt_h(req.carry_forward_max)})"
            )
    if ctx.picked is not None:
        ctx.picked[req.id] = (picked, hours)
    live = _live_hours(ctx, picked, hours) if req.live_hours_min else None
    met_by = ""
    if req.satisfied_by_certification:
        cert, hint = _current_cert(ctx, req.satisfied_by_certification)
        if cert is not None and cert.cycle_end is not None:
            met_by = (
                f"met by current {cert.board} certification (cycle ends "
                f"{cert.cycle_end.isoformat()})"
            )
        else:
            notes.append(
                hint
                or "current "
                + " or ".join(sorted(req.satisfied_by_certification))
                + " certification would also satisfy it"
            )
    return _finish(
        ctx,
        req,
        counted,
        needed,
        deadline,
        _ids(comps, ids_from),
        window_note,
        notes,
        live=live,
        met_by=met_by,
    )


def _set_aside(
    ctx: _Ctx, regime: Regime, results: tuple[RequirementResult, ...]
) -> tuple[RequirementResult, ...]:
    """``in_addition_to``: hours an add-on requirement uses do not also count toward the
    requirements it is in addition to.

    The add-on takes its hours first from completions that count toward it only, then from
    completions that count toward both; what it takes of the shared ones is removed from the
    other requirement's count. A requirement met by certification is left as it is.
    """
    picked = ctx.picked
    assert picked is not None
    by_id = {r.id: n for n, r in enumerate(results)}
    out = list(results)
    for req in regime.requirements:
        addon = out[by_id[req.id]]
        if not req.in_addition_to or addon.status == "not_applicable" or req.id not in picked:
            continue
        a_picked, a_hours = picked[req.id]
        for other_id in req.in_addition_to:
            target = out[by_id[other_id]]
            if other_id not in picked or target.status == "not_applicable":
                continue
            if target.explanation.startswith("met by current"):
                continue
            t_picked, t_hours = picked[other_id]
            in_target = set(t_picked)
            own = fsum(a_hours[i] for i in a_picked if i not in in_target)
            shared = fsum(min(a_hours[i], t_hours[i]) for i in a_picked if i in in_target)
            taken = min(max(0.0, addon.hours_needed - own), shared)
            if taken <= _EPS:
                continue
            other = next(r for r in regime.requirements if r.id == other_id)
            window = (
                f"{_fmt_h(round(taken, 4))} h set aside for '{addon.label}', which is in "
                f"addition to these hours; {_fmt_h(target.hours_counted)} h before that"
            )
            out[by_id[other_id]] = _finish(
                ctx,
                other,
                max(0.0, target.hours_counted - taken),
                target.hours_needed,
                target.deadline,
                target.counted_completion_ids,
                window,
                [],
            )
    return tuple(out)


# -- regimes ----------------------------------------------------------------------------------


def _licence_rank(lic: Licence) -> tuple[date, str]:
    """Of several licences a regime applies to, it follows the one expiring last."""
    return lic.expiry_date or date.min, lic.number


def _cert_rank(cert: BoardCert) -> tuple[date, str]:
    return cert.cycle_end or date.min, cert.specialty


_Target = tuple[Regime, Licence | None, BoardCert | None]


def _targets(
    index: RuleIndex, profile: ClinicianProfile
) -> tuple[
    list[_Target],
    list[tuple[Licence, tuple[str, ...]]],
    list[tuple[BoardCert, tuple[str, ...]]],
]:
    """The regimes that apply (each with the licence or certification it follows), sorted
    by id; and each licence and certification with the ids of the regimes that cover it."""
    followed: dict[str, tuple[Regime, Licence]] = {}
    licences = []
    for lic in profile.licences:
        key = (lic.state, lic.profession)
        regimes = index.by_licence.get(key, ())
        licences.append((lic, index.licence_ids.get(key, ())))
        for regime in regimes:
            held = followed.get(regime.id)
            if held is None or _licence_rank(lic) > _licence_rank(held[1]):
                followed[regime.id] = (regime, lic)
    certified: dict[str, tuple[Regime, BoardCert]] = {}
    certs = []
    for cert in profile.board_certifications:
        key = (cert.board, profile.profession)
        regimes = index.by_cert.get(key, ())
        certs.append((cert, index.cert_ids.get(key, ())))
        for regime in regimes:
            had = certified.get(regime.id)
            if had is None or _cert_rank(cert) > _cert_rank(had[1]):
                certified[regime.id] = (regime, cert)
    chosen: dict[str, _Target] = {key: (r, lic, None) for key, (r, lic) in followed.items()}
    chosen.update((key, (r, None, cert)) for key, (r, cert) in certified.items())
    chosen.update((r.id, (r, None, None)) for r in index.federal.get(profile.profession, ()))
    return [chosen[key] for key in sorted(chosen)], licences, certs


_IN_ADDITION: dict[int, tuple[Regime, bool]] = {}


def _has_in_addition_to(regime: Regime) -> bool:
    """Whether a requirement of ``regime`` is ``in_addition_to`` another (cached per regime
    object; the entry holds the regime, so its id cannot be reused while cached)."""
    found = _IN_ADDITION.get(id(regime))
    if found is None or found[0] is not regime:
        found = (regime, regime.has_in_addition_to)
        if len(_IN_ADDITION) > 4096:  # rules built on the fly (tests): keep the cache small
            _IN_ADDITION.clear()
        _IN_ADDITION[id(regime)] = found
    return found[1]


def _evaluate_regime(
    regime: Regime,
    licence: Licence | None,
    cert: BoardCert | None,
    profile: ClinicianProfile,
    pool: _Pool,
    as_of: date,
    at_risk_days: int,
) -> RegimeResult:
    start, end = _cycle(regime, profile, licence, cert, as_of)
    issue = (licence.issue_date if licence is not None else None) or profile.date_of_first_licensure
    ctx = _Ctx(  # positional: the fields in order
        profile,
        regime,
        as_of,
        at_risk_days,
        licence,
        cert,
        start,
        end,
        _renewal_number(regime, end, issue),
        issue,
        pool,
        {} if _has_in_addition_to(regime) else None,
    )
    results = tuple(_evaluate_requirement(ctx, req) for req in regime.requirements)
    if ctx.picked is not None:
        results = _set_aside(ctx, regime, results)
    deadline = end
    if deadline is None:
        pending = [
            r.deadline for r in results if r.deadline is not None and r.status != "not_applicable"
        ]
        deadline = min(pending) if pending else None
    cure_until = (
        deadline + timedelta(days=regime.cure_period_days)
        if deadline is not None and regime.cure_period_days
        else None
    )
    return RegimeResult(
        regime_id=regime.id,
        name=regime.name,
        kind=regime.kind,
        source_url=regime.source_url,
        as_of=regime.as_of,
        cycle_start=start,
        cycle_end=end,
        deadline=deadline,
        requirements=results,
        cure_until=cure_until,
        renewal_number=ctx.renewal_number,
        sources=regime.sources,
    )


_WORST_FIRST: tuple[Status, ...] = ("unmet", "at_risk", "met")


def _worst(statuses: Iterable[Status]) -> Status:
    found = set(statuses)
    for status in _WORST_FIRST:
        if status in found:
            return status
    return "not_applicable"


_CREDENTIALS: dict[tuple[object, ...], CredentialResult] = {}


def _remember(key: tuple[object, ...], entry: CredentialResult) -> CredentialResult:
    """Credential entries are frozen and depend only on their key (a handful of distinct
    licence / status combinations across a population): each is built once."""
    if len(_CREDENTIALS) > 65536:
        _CREDENTIALS.clear()
    _CREDENTIALS[key] = entry
    return entry


def _not_covered(
    kind: CredentialKind,
    code: str,
    profession: str,
    label: str,
    authority: Authority | None,
    fallback: str,
) -> CredentialResult:
    name = authority.name if authority is not None else fallback
    url = authority.url if authority is not None else ""
    return CredentialResult(
        kind=kind,
        code=code,
        profession=profession,
        label=label,
        status="not_covered",
        regime_ids=(),
        explanation=f"not covered yet: check with the {name}" + (f" ({url})" if url else ""),
        authority=authority.name if authority is not None else "",
        authority_url=url,
        check_with=name,
    )


def _covered(
    kind: CredentialKind,
    code: str,
    profession: str,
    label: str,
    regime_ids: tuple[str, ...],
    results: dict[str, RegimeResult],
) -> CredentialResult:
    if len(regime_ids) == 1:
        status = results[regime_ids[0]].status
    else:
        status = _worst(results[i].status for i in regime_ids)
    key = (kind, code, profession, label, regime_ids, status)
    found = _CREDENTIALS.get(key)
    if found is not None:
        return found
    return _remember(
        key,
        CredentialResult(
            kind=kind,
            code=code,
            profession=profession,
            label=label,
            status=status,
            regime_ids=regime_ids,
            explanation="covered by " + ", ".join(regime_ids),
        ),
    )


_LICENCE_LABELS: dict[tuple[str, str], tuple[str, str]] = {}
_CERT_LABELS: dict[tuple[str, str], str] = {}


def _cert_label(board: str, specialty: str) -> str:
    key = (board, specialty)
    found = _CERT_LABELS.get(key)
    if found is None:
        if len(_CERT_LABELS) > 4096:
            _CERT_LABELS.clear()
        # the specialty arrives as a matching slug ("internal_medicine"): shown in words
        words = specialty.replace("_", " ")
        found = _CERT_LABELS[key] = (
            f"{board} certification ({words})" if specialty else f"{board} certification"
        )
    return found


def _licence_label(state: str, profession: str) -> tuple[str, str]:
    """("Texas RN licence", "Texas") for TX / RN; cached (a handful of distinct pairs)."""
    key = (state, profession)
    found = _LICENCE_LABELS.get(key)
    if found is None:
        term = STATES.get(state)
        where = term.label if term is not None else state
        if profession == "other":
            found = (f"{where} licence (other type)", where)
        else:
            found = (f"{where} {profession} licence", where)
        _LICENCE_LABELS[key] = found
    return found


def _licence_not_covered(state: str, profession: str) -> CredentialResult:
    key = ("not_covered", "licence", state, profession)
    found = _CREDENTIALS.get(key)
    if found is None:
        label, where = _licence_label(state, profession)
        found = _remember(
            key,
            _not_covered(
                "licence",
                state,
                profession,
                label,
                board_directory().licensing_body(state, profession),
                f"licensing board in {where}",
            ),
        )
    return found


def _credentials(
    index: RuleIndex,
    profile: ClinicianProfile,
    licences: list[tuple[Licence, tuple[str, ...]]],
    certs: list[tuple[BoardCert, tuple[str, ...]]],
    results: tuple[RegimeResult, ...],
) -> tuple[CredentialResult, ...]:
    """One entry per licence, certification and DEA registration, in profile order."""
    by_id = {r.regime_id: r for r in results}
    out: list[CredentialResult] = []
    for lic, ids in licences:
        if ids:
            label = _licence_label(lic.state, lic.profession)[0]
            out.append(_covered("licence", lic.state, lic.profession, label, ids, by_id))
        else:
            out.append(_licence_not_covered(lic.state, lic.profession))
    for c, cert_ids in certs:
        label = _cert_label(c.board, c.specialty)
        if cert_ids:
            out.append(
                _covered("board_certification", c.board, profile.profession, label, cert_ids, by_id)
            )
        else:
            out.append(
                _not_covered(
                    "board_certification",
                    c.board,
                    profile.profession,
                    label,
                    board_directory().certifying_board(c.board),
                    "certifying board",
                )
            )
    if profile.dea_registered:
        ids = index.dea.get(profile.profession, ())
        if ids:
            out.append(
                _covered(
                    "dea_registration", "DEA", profile.profession, "DEA registration", ids, by_id
                )
            )
        else:
            out.append(
                _not_covered(
                    "dea_registration",
                    "DEA",
                    profile.profession,
                    "DEA registration",
                    board_directory().dea,
                    "Drug Enforcement Administration",
                )
            )
    return tuple(out)


def evaluate(
    profile: ClinicianProfile,
    completions: Iterable[Completion],
    as_of: date,
    rules: Sequence[Regime] | RuleIndex | None = None,
    *,
    at_risk_days: int = DEFAULT_AT_RISK_DAYS,
) -> Evaluation:
    """Evaluate every applicable regime for ``profile`` on ``as_of``.

    Completions dated after ``as_of`` are ignored (callers that take user input should
    reject them first: see ``jsonio.check_completions``). ``at_risk_days`` (positive) is the
    window before a deadline in which an unmet requirement is reported as ``at_risk``.
    Every licence, board certification and DEA registration of the profile gets one entry in
    ``Evaluation.credentials``: covered by regimes, or ``not_covered``.
    """
    if at_risk_days < 1:
        raise ValueError(f"at_risk_days must be a positive number of days, not {at_risk_days}")
    index = _index(default_rules() if rules is None else rules)
    comps = sorted((c for c in completions if c.completed_on <= as_of), key=_COMPLETION_ORDER)
    pool = _Pool(comps)
    targets, licences, certs = _targets(index, profile)
    regimes = tuple(
        _evaluate_regime(regime, licence, cert, profile, pool, as_of, at_risk_days)
        for regime, licence, cert in targets
    )
    return Evaluation(
        as_of=as_of,
        regimes=regimes,
        profile_id=profile.id,
        credentials=_credentials(index, profile, licences, certs, regimes),
    )
