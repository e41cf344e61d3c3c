"""Vacancy search latency: the app's search layer against raw Tantivy on the same index.

    python bench/bench_jobs_search.py                  # 1,000,000 vacancies (builds in minutes)
    python bench/bench_jobs_search.py --size 100000    # a quicker run
    python bench/bench_jobs_search.py --size 20000     # smoke run

Generates synthetic vacancies (deterministic, numpy columns, ``Corpus`` below; the
"Jobs for you" benchmark reuses it) and indexes them once for the VACANCY doc type through
``TantivyBackend`` (``bench/data/jobs_<size>/``, not committed; reused while the corpus
version and size match). Then 200 queries, each: 1-2 words, three facet filters
(profession, setting, employment model), a 50-mile (80.47 km) radius around a random
ZIP-like point, counts for every VACANCY facet, top 20 by relevance. They run through
``TantivyBackend.search`` (a SearchQuery with a Radius) and through hand-written tantivy-py
doing the same work: the same bounding box as two range queries on the f64 fast fields,
the exact haversine filter on the stored point, one terms aggregation over the exact
matches. Interleaved query by query over several rounds after a warm-up round that checks
both return the same totals and ids. Writes ``bench/results/jobs_search_<size>.json``.
Target: app p95 at most 1.3x raw p95.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))
sys.path.insert(0, str(ROOT))

import tantivy  # noqa: E402
from harness import RESULTS, machine_facts, summarize  # noqa: E402

from cmepath.core.vocabulary import MANDATED_TOPICS  # noqa: E402
from cmepath.jobs.compacts import practice_states  # noqa: E402
from cmepath.jobs.matching import VacancyFacts  # noqa: E402
from cmepath.jobs.search_docs import VACANCY  # noqa: E402
from cmepath.search import Radius, SearchQuery, TantivyBackend  # noqa: E402
from cmepath.search.geo import bounding_box, haversine_km  # noqa: E402

#: Bump when the generator changes: an index built by another version is rebuilt.
CORPUS_VERSION = 1
SEED = 20261207
#: The day the synthetic listings are posted up to.
TODAY = date(2026, 12, 1)
RADIUS_KM = 80.47  # 50 miles
GEO_CANDIDATES = 50_000  # as the backend: exact distance for at most this many box hits

# --------------------------------------------------------------------------- vocabulary

#: Profession mix of the listings (NPs the largest single group, as in recruiting demand).
PROFESSIONS = ("NP", "RN", "MD", "PA", "DO", "PharmD", "CRNA")
PROFESSION_SHARE = (0.30, 0.24, 0.15, 0.12, 0.05, 0.08, 0.06)
PROFESSION_TITLE = {
    "NP": "Nurse Practitioner",
    "RN": "Registered Nurse",
    "MD": "Physician",
    "DO": "Physician",
    "PA": "Physician Assistant",
    "PharmD": "Clinical Pharmacist",
    "CRNA": "Nurse Anesthetist CRNA",
}
#: NUCC codes listings ask for, by profession, most frequent first (39 codes).
SPECIALTIES: dict[str, tuple[tuple[str, str], ...]] = {
    "MD": (
        ("207Q00000X", "Family Medicine"),
        ("207R00000X", "Internal Medicine"),
        ("208M00000X", "Hospitalist"),
        ("207P00000X", "Emergency Medicine"),
        ("2084P0800X", "Psychiatry"),
        ("207L00000X", "Anesthesiology"),
        ("208000000X", "Pediatrics"),
        ("207V00000X", "Obstetrics Gynecology"),
        ("207RC0000X", "Cardiology"),
        ("2085R0202X", "Diagnostic Radiology"),
        ("208600000X", "General Surgery"),
        ("207X00000X", "Orthopaedic Surgery"),
        ("207RG0100X", "Gastroenterology"),
        ("207RH0003X", "Hematology Oncology"),
        ("2084N0400X", "Neurology"),
        ("207RP1001X", "Pulmonary Critical Care"),
        ("207N00000X", "Dermatology"),
        ("207RN0300X", "Nephrology"),
    ),
    "NP": (
        ("363LF0000X", "Family"),
        ("363LP0808X", "Psychiatric Mental Health"),
        ("363LA2100X", "Acute Care"),
        ("363LA2200X", "Adult Gerontology"),
        ("363LP2300X", "Primary Care"),
        ("363LW0102X", "Women's Health"),
        ("363LP0200X", "Pediatric"),
        ("363LG0600X", "Gerontology"),
    ),
    "PA": (
        ("363A00000X", "General"),
        ("363AM0700X", "Medical"),
        ("363AS0400X", "Surgical"),
    ),
    "RN": (
        ("163WM0705X", "Medical Surgical"),
        ("163WC0200X", "ICU Critical Care"),
        ("163WE0003X", "Emergency"),
        ("163W00000X", "Staff"),
        ("163WP0808X", "Behavioral Health"),
        ("163WP0200X", "Pediatrics"),
    ),
    "PharmD": (
        ("183500000X", "Staff"),
        ("1835P1200X", "Pharmacotherapy"),
        ("1835P2201X", "Ambulatory Care"),
    ),
    "CRNA": (("367500000X", "Anesthesia"),),
}
SPECIALTIES["DO"] = SPECIALTIES["MD"]
#: Code, rough population-weighted centre (lat, lon), population in millions, spread in
#: degrees (how far listings scatter from the centre; a state centroid +- jitter).
STATES: tuple[tuple[str, float, float, float, float], ...] = (
    ("AL", 32.8, -86.8, 5.1, 1.2),
    ("AK", 61.4, -149.6, 0.73, 1.5),
    ("AZ", 33.6, -111.8, 7.4, 1.4),
    ("AR", 34.9, -92.4, 3.0, 1.2),
    ("CA", 36.0, -119.3, 39.0, 2.4),
    ("CO", 39.6, -105.1, 5.9, 1.1),
    ("CT", 41.6, -72.7, 3.6, 0.4),
    ("DE", 39.1, -75.5, 1.0, 0.3),
    ("DC", 38.9, -77.03, 0.68, 0.05),
    ("FL", 28.1, -81.7, 22.6, 1.7),
    ("GA", 33.3, -83.9, 11.0, 1.2),
    ("HI", 21.3, -157.9, 1.4, 0.4),
    ("ID", 43.8, -115.4, 1.96, 1.2),
    ("IL", 41.2, -88.6, 12.5, 1.2),
    ("IN", 39.9, -86.3, 6.9, 1.0),
    ("IA", 41.9, -93.4, 3.2, 1.2),
    ("KS", 38.5, -97.3, 2.9, 1.4),
    ("KY", 37.7, -85.2, 4.5, 1.1),
    ("LA", 30.7, -91.5, 4.6, 1.0),
    ("ME", 44.4, -69.9, 1.4, 0.8),
    ("MD", 39.1, -76.8, 6.2, 0.5),
    ("MA", 42.3, -71.5, 7.0, 0.5),
    ("MI", 42.9, -84.2, 10.0, 1.2),
    ("MN", 45.3, -93.7, 5.7, 1.3),
    ("MS", 32.7, -89.7, 2.9, 1.1),
    ("MO", 38.5, -92.1, 6.2, 1.3),
    ("MT", 46.8, -110.9, 1.1, 1.9),
    ("NE", 41.1, -97.3, 2.0, 1.4),
    ("NV", 36.6, -115.8, 3.2, 1.2),
    ("NH", 43.1, -71.5, 1.4, 0.5),
    ("NJ", 40.4, -74.4, 9.3, 0.5),
    ("NM", 34.8, -106.3, 2.1, 1.3),
    ("NY", 41.6, -74.6, 19.6, 1.3),
    ("NC", 35.6, -79.4, 10.8, 1.3),
    ("ND", 47.3, -99.5, 0.78, 1.4),
    ("OH", 40.4, -82.6, 11.8, 1.0),
    ("OK", 35.6, -96.9, 4.0, 1.2),
    ("OR", 44.7, -122.6, 4.2, 1.1),
    ("PA", 40.6, -77.3, 13.0, 1.3),
    ("RI", 41.7, -71.5, 1.1, 0.15),
    ("SC", 34.0, -81.0, 5.4, 0.9),
    ("SD", 44.0, -98.9, 0.92, 1.4),
    ("TN", 35.8, -86.5, 7.1, 1.4),
    ("TX", 31.0, -97.3, 30.5, 2.0),
    ("UT", 40.5, -111.9, 3.4, 0.9),
    ("VT", 44.1, -72.7, 0.65, 0.5),
    ("VA", 37.8, -77.9, 8.7, 1.2),
    ("WA", 47.3, -121.9, 7.8, 1.2),
    ("WV", 38.6, -80.7, 1.8, 0.8),
    ("WI", 44.0, -89.4, 5.9, 1.1),
    ("WY", 42.9, -107.4, 0.58, 1.5),
)
STATE_CODES = tuple(s[0] for s in STATES)
SETTINGS = (
    "hospital",
    "outpatient",
    "academic",
    "community",
    "urgent_care",
    "long_term",
    "telehealth",
    "asc",
    "government",
    "pharmacy",
)
SETTING_SHARE = (0.34, 0.24, 0.09, 0.08, 0.07, 0.05, 0.04, 0.04, 0.03, 0.02)
SETTING_WORDS = {
    "hospital": "Hospital",
    "outpatient": "Outpatient Clinic",
    "academic": "Academic Medical Center",
    "community": "Community Health Center",
    "urgent_care": "Urgent Care",
    "long_term": "Skilled Nursing",
    "telehealth": "Telehealth",
    "asc": "Surgery Center",
    "government": "VA",
    "pharmacy": "Pharmacy",
}
EMPLOYMENT = ("w2", "1099", "partnership", "locum")
EMPLOYMENT_SHARE = (0.64, 0.10, 0.08, 0.18)
SCHEDULES = ("full_time", "part_time", "per_diem")
SCHEDULE_SHARE = (0.70, 0.20, 0.10)
TRACKS = ("clinical", "leadership", "quality", "informatics", "education", "research")
TRACK_SHARE = (0.86, 0.05, 0.03, 0.02, 0.03, 0.01)
CREDENTIALS = ("BLS", "ACLS", "PALS", "NRP", "ATLS", "DEA")
PRESCRIBERS = frozenset({"MD", "DO", "NP", "PA", "CRNA"})
#: Yearly pay centre, CME allowance (low, high) and paid CME days (low, high) by profession.
PAY = {
    "NP": (128_000, (1000, 2500), (2, 5)),
    "RN": (89_000, (0, 1000), (0, 2)),
    "MD": (300_000, (2500, 6000), (3, 7)),
    "DO": (290_000, (2500, 6000), (3, 7)),
    "PA": (130_000, (1000, 2500), (2, 5)),
    "PharmD": (136_000, (500, 1500), (0, 3)),
    "CRNA": (210_000, (1500, 3000), (2, 5)),
}
CORE_WORDS = """
patient care team clinic hospital schedule growth benefits mentorship rural urban
community primary acute chronic inpatient outpatient telehealth call shift weekend
collaborative supportive leadership quality safety outcomes underserved bilingual
spanish electronic records epic cerner procedures panel population prevention
wellness behavioral substance opioid pain diabetes cardiac stroke trauma icu
emergency pediatric geriatric women's maternal surgical orthopedic oncology dialysis
infusion vaccination screening ultrasound imaging laboratory pharmacy formulary
stewardship education research academic residency fellowship students precepting
relocation bonus loan repayment retirement malpractice tail pto cme allowance days
""".split()  # noqa: SIM905 (a word list reads better as prose)
QUERY_WORDS = (
    "patient",
    "care",
    "clinic",
    "hospital",
    "team",
    "schedule",
    "family",
    "medicine",
    "psychiatric",
    "acute",
    "emergency",
    "primary",
    "outpatient",
    "community",
    "growth",
    "benefits",
    "nurse",
    "practitioner",
    "physician",
    "registered",
    "surgical",
    "pediatric",
    "telehealth",
    "rural",
)


def _syllable_words(rng: random.Random, n: int, parts: tuple[int, int] = (2, 3)) -> list[str]:
    syl = ["ka", "lo", "mi", "ter", "vas", "ro", "ne", "dar", "gen", "ax", "ul", "rem", "sta"]
    syl += ["bi", "dro", "phen", "tal", "zin", "or", "ex", "ham", "ford", "ton", "bur", "well"]
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        w = "".join(rng.choice(syl) for _ in range(rng.randint(*parts)))
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


class Corpus:
    """``size`` synthetic vacancies as numpy columns, the same for the same seed.

    Row ``i`` is vacancy id ``i + 1``. :meth:`documents` streams VACANCY search documents;
    :meth:`facts` builds the matching engine's :class:`VacancyFacts` of a row (standing in
    for loading a row from the database).
    """

    def __init__(self, size: int, seed: int = SEED) -> None:
        self.size = n = size
        self.seed = seed
        rng = np.random.default_rng(seed)
        words = random.Random(seed)
        self.prof = rng.choice(len(PROFESSIONS), n, p=PROFESSION_SHARE).astype(np.int8)
        self.spec_codes: list[str] = []
        self.spec_names: list[str] = []
        spec_index: dict[str, int] = {}
        self.spec = np.zeros(n, np.int16)
        for p, name in enumerate(PROFESSIONS):
            rows = np.flatnonzero(self.prof == p)
            table = SPECIALTIES[name]
            local = []
            for code, label in table:
                if code not in spec_index:
                    spec_index[code] = len(self.spec_codes)
                    self.spec_codes.append(code)
                    self.spec_names.append(label)
                local.append(spec_index[code])
            w = 1.0 / np.arange(1, len(table) + 1) ** 0.9
            self.spec[rows] = np.array(local)[rng.choice(len(table), len(rows), p=w / w.sum())]
        self.setting = rng.choice(len(SETTINGS), n, p=SETTING_SHARE).astype(np.int8)
        telehealth = self.setting == SETTINGS.index("telehealth")
        self.remote = np.where(telehealth, rng.random(n) < 0.7, rng.random(n) < 0.03)
        pop = np.array([s[3] for s in STATES])
        self.state = rng.choice(len(STATES), n, p=pop / pop.sum()).astype(np.int8)
        centre_lat = np.array([s[1] for s in STATES])[self.state]
        centre_lon = np.array([s[2] for s in STATES])[self.state]
        spread = np.array([s[4] for s in STATES])[self.state]
        self.lat = np.clip(centre_lat + rng.normal(0, 1, n) * spread * 0.7, -89.9, 89.9)
        self.lon = np.clip(centre_lon + rng.normal(0, 1, n) * spread, -179.9, 179.9)
        self.lat[self.remote] = np.nan
        self.lon[self.remote] = np.nan
        # licences: the state (8%: plus another); remote roles: 1-3 of the 3-12 states
        # they may be worked from
        bit = np.uint64(1) << self.state.astype(np.uint64)
        extra = np.uint64(1) << rng.integers(0, len(STATES), n).astype(np.uint64)
        self.licences = np.where(rng.random(n) < 0.08, bit | extra, bit)
        self.remote_states = np.zeros(n, np.uint64)
        for i in np.flatnonzero(self.remote):
            chosen = rng.choice(len(STATES), int(rng.integers(3, 13)), replace=False)
            self.remote_states[i] = sum(1 << int(s) for s in chosen)
            need = chosen[: int(rng.integers(1, 4))]
            self.licences[i] = sum(1 << int(s) for s in need)
        self.employment = rng.choice(len(EMPLOYMENT), n, p=EMPLOYMENT_SHARE).astype(np.int8)
        self.schedule = rng.choice(len(SCHEDULES), n, p=SCHEDULE_SHARE).astype(np.int8)
        self.track = rng.choice(len(TRACKS), n, p=TRACK_SHARE).astype(np.int8)
        physician = np.isin(self.prof, [PROFESSIONS.index("MD"), PROFESSIONS.index("DO")])
        u = rng.random(n)
        self.board = np.where(
            physician,
            np.where(u < 0.5, 2, np.where(u < 0.9, 1, 0)),
            np.where(u < 0.2, 2, np.where(u < 0.3, 1, 0)),
        ).astype(np.int8)
        cred_p = np.array([0.6, 0.35, 0.1, 0.03, 0.03, 0.0])
        self.creds = np.zeros(n, np.uint8)
        for b, p_ in enumerate(cred_p):
            self.creds |= np.where(rng.random(n) < p_, np.uint8(1 << b), np.uint8(0))
        prescriber = np.isin(self.prof, [PROFESSIONS.index(p) for p in PRESCRIBERS])
        dea = prescriber & (rng.random(n) < 0.4)
        self.creds |= np.where(dea, np.uint8(1 << CREDENTIALS.index("DEA")), np.uint8(0))
        compact_p = np.where(self.prof == PROFESSIONS.index("RN"), 0.5, 0.0)
        self.compact = rng.random(n) < compact_p
        visa_p = np.where(physician, 0.2, 0.03)
        self.visas = (rng.random(n) < visa_p).astype(np.uint8) | np.where(
            physician & (rng.random(n) < 0.1), np.uint8(2), np.uint8(0)
        )
        centre = np.array([PAY[p][0] for p in PROFESSIONS], float)[self.prof]
        self.salary_max = np.round(centre * rng.lognormal(0.05, 0.18, n), -3)
        self.salary_min = np.round(self.salary_max * rng.uniform(0.7, 0.9, n), -3)
        low = np.array([PAY[p][1][0] for p in PROFESSIONS], float)[self.prof]
        high = np.array([PAY[p][1][1] for p in PROFESSIONS], float)[self.prof]
        self.cme_allowance = np.round(low + (high - low) * rng.random(n), -2)
        dlow = np.array([PAY[p][2][0] for p in PROFESSIONS])[self.prof]
        dhigh = np.array([PAY[p][2][1] for p in PROFESSIONS])[self.prof]
        self.cme_days = rng.integers(dlow, dhigh + 1).astype(np.float64)
        self.sign_on = np.where(rng.random(n) < 0.3, np.round(rng.uniform(5e3, 5e4, n), -3), 0.0)
        self.loan = rng.random(n) < 0.1
        base = TODAY.toordinal()
        self.posted = base - rng.integers(0, 60, n)
        self.start = np.where(rng.random(n) < 0.45, self.posted + rng.integers(30, 150, n), 0)
        self.employer = rng.integers(0, 3000, n).astype(np.int16)
        self.city = rng.integers(0, 25, n).astype(np.int8)
        self.employers = [
            f"{w.capitalize()} {words.choice(['Health', 'Medical Group', 'Hospital', 'Clinics', 'Care Partners'])}"
            for w in _syllable_words(words, 3000)
        ]
        self.cities = [
            [w.capitalize() for w in _syllable_words(words, 25)] for _ in range(len(STATES))
        ]
        self.vocab = CORE_WORDS + _syllable_words(words, 4000, (2, 4))
        cum = np.cumsum(1.0 / np.arange(1, len(self.vocab) + 1) ** 1.05)
        self.cum = cum / cum[-1]
        # synthetic mandated CME topics by (state, profession), from the vocabulary
        mandated = sorted(MANDATED_TOPICS)
        self.mandates = {
            (s, p): tuple(words.sample(mandated, words.randint(0, 4)))
            for s in STATE_CODES
            for p in PROFESSIONS
        }
        self.compact_states = {p: practice_states(p) & set(STATE_CODES) for p in PROFESSIONS}
        self._rows: _Rows | None = None

    # ------------------------------------------------------------------ rows

    def _states(self, mask: int) -> list[str]:
        return [STATE_CODES[b] for b in range(len(STATES)) if mask >> b & 1]

    def title(self, i: int) -> str:
        prof = PROFESSIONS[self.prof[i]]
        spec = self.spec_names[self.spec[i]]
        setting = SETTING_WORDS[SETTINGS[self.setting[i]]]
        head = f"{spec} {PROFESSION_TITLE[prof]}"
        kind = EMPLOYMENT[self.employment[i]]
        prefix = "Locum " if kind == "locum" else ("Remote " if self.remote[i] else "")
        return f"{prefix}{head} - {setting}"

    def documents(self, chunk: int = 20_000) -> Iterator[dict[str, Any]]:
        """VACANCY documents of every row (the shape ``search_docs.vacancy_document`` gives)."""
        text_rng = np.random.default_rng(self.seed + 1)
        vocab = np.array(self.vocab, dtype=object)
        for start in range(0, self.size, chunk):
            stop = min(self.size, start + chunk)
            lengths = text_rng.integers(25, 60, stop - start)
            picks = np.searchsorted(self.cum, text_rng.random(int(lengths.sum())))
            words = vocab[np.minimum(picks, len(vocab) - 1)]
            offsets = np.concatenate(([0], np.cumsum(lengths)))
            for k, i in enumerate(range(start, stop)):
                description = " ".join(words[offsets[k] : offsets[k + 1]])
                yield self.document(i, description)

    def document(self, i: int, description: str) -> dict[str, Any]:
        prof = PROFESSIONS[self.prof[i]]
        remote = bool(self.remote[i])
        state = None if remote else STATE_CODES[self.state[i]]
        posted = date.fromordinal(int(self.posted[i]))
        return {
            "id": str(i + 1),
            "title": self.title(i),
            "description": description,
            "employer_name": self.employers[self.employer[i]],
            "specialty_name": self.spec_names[self.spec[i]],
            "city": "" if remote else self.cities[self.state[i]][self.city[i]],
            "profession": prof,
            "specialty": self.spec_codes[self.spec[i]],
            "state": state,
            "setting": SETTINGS[self.setting[i]],
            "employment_model": EMPLOYMENT[self.employment[i]],
            "schedule": SCHEDULES[self.schedule[i]],
            "career_track": TRACKS[self.track[i]],
            "remote": remote,
            "visa": [v for b, v in enumerate(("h1b", "j1_waiver")) if self.visas[i] >> b & 1],
            "loan_repayment": bool(self.loan[i]),
            "credentials": [c for b, c in enumerate(CREDENTIALS) if self.creds[i] >> b & 1],
            "employer": str(int(self.employer[i]) + 1),
            "licence_states": self._states(int(self.licences[i])),
            "salary_min": float(self.salary_min[i]),
            "salary_max": float(self.salary_max[i]),
            "cme_allowance": float(self.cme_allowance[i]),
            "cme_days": float(self.cme_days[i]),
            "sign_on_bonus": float(self.sign_on[i]),
            "posted": int(posted.strftime("%Y%m%d")),
            "expires": int((posted + timedelta(days=60)).strftime("%Y%m%d")),
            "latitude": None if remote else float(self.lat[i]),
            "longitude": None if remote else float(self.lon[i]),
        }

    def facts(self, i: int) -> VacancyFacts:
        """The matching engine's view of row ``i`` (stands in for loading a database row:
        plain Python columns and shared sets, built on first use)."""
        if self._rows is None:
            self._rows = _Rows(self)
        r = self._rows
        prof = PROFESSIONS[r.prof[i]]
        remote = r.remote[i]
        lic_mask = r.licences[i]
        start = r.start[i]
        return VacancyFacts(
            id=i + 1,
            profession=prof,
            specialty=self.spec_codes[r.spec[i]],
            state="" if remote else STATE_CODES[r.state[i]],
            remote=remote,
            remote_states=r.states(r.remote_states[i]),
            licence_states=r.states(lic_mask),
            compact_accepted=r.compact[i],
            board_requirement=("none", "eligible", "certified")[r.board[i]],
            credentials=r.creds[r.cred[i]],
            career_track=TRACKS[r.track[i]],
            cme_allowance=r.allowance[i],
            cme_days=r.days[i],
            start_date=date.fromordinal(start) if start else None,
            mandated_topics=r.mandated(lic_mask, prof),
            latitude=None if remote else r.lat[i],
            longitude=None if remote else r.lon[i],
            visas=r.visas[r.visa[i]],
            salary_max=r.salary[i],
            compact_states=self.compact_states[prof] if r.compact[i] else frozenset(),
        )


class _Rows:
    """A corpus's columns as Python lists, and the sets rows share (masks repeat)."""

    def __init__(self, c: Corpus) -> None:
        self.c = c
        self.prof = c.prof.tolist()
        self.spec = c.spec.tolist()
        self.state = c.state.tolist()
        self.remote = c.remote.tolist()
        self.licences = c.licences.tolist()
        self.remote_states = c.remote_states.tolist()
        self.compact = c.compact.tolist()
        self.board = c.board.tolist()
        self.cred = c.creds.tolist()
        self.track = c.track.tolist()
        self.allowance = c.cme_allowance.tolist()
        self.days = c.cme_days.tolist()
        self.start = c.start.tolist()
        self.lat = c.lat.tolist()
        self.lon = c.lon.tolist()
        self.visa = c.visas.tolist()
        self.salary = c.salary_max.tolist()
        self.creds = [
            frozenset(x for b, x in enumerate(CREDENTIALS) if m >> b & 1) for m in range(64)
        ]
        self.visas = [
            frozenset(x for b, x in enumerate(("h1b", "j1_waiver")) if m >> b & 1) for m in range(4)
        ]
        self._states: dict[int, frozenset[str]] = {}
        self._mandated: dict[tuple[int, str], dict[str, tuple[str, ...]]] = {}

    def states(self, mask: int) -> frozenset[str]:
        found = self._states.get(mask)
        if found is None:
            found = self._states[mask] = frozenset(self.c._states(mask))
        return found

    def mandated(self, mask: int, prof: str) -> dict[str, tuple[str, ...]]:
        found = self._mandated.get((mask, prof))
        if found is None:
            found = self._mandated[(mask, prof)] = {
                s: self.c.mandates[(s, prof)] for s in sorted(self.states(mask))
            }
        return found


