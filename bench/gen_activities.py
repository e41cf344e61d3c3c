"""Deterministic synthetic CME activities for the search benchmark.

    python bench/gen_activities.py --size 200000     # builds bench/data/search_200000/

Documents follow the ACTIVITY doc type (``cmepath.catalog.search_docs``). Words follow a Zipf
distribution over a medical core vocabulary plus generated filler words, so posting lists
range from very common to rare, as in a real catalog. The same seed always gives the same
documents, so runs on different machines index the same corpus.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))

CORE_WORDS = """
opioid prescribing pain management diabetes insulin hypertension heart failure sepsis
stroke asthma copd pneumonia vaccine immunization pediatric geriatric dementia delirium
depression anxiety suicide prevention substance use disorder buprenorphine naloxone
antibiotic stewardship infection control hand hygiene patient safety quality improvement
leadership communication burnout resilience wellness ethics palliative hospice cancer
oncology breast prostate colorectal screening lung imaging ultrasound radiology surgery
anesthesia airway trauma emergency critical care ventilator kidney dialysis liver
hepatitis hiv tuberculosis obesity nutrition exercise sleep apnea arrhythmia atrial
fibrillation anticoagulation warfarin lipid statin cholesterol thyroid osteoporosis
fracture orthopedic spine arthritis rheumatology lupus dermatology eczema psoriasis
melanoma wound care pressure injury maternal obstetric prenatal postpartum neonatal
contraception menopause telehealth documentation coding billing informatics artificial
intelligence genomics precision medicine pharmacology interactions polypharmacy
deprescribing implicit bias health equity cultural competence domestic violence child
abuse elder abuse human trafficking sexual harassment risk management malpractice
disclosure simulation procedural skills teamwork interprofessional handoff transitions
readmission population health value based care evidence guideline update review case
""".split()  # noqa: SIM905 (a word list reads better as prose)

PROFESSIONS = ["MD", "DO", "NP", "PA", "RN", "PharmD", "CRNA", "DNP"]
SPECIALTIES = [
    "family medicine",
    "internal medicine",
    "pediatrics",
    "emergency medicine",
    "cardiology",
    "oncology",
    "psychiatry",
    "neurology",
    "anesthesiology",
    "surgery",
    "obstetrics",
    "radiology",
    "dermatology",
    "endocrinology",
    "gastroenterology",
    "nephrology",
    "pulmonology",
    "infectious disease",
    "geriatrics",
    "hospital medicine",
    "critical care",
    "orthopedics",
    "urology",
    "ophthalmology",
    "pathology",
    "rheumatology",
    "pharmacy",
    "nursing",
    "palliative care",
    "addiction medicine",
]
CREDIT_TYPES = [
    "AMA PRA Category 1",
    "ACPE CPE",
    "ANCC CNE",
    "AAPA Category 1",
    "APA",
    "COPE",
    "ASWB",
    "ADA CERP",
    "BOC",
    "CDR",
    "IPCE",
    "AOA Category 1-A",
]
FORMATS = [
    "course",
    "regularly scheduled series",
    "internet enduring",
    "journal-based",
    "learning from teaching",
    "performance improvement",
    "internet point-of-care",
    "other",
]
DELIVERIES = ["live in person", "live online", "on demand", "hybrid"]
STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
]
MANDATED = [
    "opioid prescribing",
    "implicit bias",
    "pain management",
    "end-of-life care",
    "domestic violence",
    "human trafficking",
    "infection control",
    "child abuse",
    "medical errors",
    "HIV/AIDS",
]
ACCREDITORS = [
    "ACCME",
    "ANCC",
    "ACPE",
    "AAPA",
    "AOA",
    "Joint Accreditation",
    "AAFP",
    "state medical society",
]
TOPICS = [
    "opioids",
    "pain",
    "diabetes",
    "cardiology",
    "infectious disease",
    "mental health",
    "pediatrics",
    "geriatrics",
    "oncology",
    "patient safety",
    "quality improvement",
    "leadership",
    "ethics",
    "telehealth",
    "pharmacology",
    "women's health",
    "emergency care",
    "critical care",
    "primary care",
    "health equity",
    "wellness",
    "imaging",
    "surgery",
    "addiction",
    "nutrition",
    "respiratory",
    "renal",
    "dermatology",
    "neurology",
    "genomics",
]


def _vocabulary(rng: random.Random, filler: int = 6000) -> list[str]:
    syllables = [
        "ka",
        "lo",
        "mi",
        "ter",
        "vas",
        "pro",
        "neo",
        "cyt",
        "gen",
        "ax",
        "ul",
        "rem",
        "sta",
        "bi",
        "dro",
        "phen",
        "tal",
        "zin",
        "or",
        "ex",
    ]
    words = set(CORE_WORDS)
    extra: list[str] = []
    while len(extra) < filler:
        w = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if w not in words:
            words.add(w)
            extra.append(w)
    # Interleave so core medical words hold most of the high-frequency ranks.
    return CORE_WORDS + extra


def _zipf_cum_weights(n: int, s: float = 1.05) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


def generate(size: int, seed: int = 20260101) -> Iterator[dict[str, Any]]:
    """Yield ``size`` activity documents; the same seed gives the same documents."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    cum = _zipf_cum_weights(len(vocab))
    for i in range(size):
        title = " ".join(rng.choices(vocab, cum_weights=cum, k=rng.randint(4, 9)))
        description = " ".join(rng.choices(vocab, cum_weights=cum, k=rng.randint(25, 60)))
        free = rng.random() < 0.2
        cost = 0.0 if free else round(min(rng.lognormvariate(5.0, 1.1), 5000.0), 2)
        moore = rng.choices(range(1, 8), weights=[10, 20, 30, 18, 12, 7, 3])[0]
        credit_types = rng.sample(CREDIT_TYPES, rng.choice([1, 1, 2, 3]))
        interprofessional = "IPCE" in credit_types or rng.random() < 0.1
        yield {
            "id": str(i + 1),
            "title": title,
            "description": description,
            "topics": rng.sample(TOPICS, rng.randint(1, 3)),
            "profession": rng.sample(PROFESSIONS, rng.randint(1, 3)),
            "specialty": rng.sample(SPECIALTIES, rng.randint(1, 2)),
            "credit_type": credit_types,
            "format": rng.choice(FORMATS),
            "delivery": rng.choice(DELIVERIES),
            "state": rng.choice(STATES),
            "mandated_topic": rng.sample(MANDATED, 1) if rng.random() < 0.15 else [],
            "accreditor": rng.choice(ACCREDITORS),
            "moc": rng.random() < 0.3,
            "interprofessional": interprofessional,
            "no_commercial_support": rng.random() < 0.8,
            "moore_level": moore,
            "value_score": round(rng.uniform(5, 98), 1),
            "cost": cost,
            "start_date": 20250101
            + rng.randint(0, 2) * 10000
            + rng.randint(1, 12) * 100
            + rng.randint(1, 28)
            - 100,
            "credits": rng.choice([0.25, 0.5, 1.0, 1.0, 1.5, 2.0, 3.0, 4.0, 8.0, 12.0, 20.0]),
        }


def build_index(size: int, root: Path, seed: int = 20260101) -> float:
    """Rebuild the benchmark index for ``size`` documents under ``root``; returns seconds."""
    from cmepath.catalog.search_docs import ACTIVITY
    from cmepath.search import TantivyBackend

    backend = TantivyBackend(ACTIVITY, root, writer_heap=512_000_000)
    started = time.perf_counter()
    backend.rebuild(generate(size, seed))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args()
    root = ROOT / "data" / f"search_{args.size}"
    seconds = build_index(args.size, root, args.seed)
    print(f"indexed {args.size} activities into {root.relative_to(ROOT.parent)} in {seconds:.1f}s")


if __name__ == "__main__":
    main()
