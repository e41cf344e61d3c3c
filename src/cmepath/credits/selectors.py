"""Reads on the CME record, always through the policies; no writes, no services.

``dashboard`` evaluates the clinician live (the engine is fast: about 1 ms for 200
completions) so the page never shows stale numbers; it costs four queries (profile,
licences, certifications, completions with their derived credit summary), pinned by
``tests/credits/test_dashboard.py`` together with the page's own. It reads the engine's
dataclasses directly; transcripts carry the engine's JSON of the regimes (the
``TranscriptData`` contract of ``transcripts``, printed as it stands on the shared page).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from cmepath.core.errors import NotFoundError, ValidationError
from cmepath.core.roles import Role
from cmepath.core.vocabulary import CREDIT_TYPES, TOPICS, credit_label
from cmepath.credits import batch, policies, transcripts
from cmepath.credits.choices import ErrorCode
from cmepath.credits.inputs import CompletionBrief, brief_inputs_for_user, inputs_for_user
from cmepath.credits.inputs import _profile_for as profile_inputs_for_user
from cmepath.credits.models import (
    Certificate,
    Completion,
    CompletionCredit,
    EvaluationSnapshot,
    ShareLink,
)
from cmepath.credits.rules import (
    Coverage,
    CredentialResult,
    Evaluation,
    RegimeResult,
    Requirement,
    RequirementResult,
    coverage_table,
    default_rules,
    evaluate,
    evaluation_to_json,
)
from cmepath.credits.rules.counting import hours_toward

STATUS_LABELS = {
    "met": "Met",
    "at_risk": "At risk",
    "unmet": "Not met",
    "not_applicable": "Not applicable",
    "not_covered": "Not covered yet",
}
STATUS_CLASSES = {
    "met": "ok",
    "at_risk": "warn",
    "unmet": "bad",
    "not_applicable": "",
    "not_covered": "bad",
}
_STATUS_ORDER = {"unmet": 0, "at_risk": 1, "met": 2, "not_applicable": 3}
_SHOWN_ORDER = {"overdue": 0, "due_soon": 1, "on_track": 2, "met": 3, "not_applicable": 4}
#: Days before a deadline from which an unmet requirement reads "due within 90 days".
DUE_SOON_DAYS = 90
#: What the page says of a status, and its colour, once the deadline is known: words and
#: colours agree, and the legend on the dashboard lists them (issue 13 item 4).
TIMED_STATUS = {
    "overdue": ("Overdue", "bad"),
    "due_soon": ("Due within 90 days", "warn"),
    "on_track": ("On track", ""),
    "met": ("Met", "ok"),
    "not_applicable": ("Not applicable", ""),
    "not_covered": ("Not covered yet", "bad"),
}


def timed_status(status: str, deadline: date | None, as_of: date) -> str:
    """The status a reader sees: met, not applicable and not covered as they are; an unmet
    requirement is overdue once its deadline has passed, due within 90 days before that,
    and on track earlier (a deadline 206 days away is not red)."""
    if status in ("met", "not_applicable", "not_covered"):
        return status
    if deadline is None:
        return "due_soon" if status == "at_risk" else "on_track"
    days = (deadline - as_of).days
    if days < 0:
        return "overdue"
    return "due_soon" if days <= DUE_SOON_DAYS else "on_track"


def today() -> date:
    """The day the record is judged on (the site's local date); pages, API and services share it."""
    return timezone.localdate()


def completions_for(*, actor: Any) -> QuerySet[Completion]:
    return (
        policies.completions.visible(actor)
        .filter(user=actor)
        .prefetch_related(
            Prefetch("credits", queryset=CompletionCredit.objects.order_by("credit_type")),
            "certificates",
        )
    )


def provider_reported(*, actor: Any, activity_id: int) -> QuerySet[Completion]:
    """Completions a provider's members reported for one of its activities, newest first."""
    return (
        policies.completions.visible(actor, "reported")
        .filter(activity_id=activity_id)
        .select_related("user")
        .prefetch_related("credits")
        .order_by("-completed_on", "-pk")
    )


def certificates_for(*, actor: Any) -> QuerySet[Certificate]:
    return policies.certificates.visible(actor).select_related("completion")


def share_links_for(*, actor: Any) -> QuerySet[ShareLink]:
    return policies.share_links.visible(actor)


def snapshot_for(*, user: Any) -> EvaluationSnapshot | None:
    return EvaluationSnapshot.objects.filter(user=user).first()


def certificate_prefill(*, certificate: Certificate) -> dict[str, Any]:
    """Initial values for the completion form from what the certificate text said."""
    found = certificate.extracted or {}
    initial: dict[str, Any] = {"certificate": certificate.pk}
    if found.get("title"):
        initial["title"] = found["title"]
    if found.get("provider"):
        initial["provider"] = found["provider"]
    if found.get("completed_on"):
        try:
            on = date.fromisoformat(found["completed_on"])
        except ValueError:
            on = None
        if on is not None and on <= today():
            initial["completed_on"] = on
    if found.get("credit_type") in CREDIT_TYPES:
        initial["credit_type"] = found["credit_type"]
        if found.get("amount"):
            initial["amount"] = Decimal(str(found["amount"]))
    return initial


# Catalog deliveries that make a completion of the activity live (the FL, NY and NC
# pharmacist live-hour minimums count live and real-time online hours; hybrid includes both).
LIVE_DELIVERIES = frozenset({"live", "hybrid"})


def activity_prefill(*, actor: Any, activity_id: int) -> dict[str, Any]:
    """Initial values for the completion form from a catalog activity the actor may see
    (the wishlist's and the plan's "record as completed"): title, provider, accreditor, the
    two largest credit designations, topics, PI-CME, live (from the delivery) and the link to
    the activity. The date
    is the activity's end when it has passed."""
    from cmepath.catalog.selectors import activity_detail

    activity = activity_detail(actor=actor, pk=activity_id)
    initial: dict[str, Any] = {
        "activity_id": activity.pk,
        "title": activity.title[:300],
        "provider": activity.provider.name[:200],
        "accreditor": (activity.provider.accreditor or "")[:40],
        "topics": [t for t in activity.topics or () if t in TOPICS],
        "pi_cme": bool(activity.pi_component),
        "live": activity.delivery in LIVE_DELIVERIES,
    }
    if activity.end_date <= today():
        initial["completed_on"] = activity.end_date
    designations = sorted(
        ((d.credit_type, d.amount) for d in activity.designations.all()),
        key=lambda pair: -pair[1],
    )
    for suffix, (credit_type, amount) in zip(("", "_2"), designations, strict=False):
        initial[f"credit_type{suffix}"] = credit_type
        initial[f"amount{suffix}"] = amount
    return initial


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
    mine = [regimes[rid] for rid in cred.regime_ids if rid in regimes]
    if mine:
        worst = min(mine, key=lambda r: _SHOWN_ORDER.get(r.shown, 9))
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
        CountedItem(cid, titles[cid].title, titles[cid].completed_on.isoformat())
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
        explanation=req.explanation,
        reason_not_applicable=req.reason_not_applicable,
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


# -- what the clinician's requirements accept (gaps lead to CME) --------------------------------
#
# The dashboard and the home page link each open requirement to the catalog search that closes
# it; the catalog then says, per result, how much of that gap an activity would close and, for
# activities that count toward none of the clinician's rules, why not. One live evaluation (the
# dashboard's four queries) per page, whatever the number of results; the counting itself is
# the engine's rule (``rules.counting.hours_toward``) over plain data.

#: Requirement statuses that are still open (a "gap").
OPEN_STATUSES = frozenset({"unmet", "at_risk"})


@functools.cache
def _specs() -> dict[tuple[str, str], Requirement]:
    """(regime id, requirement id) -> the rule's requirement (the evaluation carries only the
    outcome; the topics and credit types it accepts are the rule's). Built once per process
    from the compiled default rules."""
    return {(r.id, q.id): q for r in batch.rule_index().rules for q in r.requirements}


def requirement_spec(regime_id: str, requirement_id: str) -> Requirement | None:
    return _specs().get((regime_id, requirement_id))


def find_cme_url(
    *,
    topics: Iterable[str] = (),
    credit_types: Iterable[str] | None = None,
    profession: str = "",
    ends_by: date | None = None,
    gap: str = "",
) -> str:
    """The catalog search for activities that close a requirement: any of its topics, any of
    the credit types it accepts (the search ORs values within a filter and ANDs across them),
    the clinician's profession, activities ending on or before ``ends_by`` and the ``gap``
    the results are measured against; delivery is left open. Codes the catalog does not know
    are left out rather than make the search come back empty."""
    params = [("topics", t) for t in sorted(set(topics)) if t in TOPICS]
    params += [("credit_type", c) for c in sorted(set(credit_types or ())) if c in CREDIT_TYPES]
    if profession and profession != "other":
        params.append(("profession", profession))
    if ends_by is not None:
        params.append(("ends_by", ends_by.isoformat()))
    if gap:
        params.append(("gap", gap))
    base = reverse("catalog:search")
    return f"{base}?{urlencode(params)}" if params else base


def gap_key(regime_id: str, requirement_id: str) -> str:
    """The ``gap`` parameter naming one requirement: ``<regime id>:<requirement id>``."""
    return f"{regime_id}:{requirement_id}"


def gap_ends_by(deadline: date | None, cure_until: date | None, as_of: date) -> date | None:
    """The last day an activity may end and still close the gap: the deadline, or once it
    has passed the end of a cure period still running; None when neither lies ahead."""
    if deadline is not None and deadline >= as_of:
        return deadline
    if cure_until is not None and cure_until >= as_of:
        return cure_until
    return None


def gap_find_url(
    regime: RegimeResult, req: RequirementResult, *, profession: str, as_of: date
) -> str:
    """ "Find CME for this": the catalog search that closes ``req`` of ``regime``."""
    spec = requirement_spec(regime.regime_id, req.id)
    return find_cme_url(
        topics=spec.topics if spec else (),
        credit_types=spec.credit_types if spec else None,
        profession=profession,
        ends_by=gap_ends_by(req.deadline or regime.deadline, regime.cure_until, as_of),
        gap=gap_key(regime.regime_id, req.id),
    )


@dataclass(frozen=True, slots=True)
class GapTarget:
    """One open requirement of the clinician, as the catalog measures results against it."""

    key: str  # the ``gap`` parameter
    label: str
    credential: str  # "Texas NP licence" (the regime's name when no credential names it)
    hours_needed: float
    hours_missing: float
    deadline: date | None
    spec: Requirement | None

    @property
    def banner(self) -> str:
        """ "Closing: <requirement> for your Texas NP licence, 8 h still needed by Jan 31, 2027"."""
        text = f"Closing: {self.label} for your {self.credential}"
        if self.hours_missing > 0:
            text += f", {_hours(self.hours_missing)} h still needed"
        if self.deadline is not None:
            text += f" by {self.deadline:%b} {self.deadline.day}, {self.deadline.year}"
        return text


@dataclass(frozen=True, slots=True)
class CountingRegime:
    """A regime that applies to the clinician and its applicable requirements."""

    regime_id: str
    credential: str
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True, slots=True)
class RequirementsAccept:
    """What the signed-in clinician's rules accept: the regimes that apply (for "does not
    count") and the open requirements by ``gap`` key (for "closes 2 of 8 h")."""

    profession: str
    regimes: tuple[CountingRegime, ...]
    gaps: Mapping[str, GapTarget]
    #: the clinician's other applicable requirements (met), by ``gap`` key: their words
    done: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GapFocus:
    """The ``gap`` a catalog page was opened for: the requirement, or why it is not shown."""

    key: str
    target: GapTarget | None = None
    done: str = ""  # one of the clinician's requirements, already met: its words

    @property
    def message(self) -> str:
        if self.target is not None:
            return self.target.banner
        if self.done:
            return f"Nothing still needed: {self.done} is met."
        return (
            "The requirement this search was opened for is not one of your open requirements:"
            " results are not measured against it. Your compliance page links each open"
            " requirement to its search."
        )


