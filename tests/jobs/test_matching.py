"""Matching engine: each clause and gap, then hypothesis properties of the score, the
ranking and the vectorized scorer (which must agree with ``match`` exactly).

Pure: no database. The base pair below is a perfect fit (score 100, no gaps); each test
changes one thing and states the points it expects, from :data:`matching.WEIGHTS`.
"""

from __future__ import annotations

import dataclasses
import random
import subprocess
import sys
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmepath.jobs import matching
from cmepath.jobs.matching import (
    WEIGHTS,
    ClinicianFacts,
    LicenceFact,
    Match,
    VacancyArrays,
    VacancyFacts,
    match,
    rank,
    score_arrays,
)
from cmepath.search.geo import haversine_km

TODAY = date(2026, 3, 1)
DENVER = (39.7392, -104.9903)
FNP = "363LF0000X"  # Nurse Practitioner: Family
ACNP = "363LA2200X"  # Nurse Practitioner: Adult Health (same first 4 characters)
RN_CODE = "163W00000X"

CLINICIAN = ClinicianFacts(
    profession="NP",
    specialties=frozenset({FNP}),
    licences=(LicenceFact("CO", "NP", TODAY + timedelta(days=700)),),
    board_certified=True,
    credentials=frozenset({"BLS", "ACLS"}),
    career_tracks=frozenset({"clinical"}),
    completed_topics=frozenset({"implicit_bias"}),
    annual_cme_cost=1000.0,
    home=DENVER,
)
VACANCY = VacancyFacts(
    id=1,
    profession="NP",
    specialty=FNP,
    state="CO",
    remote=False,
    remote_states=frozenset(),
    licence_states=frozenset({"CO"}),
    compact_accepted=False,
    board_requirement="none",
    credentials=frozenset({"BLS"}),
    career_track="clinical",
    cme_allowance=2000.0,
    cme_days=3.0,
    start_date=None,
    mandated_topics={"CO": ("implicit_bias",)},
    latitude=DENVER[0],
    longitude=DENVER[1],
    visas=frozenset(),
    salary_max=140000.0,
)
#: Weights of the clauses the base pair uses (board and visa do not apply to it).
BASE = sum(
    WEIGHTS[k]
    for k in (
        "licence",
        "licence_standing",
        "specialty",
        "credentials",
        "career_track",
        "cme_benefit",
        "topics",
        "distance",
    )
)


def vac(**changes: Any) -> VacancyFacts:
    return dataclasses.replace(VACANCY, **changes)


def clin(**changes: Any) -> ClinicianFacts:
    return dataclasses.replace(CLINICIAN, **changes)


def expected(lost: float, available: float = BASE) -> int:
    return round(100 * (available - lost) / available)


def kinds(m: Match) -> list[str]:
    return [g.kind for g in m.gaps]


def test_perfect_fit_scores_100_with_reasons_and_no_gaps() -> None:
    m = match(CLINICIAN, VACANCY, today=TODAY)

    assert m == Match(1, 100, m.reasons, (), True, 0.0)
    assert {r.kind for r in m.reasons} >= {"licence", "specialty", "cme_benefit", "distance"}
    assert sum(r.points for r in m.reasons) == pytest.approx(BASE)


def test_every_text_is_a_plain_sentence() -> None:
    c = clin(needs_visa=True, annual_cme_cost=None, licences=())
    v = vac(board_requirement="certified", credentials=frozenset({"PALS"}), specialty=ACNP)
    m = match(dataclasses.replace(c, board_certified=False), v, today=TODAY)

    texts = [r.text for r in m.reasons] + [g.text for g in m.gaps]
    assert len(m.gaps) >= 4
    for text in texts:
        assert text[0].isupper()
        assert text.endswith(".")
        assert "_" not in text  # codes became words


def test_the_engine_imports_nothing_from_django() -> None:
    code = (
        "import sys, cmepath.jobs.matching; print(any(m.startswith('django') for m in sys.modules))"
    )

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.strip() == "False"


# ----------------------------------------------------------------- profession


