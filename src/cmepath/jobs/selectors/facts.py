"""The facts matching reads (``matching.py`` is pure: this module turns rows and the
requirement engine's results into its plain inputs): a vacancy's requirements and the
topics its state mandates, the clinician's licences, certifications, CME status and goals.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from cmepath.core import zipdata
from cmepath.jobs import compacts, matching
from cmepath.jobs.choices import CareerTrack
from cmepath.jobs.models import Vacancy


@functools.cache
def _mandated(state: str, profession: str) -> tuple[str, ...]:
    """Topics the requirement rules mandate for every licence of ``profession`` in
    ``state``: one code per requirement (its first topic; any of its topics satisfies it)."""
    from cmepath.credits.batch import rule_index

    index = rule_index()
    found: list[str] = []
    for regime in index.by_licence.get((state, profession), ()):
        for req in regime.requirements:
            cond = req.conditions
            # Topics that only some holders owe (by specialty, patient mix or endorsement)
            # are not a gap for everyone taking the job.
            narrow = (
                cond.patients_65_plus_share_over is not None
                or cond.specialties_any
                or cond.endorsements_any
            )
            if req.topics and not narrow:
                code = sorted(req.topics)[0]
                if code not in found:
                    found.append(code)
    return tuple(found)


@functools.cache
def _topic_groups() -> dict[str, frozenset[str]]:
    """Each mandated topic code and the topics that satisfy the same requirement."""
    from cmepath.credits.batch import rule_index

    groups: dict[str, set[str]] = {}
    for regime in rule_index().rules:
        for req in regime.requirements:
            if req.topics:
                groups.setdefault(sorted(req.topics)[0], set()).update(req.topics)
    return {k: frozenset(v) for k, v in groups.items()}


def _licence_profession(profession: str) -> str:
    return "MD" if profession == "DO" else profession


def mandated_topics_for(vacancies: Iterable[Vacancy]) -> dict[tuple[str, str], tuple[str, ...]]:
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for v in vacancies:
        for state in v.licence_states or ([v.state] if v.state else []):
            key = (state, v.profession)
            if key not in out:
                out[key] = _mandated(state, v.profession) or _mandated(
                    state, _licence_profession(v.profession)
                )
    return out


def vacancy_facts(
    v: Vacancy, mandated: Mapping[tuple[str, str], tuple[str, ...]]
) -> matching.VacancyFacts:
    from cmepath.jobs.search_docs import yearly

    states = v.licence_states or ([v.state] if v.state else [])
    return matching.VacancyFacts(
        id=v.pk,
        profession=v.profession,
        specialty=v.specialty,
        state=v.state,
        remote=v.remote,
        remote_states=frozenset(v.remote_states),
        licence_states=frozenset(states),
        compact_accepted=v.compact_accepted,
        board_requirement=v.board_requirement,
        credentials=frozenset(v.credentials),
        career_track=v.career_track,
        cme_allowance=float(v.cme_allowance or 0),
        cme_days=float(v.cme_days or 0),
        start_date=v.start_date,
        mandated_topics={s: mandated.get((s, v.profession), ()) for s in states},
        latitude=v.latitude,
        longitude=v.longitude,
        visas=frozenset(v.visas),
        salary_max=yearly(v.salary_max, v.salary_unit),
        compact_states=compacts.practice_states(v.profession)
        if v.compact_accepted
        else frozenset(),
    )


#: Career goals (catalog.choices.CAREER_GOALS keys) and the kinds of role they lead to.
GOAL_TRACKS: dict[str, frozenset[str]] = {
    "cmo": frozenset({CareerTrack.LEADERSHIP, CareerTrack.QUALITY}),
    "department_chief": frozenset({CareerTrack.LEADERSHIP}),
    "nurse_leader": frozenset({CareerTrack.LEADERSHIP}),
    "quality_lead": frozenset({CareerTrack.QUALITY}),
    "informaticist": frozenset({CareerTrack.INFORMATICS}),
    "medical_director": frozenset({CareerTrack.LEADERSHIP, CareerTrack.QUALITY}),
    "pharmacist_specialist": frozenset({CareerTrack.CLINICAL}),
    "educator": frozenset({CareerTrack.EDUCATION}),
    "advancing_scope": frozenset({CareerTrack.CLINICAL}),
    "stay_current": frozenset({CareerTrack.CLINICAL}),
}


_CME_STATUS = {
    "met": "met",
    "not_applicable": "met",
    "at_risk": "due_soon",
    "unmet": "overdue",
    "not_covered": "not_covered",
}


def _annual_cme_cost(evaluation: Any) -> float | None:
    """What a year of the clinician's required CME costs: the hours each regime asks per
    cycle, spread over the cycle, times the catalog's median price of a credit."""
    from cmepath.catalog.selectors import median_cost_per_credit

    per_credit = median_cost_per_credit()
    if per_credit is None:
        return None
    hours_per_year = 0.0
    for regime in evaluation.regimes:
        if regime.cycle_start is None or regime.cycle_end is None:
            continue
        years = max((regime.cycle_end - regime.cycle_start).days / 365.25, 1.0)
        needed = max((r.hours_needed for r in regime.requirements), default=0.0)
        hours_per_year += needed / years
    return round(hours_per_year * per_credit, 2)


