"""What the clinician's requirements accept, for the catalog: the open gaps by key, the gap
a search was opened for, and per activity how much of it it closes or why it counts for
none of the clinician's rules.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cmepath.core.dates import site_date
from cmepath.core.roles import Role
from cmepath.core.vocabulary import TOPICS, credit_label
from cmepath.credits import batch
from cmepath.credits.inputs import _profile_for as profile_inputs_for_user
from cmepath.credits.inputs import brief_inputs_for_user
from cmepath.credits.rules import (
    Requirement,
    evaluate,
)
from cmepath.credits.rules.counting import hours_toward
from cmepath.credits.selectors.findcme import OPEN_STATUSES, gap_key, requirement_spec
from cmepath.credits.selectors.records import today


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
            text += f" by {site_date(self.deadline)}"
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
