"""How well a clinician's verified record fits a vacancy: a score with reasons and gaps.

Pure and typed (no Django): the selectors turn rows into :class:`ClinicianFacts` and
:class:`VacancyFacts`; :func:`match` explains one pair, :func:`rank` keeps the best of many
("Jobs for you" retrieves candidates by hard filters through the search index first, then
ranks them here; ``docs`` and ``../shared/reference/careers.md`` section 10).

The score is an explainable linear score. Each clause in :data:`WEIGHTS` that *applies* to a
pair earns ``weight * fraction met`` (0..1); the score is
``round(100 * earned / sum of the weights of the clauses that apply)``. A clause applies when
the vacancy asks for something (a licence somewhere, a specialty, board status,
credentials, mandated topics) or when the facts it compares are known (the clinician's CME
cost, both places, a career goal, a need for a visa). What is not asked or not known is
neutral: it neither helps nor hurts, and a reason says so where that is useful. A profession
mismatch is the one hard rule: score 0, not eligible.

:func:`score_arrays` computes the same score (without reasons) for many vacancies at once
with numpy; it is the brute-force anchor of the "Jobs for you" benchmark and a test checks
it agrees with :func:`match` exactly.
"""

from __future__ import annotations

import array
import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from cmepath.accounts import taxonomy
from cmepath.core.vocabulary import PROFESSIONS, STATES, TOPICS
from cmepath.search.geo import EARTH_RADIUS_KM, haversine_km

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
#: MD and DO are both physicians: a listing for one is open to the other.
_PHYSICIANS = frozenset({"MD", "DO"})
_KM_PER_MILE = 1.609344
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


# ---------------------------------------------------------------------------- words


def _state(code: str) -> str:
    term = STATES.get(code)
    return term.label if term else code


def _states(codes: Iterable[str], joiner: str = "and") -> str:
    names = [_state(c) for c in sorted(codes)]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {joiner} {names[-1]}"


def _topic(code: str) -> str:
    term = TOPICS.get(code)
    return term.label if term else code


def _profession(code: str) -> str:
    term = PROFESSIONS.get(code)
    return term.label if term else code


def _specialty(code: str) -> str:
    term = taxonomy.get(code)
    return f"{term.display_name} ({code})" if term else code


