"""Benchmark the pure requirement-rules engine on a synthetic population.

    python bench/bench_credits_engine.py [--n 5000] [--seed 7] [--repeat 5]

``make_population(n, seed)`` is importable so the DB-backed ``check-all`` benchmark can
load the same clinicians. Writes ``bench/results/credits_engine.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from cmepath.credits.rules import (  # noqa: E402
    BoardCert,
    ClinicianProfile,
    Completion,
    Licence,
    compile_rules,
    default_rules,
    evaluate,
)

AS_OF = date(2026, 11, 25)
MD_STATES = [
    "CA",
    "TX",
    "NY",
    "FL",
    "IL",
    "PA",
    "GA",
    "NC",
    "MI",
    "NJ",
    "VA",
    "MA",
    "TN",
    "KY",
    "MD",
    "WI",
    "AZ",
    "WA",
    "IA",
    "MN",
]
TOPICS = [
    "pain_management",
    "end_of_life_care",
    "geriatrics",
    "ethics",
    "opioid_prescribing",
    "substance_use_disorder",
    "domestic_violence",
    "human_trafficking",
    "medical_errors",
    "implicit_bias",
    "infection_control",
    "cardiology",
    "diabetes",
    "oncology",
    "patient_safety",
    "risk_management",
    "controlled_substances",
    "pharmacology",
]
CREDIT_BY_PROFESSION = {
    "MD": ["ama_pra_1", "ama_pra_1", "ama_pra_2"],
    "DO": ["aoa_1a", "ama_pra_1", "aoa_1b"],
    "PA": ["aapa_1", "aapa_1", "aapa_2"],
    "NP": ["aanp", "ancc", "aanp_pharm"],
    "RN": ["ancc"],
    "PharmD": ["acpe"],
}


def _licence(rng: random.Random, state: str, profession: str, dea: bool) -> Licence:
    issue = date(rng.randint(1995, 2024), rng.randint(1, 12), 1)
    expiry = AS_OF + timedelta(days=rng.randint(-20, 900))
    return Licence(
        state=state,
        profession=profession,
        number=f"{state}{rng.randint(1, 10**6)}",
        issue_date=issue,
        expiry_date=expiry,
        dea_registered=dea,
        direct_patient_care=rng.random() < 0.9,
    )


def _completions(rng: random.Random, profession: str, count: int) -> tuple[Completion, ...]:
    types = CREDIT_BY_PROFESSION[profession]
    out = []
    for i in range(count):
        hours = rng.choice([0.5, 1, 1, 2, 2, 3, 4, 8, 12, 20])
        credits = {rng.choice(types): float(hours)}
        if profession in ("MD", "DO") and rng.random() < 0.3:
            credits["abim_moc"] = float(hours)
        kinds = frozenset({"pi_cme"}) if profession == "PA" and rng.random() < 0.1 else frozenset()
        out.append(
            Completion(
                id=f"c{i}",
                title=f"activity {i}",
                completed_on=AS_OF - timedelta(days=rng.randint(0, 5 * 365)),
                credits=credits,
                topics=frozenset(rng.sample(TOPICS, rng.randint(0, 2))),
                kinds=kinds,
            )
        )
    return tuple(out)


def make_population(n: int, seed: int = 7) -> list[tuple[ClinicianProfile, tuple[Completion, ...]]]:
    """``n`` deterministic (profile, completions) pairs with realistic licence mixes."""
    rng = random.Random(seed)
    people = []
    for k in range(n):
        profession = rng.choices(["MD", "DO", "PA", "NP", "RN", "PharmD"], [45, 10, 15, 12, 10, 8])[
            0
        ]
        dea = profession in ("MD", "DO", "PA", "NP") and rng.random() < 0.8
        licences: list[Licence] = []
        certs: list[BoardCert] = []
        if profession in ("MD", "DO"):
            for state in rng.sample(MD_STATES, rng.choice([1, 1, 1, 2, 3])):
                licences.append(_licence(rng, state, profession, dea))
            if rng.random() < 0.4:
                certs.append(
                    BoardCert("ABIM", "internal_medicine", date(2023, 1, 1), date(2027, 12, 31))
                )
        elif profession == "PA":
            licences.append(_licence(rng, "KY", "PA", dea))
            certs.append(BoardCert("NCCPA", "", date(2025, 1, 1), date(2026, 12, 31)))
        elif profession == "NP":
            licences.append(_licence(rng, "CA", "RN", dea))
            certs.append(BoardCert("AANPCB", "fnp", date(2022, 6, 1), date(2027, 5, 31)))
        elif profession == "RN":
            licences.append(_licence(rng, "CA", "RN", False))
        else:
            licences.append(_licence(rng, "CA", "PharmD", False))
        profile = ClinicianProfile(
            id=f"p{k}",
            profession=profession,
            licences=tuple(licences),
            board_certifications=tuple(certs),
            dea_registration_date=date(rng.randint(2015, 2025), rng.randint(1, 12), 1)
            if dea
            else None,
            patients_65_plus_share=round(rng.random(), 2),
            specialties=frozenset(
                {
                    rng.choice(
                        [
                            "internal_medicine",
                            "family_medicine",
                            "radiology",
                            "pediatrics",
                            "emergency_medicine",
                        ]
                    )
                }
            ),
        )
        people.append((profile, _completions(rng, profession, rng.randint(10, 60))))
    return people


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    rules = compile_rules(default_rules())  # precompiled once, as a service would
    population = make_population(args.n, args.seed)
    evaluate(*population[0], AS_OF, rules)  # warm up
    runs = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        for profile, completions in population:
            evaluate(profile, completions, AS_OF, rules)
        runs.append(time.perf_counter() - start)
    median = statistics.median(runs)
    result = {
        "name": "credits_engine_evaluate",
        "size": args.n,
        "median": round(median, 6),
        "min": round(min(runs), 6),
        "max": round(max(runs), 6),
        "unit": "s",
        "per_clinician_us": round(median / args.n * 1e6, 2),
        "clinicians_per_s": round(args.n / median),
        "machine": f"{platform.machine()} {platform.python_implementation()} {platform.python_version()} ({platform.system()})",
    }
    out = ROOT / "bench" / "results" / "credits_engine.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
