"""Turn database rows into the rules engine's inputs (one clinician, through the ORM).

``check-all`` builds the same inputs from raw rows in bulk (``batch.py``); both go through
the small helpers here so a clinician is evaluated the same way on the dashboard and in the
batch (pinned by ``tests/credits/test_check_all.py``).

Specialties: the profile stores NUCC taxonomy codes, the rules speak slugs such as
``internal_medicine``; a code maps to the slugs of its classification and specialization
("207RA0401X" -> internal_medicine, addiction_medicine). Board certifications' free-text
specialties are slugged the same way.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from cmepath.credits.rules import BoardCert, ClinicianProfile, Licence
from cmepath.credits.rules import Completion as EngineCompletion

# Engine ``kinds`` by (sa_cme, pi_cme, live): shared frozensets, one lookup per completion
# (check-all indexes the same table with the 0/1 integers its raw rows carry).
KINDS: dict[tuple[bool, bool, bool], frozenset[str]] = {
    (sa, pi, live): frozenset(k for k, on in (("sa_cme", sa), ("pi_cme", pi), ("live", live)) if on)
    for sa in (False, True)
    for pi in (False, True)
    for live in (False, True)
}


@functools.cache
def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


@functools.cache
def specialty_slugs(code: str) -> frozenset[str]:
    from cmepath.accounts.taxonomy import get

    entry = get(code) if code else None
    if entry is None:
        return frozenset()
    return frozenset(s for s in (slug(entry.classification), slug(entry.specialization or "")) if s)


def profile_input(
    *,
    user_id: int,
    profession: str,
    birth_month: int | None,
    first_licensure: date | None,
    share_65: int | None,
    specialty_codes: Iterable[str],
    licences: Iterable[Licence],
    certs: Iterable[BoardCert],
    dea_dates: Iterable[date | None],
) -> ClinicianProfile:
    specialties: set[str] = set()
    for code in specialty_codes:
        if code:
            specialties |= specialty_slugs(code)
    dates = [d for d in dea_dates if d is not None]
    return ClinicianProfile(
        id=str(user_id),
        profession=profession or "other",
        date_of_first_licensure=first_licensure,
        birth_date=date(2000, birth_month, 1) if birth_month else None,  # only the month is used
        licences=tuple(licences),
        board_certifications=tuple(certs),
        dea_registration_date=max(dates) if dates else None,
        patients_65_plus_share=share_65 / 100 if share_65 is not None else None,
        specialties=frozenset(specialties),
    )


def completion_input(
    *,
    pk: int,
    title: str,
    completed_on: date,
    credits: dict[str, float],
    topics: Iterable[str],
    sa_cme: bool,
    pi_cme: bool,
    live: bool,
) -> EngineCompletion:
    kinds = KINDS[bool(sa_cme), bool(pi_cme), bool(live)]
    return EngineCompletion(
        id=str(pk),
        title=title,
        completed_on=completed_on,
        credits=credits,
        topics=frozenset(topics),
        kinds=kinds,
    )


@dataclass(frozen=True, slots=True)
class CompletionBrief:
    """The few fields pages show next to a requirement (dashboard fast path)."""

    pk: int
    title: str
    completed_on: date


def brief_inputs_for_user(
    user: Any,
) -> tuple[ClinicianProfile, list[EngineCompletion], dict[str, CompletionBrief]]:
    """Like ``inputs_for_user`` in 4 queries and without model instances: completions come
    from one ``values_list`` with the derived ``credit_summary`` (as check-all reads them)."""
    from .models import Completion

    engine_profile = _profile_for(user)
    completions: list[EngineCompletion] = []
    briefs: dict[str, CompletionBrief] = {}
    parsed: dict[str, dict[str, float]] = {}
    for pk, title, completed_on, topics, sa, pi, live, summary in Completion.objects.filter(
        user=user
    ).values_list(
        "pk", "title", "completed_on", "topics", "sa_cme", "pi_cme", "live", "credit_summary"
    ):
        credits = parsed.get(summary)
        if credits is None:
            credits = parsed[summary] = {
                code: float(amount)
                for code, _, amount in (part.partition("=") for part in summary.split(";") if part)
            }
        completions.append(
            completion_input(
                pk=pk,
                title=title,
                completed_on=completed_on,
                credits=credits,
                topics=topics or [],
                sa_cme=sa,
                pi_cme=pi,
                live=live,
            )
        )
        briefs[str(pk)] = CompletionBrief(pk, title, completed_on)
    return engine_profile, completions, briefs


def _profile_for(user: Any) -> ClinicianProfile:
    """The engine's view of a clinician, in three light queries (``values_list``: no model
    instances; the profile's ordering dropped, there is one row per user)."""
    from cmepath.accounts.models import BoardCertification, Profile
    from cmepath.accounts.models import Licence as LicenceRow

    profile = (
        Profile.objects.filter(user=user)
        .order_by()
        .values_list(
            "profession",
            "birth_month",
            "date_of_first_licensure",
            "share_patients_65_plus",
            "primary_specialty",
            "specialties",
        )
        .first()
    )
    licences, dea_dates = [], []
    for state, kind, number, issued, expires, dea, direct, dea_date in LicenceRow.objects.filter(
        user=user
    ).values_list(
        "state",
        "licence_type",
        "number",
        "issue_date",
        "expiry_date",
        "dea_registered",
        "direct_patient_care",
        "dea_registration_date",
    ):
        licences.append(
            Licence(
                state=state,
                profession=kind,
                number=number,
                issue_date=issued,
                expiry_date=expires,
                dea_registered=dea,
                direct_patient_care=direct,
            )
        )
        if dea:
            dea_dates.append(dea_date)
    certs = [
        BoardCert(board=board, specialty=slug(specialty), cycle_start=start, cycle_end=end)
        for board, specialty, start, end in BoardCertification.objects.filter(
            user=user
        ).values_list("board", "specialty", "cycle_start", "cycle_end")
    ]
    profession, birth_month, first_licensure, share_65, primary, specialties = profile or (
        "other",
        None,
        None,
        None,
        "",
        None,
    )
    return profile_input(
        user_id=user.pk,
        profession=profession,
        birth_month=birth_month,
        first_licensure=first_licensure,
        share_65=share_65,
        specialty_codes=[primary, *(specialties or [])] if profile else [],
        licences=licences,
        certs=certs,
        dea_dates=dea_dates,
    )


def inputs_for_user(user: Any) -> tuple[ClinicianProfile, list[EngineCompletion], dict[str, Any]]:
    """Profile, completions (engine form, from the credit rows themselves) and the
    completion rows by id, in 5 queries."""
    from .models import Completion

    engine_profile = _profile_for(user)
    rows = list(Completion.objects.filter(user=user).prefetch_related("credits"))
    completions = [
        completion_input(
            pk=c.pk,
            title=c.title,
            completed_on=c.completed_on,
            credits={cc.credit_type: float(cc.amount) for cc in c.credits.all()},
            topics=c.topics or [],
            sa_cme=c.sa_cme,
            pi_cme=c.pi_cme,
            live=c.live,
        )
        for c in rows
    ]
    return engine_profile, completions, {str(c.pk): c for c in rows}