def test_profession_mismatch_is_not_eligible_and_scores_0() -> None:
    m = match(clin(profession="PA"), VACANCY, today=TODAY)

    assert (m.score, m.eligible, m.reasons) == (0, False, ())
    assert [(g.kind, g.text) for g in m.gaps] == [
        (
            "profession",
            "This role is for the profession Nurse practitioner (NP); "
            "yours is Physician assistant (PA).",
        )
    ]


def test_md_listing_is_open_to_a_do() -> None:
    c = clin(profession="DO", licences=(LicenceFact("CO", "DO", TODAY + timedelta(days=700)),))

    m = match(c, vac(profession="MD", specialty=""), today=TODAY)

    assert m.eligible
    assert "licence" not in kinds(m)


# ----------------------------------------------------------------- licences


def test_missing_licence_is_a_gap_naming_the_state() -> None:
    m = match(clin(licences=()), VACANCY, today=TODAY)

    assert m.score == expected(WEIGHTS["licence"] + WEIGHTS["licence_standing"])
    assert [(g.kind, g.state, g.text) for g in m.gaps] == [
        ("licence", "CO", "This role needs a licence in Colorado, which is not on your record.")
    ]


def test_two_licence_states_earn_points_in_proportion() -> None:
    m = match(CLINICIAN, vac(licence_states=frozenset({"CO", "UT"})), today=TODAY)

    lost = (WEIGHTS["licence"] + WEIGHTS["licence_standing"]) / 2
    assert m.score == expected(lost)
    assert [(g.kind, g.state) for g in m.gaps] == [("licence", "UT")]
    assert "1 of the 2 states" in m.reasons[0].text


def test_vacancy_state_is_required_when_no_licence_states_are_named() -> None:
    m = match(CLINICIAN, vac(state="UT", licence_states=frozenset()), today=TODAY)

    assert [(g.kind, g.state) for g in m.gaps] == [("licence", "UT")]


def test_licence_of_another_profession_does_not_count() -> None:
    c = clin(licences=(LicenceFact("CO", "RN", TODAY + timedelta(days=700)),))

    assert kinds(match(c, VACANCY, today=TODAY)) == ["licence"]


def test_remote_role_needs_a_licence_in_any_one_of_its_states() -> None:
    v = vac(
        remote=True,
        state="",
        licence_states=frozenset(),
        remote_states=frozenset({"UT", "CO", "NM"}),
        latitude=None,
        longitude=None,
    )
    held = match(CLINICIAN, v, today=TODAY)
    none = match(clin(licences=()), v, today=TODAY)

    assert held.score == 100
    assert "worked from Colorado" in held.reasons[0].text
    assert [(g.kind, g.state) for g in none.gaps] == [("licence", "")]
    assert "Colorado, New Mexico or Utah" in none.gaps[0].text


RN = ClinicianFacts(
    profession="RN",
    specialties=frozenset({RN_CODE}),
    licences=(LicenceFact("TX", "RN", TODAY + timedelta(days=500), multistate=True),),
    board_certified=False,
    credentials=frozenset(),
    career_tracks=frozenset(),
    completed_topics=frozenset(),
    annual_cme_cost=None,
    home=None,
)
RN_JOB = vac(
    profession="RN",
    specialty=RN_CODE,
    credentials=frozenset(),
    mandated_topics={},
    compact_accepted=True,
    compact_states=frozenset({"TX", "CO", "UT"}),
)


def test_multistate_licence_covers_a_compact_state() -> None:
    m = match(RN, RN_JOB, today=TODAY)

    assert (m.score, m.gaps) == (100, ())
    assert "multistate licence from Texas" in m.reasons[0].text


@pytest.mark.parametrize(
    ("clinician", "job"),
    [
        pytest.param(RN, dataclasses.replace(RN_JOB, compact_accepted=False), id="not-accepted"),
        pytest.param(
            RN,
            dataclasses.replace(RN_JOB, compact_states=frozenset({"CO", "UT"})),
            id="home-state-not-in-compact",
        ),
        pytest.param(
            dataclasses.replace(
                RN, licences=(LicenceFact("TX", "RN", TODAY + timedelta(days=500)),)
            ),
            RN_JOB,
            id="single-state-licence",
        ),
    ],
)
def test_compact_does_not_apply(clinician: ClinicianFacts, job: VacancyFacts) -> None:
    m = match(clinician, job, today=TODAY)

    assert [(g.kind, g.state) for g in m.gaps] == [("licence", "CO")]