def _day(d: date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def _money(amount: float) -> str:
    return f"${amount:,.0f}"


def _track(code: str) -> str:
    return code.replace("_", " ")


def same_profession(a: str, b: str) -> bool:
    """Whether a listing for profession ``a`` is open to profession ``b``."""
    return a == b or (a in _PHYSICIANS and b in _PHYSICIANS)


# ---------------------------------------------------------------------------- one pair


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


def _deadline(v: VacancyFacts, today: date) -> date:
    return v.start_date if v.start_date is not None else today + timedelta(days=STANDING_DAYS)


def _distance(c: ClinicianFacts, v: VacancyFacts) -> float | None:
    if c.home is None or v.latitude is None or v.longitude is None:
        return None
    return haversine_km(c.home[0], c.home[1], v.latitude, v.longitude)


class _Tally:
    """Adds up clauses in :data:`WEIGHTS` order; collects words only when explaining."""

    __slots__ = ("available", "earned", "explain", "gaps", "reasons")

    def __init__(self, explain: bool) -> None:
        self.earned = 0.0
        self.available = 0.0
        self.explain = explain
        self.reasons: list[Reason] = []
        self.gaps: list[Gap] = []

    def add(self, weight: float, fraction: float) -> float:
        points = weight * fraction
        self.earned += points
        self.available += weight
        return points

    def score(self) -> int:
        if self.available <= 0.0:
            return 0
        return round(100.0 * self.earned / self.available)


def _licence_clauses(p: _Profile, v: VacancyFacts, t: _Tally) -> None:
    required, need_all = _required(v)
    if not required:
        return
    deadline = _deadline(v, p.today)
    compact = v.compact_states if v.compact_accepted else frozenset()
    bridges = [m for m in p.multistate if m.state in compact]
    covered: dict[str, LicenceFact] = {}  # state -> its best covering licence
    for s in sorted(required):
        options = list(p.valid.get(s, ()))
        if s in compact:
            options.extend(bridges)
        if options:
            covered[s] = max(options, key=lambda lic: _standing_key(lic, deadline))
    good = {s for s, lic in covered.items() if _in_standing(lic, deadline)}
    if need_all:
        cov_frac = len(covered) / len(required)
        good_frac = len(good) / len(required)
    else:
        cov_frac = 1.0 if covered else 0.0
        good_frac = 1.0 if good else 0.0
    cov_points = t.add(_W_LICENCE, cov_frac)
    good_points = t.add(_W_STANDING, good_frac)
    if not t.explain:
        return
    _explain_licences(p, v, t, required, need_all, covered, cov_points)
    _explain_standing(v, t, covered, good, deadline, good_points, need_all)


def _standing_key(lic: LicenceFact, deadline: date) -> tuple[bool, date]:
    return (_in_standing(lic, deadline), lic.expiry)


def _in_standing(lic: LicenceFact, deadline: date) -> bool:
    return lic.expiry >= deadline and lic.cme_status != OVERDUE


def _explain_licences(
    p: _Profile,
    v: VacancyFacts,
    t: _Tally,
    required: frozenset[str],
    need_all: bool,
    covered: Mapping[str, LicenceFact],
    points: float,
) -> None:
    for s, lic in sorted(covered.items()):
        if lic.state != s:
            t.reasons.append(
                Reason(
                    "licence",
                    f"Your multistate licence from {_state(lic.state)} lets you practise in "
                    f"{_state(s)} through the licence compact, which this listing accepts.",
                    0.0,
                )
            )
    if not need_all:
        if covered:
            t.reasons.append(
                Reason(
                    "licence",
                    f"This remote role may be worked from {_states(covered)}, "
                    "where you hold a licence.",
                    points,
                )
            )
        else:
            for s in sorted(required & p.lapsed.keys()):
                t.gaps.append(_lapsed_gap(p.lapsed[s]))
            t.gaps.append(
                Gap(
                    "licence",
                    f"This remote role may be worked from {_states(required, 'or')}; "
                    "you hold a licence in none of them.",
                )
            )
        return
    if covered:
        text = (
            f"You are licensed to practise in {_states(covered)}, as this role needs."
            if len(covered) == len(required)
            else f"Your licences cover {len(covered)} of the {len(required)} states this "
            f"role needs ({_states(covered)})."
        )
        t.reasons.append(Reason("licence", text, points))
    compact = v.compact_states if v.compact_accepted else frozenset()
    for s in sorted(required - covered.keys()):
        if s in p.lapsed:
            t.gaps.append(_lapsed_gap(p.lapsed[s]))
        elif s in compact:
            t.gaps.append(
                Gap(
                    "licence",
                    f"This role needs a licence in {_state(s)}, or a multistate licence "
                    "from another compact state; you hold neither.",
                    state=s,
                )
            )
        else:
            t.gaps.append(
                Gap(
                    "licence",
                    f"This role needs a licence in {_state(s)}, which is not on your record.",
                    state=s,
                )
            )


def _lapsed_gap(lic: LicenceFact) -> Gap:
    return Gap(
        "licence_renewal",
        f"Your {_state(lic.state)} licence expired on {_day(lic.expiry)}; "
        "renew it to take this role.",
        state=lic.state,
    )


def _explain_standing(
    v: VacancyFacts,
    t: _Tally,
    covered: Mapping[str, LicenceFact],
    good: set[str],
    deadline: date,
    points: float,
    need_all: bool,
) -> None:
    if good:
        t.reasons.append(
            Reason(
                "licence_standing",
                f"Your licence{'s' if len(good) > 1 else ''} in {_states(good)} "
                f"{'stay' if len(good) > 1 else 'stays'} valid through "
                f"{'the start date' if v.start_date else 'the next 90 days'} "
                "with CME not overdue.",
                points,
            )
        )
    if not need_all and good:
        return  # one licence in good standing is enough for a remote role
    when = (
        f"before this role starts on {_day(deadline)}"
        if v.start_date
        else f"within 90 days (by {_day(deadline)})"
    )
    lapsing = {lic for s, lic in covered.items() if s not in good}  # one gap per licence
    for lic in sorted(lapsing, key=lambda lic: (lic.state, lic.expiry)):
        if lic.expiry < deadline:
            t.gaps.append(
                Gap(
                    "licence_renewal",
                    f"Your {_state(lic.state)} licence expires on {_day(lic.expiry)}, "
                    f"{when}; renew it first.",
                    state=lic.state,
                )
            )
        if lic.cme_status == OVERDUE:
            t.gaps.append(
                Gap(
                    "licence_renewal",
                    f"The CME for your {_state(lic.state)} licence is overdue; catch up "
                    "before the licence comes up for renewal.",
                    state=lic.state,
                )
            )


def _specialty_clause(p: _Profile, v: VacancyFacts, t: _Tally) -> None:
    if not v.specialty:
        return
    if v.specialty in p.c.specialties:
        points = t.add(_W_SPECIALTY, 1.0)
        if t.explain:
            t.reasons.append(
                Reason(
                    "specialty",
                    f"Your specialty, {_specialty(v.specialty)}, is the one this role asks for.",
                    points,
                )
            )
    elif v.specialty[:4] in p.groups:
        points = t.add(_W_SPECIALTY, 0.5)
        if t.explain:
            mine = sorted(s for s in p.c.specialties if s[:4] == v.specialty[:4])[0]
            t.reasons.append(
                Reason(
                    "specialty",
                    f"This role asks for {_specialty(v.specialty)}; your specialty "
                    f"{_specialty(mine)} is related, which earns half the points.",
                    points,
                )
            )
    else:
        t.add(_W_SPECIALTY, 0.0)
        if t.explain:
            t.gaps.append(
                Gap(
                    "specialty",
                    f"This role asks for {_specialty(v.specialty)}, which is not among "
                    "your specialties.",
                )
            )


def _board_clause(p: _Profile, v: VacancyFacts, t: _Tally) -> None:
    req = v.board_requirement
    if req not in ("eligible", "certified"):
        return
    asked = "board certification" if req == "certified" else "board eligibility or certification"
    if p.c.board_certified:
        points = t.add(_W_BOARD, 1.0)
        if t.explain:
            t.reasons.append(
                Reason("board", f"You are board certified; this role asks for {asked}.", points)
            )
    elif req == "eligible":
        points = t.add(_W_BOARD, 0.5)
        if t.explain:
            t.reasons.append(
                Reason(
                    "board",
                    "No current board certification is on your record; eligibility counts "
                    "for half the points.",
                    points,
                )
            )
            t.gaps.append(
                Gap(
                    "board",
                    f"This role asks for {asked}; be ready to show your board eligibility.",
                )
            )
    else:
        t.add(_W_BOARD, 0.0)
        if t.explain:
            t.gaps.append(Gap("board", f"This role asks for {asked}, which is not on your record."))


def _credentials_clause(p: _Profile, v: VacancyFacts, t: _Tally) -> None:
    if not v.credentials:
        return
    held = v.credentials & p.c.credentials
    points = t.add(_W_CREDENTIALS, len(held) / len(v.credentials))
    if not t.explain:
        return
    if held:
        t.reasons.append(
            Reason(
                "credentials",
                f"You hold {', '.join(sorted(held))}, which this role asks for.",
                points,
            )
        )
    for cred in sorted(v.credentials - held):
        t.gaps.append(
            Gap(
                "credential",
                f"This role asks for {cred}, which is not on your record.",
                credential=cred,
            )
        )


def _career_clause(p: _Profile, v: VacancyFacts, t: _Tally) -> None:
    if not p.c.career_tracks or not v.career_track:
        return
    if v.career_track in p.c.career_tracks:
        points = t.add(_W_CAREER, 1.0)
        if t.explain:
            t.reasons.append(
                Reason(
                    "career_track",
                    f"This is a {_track(v.career_track)} role, where your career goal points.",
                    points,
                )
            )
    else:
        t.add(_W_CAREER, 0.0)
        if t.explain:
            goals = " or ".join(_track(g) for g in sorted(p.c.career_tracks))
            t.reasons.append(
                Reason(
                    "career_track",
                    f"This is a {_track(v.career_track)} role; your career goal points to {goals}.",
                    0.0,
                )
            )


def _cme_clause(p: _Profile, v: VacancyFacts, t: _Tally) -> None:
    cost = p.c.annual_cme_cost
    days = f" and {v.cme_days:g} paid CME days" if v.cme_days > 0 else ""
    if cost is None:
        if t.explain:
            t.reasons.append(
                Reason(
                    "cme_benefit",
                    f"The role offers a CME allowance of {_money(v.cme_allowance)} a year"
                    f"{days}; what your requirements cost a year is not known yet, so it "
                    "did not count either way.",
                    0.0,
                )
            )
        return
    fraction = 1.0 if cost <= 0.0 else min(1.0, v.cme_allowance / cost)
    points = t.add(_W_CME, fraction)
    if not t.explain:
        return
    if fraction >= 1.0:
        t.reasons.append(
            Reason(
                "cme_benefit",
                f"The CME allowance of {_money(v.cme_allowance)} a year{days} covers the "
                f"{_money(cost)} your requirements cost a year.",
                points,
            )
        )
        return
    if v.cme_allowance > 0:
        t.reasons.append(
            Reason(
                "cme_benefit",
                f"The CME allowance of {_money(v.cme_allowance)} a year{days} covers part of "
                f"the {_money(cost)} your requirements cost a year.",
                points,
            )
        )
        text = (
            f"The CME allowance leaves {_money(cost - v.cme_allowance)} of your "
            f"{_money(cost)} yearly CME cost to you."
        )
    else:
        text = f"This role funds no CME; your requirements cost about {_money(cost)} a year."
    t.gaps.append(Gap("cme_cost", text))


def _topic_pairs(v: VacancyFacts) -> list[tuple[str, str]]:
    return [(s, code) for s, codes in v.mandated_topics.items() for code in dict.fromkeys(codes)]


def _topics_clause(p: _Profile, v: VacancyFacts, t: _Tally) -> None:
    pairs = _topic_pairs(v)
    if not pairs:
        return
    done = p.c.completed_topics
    missing = [(s, code) for s, code in pairs if code not in done]
    points = t.add(_W_TOPICS, (len(pairs) - len(missing)) / len(pairs))
    if not t.explain:
        return
    states = {s for s, _ in pairs}
    if not missing:
        text = f"You have completed every CME topic {_states(states)} mandates for this role."
    else:
        text = (
            f"You have completed {len(pairs) - len(missing)} of the {len(pairs)} CME topics "
            f"{_states(states)} mandates for this role."
        )
    t.reasons.append(Reason("topics", text, points))
    for s, code in sorted(missing):
        t.gaps.append(
            Gap(
                "topic",
                f"{_state(s)} mandates CME on a topic you have not completed: {_topic(code)}.",
                state=s,
                topic=code,
            )
        )


def _distance_clause(v: VacancyFacts, km: float | None, t: _Tally) -> None:
    if v.remote or km is None:
        return
    points = t.add(_W_DISTANCE, max(0.0, 1.0 - km / DISTANCE_ZERO_KM))
    if t.explain:
        far = "" if points > 0 else ", too far to earn distance points"
        t.reasons.append(
            Reason(
                "distance",
                f"The role is about {km / _KM_PER_MILE:,.0f} miles ({km:,.0f} km) from your "
                f"home{far}.",
                points,
            )
        )


def _visa_clause(p: _Profile, v: VacancyFacts, t: _Tally) -> None:
    if not p.c.needs_visa:
        return
    if v.visas:
        points = t.add(_W_VISA, 1.0)
        if t.explain:
            t.reasons.append(
                Reason("visa", "This role offers the visa sponsorship you need.", points)
            )
    else:
        t.add(_W_VISA, 0.0)
        if t.explain:
            t.gaps.append(Gap("visa", "You need visa sponsorship and this role offers none."))


def _evaluate(p: _Profile, v: VacancyFacts, explain: bool) -> Match:
    km = _distance(p.c, v)
    distance = round(km, 1) if km is not None else None
    if not same_profession(v.profession, p.c.profession):
        if not explain:
            return Match(v.id, 0, (), (), False, distance)
        text = (
            f"This role is for the profession {_profession(v.profession)}; yours is "
            f"{_profession(p.c.profession)}."
        )
        return Match(v.id, 0, (), (Gap("profession", text),), False, distance)
    t = _Tally(explain)
    _licence_clauses(p, v, t)
    _specialty_clause(p, v, t)
    _board_clause(p, v, t)
    _credentials_clause(p, v, t)
    _career_clause(p, v, t)
    _cme_clause(p, v, t)
    _topics_clause(p, v, t)
    _distance_clause(v, km, t)
    _visa_clause(p, v, t)
    return Match(v.id, t.score(), tuple(t.reasons), tuple(t.gaps), True, distance)


def match(c: ClinicianFacts, v: VacancyFacts, *, today: date) -> Match:
    """The fit of one vacancy for one clinician, with its reasons and gaps."""
    return _evaluate(_Profile.of(c, today), v, explain=True)


def rank(
    c: ClinicianFacts, vs: Iterable[VacancyFacts], *, today: date, limit: int = 20
) -> list[Match]:
    """The ``limit`` best vacancies, best first, ties by vacancy id. Every candidate is
    scored without words; only the kept ones are explained."""
    if limit <= 0:
        return []
    p = _Profile.of(c, today)
    scored = ((_evaluate(p, v, explain=False).score, v) for v in vs)
    best = heapq.nsmallest(limit, scored, key=lambda sv: (-sv[0], sv[1].id))
    return [_evaluate(p, v, explain=True) for _, v in best]


# ---------------------------------------------------------------------------- many at once

_U64 = np.uint64
_U64Array = NDArray[np.uint64]
_FloatArray = NDArray[np.float64]
_BoolArray = NDArray[np.bool_]
_IntArray = NDArray[np.int64]


def _codes(values: Sequence[str], index: dict[str, int]) -> NDArray[np.int32]:
    return np.fromiter((index.setdefault(v, len(index)) for v in values), np.int32, len(values))


def _bits(names: Iterable[str], index: Mapping[str, int]) -> int:
    mask = 0
    for name in names:
        bit = index.get(name)
        if bit is not None:
            mask |= 1 << bit
    return mask


class _BitIndex(dict[str, int]):
    """Bit positions of a small vocabulary (at most 64 names: one uint64 per row)."""

    def mask(self, names: Iterable[str]) -> int:
        mask = 0
        for name in names:
            bit = self.get(name)
            if bit is None:
                if len(self) == 64:
                    raise ValueError("more than 64 distinct values do not fit a bit mask")
                bit = self[name] = len(self)
            mask |= 1 << bit
        return mask


@dataclass(frozen=True, slots=True)
class VacancyArrays:
    """Many vacancies as numpy columns, for :func:`score_arrays`.

    Categorical values are codes into the tuples beside them (-1: blank); sets of states
    and credentials are uint64 bit masks over ``states`` / ``credential_names``; mandated
    topics are (row, topic code) pairs.
    """

    ids: _IntArray
    profession: NDArray[np.int32]
    professions: tuple[str, ...]
    specialty: NDArray[np.int32]
    group: NDArray[np.int32]
    specialties: tuple[str, ...]
    groups: tuple[str, ...]
    states: tuple[str, ...]
    required_all: _U64Array
    required_any: _U64Array
    compact: _U64Array
    start: _IntArray  # date ordinal, 0 when none
    board: NDArray[np.int8]  # 0 none, 1 eligible, 2 certified
    credentials: _U64Array
    credential_names: tuple[str, ...]
    career_track: NDArray[np.int32]
    career_tracks: tuple[str, ...]
    cme_allowance: _FloatArray
    latitude: _FloatArray  # nan: no place, or a remote role
    longitude: _FloatArray
    visas: _BoolArray
    topic_rows: NDArray[np.int32]
    topic_codes: NDArray[np.int32]
    topic_total: _IntArray
    topics: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_facts(cls, facts: Iterable[VacancyFacts]) -> VacancyArrays:
        """Columns of ``facts`` (any iterable, read once; a generator keeps memory low)."""
        states = _BitIndex((s, i) for i, s in enumerate(STATES))
        creds = _BitIndex()
        ids, starts, totals = array.array("q"), array.array("q"), array.array("q")
        req_all, req_any, compact, cred = (array.array("Q") for _ in range(4))
        allowance, lat, lon = array.array("d"), array.array("d"), array.array("d")
        board, visas = array.array("b"), array.array("b")
        prof: list[str] = []
        spec: list[str] = []
        track: list[str] = []
        topic_rows, topic_names = array.array("i"), []
        boards = {"eligible": 1, "certified": 2}
        for row, v in enumerate(facts):
            ids.append(v.id)
            prof.append(v.profession)
            spec.append(v.specialty)
            track.append(v.career_track)
            required, need_all = _required(v)
            mask = states.mask(required)
            req_all.append(mask if need_all else 0)
            req_any.append(0 if need_all else mask)
            compact.append(states.mask(v.compact_states) if v.compact_accepted else 0)
            starts.append(v.start_date.toordinal() if v.start_date is not None else 0)
            board.append(boards.get(v.board_requirement, 0))
            cred.append(creds.mask(v.credentials))
            allowance.append(float(v.cme_allowance))
            if not v.remote and v.latitude is not None and v.longitude is not None:
                lat.append(float(v.latitude))
                lon.append(float(v.longitude))
            else:
                lat.append(math.nan)
                lon.append(math.nan)
            visas.append(1 if v.visas else 0)
            pairs = _topic_pairs(v)
            totals.append(len(pairs))
            for _, code in pairs:
                topic_rows.append(row)
                topic_names.append(code)
        prof_i: dict[str, int] = {}
        spec_i: dict[str, int] = {"": -1}
        group_i: dict[str, int] = {"": -1}
        track_i: dict[str, int] = {"": -1}
        topic_i: dict[str, int] = {}

        def names(index: dict[str, int]) -> tuple[str, ...]:
            return tuple(n for n, i in sorted(index.items(), key=lambda kv: kv[1]) if i >= 0)

        spec_codes = _shifted(spec, spec_i)
        group_codes = _shifted([s[:4] for s in spec], group_i)
        track_codes = _shifted(track, track_i)
        return cls(
            ids=np.frombuffer(ids, np.int64).copy(),
            profession=_codes(prof, prof_i),
            professions=names(prof_i),
            specialty=spec_codes,
            group=group_codes,
            specialties=names(spec_i),
            groups=names(group_i),
            states=tuple(sorted(states, key=states.__getitem__)),
            required_all=np.frombuffer(req_all, _U64).copy(),
            required_any=np.frombuffer(req_any, _U64).copy(),
            compact=np.frombuffer(compact, _U64).copy(),
            start=np.frombuffer(starts, np.int64).copy(),
            board=np.frombuffer(board, np.int8).copy(),
            credentials=np.frombuffer(cred, _U64).copy(),
            credential_names=tuple(sorted(creds, key=creds.__getitem__)),
            career_track=track_codes,
            career_tracks=names(track_i),
            cme_allowance=np.frombuffer(allowance, np.float64).copy(),
            latitude=np.frombuffer(lat, np.float64).copy(),
            longitude=np.frombuffer(lon, np.float64).copy(),
            visas=np.frombuffer(visas, np.int8).astype(np.bool_),
            topic_rows=np.frombuffer(topic_rows, np.int32).copy(),
            topic_codes=_codes(topic_names, topic_i),
            topic_total=np.frombuffer(totals, np.int64).copy(),
            topics=names(topic_i),
        )


def _shifted(values: Sequence[str], index: dict[str, int]) -> NDArray[np.int32]:
    """Codes where blank is -1 (``index`` starts as {"": -1})."""
    out = np.empty(len(values), np.int32)
    for i, v in enumerate(values):
        code = index.get(v)
        if code is None:
            code = index[v] = len(index) - 1
        out[i] = code
    return out


def _isin(codes: NDArray[np.int32], names: tuple[str, ...], wanted: Iterable[str]) -> _BoolArray:
    index = {n: i for i, n in enumerate(names)}
    keep = [index[w] for w in wanted if w in index]
    if not keep:
        return np.zeros(len(codes), np.bool_)
    return np.isin(codes, np.array(keep, np.int32))


def _add(
    earned: _FloatArray, available: _FloatArray, applies: _BoolArray, w: float, frac: _FloatArray
) -> None:
    earned += np.where(applies, w * frac, 0.0)
    available += np.where(applies, w, 0.0)


def score_arrays(c: ClinicianFacts, arrays: VacancyArrays, *, today: date) -> _IntArray:
    """The :func:`match` score of every row (0..100), without reasons."""
    a = arrays
    n = len(a)
    p = _Profile.of(c, today)
    states = {s: i for i, s in enumerate(a.states)}
    earned = np.zeros(n)
    available = np.zeros(n)
    eligible = _isin(
        a.profession, a.professions, [x for x in a.professions if same_profession(x, c.profession)]
    )
    # licence and standing
    deadline = np.where(a.start > 0, a.start, (today + timedelta(days=STANDING_DAYS)).toordinal())
    covered = np.zeros(n, _U64)
    good = np.zeros(n, _U64)
    for s, lics in p.valid.items():
        bit = _U64(_bits([s], states))
        for lic in lics:
            covered |= bit
            good |= np.where(_good_rows(lic, deadline), bit, _U64(0))
    for lic in p.multistate:
        bit = _U64(_bits([lic.state], states))
        bridged = (a.compact & bit) != 0
        covered |= np.where(bridged, a.compact, _U64(0))
        good |= np.where(bridged & _good_rows(lic, deadline), a.compact, _U64(0))
    n_req = np.bitwise_count(a.required_all).astype(np.float64)
    all_rows = n_req > 0
    any_rows = ~all_rows & (a.required_any != 0)
    safe = np.where(all_rows, n_req, 1.0)
    cov = np.where(
        all_rows,
        np.bitwise_count(a.required_all & covered) / safe,
        ((a.required_any & covered) != 0).astype(np.float64),
    )
    std = np.where(
        all_rows,
        np.bitwise_count(a.required_all & good) / safe,
        ((a.required_any & good) != 0).astype(np.float64),
    )
    licensed = all_rows | any_rows
    _add(earned, available, licensed, _W_LICENCE, cov)
    _add(earned, available, licensed, _W_STANDING, std)
    # specialty
    exact = _isin(a.specialty, a.specialties, c.specialties)
    related = _isin(a.group, a.groups, p.groups)
    spec = np.where(exact, 1.0, np.where(related, 0.5, 0.0))
    _add(earned, available, a.specialty >= 0, _W_SPECIALTY, spec)
    # board
    board = np.full(n, 1.0) if c.board_certified else np.where(a.board == 1, 0.5, 0.0)
    _add(earned, available, a.board > 0, _W_BOARD, board)
    # credentials
    held = _U64(_bits(c.credentials, {x: i for i, x in enumerate(a.credential_names)}))
    n_cred = np.bitwise_count(a.credentials).astype(np.float64)
    asked = n_cred > 0
    cred = np.bitwise_count(a.credentials & held) / np.where(asked, n_cred, 1.0)
    _add(earned, available, asked, _W_CREDENTIALS, cred)
    # career track
    if c.career_tracks:
        track = _isin(a.career_track, a.career_tracks, c.career_tracks).astype(np.float64)
        _add(earned, available, a.career_track >= 0, _W_CAREER, track)
    # CME benefit
    cost = c.annual_cme_cost
    if cost is not None:
        with np.errstate(over="ignore"):  # a tiny cost: inf, capped at 1 as in match()
            cme = np.ones(n) if cost <= 0.0 else np.minimum(1.0, a.cme_allowance / cost)
        _add(earned, available, np.ones(n, np.bool_), _W_CME, cme)
    # mandated topics
    done_pairs = _isin(a.topic_codes, a.topics, c.completed_topics)
    done = np.bincount(a.topic_rows[done_pairs], minlength=n).astype(np.float64)
    mandated = a.topic_total > 0
    _add(earned, available, mandated, _W_TOPICS, done / np.where(mandated, a.topic_total, 1))
    # distance (the same formula as search.geo.haversine_km, term by term)
    if c.home is not None:
        placed = ~np.isnan(a.latitude)
        lat2 = np.where(placed, a.latitude, 0.0)
        lon2 = np.where(placed, a.longitude, 0.0)
        p1 = math.radians(c.home[0])
        p2 = np.radians(lat2)
        dp = p2 - p1
        dl = np.radians(lon2 - c.home[1])
        h = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
        _add(earned, available, placed, _W_DISTANCE, np.maximum(0.0, 1.0 - km / DISTANCE_ZERO_KM))
    # visa
    if c.needs_visa:
        _add(earned, available, np.ones(n, np.bool_), _W_VISA, a.visas.astype(np.float64))
    ratio = np.divide(100.0 * earned, available, out=np.zeros(n), where=available > 0)
    return np.where(eligible, np.rint(ratio), 0.0).astype(np.int64)


def _good_rows(lic: LicenceFact, deadline: _IntArray) -> _BoolArray:
    if lic.cme_status == OVERDUE:
        return np.zeros(len(deadline), np.bool_)
    return lic.expiry.toordinal() >= deadline