def clinician_facts(actor: Any, *, on: date) -> matching.ClinicianFacts | None:
    """What matching knows of a clinician: profile, licences with their CME standing from
    the requirement engine, certifications, credentials, career goal, completed topics and
    the yearly cost of their required CME. ``None`` for anyone who is not a clinician."""
    from cmepath.accounts.models import Profile
    from cmepath.catalog.choices import career_goal
    from cmepath.core.policy import role_of
    from cmepath.core.roles import Role
    from cmepath.credits.selectors import evaluation_and_topics

    if role_of(actor) != Role.CLINICIAN:
        return None
    profile = Profile.objects.filter(user=actor).first()
    if profile is None:
        return None
    cache_key = "_jobs_clinician_facts"
    cached = getattr(actor, cache_key, None)
    if cached is not None and cached[0] == on:
        return cached[1]  # type: ignore[no-any-return]
    evaluation, done = evaluation_and_topics(user=actor, as_of=on)
    standing = {
        (c.code, c.profession): _CME_STATUS.get(c.status, "met")
        for c in evaluation.credentials
        if c.kind == "licence"
    }
    rows = list(actor.licences.all())
    licences = tuple(
        matching.LicenceFact(
            state=lic.state,
            profession=lic.licence_type,
            expiry=lic.expiry_date,
            cme_status=standing.get((lic.state, lic.licence_type), "met"),
        )
        for lic in rows
    )
    groups = _topic_groups()
    completed = set(done)
    for head, members in groups.items():
        if members & done:
            completed.add(head)
    goal = career_goal(profile.career_goal)
    certified = actor.board_certifications.filter(cycle_end__gte=on).exists()
    facts = matching.ClinicianFacts(
        profession=profile.profession,
        specialties=frozenset(s for s in [profile.primary_specialty, *profile.specialties] if s),
        licences=licences,
        board_certified=certified,
        credentials=frozenset({"DEA"} if any(lic.dea_registered for lic in rows) else set()),
        career_tracks=GOAL_TRACKS.get(goal.key, frozenset()) if goal else frozenset(),
        completed_topics=frozenset(completed),
        annual_cme_cost=_annual_cme_cost(evaluation),
        home=_home_point(profile.home_zip),
    )
    setattr(actor, cache_key, (on, facts))
    return facts


def _home_point(home_zip: str) -> tuple[float, float] | None:
    place = zipdata.lookup(home_zip) if home_zip else None
    if place is None or place.latitude is None or place.longitude is None:
        return None
    return (place.latitude, place.longitude)