def test_a_lapsing_multistate_licence_is_one_gap_for_every_state_it_covers() -> None:
    c = dataclasses.replace(
        RN, licences=(LicenceFact("TX", "RN", date(2026, 5, 1), multistate=True),)
    )
    job = dataclasses.replace(
        RN_JOB, licence_states=frozenset({"CO", "UT"}), start_date=date(2026, 6, 1)
    )

    m = match(c, job, today=TODAY)

    rn_base = WEIGHTS["licence"] + WEIGHTS["licence_standing"] + WEIGHTS["specialty"]
    assert m.score == expected(WEIGHTS["licence_standing"], rn_base)
    assert [(g.kind, g.state) for g in m.gaps] == [("licence_renewal", "TX")]
    assert m.gaps[0].text == (
        "Your Texas licence expires on May 1, 2026, before this role starts on June 1, 2026; "
        "renew it first."
    )


def test_expired_licence_is_a_renewal_gap_and_earns_nothing() -> None:
    c = clin(licences=(LicenceFact("CO", "NP", TODAY - timedelta(days=1)),))

    m = match(c, VACANCY, today=TODAY)

    assert m.score == expected(WEIGHTS["licence"] + WEIGHTS["licence_standing"])
    assert [(g.kind, g.state) for g in m.gaps] == [("licence_renewal", "CO")]
    assert "expired on February 28, 2026" in m.gaps[0].text


def test_licence_expiring_before_the_start_date_is_a_renewal_gap() -> None:
    c = clin(licences=(LicenceFact("CO", "NP", date(2026, 6, 30)),))

    before = match(c, vac(start_date=date(2026, 7, 1)), today=TODAY)
    on_time = match(c, vac(start_date=date(2026, 6, 30)), today=TODAY)

    assert before.score == expected(WEIGHTS["licence_standing"])
    assert [(g.kind, g.state) for g in before.gaps] == [("licence_renewal", "CO")]
    assert "before this role starts on July 1, 2026" in before.gaps[0].text
    assert (on_time.score, on_time.gaps) == (100, ())


@pytest.mark.parametrize(("days", "gap"), [(89, True), (90, False)])
def test_without_a_start_date_the_licence_must_last_90_days(days: int, gap: bool) -> None:
    c = clin(licences=(LicenceFact("CO", "NP", TODAY + timedelta(days=days)),))

    m = match(c, VACANCY, today=TODAY)

    assert kinds(m) == (["licence_renewal"] if gap else [])


def test_overdue_cme_on_the_licence_is_a_renewal_gap() -> None:
    c = clin(licences=(LicenceFact("CO", "NP", TODAY + timedelta(days=700), cme_status="overdue"),))

    m = match(c, VACANCY, today=TODAY)

    assert m.score == expected(WEIGHTS["licence_standing"])
    assert [(g.kind, g.state) for g in m.gaps] == [("licence_renewal", "CO")]
    assert "overdue" in m.gaps[0].text


@pytest.mark.parametrize("status", ["met", "on_track", "due_soon", "not_covered"])
def test_other_cme_statuses_are_no_gap(status: str) -> None:
    c = clin(licences=(LicenceFact("CO", "NP", TODAY + timedelta(days=700), cme_status=status),))

    assert match(c, VACANCY, today=TODAY).gaps == ()


def test_a_licence_in_good_standing_wins_over_a_lapsing_one() -> None:
    c = clin(
        licences=(
            LicenceFact("CO", "NP", TODAY + timedelta(days=10)),
            LicenceFact("CO", "NP", TODAY + timedelta(days=700)),
        )
    )

    assert match(c, VACANCY, today=TODAY).score == 100


# ----------------------------------------------------------------- specialty, board, credentials


@pytest.mark.parametrize(
    ("specialty", "lost", "gap"),
    [
        pytest.param(FNP, 0.0, [], id="exact"),
        pytest.param(ACNP, WEIGHTS["specialty"] / 2, [], id="related"),
        pytest.param("207Q00000X", WEIGHTS["specialty"], ["specialty"], id="other"),
    ],
)
def test_specialty(specialty: str, lost: float, gap: list[str]) -> None:
    m = match(CLINICIAN, vac(specialty=specialty), today=TODAY)

    assert m.score == expected(lost)
    assert kinds(m) == gap


