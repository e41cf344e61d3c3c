"""One pair, with words: :func:`match` explains one vacancy for one clinician, :func:`rank`
keeps the best of many.

Each clause function adds its clause of :data:`WEIGHTS` to a ``_Tally`` when it applies
(weight times the fraction met) and, only when explaining, writes the reasons and gaps; the
wording helpers turn codes into the labels those sentences use. :func:`rank` scores every
candidate without words and explains only the ones it keeps.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from cmepath.jobs.matching.facts import (
    _W_BOARD,
    _W_CAREER,
    _W_CME,
    _W_CREDENTIALS,
    _W_DISTANCE,
    _W_LICENCE,
    _W_SPECIALTY,
    _W_STANDING,
    _W_TOPICS,
    _W_VISA,
    DISTANCE_ZERO_KM,
    OVERDUE,
    STANDING_DAYS,
    ClinicianFacts,
    Gap,
    LicenceFact,
    Match,
    Reason,
    VacancyFacts,
    _Profile,
    _required,
    _topic_pairs,
    same_profession,
)
from cmepath.jobs.matching.words import (
    _credential,
    _day,
    _money,
    _profession,
    _specialty,
    _state,
    _states,
    _topic,
    _track,
)
from cmepath.search.geo import haversine_km

_KM_PER_MILE = 1.609344


# ---------------------------------------------------------------------------- one pair


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
                f"You hold {', '.join(_credential(c) for c in sorted(held))}, "
                "which this role asks for.",
                points,
            )
        )
    for cred in sorted(v.credentials - held):
        t.gaps.append(
            Gap(
                "credential",
                f"This role asks for {_credential(cred)}, which is not on your record.",
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
