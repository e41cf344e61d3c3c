"""Many vacancies at once: the :func:`match` score of every row, with numpy.

:class:`VacancyArrays` holds vacancies as columns (codes, uint64 bit masks of states and
credentials, mandated topics as (row, topic) pairs); :func:`score_arrays` computes the same
score as :func:`match` for every row, without reasons. It is the brute-force anchor of the
"Jobs for you" benchmark (``bench/bench_jobs_match.py``), and a test checks it agrees with
:func:`match` exactly.
"""

from __future__ import annotations

import array
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from cmepath.core.vocabulary import STATES
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
    LicenceFact,
    VacancyFacts,
    _Profile,
    _required,
    _topic_pairs,
    same_profession,
)
from cmepath.search.geo import EARTH_RADIUS_KM

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
