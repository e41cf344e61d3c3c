"""The live evaluation and the dashboard's views of it (regimes, requirements, credentials,
what counted), and what the shipped rules cover.

The dashboard costs four queries (profile, licences, certifications, completions with
their derived credit summary), pinned by ``tests/credits/test_dashboard.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from cmepath.core.dates import site_date, site_dates
from cmepath.credits import batch
from cmepath.credits.inputs import CompletionBrief, brief_inputs_for_user, inputs_for_user
from cmepath.credits.models import Completion
from cmepath.credits.rules import (
    Coverage,
    CredentialResult,
    Evaluation,
    RegimeResult,
    RequirementResult,
    coverage_table,
    default_rules,
    evaluate,
)
from cmepath.credits.selectors.findcme import OPEN_STATUSES, gap_find_url
from cmepath.credits.selectors.records import (
    _SHOWN_ORDER,
    STATUS_LABELS,
    TIMED_STATUS,
    most_pressing,
    timed_status,
)

# -- evaluation ---------------------------------------------------------------------------------


def evaluation_compute(*, user: Any, as_of: date) -> tuple[Evaluation, dict[str, Completion]]:
    """Evaluate ``user`` live (no write): the engine's result and the completions by id."""
    profile, completions, rows = inputs_for_user(user)
    return evaluate(profile, completions, as_of, batch.rule_index()), rows


def evaluation_compute_brief(
    *, user: Any, as_of: date
) -> tuple[Evaluation, dict[str, CompletionBrief]]:
    """``evaluation_compute`` for pages that show only titles and dates (the dashboard)."""
    profile, completions, briefs = brief_inputs_for_user(user)
    return evaluate(profile, completions, as_of, batch.rule_index()), briefs


def evaluation_and_topics(*, user: Any, as_of: date) -> tuple[Evaluation, frozenset[str]]:
    """``user``'s live evaluation and the topics of every completion on record (careers
    matching: a mandated topic already done is no gap)."""
    profile, completions, _ = brief_inputs_for_user(user)
    topics = frozenset(t for c in completions for t in c.topics)
    return evaluate(profile, completions, as_of, batch.rule_index()), topics


# -- dashboard ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountedItem:
    id: str
    title: str
    completed_on: str  # ISO date


@dataclass(frozen=True, slots=True)
class RequirementView:
    """One requirement row of the dashboard (drawn by ``credits_tags.requirement_row``)."""

    id: str
    label: str
    status: str  # the engine's status
    shown: str  # what the page says: a key of TIMED_STATUS
    status_label: str
    status_class: str
    hours_counted: float
    hours_needed: float
    deadline: date | None
    days_left: int | None
    explanation: str
    reason_not_applicable: str
    progress_value: float
    progress_max: float
    percent: int
    counted_items: list[CountedItem]
    find_url: str = ""  # open requirements: the catalog search that closes it ("Find CME")


@dataclass(frozen=True, slots=True)
class RegimeView:
    """One regime card of the dashboard."""

    regime_id: str
    name: str
    kind: str
    status: str  # the engine's status
    shown: str  # what the page says: a key of TIMED_STATUS
    status_label: str
    status_class: str
    source_url: str
    as_of: date
    cycle_start: date | None
    cycle_end: date | None
    deadline: date | None
    days_left: int | None
    cure_until: date | None
    requirements: list[RequirementView]


@dataclass(frozen=True, slots=True)
class CredentialView:
    """One licence, certification or DEA registration on the dashboard: the regimes that
    cover it (anchors to their cards), or "not covered yet" and whom to check with."""

    label: str
    status: str
    status_label: str
    status_class: str
    regime_ids: tuple[str, ...]
    explanation: str
    authority_url: str
    check_with: str
    regime_links: tuple[tuple[str, str], ...] = ()  # (regime id, its name) for the anchors


def _credential_view(cred: CredentialResult, regimes: Mapping[str, RegimeView]) -> CredentialView:
    """The credential's status in the dashboard's words: that of its most pressing rule set
    (overdue, then due within 90 days, on track, met), so the table, the summary and the
    rule cards agree; "not covered yet" when no rule set covers it."""
    worst = most_pressing(regimes[rid] for rid in cred.regime_ids if rid in regimes)
    if worst is not None:
        shown, label, css = worst.shown, worst.status_label, worst.status_class
    else:
        shown = timed_status(cred.status, None, date.min)
        label, css = TIMED_STATUS.get(shown, (STATUS_LABELS.get(cred.status, cred.status), ""))
    return CredentialView(
        label=cred.label,
        status=shown,
        status_label=label,
        status_class=css,
        regime_ids=cred.regime_ids,
        explanation=cred.explanation,
        authority_url=cred.authority_url,
        check_with=cred.check_with,
        regime_links=tuple(
            (rid, regimes[rid].name if rid in regimes else rid) for rid in cred.regime_ids
        ),
    )