def test_specialty_gap_names_the_specialty() -> None:
    m = match(CLINICIAN, vac(specialty="207Q00000X"), today=TODAY)

    assert m.gaps[0].text == (
        "This role asks for Family Medicine, which is not among your specialties."
    )


def test_no_specialty_asked_is_neutral() -> None:
    m = match(CLINICIAN, vac(specialty=""), today=TODAY)

    assert (m.score, m.gaps) == (100, ())


@pytest.mark.parametrize(
    ("requirement", "certified", "lost", "gap"),
    [
        ("none", False, None, []),
        ("eligible", True, 0.0, []),
        ("eligible", False, WEIGHTS["board"] / 2, ["board"]),
        ("certified", True, 0.0, []),
        ("certified", False, WEIGHTS["board"], ["board"]),
    ],
)
def test_board(requirement: str, certified: bool, lost: float | None, gap: list[str]) -> None:
    m = match(clin(board_certified=certified), vac(board_requirement=requirement), today=TODAY)

    if lost is None:  # not asked: the clause does not apply
        assert m.score == 100
    else:
        assert m.score == expected(lost, BASE + WEIGHTS["board"])
    assert kinds(m) == gap


def test_missing_credentials_are_gaps_one_each() -> None:
    v = vac(credentials=frozenset({"BLS", "PALS", "DEA", "ACLS"}))

    m = match(CLINICIAN, v, today=TODAY)

    assert m.score == expected(WEIGHTS["credentials"] / 2)
    assert [(g.kind, g.credential) for g in m.gaps] == [
        ("credential", "DEA"),
        ("credential", "PALS"),
    ]


# ----------------------------------------------------------------- career, CME, topics


def test_career_track() -> None:
    other = match(CLINICIAN, vac(career_track="leadership"), today=TODAY)
    no_goal = match(clin(career_tracks=frozenset()), vac(career_track="leadership"), today=TODAY)

    assert other.score == expected(WEIGHTS["career_track"])
    assert other.gaps == ()
    track = next(r for r in other.reasons if r.kind == "career_track")
    assert (track.points, track.text) == (
        0.0,
        "This is a leadership role; your career goal points to clinical.",
    )
    assert no_goal.score == 100


@pytest.mark.parametrize(
    ("allowance", "lost", "gap"),
    [
        (2000.0, 0.0, []),
        (1000.0, 0.0, []),
        (250.0, WEIGHTS["cme_benefit"] * 0.75, ["cme_cost"]),
        (0.0, WEIGHTS["cme_benefit"], ["cme_cost"]),
    ],
)
def test_cme_benefit_against_the_yearly_cost(allowance: float, lost: float, gap: list[str]) -> None:
    m = match(CLINICIAN, vac(cme_allowance=allowance), today=TODAY)

    assert m.score == expected(lost)
    assert kinds(m) == gap


def test_cme_gap_says_what_is_left_to_pay() -> None:
    m = match(CLINICIAN, vac(cme_allowance=250.0), today=TODAY)

    assert m.gaps[0].text == "The CME allowance leaves $750 of your $1,000 yearly CME cost to you."


def test_unknown_cme_cost_is_neutral_and_says_so() -> None:
    m = match(clin(annual_cme_cost=None), vac(cme_allowance=0.0), today=TODAY)

    assert (m.score, m.gaps) == (100, ())
    cme = next(r for r in m.reasons if r.kind == "cme_benefit")
    assert cme.points == 0.0
    assert "not known yet" in cme.text


def test_missing_mandated_topics_are_gaps_with_topic_and_state() -> None:
    v = vac(
        licence_states=frozenset({"CO", "TX"}),
        mandated_topics={"CO": ("implicit_bias",), "TX": ("human_trafficking", "implicit_bias")},
    )
    c = clin(
        licences=(
            LicenceFact("CO", "NP", TODAY + timedelta(days=700)),
            LicenceFact("TX", "NP", TODAY + timedelta(days=700)),
        )
    )

    m = match(c, v, today=TODAY)

    assert m.score == expected(WEIGHTS["topics"] / 3)
    assert [(g.kind, g.state, g.topic, g.text) for g in m.gaps] == [
        (
            "topic",
            "TX",
            "human_trafficking",
            "Texas mandates CME on a topic you have not completed: Human trafficking.",
        )
    ]