@dataclass(frozen=True, slots=True)
class ActivityCredits:
    """What counting needs of a catalog activity: its credits by type and its topics."""

    pk: int
    credits: Mapping[str, float]
    topics: frozenset[str]


@dataclass(frozen=True, slots=True)
class CountNote:
    """What a result card or the activity page says for the clinician: ``closes`` how much of
    the focused gap it would close (or why none), ``not_counting`` when it counts for none of
    the clinician's rules, ``counts_toward`` the open requirements it would count toward."""

    closes: str = ""
    closes_ok: bool = False
    not_counting: str = ""
    counts_toward: tuple[str, ...] = ()


def _hours(value: float) -> str:
    return f"{value:g}"


def requirements_accept(
    *, actor: Any, as_of: date | None = None, progress: bool = True
) -> RequirementsAccept | None:
    """What ``actor``'s requirements accept (four queries: the dashboard's live evaluation),
    or None for anyone but a signed-in clinician. Without ``progress`` the completions are
    not read (three queries) and no gaps come back: which rules apply, and what they accept,
    does not depend on what was done."""
    if not getattr(actor, "is_authenticated", False) or actor.role != Role.CLINICIAN:
        return None
    as_of = as_of or today()
    if progress:
        profile, completions, _ = brief_inputs_for_user(actor)
    else:
        profile, completions = profile_inputs_for_user(actor), []
    evaluation = evaluate(profile, completions, as_of, batch.rule_index())
    credential_of: dict[str, str] = {}
    for cred in evaluation.credentials:
        for rid in cred.regime_ids:
            credential_of.setdefault(rid, cred.label)
    regimes, gaps, done = [], {}, {}
    for regime in evaluation.regimes:
        credential = credential_of.get(regime.regime_id, regime.name)
        specs = []
        for req in regime.requirements:
            spec = requirement_spec(regime.regime_id, req.id)
            if req.status == "not_applicable" or spec is None:
                continue
            specs.append(spec)
            if progress and req.status == "met":
                done[gap_key(regime.regime_id, req.id)] = f"{req.label} for your {credential}"
            if progress and req.status in OPEN_STATUSES:
                key = gap_key(regime.regime_id, req.id)
                needed, counted = float(req.hours_needed or 0), float(req.hours_counted or 0)
                gaps[key] = GapTarget(
                    key=key,
                    label=req.label,
                    credential=credential,
                    hours_needed=needed,
                    hours_missing=max(0.0, needed - counted),
                    deadline=req.deadline or regime.deadline,
                    spec=spec,
                )
        if specs:
            regimes.append(CountingRegime(regime.regime_id, credential, tuple(specs)))
    return RequirementsAccept(profile.profession, tuple(regimes), gaps, done)