def random_point(rng: random.Random) -> tuple[float, float]:
    """A ZIP-like point: a state drawn by population, near its centre."""
    code, lat, lon, _, spread = rng.choices(STATES, weights=[s[3] for s in STATES])[0]
    return lat + rng.gauss(0, 1) * spread * 0.7, lon + rng.gauss(0, 1) * spread


# --------------------------------------------------------------------------- the index


def index_root(size: int) -> Path:
    return ROOT / "data" / f"jobs_{size}"


@dataclass(frozen=True)
class Built:
    """The benchmark index: its backend, the corpus behind it, and how long building it
    took (measured when built; read back from the marker when the index is reused)."""

    backend: TantivyBackend
    corpus: Corpus
    build_seconds: float | None
    reused: bool


def ensure_index(size: int, rebuild: bool = False) -> Built:
    """The benchmark index of ``size`` vacancies, built if missing or stale."""
    root = index_root(size)
    marker = root / "corpus.json"
    want = {"version": CORPUS_VERSION, "seed": SEED, "size": size}
    backend = TantivyBackend(VACANCY, root, writer_heap=512_000_000)
    t0 = time.perf_counter()
    corpus = Corpus(size)
    corpus_seconds = time.perf_counter() - t0
    found = json.loads(marker.read_text()) if marker.exists() else {}
    fresh = {k: found.get(k) for k in want} == want
    if not rebuild and fresh and backend.count() == size:
        return Built(backend, corpus, found.get("build_seconds"), reused=True)
    print(f"indexing {size:,} vacancies into {root.relative_to(ROOT.parent)} ...", flush=True)
    marker.unlink(missing_ok=True)
    t0 = time.perf_counter()
    backend.rebuild(corpus.documents())
    seconds = round(time.perf_counter() - t0 + corpus_seconds, 1)
    marker.write_text(json.dumps({**want, "build_seconds": seconds}))
    print(f"built in {seconds:.1f}s", flush=True)
    return Built(backend, corpus, seconds, reused=False)