def test_no_mandated_topics_is_neutral() -> None:
    m = match(clin(completed_topics=frozenset()), vac(mandated_topics={"CO": ()}), today=TODAY)

    assert m.score == 100


# ----------------------------------------------------------------- distance and visa


def test_distance_points_fall_to_zero_at_250_km() -> None:
    near = match(CLINICIAN, vac(latitude=DENVER[0] + 1.0), today=TODAY)  # ~111 km north
    far = match(CLINICIAN, vac(latitude=DENVER[0] + 3.0), today=TODAY)  # ~334 km north

    km = haversine_km(*DENVER, DENVER[0] + 1.0, DENVER[1])
    assert near.distance_km == round(km, 1)
    assert near.score == round(100 * (BASE - WEIGHTS["distance"] * km / 250) / BASE)
    assert far.score == expected(WEIGHTS["distance"])
    assert "too far" in next(r.text for r in far.reasons if r.kind == "distance")


@pytest.mark.parametrize(
    ("c", "v"),
    [
        pytest.param(clin(home=None), VACANCY, id="no-home"),
        pytest.param(CLINICIAN, vac(latitude=None, longitude=None), id="no-place"),
        pytest.param(CLINICIAN, vac(remote=True, latitude=80.0), id="remote"),
    ],
)
def test_distance_is_neutral_when_unknown_or_remote(c: ClinicianFacts, v: VacancyFacts) -> None:
    m = match(c, v, today=TODAY)

    assert m.score == 100
    assert "distance" not in {r.kind for r in m.reasons}


def test_visa() -> None:
    none = match(clin(needs_visa=True), VACANCY, today=TODAY)
    offered = match(clin(needs_visa=True), vac(visas=frozenset({"h1b"})), today=TODAY)

    assert none.score == expected(WEIGHTS["visa"], BASE + WEIGHTS["visa"])
    assert kinds(none) == ["visa"]
    assert (offered.score, offered.gaps) == (100, ())


# ----------------------------------------------------------------- rank


def test_rank_keeps_the_best_first_ties_by_id() -> None:
    vs = [
        vac(id=5, specialty="207Q00000X"),
        vac(id=3),
        vac(id=9, specialty=ACNP),
        vac(id=1),
        vac(id=2, profession="PA"),
    ]

    ranked = rank(CLINICIAN, vs, today=TODAY, limit=4)

    assert [(m.vacancy_id, m.score) for m in ranked] == [
        (1, 100),
        (3, 100),
        (9, expected(WEIGHTS["specialty"] / 2)),
        (5, expected(WEIGHTS["specialty"])),
    ]
    assert ranked[0] == match(CLINICIAN, vac(id=1), today=TODAY)
    assert rank(CLINICIAN, vs, today=TODAY, limit=0) == []


# ----------------------------------------------------------------- properties

STATES = ["CO", "UT", "TX", "NM", "CA", "ZZ"]
PROFS = ["MD", "DO", "NP", "PA", "RN", "PharmD", "CRNA"]
SPECS = [FNP, ACNP, RN_CODE, "207Q00000X", "207QA0505X", "207R00000X", ""]
CREDS = ["BLS", "ACLS", "PALS", "DEA", "NRP"]
TRACKS = ["clinical", "leadership", "quality", ""]
TOPIC_CODES = ["implicit_bias", "opioid_prescribing", "human_trafficking", "pain_management"]
STATUSES = ["met", "on_track", "due_soon", "overdue", "not_covered"]

states_st = st.frozensets(st.sampled_from(STATES), max_size=4)
day_st = st.integers(-400, 800).map(lambda d: TODAY + timedelta(days=d))
place_st = st.one_of(st.none(), st.tuples(st.floats(25.0, 49.0), st.floats(-124.0, -67.0)))