def gap_focus(accept: RequirementsAccept, raw: str) -> GapFocus:
    """The requirement a ``gap`` parameter names among the clinician's open ones; any other
    value (unknown, met, another person's) is "not one of your requirements", never an error
    and never anything of anyone else's."""
    key = str(raw).strip()[:200]
    return GapFocus(key=key, target=accept.gaps.get(key), done=accept.done.get(key, ""))


def _label_list(labels: Iterable[str], joiner: str) -> str:
    items = sorted(set(labels))
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def why_not_counted(reqs: Sequence[Requirement], activity: ActivityCredits) -> str:
    """Why an activity counts toward none of ``reqs``, in labels: the credit types they accept
    that it lacks, else the topics they ask for (or exclude)."""
    held = {t for t, v in activity.credits.items() if v > 0}
    if not held:
        return "no credit designated"
    accepted: set[str] | None = None
    if all(req.credit_types is not None for req in reqs):
        accepted = {c for req in reqs for c in req.credit_types or ()}
    if accepted is not None and not accepted & held:
        return "no " + _label_list((credit_label(c) for c in accepted), "or")
    fitting = [r for r in reqs if r.credit_types is None or r.credit_types & held]
    excluded = {t for r in fitting for t in r.exclude_topics & activity.topics}
    wanted = {t for r in fitting for t in r.topics}
    if wanted and wanted.isdisjoint(activity.topics):
        return "not on a topic it asks for (" + _label_list(map(_topic, wanted), "or") + ")"
    if excluded:
        return "its topic does not count (" + _label_list(map(_topic, excluded), "and") + ")"
    return "not on a topic it asks for"