def page_dates(text: str) -> str:
    """The engine's explanation with its ISO dates written as the pages write dates
    ("due 2027-06-30" -> "due Jun 30, 2027"); the API and the CLI keep the engine's text."""
    return site_dates(text)


def _requirement_view(
    req: RequirementResult,
    titles: dict[str, CompletionBrief],
    as_of: date,
    find_url: str = "",
) -> RequirementView:
    needed = float(req.hours_needed or 0)
    counted = float(req.hours_counted or 0)
    # Dates pre-formatted here: localising hundreds of dates in the template costs more than
    # the whole evaluation.
    items = [
        CountedItem(cid, titles[cid].title, site_date(titles[cid].completed_on))
        if cid in titles
        else CountedItem(cid, f"completion {cid}", "")
        for cid in req.counted_completion_ids
    ]
    return RequirementView(
        id=req.id,
        label=req.label,
        status=req.status,
        shown=(shown := timed_status(req.status, req.deadline, as_of)),
        status_label=TIMED_STATUS[shown][0],
        status_class=TIMED_STATUS[shown][1],
        hours_counted=req.hours_counted,
        hours_needed=req.hours_needed,
        deadline=req.deadline,
        days_left=(req.deadline - as_of).days if req.deadline else None,
        explanation=page_dates(req.explanation),
        reason_not_applicable=page_dates(req.reason_not_applicable),
        progress_value=min(counted, needed) if needed > 0 else 1,
        progress_max=needed if needed > 0 else 1,
        percent=round(min(100.0, counted / needed * 100)) if needed > 0 else 100,
        counted_items=items,
        find_url=find_url,
    )


def _regime_view(
    regime: RegimeResult, titles: dict[str, CompletionBrief], as_of: date, profession: str = ""
) -> RegimeView:
    return RegimeView(
        regime_id=regime.regime_id,
        name=regime.name,
        kind=regime.kind,
        status=regime.status,
        shown=(shown := timed_status(regime.status, regime.deadline, as_of)),
        status_label=TIMED_STATUS[shown][0],
        status_class=TIMED_STATUS[shown][1],
        source_url=regime.source_url,
        as_of=regime.as_of,
        cycle_start=regime.cycle_start,
        cycle_end=regime.cycle_end,
        deadline=regime.deadline,
        days_left=(regime.deadline - as_of).days if regime.deadline else None,
        cure_until=regime.cure_until,
        requirements=[
            _requirement_view(
                r,
                titles,
                as_of,
                gap_find_url(regime, r, profession=profession, as_of=as_of)
                if r.status in OPEN_STATUSES
                else "",
            )
            for r in regime.requirements
        ],
    )


def dashboard(*, actor: Any, as_of: date) -> dict[str, Any]:
    """Every applicable regime for the actor on ``as_of``, worst first, ready for the template;
    each open requirement carries its "Find CME" search (:func:`gap_find_url`)."""
    profile, completions, rows = brief_inputs_for_user(actor)
    evaluation = evaluate(profile, completions, as_of, batch.rule_index())
    regimes = [
        _regime_view(regime, rows, as_of, profile.profession) for regime in evaluation.regimes
    ]
    regimes.sort(key=lambda r: (_SHOWN_ORDER.get(r.shown, 9), r.deadline or date.max, r.regime_id))
    recent = sorted(rows.values(), key=lambda c: (c.completed_on, c.pk), reverse=True)[:5]
    by_id = {r.regime_id: r for r in regimes}
    credentials = [_credential_view(c, by_id) for c in evaluation.credentials]
    summary = {s: sum(1 for r in regimes if r.shown == s) for s in TIMED_STATUS}
    summary["not_covered"] = sum(1 for c in credentials if c.status == "not_covered")
    return {
        "as_of": as_of,
        "regimes": regimes,
        "credentials": credentials,
        "recent": recent,
        "completion_count": len(rows),
        "summary": summary,
    }


# -- coverage -----------------------------------------------------------------------------------


@functools.cache
def coverage() -> Coverage:
    """What the shipped rules cover (public page): jurisdiction x licence type, boards, DEA.
    Built once per process: the shipped rules are loaded once and never change while it runs."""
    return coverage_table(default_rules())