# --------------------------------------------------------------------------- queries

FACETS = list(VACANCY.facet_fields)


def make_queries(n: int = 200, seed: int = 14) -> list[SearchQuery]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = rng.sample(QUERY_WORDS, rng.choice([1, 1, 2]))
        lat, lon = random_point(rng)
        filters = {
            "profession": rng.choices(PROFESSIONS, weights=PROFESSION_SHARE),
            "setting": rng.sample(SETTINGS[:6], rng.choice([1, 2, 2])),
            "employment_model": rng.sample(EMPLOYMENT, rng.choice([1, 2, 2])),
        }
        out.append(
            SearchQuery(
                text=" ".join(words),
                filters=filters,
                page_size=20,
                facets=FACETS,
                radius=Radius(lat, lon, RADIUS_KM),
            )
        )
    return out


class RawTantivy:
    """The anchor: what a developer would write against tantivy-py for the same result."""

    def __init__(self, path: Path) -> None:
        self.index = tantivy.Index.open(str(path))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.fields = list(VACANCY.text_fields)
        self.boosts = dict(VACANCY.boosts)
        self.aggs = {f: {"terms": {"field": f, "size": 1000}} for f in FACETS}

    def _range(self, field: str, low: float, high: float) -> tantivy.Query:
        return tantivy.Query.range_query(
            self.schema, field, tantivy.FieldType.Float, lower_bound=low, upper_bound=high
        )

    def search(self, q: SearchQuery) -> tuple[int, list[str], dict[str, Any]]:
        assert q.radius is not None
        zero = tantivy.Query.const_score_query
        must = tantivy.Occur.Must
        parsed = self.index.parse_query(
            q.text, self.fields, field_boosts=self.boosts, conjunction_by_default=True
        )
        clauses = [(must, parsed)]
        for name, values in q.filters.items():
            tq = (
                tantivy.Query.term_query(self.schema, name, values[0])
                if len(values) == 1
                else tantivy.Query.term_set_query(self.schema, name, list(values))
            )
            clauses.append((must, zero(tq, 0.0)))
        r = q.radius
        box = bounding_box(r.lat, r.lon, r.km)
        clauses.append((must, zero(self._range("latitude", box.min_lat, box.max_lat), 0.0)))
        lons = [self._range("longitude", low, high) for low, high in box.lon_ranges]
        lon_q = (
            lons[0]
            if len(lons) == 1
            else tantivy.Query.boolean_query([(tantivy.Occur.Should, x) for x in lons])
        )
        clauses.append((must, zero(lon_q, 0.0)))
        query = tantivy.Query.boolean_query(clauses)
        # the 0.27 stub omits SearchResult.count, which search(count=True) fills
        in_box = self.searcher.search(query, 1, count=True).count  # type: ignore[attr-defined]
        found = self.searcher.search(query, max(1, min(in_box, GEO_CANDIDATES)), count=True)
        near: list[str] = []
        for _, addr in found.hits:
            doc = self.searcher.doc(addr).to_dict()
            lat, lon = doc.get("latitude"), doc.get("longitude")
            if lat and lon and haversine_km(r.lat, r.lon, lat[0], lon[0]) <= r.km:
                near.append(doc["id"][0])
        facets: dict[str, Any] = {}
        if near:
            exact = tantivy.Query.term_set_query(self.schema, "id", near)
            facets = self.searcher.aggregate(exact, self.aggs)
        return len(near), near[:20], facets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="rebuild even if the index exists")
    args = parser.parse_args()

    built = ensure_index(args.size, args.rebuild)
    backend = built.backend
    raw = RawTantivy(backend.path)
    queries = make_queries()

    # Warm-up round; also checks both sides return the same thing.
    totals = []
    for q in queries:
        app = backend.search(q)
        total, ids, facets = raw.search(q)
        if app.total != total or [h.id for h in app.hits] != ids:
            raise SystemExit(f"app and anchor disagree on {q}: {app.total} vs {total}")
        if app.message and "checked" in app.message:
            raise SystemExit(f"radius capped, not like for like: {app.message}")
        counted = {f: sum(c for _, c in app.facets[f]) for f in ("profession", "setting")}
        raw_counted = {
            f: sum(b["doc_count"] for b in facets.get(f, {}).get("buckets", [])) for f in counted
        }
        if total and counted != raw_counted:
            raise SystemExit(f"facet counts disagree on {q}: {counted} vs {raw_counted}")
        totals.append(total)
    app_times: list[float] = []
    raw_times: list[float] = []
    clock = time.perf_counter
    for round_no in range(args.rounds):
        for i, q in enumerate(queries):
            pair = [("app", backend.search), ("raw", raw.search)]
            if (i + round_no) % 2:
                pair.reverse()
            for side, fn in pair:
                t0 = clock()
                fn(q)
                elapsed = (clock() - t0) * 1000
                (app_times if side == "app" else raw_times).append(elapsed)

    app_stats = summarize(app_times, 3)
    raw_stats = summarize(raw_times, 3)
    version = tantivy.__version__  # type: ignore[attr-defined]
    result = {
        "name": "jobs_search",
        "size": args.size,
        "unit": "ms",
        "queries": len(queries),
        "rounds": args.rounds,
        **app_stats,
        "anchor": {
            "name": "raw tantivy-py: same words, filters, bounding box, haversine, facets",
            **raw_stats,
        },
        "ratio_p95": round(app_stats["p95"] / raw_stats["p95"], 3),
        "ratio_p99": round(app_stats["p99"] / raw_stats["p99"], 3),
        "target": "app p95 <= 1.3x raw p95",
        "matches": {
            "median": statistics.median(totals),
            "max": max(totals),
            "zero": sum(1 for t in totals if t == 0),
        },
        "build_seconds": built.build_seconds,
        "index_reused": built.reused,
        "machine": {**machine_facts(), "tantivy": version},
        "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    out = RESULTS / f"jobs_search_{args.size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{'':8}{'p50':>9}{'p95':>9}{'p99':>9}   (ms, {len(app_times)} searches each)")
    print(f"{'app':8}{app_stats['p50']:9.2f}{app_stats['p95']:9.2f}{app_stats['p99']:9.2f}")
    print(f"{'raw':8}{raw_stats['p50']:9.2f}{raw_stats['p95']:9.2f}{raw_stats['p99']:9.2f}")
    print(f"matches per query: {result['matches']}")
    print(
        f"ratio at p95: {result['ratio_p95']:.3f} (target <= 1.30); "
        f"wrote {out.relative_to(ROOT.parent)}"
    )


if __name__ == "__main__":
    main()