def _topic(code: str) -> str:
    term = TOPICS.get(code)
    return term.label if term else code.replace("_", " ")


def count_notes(
    accept: RequirementsAccept,
    activities: Iterable[ActivityCredits],
    gap: GapTarget | None = None,
) -> dict[int, CountNote]:
    """Per activity: how much of ``gap`` it closes, whether it counts for any of the
    clinician's rules and the open requirements it counts toward. No queries: the caller
    loads the page's credits in one go."""
    by_credential: dict[str, list[Requirement]] = {}
    for regime in accept.regimes:
        by_credential.setdefault(regime.credential, []).extend(regime.requirements)
    notes = {}
    for activity in activities:
        closes, closes_ok = "", False
        if gap is not None and gap.spec is not None:
            got = hours_toward(gap.spec, activity.credits, activity.topics)
            if got > 0 and gap.hours_missing > 0:
                closes = (
                    f"closes {_hours(min(got, gap.hours_missing))} of {_hours(gap.hours_missing)} h"
                )
                closes_ok = True
            elif got > 0:
                closes, closes_ok = f"counts {_hours(got)} h toward this requirement", True
            else:
                closes = "does not count toward this requirement: " + why_not_counted(
                    [gap.spec], activity
                )
        not_counting = ""
        if by_credential and not any(
            hours_toward(req, activity.credits, activity.topics) > 0
            for reqs in by_credential.values()
            for req in reqs
        ):
            reasons = [
                f"{credential}: {why_not_counted(reqs, activity)}"
                for credential, reqs in by_credential.items()
            ]
            not_counting = "Does not count for your " + "; your ".join(reasons)
        toward = tuple(
            f"{target.label} ({target.credential}): up to "
            f"{_hours(min(got, target.hours_missing) if target.hours_missing else got)} h"
            for target in accept.gaps.values()
            if target.spec is not None
            and (got := hours_toward(target.spec, activity.credits, activity.topics)) > 0
        )
        notes[activity.pk] = CountNote(closes, closes_ok, not_counting, toward)
    return notes


