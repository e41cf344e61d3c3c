"""The matching engine's inputs and outputs, and what both scorers derive from them.

Inputs: :class:`ClinicianFacts` (with its :class:`LicenceFact` rows) and
:class:`VacancyFacts`, built by the jobs selectors. Output: a :class:`Match` with its
:class:`Reason` and :class:`Gap` rows. :data:`WEIGHTS` are the clause weights of the linear
score. The rest is shared by :mod:`.score` (one pair, with words) and :mod:`.arrays` (many
vacancies at once with numpy), so the two read the facts the same way: the profession rule
(:func:`same_profession`), a clinician's facts prepared once (``_Profile``), the states a
role needs a licence in (``_required``) and its mandated topics (``_topic_pairs``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from cmepath.jobs.vocab import PHYSICIANS

#: Weights of the linear score, in the order clauses are added up. Each is earned in
#: proportion to how much of its clause is met:
WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        # share of the states the role needs a licence in (all of ``licence_states``, else
        # the vacancy's state; a remote role without named licences: any one of the
        # states it may be worked from) covered by a licence valid today, or by a valid
        # multistate licence when the listing accepts the compact and both states are in it
        "licence": 25.0,
        # share of those states whose covering licence stays valid until the start date
        # (today + 90 days without one) and whose CME is not overdue
        "licence_standing": 10.0,
        # the role's NUCC code among the clinician's: full; same first 4 characters
        # (provider type and classification): half
        "specialty": 20.0,
        # board certified: full; the role accepts "eligible" and no certification is on
        # record: half (eligibility cannot be verified); "certified" and none: nothing
        "board": 10.0,
        # share of the required credentials held (BLS, ACLS, DEA ...)
        "credentials": 8.0,
        # the role's career track is one the clinician's career goal points to
        "career_track": 7.0,
        # share of the clinician's annual CME cost the role's CME allowance covers
        "cme_benefit": 10.0,
        # share of the topics mandated by the role's licence states already completed
        "topics": 5.0,
        # closer is better: 1 - distance / 250 km, nothing beyond 250 km (not remote roles)
        "distance": 8.0,
        # the clinician needs a visa and the role sponsors one
        "visa": 10.0,
    }
)
#: Distance at which the distance clause earns nothing.
DISTANCE_ZERO_KM = 250.0
#: Without a start date, a licence must stay valid this long to be in good standing.
STANDING_DAYS = 90
OVERDUE = "overdue"
_W = tuple(WEIGHTS.values())
(
    _W_LICENCE,
    _W_STANDING,
    _W_SPECIALTY,
    _W_BOARD,
    _W_CREDENTIALS,
    _W_CAREER,
    _W_CME,
    _W_TOPICS,
    _W_DISTANCE,
    _W_VISA,
) = _W


@dataclass(frozen=True, slots=True)
class LicenceFact:
    """One licence the clinician holds. ``profession`` uses the clinician's codes (blank:
    the clinician's own); ``multistate`` marks a compact licence (an NLC multistate RN
    licence); ``cme_status`` is the requirement engine's verdict for it: "met",
    "on_track", "due_soon", "overdue" or "not_covered"."""

    state: str
    profession: str
    expiry: date
    multistate: bool = False
    cme_status: str = "met"


@dataclass(frozen=True, slots=True)
class ClinicianFacts:
    """What the verified record says about a clinician (built by the jobs selectors)."""

    profession: str
    specialties: frozenset[str]
    licences: tuple[LicenceFact, ...]
    board_certified: bool
    credentials: frozenset[str]
    career_tracks: frozenset[str]
    completed_topics: frozenset[str]
    annual_cme_cost: float | None
    home: tuple[float, float] | None
    needs_visa: bool = False


@dataclass(frozen=True, slots=True)
class VacancyFacts:
    """What a vacancy asks for and offers. ``mandated_topics`` maps each of its licence
    states to the topic codes that state's rules mandate for the profession;
    ``compact_states`` are the states of the compact relevant to the profession."""

    id: int
    profession: str
    specialty: str
    state: str
    remote: bool
    remote_states: frozenset[str]
    licence_states: frozenset[str]
    compact_accepted: bool
    board_requirement: str
    credentials: frozenset[str]
    career_track: str
    cme_allowance: float
    cme_days: float
    start_date: date | None
    mandated_topics: Mapping[str, tuple[str, ...]]
    latitude: float | None
    longitude: float | None
    visas: frozenset[str]
    salary_max: float | None
    compact_states: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Reason:
    """Why points were earned (or, with 0 points, why a clause did not count)."""

    kind: str
    text: str
    points: float


@dataclass(frozen=True, slots=True)
class Gap:
    """Something the clinician lacks for the role, with what the page needs to link to
    what closes it (the catalog filtered by ``topic`` and ``state``, the licence page)."""

    kind: str
    text: str
    state: str = ""
    topic: str = ""
    credential: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    """The fit of one vacancy: score 0..100, reasons, gaps; ``eligible`` is False when a
    hard requirement (the profession) is missing."""

    vacancy_id: int
    score: int
    reasons: tuple[Reason, ...]
    gaps: tuple[Gap, ...]
    eligible: bool
    distance_km: float | None


# ------------------------------------------------------------------ shared by both scorers


def same_profession(a: str, b: str) -> bool:
    """Whether a listing for profession ``a`` is open to profession ``b``."""
    return a == b or (a in PHYSICIANS and b in PHYSICIANS)


@dataclass(frozen=True, slots=True)
class _Profile:
    """A clinician's facts prepared once for many vacancies."""

    c: ClinicianFacts
    today: date
    valid: Mapping[str, tuple[LicenceFact, ...]]  # licences usable today, by state
    multistate: tuple[LicenceFact, ...]  # valid multistate licences
    lapsed: Mapping[str, LicenceFact]  # latest expired licence of a state with no valid one
    groups: frozenset[str]  # first 4 characters of each specialty

    @classmethod
    def of(cls, c: ClinicianFacts, today: date) -> _Profile:
        valid: dict[str, list[LicenceFact]] = {}
        lapsed: dict[str, LicenceFact] = {}
        for lic in c.licences:
            if lic.profession and not same_profession(lic.profession, c.profession):
                continue  # an NP's RN licence does not license NP work
            if lic.expiry >= today:
                valid.setdefault(lic.state, []).append(lic)
            elif lic.state not in lapsed or lic.expiry > lapsed[lic.state].expiry:
                lapsed[lic.state] = lic
        return cls(
            c=c,
            today=today,
            valid={s: tuple(ls) for s, ls in valid.items()},
            multistate=tuple(lic for ls in valid.values() for lic in ls if lic.multistate),
            lapsed={s: lic for s, lic in lapsed.items() if s not in valid},
            groups=frozenset(s[:4] for s in c.specialties),
        )


def _required(v: VacancyFacts) -> tuple[frozenset[str], bool]:
    """The states the role needs a licence in, and whether all of them (else any one)."""
    if v.licence_states:
        return v.licence_states, True
    if v.state and not v.remote:
        return frozenset({v.state}), True
    if v.remote and v.remote_states:
        return v.remote_states, False
    return frozenset(), True


def _topic_pairs(v: VacancyFacts) -> list[tuple[str, str]]:
    return [(s, code) for s, codes in v.mandated_topics.items() for code in dict.fromkeys(codes)]
