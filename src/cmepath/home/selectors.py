"""Reads of the start page: what each role acts on next, composed from the apps' selectors.

Nothing here writes. The clinician's home reuses the compliance dashboard's live evaluation
(``credits.selectors.dashboard``: the same few queries whatever the number of completions)
and picks from it the next deadline, the three gaps to close first and the latest
completions; the provider's home counts activities, score bands and reported completions in
a fixed number of queries per provider organisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q

from cmepath.accounts import selectors as account_selectors
from cmepath.catalog import selectors as catalog_selectors
from cmepath.catalog.choices import ActivityStatus
from cmepath.catalog.models import Provider
from cmepath.core.vocabulary import TOPICS, credit_label
from cmepath.credits import policies as credit_policies
from cmepath.credits import selectors as credit_selectors
from cmepath.planner import selectors as planner_selectors

#: Gaps shown on the clinician's home (the dashboard lists them all).
TOP_GAPS = 3
#: Completions shown on the clinician's home (the history page lists them all).
RECENT_COMPLETIONS = 5
#: Activities listed under "completions to report" on the provider's home.
TO_REPORT = 5
#: Value-score bands of the provider's distribution: (lowest included, highest excluded,
#: badge colour). The colours follow the catalog's score badge (ok from 70, warn from 40).
SCORE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 40, "bad"),
    (40, 55, "warn"),
    (55, 70, "warn"),
    (70, 85, "ok"),
    (85, 101, "ok"),
)
_OPEN = ("unmet", "at_risk")


def countdown(days_left: int) -> str:
    """A deadline relative to today, as the home page says it."""
    if days_left == 0:
        return "due today"
    if days_left > 0:
        return f"in {days_left} day{'s' if days_left != 1 else ''}"
    late = -days_left
    return f"{late} day{'s' if late != 1 else ''} overdue"


# -- clinician ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NextDeadline:
    """The nearest (or most overdue) deadline among the open requirements: the first gap of
    the list below it on the home page. With everything met, the nearest deadline of a
    requirement set ahead (when the next cycle closes); ``requirement`` is then empty."""

    regime_id: str
    name: str
    requirement: str
    deadline: date
    days_left: int
    status_label: str
    status_class: str
    cure_until: date | None
    open: bool

    @property
    def countdown(self) -> str:
        return countdown(self.days_left)

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


@dataclass(frozen=True, slots=True)
class Gap:
    """One unmet or at-risk requirement, with the catalog search that would close it (the
    dashboard's "Find CME" link: topics, credit types, profession, deadline, ``gap``)."""

    regime_id: str
    regime_name: str
    label: str
    status: str
    status_label: str
    status_class: str
    hours_counted: float
    hours_needed: float
    hours_missing: float
    deadline: date | None
    days_left: int | None
    topic_labels: tuple[str, ...]
    credit_labels: tuple[str, ...]
    find_url: str

    @property
    def countdown(self) -> str:
        return countdown(self.days_left) if self.days_left is not None else ""


#: The catalog search for activities that count toward a requirement (credits owns it).
find_cme_url = credit_selectors.find_cme_url


def _gap(regime: credit_selectors.RegimeView, req: credit_selectors.RequirementView) -> Gap:
    spec = credit_selectors.requirement_spec(regime.regime_id, req.id)
    topics = tuple(sorted(spec.topics)) if spec else ()
    credit_types = tuple(sorted(spec.credit_types)) if spec and spec.credit_types else ()
    deadline = req.deadline or regime.deadline
    days_left = req.days_left if req.deadline else regime.days_left
    needed, counted = float(req.hours_needed or 0), float(req.hours_counted or 0)
    return Gap(
        regime_id=regime.regime_id,
        regime_name=regime.name,
        label=req.label,
        status=req.status,
        status_label=req.status_label,
        status_class=req.status_class,
        hours_counted=counted,
        hours_needed=needed,
        hours_missing=max(0.0, needed - counted),
        deadline=deadline,
        days_left=days_left,
        topic_labels=tuple(TOPICS[t].label for t in topics if t in TOPICS),
        credit_labels=tuple(credit_label(c) for c in credit_types),
        find_url=req.find_url,
    )


def _gap_order(gap: Gap) -> tuple[date, float, str, str]:
    """Nearest (or most overdue) deadline first, then the one missing most hours."""
    return (gap.deadline or date.max, -gap.hours_missing, gap.regime_id, gap.label)


def open_gaps(regimes: Sequence[credit_selectors.RegimeView]) -> list[Gap]:
    """Every open requirement, in the order the home lists them (:func:`_gap_order`)."""
    gaps = [
        _gap(regime, req)
        for regime in regimes
        for req in regime.requirements
        if req.status in _OPEN
    ]
    gaps.sort(key=_gap_order)
    return gaps


def top_gaps(regimes: Sequence[credit_selectors.RegimeView], *, limit: int = TOP_GAPS) -> list[Gap]:
    """The open requirements to act on first: nearest (or most overdue) deadline first, then
    the one missing most hours."""
    return open_gaps(regimes)[:limit]


def next_deadline(
    regimes: Sequence[credit_selectors.RegimeView], gaps: Sequence[Gap] | None = None
) -> NextDeadline | None:
    """The deadline of the first open requirement in the gap order (a one-time requirement
    overdue comes before a renewal months ahead), so the card and the gap list below it
    agree. With nothing open, the nearest requirement-set deadline ahead (so the clinician
    knows when the next cycle closes); None when nothing open or ahead carries a date."""
    gaps = open_gaps(regimes) if gaps is None else gaps
    if gaps:
        first = next((g for g in gaps if g.deadline is not None and g.days_left is not None), None)
        if first is None or first.deadline is None or first.days_left is None:  # (for mypy)
            return None
        regime = next(r for r in regimes if r.regime_id == first.regime_id)
        return NextDeadline(
            regime_id=first.regime_id,
            name=first.regime_name,
            requirement=first.label,
            deadline=first.deadline,
            days_left=first.days_left,
            status_label=first.status_label,
            status_class=first.status_class,
            # the board's cure period is for the requirement set's own deadline
            cure_until=regime.cure_until if first.deadline == regime.deadline else None,
            open=True,
        )
    ahead = [
        (r.deadline, r.days_left, r)
        for r in regimes
        if r.deadline is not None and r.days_left is not None and r.days_left >= 0
    ]
    if not ahead:
        return None
    deadline, days_left, regime = min(ahead, key=lambda d: (d[0], d[2].regime_id))
    return NextDeadline(
        regime_id=regime.regime_id,
        name=regime.name,
        requirement="",
        deadline=deadline,
        days_left=days_left,
        status_label=regime.status_label,
        status_class=regime.status_class,
        cure_until=regime.cure_until,
        open=False,
    )


def clinician_home(*, user: Any, as_of: date | None = None) -> dict[str, Any]:
    """The clinician's home: verification, the next deadline, the top gaps with a catalog
    search for each, recent completions, licences. Every key of the dashboard's context is
    passed on (regimes, credentials, summary, ...), so the page may show any of it."""
    as_of = as_of or credit_selectors.today()
    context: dict[str, Any] = {}
    context.update(account_selectors.verification_summary(user=user))
    board = credit_selectors.dashboard(actor=user, as_of=as_of)
    context.update(board)
    context["recent"] = list(board.get("recent", []))[:RECENT_COMPLETIONS]
    gaps = open_gaps(board["regimes"])  # once: the gap list and the next deadline share it
    context["gaps"] = gaps[:TOP_GAPS]
    context["open_count"] = len(gaps)
    context["next_deadline"] = next_deadline(board["regimes"], gaps)
    # the planner's newest saved plan, for the "Plan your CME" card (one query)
    context["latest_plan"] = (
        planner_selectors.plans_for(actor=user).order_by("-created_at", "-pk").first()
    )
    # a DEA rule is listed (not applicable) even for a record without licences
    context["applicable_count"] = sum(1 for r in board["regimes"] if r.status != "not_applicable")
    return context


# -- provider -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScoreBand:
    label: str
    count: int
    status_class: str


@dataclass(frozen=True, slots=True)
class ToReport:
    """A published activity that has started: its learners' completions can be reported."""

    pk: int
    title: str
    start_date: date
    end_date: date
    reported: int


@dataclass(frozen=True, slots=True)
class ProviderSummary:
    provider: Provider
    total: int
    published: int
    drafts: int
    withdrawn: int
    ran: int
    bands: list[ScoreBand]
    band_max: int
    to_report: list[ToReport]


def _band_label(low: int, high: int) -> str:
    return f"{low}–{min(high, 101) - 1}"


def provider_summary(*, actor: Any, provider: Provider, as_of: date) -> ProviderSummary:
    """Counts, score bands and the activities to report on for one provider: three queries."""
    activities = catalog_selectors.provider_activities(actor=actor, provider=provider)
    published = Q(status=ActivityStatus.PUBLISHED)
    band_counts = {
        f"band_{i}": Count("pk", filter=published & Q(value_score__gte=lo, value_score__lt=hi))
        for i, (lo, hi, _) in enumerate(SCORE_BANDS)
    }
    counts = activities.order_by().aggregate(
        total=Count("pk"),
        published=Count("pk", filter=published),
        drafts=Count("pk", filter=Q(status=ActivityStatus.DRAFT)),
        withdrawn=Count("pk", filter=Q(status=ActivityStatus.WITHDRAWN)),
        ran=Count("pk", filter=published & Q(start_date__lte=as_of)),
        **band_counts,
    )
    bands = [
        ScoreBand(_band_label(lo, hi), counts[f"band_{i}"], css)
        for i, (lo, hi, css) in enumerate(SCORE_BANDS)
    ]
    recent = list(
        activities.filter(published, start_date__lte=as_of)
        .order_by("-end_date", "-pk")
        .values_list("pk", "title", "start_date", "end_date")[:TO_REPORT]
    )
    reported: dict[int, int] = {}
    if recent:
        for activity_id, n in (
            credit_policies.completions.visible(actor, "reported")
            .filter(activity_id__in=[row[0] for row in recent])
            .order_by()
            .values("activity_id")
            .annotate(n=Count("pk"))
            .values_list("activity_id", "n")
        ):
            if activity_id is not None:
                reported[activity_id] = n
    return ProviderSummary(
        provider=provider,
        total=counts["total"],
        published=counts["published"],
        drafts=counts["drafts"],
        withdrawn=counts["withdrawn"],
        ran=counts["ran"],
        bands=bands,
        band_max=max([b.count for b in bands] + [1]),
        to_report=[
            ToReport(pk, title, start, end, reported.get(pk, 0)) for pk, title, start, end in recent
        ],
    )


def provider_home(*, actor: Any, as_of: date | None = None) -> dict[str, Any]:
    """One summary per provider organisation the actor is a member of."""
    as_of = as_of or credit_selectors.today()
    providers = list(catalog_selectors.providers_for(actor=actor))
    return {
        "as_of": as_of,
        "summaries": [provider_summary(actor=actor, provider=p, as_of=as_of) for p in providers],
    }


# -- admin --------------------------------------------------------------------------------------


def admin_home(*, actor: Any) -> dict[str, Any]:
    from cmepath.jobs import selectors as job_selectors

    queue = job_selectors.moderation_queue(actor=actor)
    return {
        "queue_count": account_selectors.verification_queue(actor=actor).count(),
        "dispute_count": account_selectors.dispute_queue(actor=actor).count(),
        "jobs_review_count": queue["review"].count(),
        "jobs_report_count": queue["reports"].count(),
        "employers_unverified_count": queue["unverified"].count(),
    }


def employer_home(*, actor: Any) -> dict[str, Any]:
    """An employer's start: each employer they act for, with its open vacancies, drafts and
    vacancies in review, and the applications waiting for a first look."""
    from cmepath.jobs import selectors as job_selectors

    return {"employers": job_selectors.employer_overview(actor=actor)}


def editor_home(*, actor: Any) -> dict[str, Any]:
    """An editor's start: the knowledge hub's review queue (articles in review, and approved
    ones waiting to be published; never the editor's own), counted by status in one query."""
    from cmepath.hub import selectors as hub_selectors
    from cmepath.hub.choices import ArticleStatus

    by_status = dict(
        hub_selectors.review_queue(actor=actor)
        .prefetch_related(None)
        .order_by()
        .values("status")
        .annotate(n=Count("pk", distinct=True))
        .values_list("status", "n")
    )
    in_review = by_status.get(ArticleStatus.REVIEW, 0)
    approved = by_status.get(ArticleStatus.APPROVED, 0)
    return {
        "review_in_review": in_review,
        "review_approved": approved,
        "review_count": in_review + approved,
    }