# -- coverage -----------------------------------------------------------------------------------


@functools.cache
def coverage() -> Coverage:
    """What the shipped rules cover (public page): jurisdiction x licence type, boards, DEA.
    Built once per process: the shipped rules are loaded once and never change while it runs."""
    return coverage_table(default_rules())


# -- transcripts --------------------------------------------------------------------------------


def _owner_name(user: Any) -> str:
    profile = getattr(user, "profile", None)
    name = profile.full_name if profile is not None else ""
    return name or user.email


def transcript_data(
    *, user: Any, regime_id: str = "", as_of: date | None = None
) -> transcripts.TranscriptData:
    """The completions of one regime's current cycle (or all completions) with the status."""
    as_of = as_of or today()
    evaluation, rows = evaluation_compute(user=user, as_of=as_of)
    evaluation_json = evaluation_to_json(evaluation)
    regimes = [
        r for r in evaluation_json["regimes"] if not regime_id or r["regime_id"] == regime_id
    ]
    # Every licence, certification and registration (for one regime: those it covers), so
    # one without a rule shows as "not covered yet" rather than not at all.
    credentials = [
        c for c in evaluation_json["credentials"] if not regime_id or regime_id in c["regime_ids"]
    ]
    if regime_id and not regimes:
        raise ValidationError(
            f"No regime {regime_id!r} applies to this record.",
            field="regime",
            code=ErrorCode.UNKNOWN_REGIME,
        )
    counted: dict[str, list[str]] = {}
    for regime in regimes:
        for req in regime["requirements"]:
            for cid in req["counted_completion_ids"]:
                counted.setdefault(cid, []).append(f"{regime['regime_id']}: {req['label']}")
    start = end = None
    if regime_id:
        start = date.fromisoformat(regimes[0]["cycle_start"]) if regimes[0]["cycle_start"] else None
        end = date.fromisoformat(regimes[0]["cycle_end"]) if regimes[0]["cycle_end"] else None
    certificates: dict[str, list[int]] = {}
    for cert_id, completion_id in Certificate.objects.filter(
        user=user, completion__isnull=False
    ).values_list("pk", "completion_id"):
        certificates.setdefault(str(completion_id), []).append(cert_id)
    lines = []
    for cid, c in sorted(rows.items(), key=lambda item: (item[1].completed_on, item[1].pk)):
        if c.completed_on > as_of:
            continue
        if (
            regime_id
            and (start and c.completed_on < start or end and c.completed_on > end)
            and cid not in counted
        ):
            continue
        lines.append(
            transcripts.TranscriptLine(
                completed_on=c.completed_on,
                title=c.title,
                provider=c.provider,
                accreditor=c.accreditor,
                credits={cc.credit_type: float(cc.amount) for cc in c.credits.all()},
                topics=list(c.topics or []),
                provenance=c.get_provenance_display(),
                counted_toward=counted.get(cid, []),
                certificate_ids=certificates.get(cid, []),
                live=c.live,
            )
        )
    scope = regimes[0]["name"] if regime_id else "All regimes"
    return transcripts.TranscriptData(
        owner=_owner_name(user),
        as_of=as_of,
        scope=scope,
        regimes=regimes,
        lines=lines,
        cycle_start=start,
        cycle_end=end,
        credentials=credentials,
    )