@st.composite
def licence_st(draw: st.DrawFn, profession: str) -> LicenceFact:
    return LicenceFact(
        state=draw(st.sampled_from(STATES)),
        profession=draw(st.sampled_from([profession, profession, "", "RN", "MD"])),
        expiry=draw(day_st),
        multistate=draw(st.booleans()),
        cme_status=draw(st.sampled_from(STATUSES)),
    )


@st.composite
def clinician_st(draw: st.DrawFn) -> ClinicianFacts:
    profession = draw(st.sampled_from(PROFS))
    return ClinicianFacts(
        profession=profession,
        specialties=draw(st.frozensets(st.sampled_from(SPECS[:-1]), max_size=2)),
        licences=tuple(draw(st.lists(licence_st(profession), max_size=4))),
        board_certified=draw(st.booleans()),
        credentials=draw(st.frozensets(st.sampled_from(CREDS))),
        career_tracks=draw(st.frozensets(st.sampled_from(TRACKS[:-1]), max_size=2)),
        completed_topics=draw(st.frozensets(st.sampled_from(TOPIC_CODES))),
        annual_cme_cost=draw(st.one_of(st.none(), st.floats(0.0, 6000.0))),
        home=draw(place_st),
        needs_visa=draw(st.booleans()),
    )


@st.composite
def vacancy_st(draw: st.DrawFn, vid: int | None = None) -> VacancyFacts:
    licence_states = draw(states_st)
    place = draw(place_st)
    return VacancyFacts(
        id=draw(st.integers(1, 50)) if vid is None else vid,
        profession=draw(st.sampled_from(PROFS)),
        specialty=draw(st.sampled_from(SPECS)),
        state=draw(st.sampled_from(["", *STATES])),
        remote=draw(st.booleans()),
        remote_states=draw(states_st),
        licence_states=licence_states,
        compact_accepted=draw(st.booleans()),
        board_requirement=draw(st.sampled_from(["none", "eligible", "certified"])),
        credentials=draw(st.frozensets(st.sampled_from(CREDS), max_size=3)),
        career_track=draw(st.sampled_from(TRACKS)),
        cme_allowance=draw(st.floats(0.0, 6000.0)),
        cme_days=draw(st.sampled_from([0.0, 2.0, 5.0])),
        start_date=draw(st.one_of(st.none(), day_st)),
        mandated_topics={
            s: tuple(draw(st.lists(st.sampled_from(TOPIC_CODES), max_size=3)))
            for s in sorted(licence_states)
        },
        latitude=place[0] if place else None,
        longitude=place[1] if place else None,
        visas=draw(st.frozensets(st.sampled_from(["h1b", "j1_waiver"]))),
        salary_max=None,
        compact_states=draw(states_st),
    )


@settings(max_examples=300, deadline=None)
@given(clinician_st(), vacancy_st())
def test_score_is_between_0_and_100(c: ClinicianFacts, v: VacancyFacts) -> None:
    m = match(c, v, today=TODAY)

    assert isinstance(m.score, int)
    assert 0 <= m.score <= 100
    assert m.eligible == matching.same_profession(v.profession, c.profession)


@settings(max_examples=300, deadline=None)
@given(clinician_st(), vacancy_st(), st.data())
def test_adding_a_licence_in_the_vacancy_state_never_lowers_the_score(
    c: ClinicianFacts, v: VacancyFacts, data: st.DataObject
) -> None:
    state = data.draw(st.sampled_from(sorted(v.licence_states | {v.state} - {""}) or ["CO"]))
    extra = data.draw(
        licence_st(c.profession).map(lambda lic: dataclasses.replace(lic, state=state))
    )
    more = dataclasses.replace(c, licences=(*c.licences, extra))

    assert match(more, v, today=TODAY).score >= match(c, v, today=TODAY).score


@settings(max_examples=200, deadline=None)
@given(clinician_st(), vacancy_st())
def test_a_profession_mismatch_is_never_eligible(c: ClinicianFacts, v: VacancyFacts) -> None:
    other = next(p for p in PROFS if not matching.same_profession(p, c.profession))
    m = match(c, dataclasses.replace(v, profession=other), today=TODAY)

    assert (m.eligible, m.score, [g.kind for g in m.gaps]) == (False, 0, ["profession"])