def shared_transcript(*, link: ShareLink) -> transcripts.TranscriptData:
    """What a share link shows: its owner's transcript in its scope (all regimes, or one
    regime's current cycle), as of today. The page, its PDF and its certificates all come
    from these rows, so nothing outside the scope is reachable through the link."""
    return transcript_data(user=link.user, regime_id=link.regime_id)


def shared_certificate(*, link: ShareLink, certificate_id: int) -> Certificate:
    """A certificate on one of the rows the link shows; any other id (another person's, one
    outside the link's regime or cycle, one not attached) is "not found"."""
    shown = {cid for line in shared_transcript(link=link).lines for cid in line.certificate_ids}
    cert = (
        Certificate.objects.filter(
            pk=certificate_id, user=link.user_id, completion__user=link.user_id
        ).first()
        if certificate_id in shown
        else None
    )
    if cert is None:
        raise NotFoundError("Not found.")
    return cert


def transcript_csv(*, user: Any, regime_id: str = "", as_of: date | None = None) -> str:
    return transcripts.to_csv(transcript_data(user=user, regime_id=regime_id, as_of=as_of))


def transcript_pdf(*, user: Any, regime_id: str = "", as_of: date | None = None) -> bytes:
    return transcripts.to_pdf(transcript_data(user=user, regime_id=regime_id, as_of=as_of))