@settings(max_examples=150, deadline=None)
@given(clinician_st(), st.lists(vacancy_st(), max_size=30), st.integers(0, 12))
def test_rank_is_sorted_and_stable(c: ClinicianFacts, vs: list[VacancyFacts], limit: int) -> None:
    def by_fit(candidates: list[VacancyFacts]) -> list[Match]:
        every = [match(c, v, today=TODAY) for v in candidates]
        return sorted(every, key=lambda m: (-m.score, m.vacancy_id))[:limit]

    assert rank(c, vs, today=TODAY, limit=limit) == by_fit(vs)
    # equal keys (duplicate ids) keep their input order
    assert rank(c, vs[::-1], today=TODAY, limit=limit) == by_fit(vs[::-1])


@settings(max_examples=150, deadline=None)
@given(
    clinician_st(),
    st.lists(st.integers(1, 10**6), min_size=1, max_size=25, unique=True).flatmap(
        lambda ids: st.tuples(*(vacancy_st(vid=i) for i in ids))
    ),
)
def test_score_arrays_agrees_with_match(c: ClinicianFacts, vs: tuple[VacancyFacts, ...]) -> None:
    arrays = VacancyArrays.from_facts(vs)

    scores = score_arrays(c, arrays, today=TODAY)

    assert scores.tolist() == [match(c, v, today=TODAY).score for v in vs]
    assert arrays.ids.tolist() == [v.id for v in vs]


def test_score_arrays_agrees_with_match_on_many_random_rows() -> None:
    """Hypothesis shrinks well but draws few rows; this covers thousands of mixed rows."""
    rng = random.Random(14)
    real = ["CO", "UT", "TX", "NY", "CA", "FL", "WA", "PR"]

    def pick(seq: list[str], k: int) -> frozenset[str]:
        return frozenset(rng.sample(seq, rng.randint(0, k)))

    def vacancy(i: int) -> VacancyFacts:
        lic = pick(real, 3)
        placed = rng.random() < 0.8
        return VacancyFacts(
            id=i,
            profession=rng.choice(PROFS),
            specialty=rng.choice(SPECS),
            state=rng.choice(real),
            remote=rng.random() < 0.15,
            remote_states=pick(real, 5),
            licence_states=lic,
            compact_accepted=rng.random() < 0.5,
            board_requirement=rng.choice(["none", "eligible", "certified"]),
            credentials=pick(CREDS, 3),
            career_track=rng.choice(TRACKS),
            cme_allowance=rng.choice([0.0, 500.0, rng.uniform(0, 5000)]),
            cme_days=0.0,
            start_date=rng.choice([None, TODAY + timedelta(days=rng.randint(-30, 400))]),
            mandated_topics={s: tuple(rng.sample(TOPIC_CODES, rng.randint(0, 3))) for s in lic},
            latitude=rng.uniform(25, 49) if placed else None,
            longitude=rng.uniform(-124, -67) if placed else None,
            visas=pick(["h1b"], 1),
            salary_max=None,
            compact_states=pick(real, 6),
        )

    vs = [vacancy(i) for i in range(3000)]
    arrays = VacancyArrays.from_facts(iter(vs))
    for _ in range(12):
        prof = rng.choice(PROFS)
        c = ClinicianFacts(
            profession=prof,
            specialties=pick(SPECS[:-1], 2),
            licences=tuple(
                LicenceFact(
                    rng.choice(real),
                    prof,
                    TODAY + timedelta(days=rng.randint(-100, 600)),
                    multistate=rng.random() < 0.3,
                    cme_status=rng.choice(STATUSES),
                )
                for _ in range(rng.randint(0, 4))
            ),
            board_certified=rng.random() < 0.5,
            credentials=pick(CREDS, 4),
            career_tracks=pick(TRACKS[:-1], 2),
            completed_topics=pick(TOPIC_CODES, 3),
            annual_cme_cost=rng.choice([None, 0.0, rng.uniform(100, 4000)]),
            home=rng.choice([None, (rng.uniform(30, 45), rng.uniform(-120, -75))]),
            needs_visa=rng.random() < 0.2,
        )
        want = [match(c, v, today=TODAY).score for v in vs]
        assert score_arrays(c, arrays, today=TODAY).tolist() == want
