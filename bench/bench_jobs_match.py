""" "Jobs for you" latency over a large index: retrieve by hard filters, then rank with reasons.

    python bench/bench_jobs_match.py                  # 1,000,000 vacancies
    python bench/bench_jobs_match.py --size 20000     # smoke run

Reuses the synthetic vacancies and the index of ``bench_jobs_search.py`` (built if missing).
For each of 50 synthetic clinicians, the measured path is what the page does:

1. retrieve through the app's search layer (``TantivyBackend.search``) with the hard
   filters: the clinician's profession (MD and DO together), a licence needed in a state
   they may practise in (their licences, plus the compact's states for a multistate
   licence), not expired. Up to ``--candidates`` (500) ids, newest first, in pages of 100
   (the layer's largest page): first ``--specialty-share`` (60%) of them from the
   clinician's specialty or a related one (same first 4 characters), then the newest of
   any specialty;
2. load the candidates' facts (here from the generator's columns, standing in for the
   database rows the selector loads);
3. ``matching.rank`` them, top 20 explained with reasons and gaps.

The anchor, in the same run and interleaved clinician by clinician: ``score_arrays``, the
vectorized scorer, over every row of the corpus, then ``argpartition`` for the top 20.
It scores all rows with no retrieval step, so it is a brute-force yardstick, not the same
work. Both are warmed up first. Writes ``bench/results/jobs_match_<size>.json``.
Target: p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))
sys.path.insert(0, str(ROOT))

import bench_jobs_search as jobs  # noqa: E402
from harness import RESULTS, machine_facts, summarize  # noqa: E402

from cmepath.accounts.taxonomy import load_taxonomy  # noqa: E402
from cmepath.core.vocabulary import MANDATED_TOPICS  # noqa: E402
from cmepath.jobs.compacts import practice_states  # noqa: E402
from cmepath.jobs.matching import (  # noqa: E402
    ClinicianFacts,
    LicenceFact,
    Match,
    VacancyArrays,
    rank,
    same_profession,
    score_arrays,
)
from cmepath.jobs.retrieval import candidates  # noqa: E402
from cmepath.search import TantivyBackend  # noqa: E402

TODAY = jobs.TODAY
TOP = 20
PHYSICIANS = ("MD", "DO")
#: NUCC codes the "related specialty" expansion may add (the shipped taxonomy's and the
#: corpus's own, e.g. CRNA).
CODES = sorted(set(load_taxonomy()) | {code for t in jobs.SPECIALTIES.values() for code, _ in t})


def make_clinicians(n: int = 50, seed: int = 50) -> list[ClinicianFacts]:
    rng = random.Random(seed)
    mandated = sorted(MANDATED_TOPICS)
    out = []
    for _ in range(n):
        prof = rng.choices(jobs.PROFESSIONS, weights=jobs.PROFESSION_SHARE)[0]
        home_state = rng.choices(jobs.STATES, weights=[s[3] for s in jobs.STATES])[0]
        states = {home_state[0]} | set(rng.sample(jobs.STATE_CODES, rng.choice([0, 0, 1, 2, 3])))
        nlc = practice_states("RN")
        licences = tuple(
            LicenceFact(
                state=s,
                profession=prof,
                expiry=TODAY + timedelta(days=rng.randint(20, 900)),
                multistate=prof == "RN" and s in nlc and rng.random() < 0.6,
                cme_status=rng.choices(
                    ["met", "on_track", "due_soon", "overdue"], weights=[5, 3, 1, 1]
                )[0],
            )
            for s in sorted(states)
        )
        codes = [code for code, _ in jobs.SPECIALTIES[prof]]
        out.append(
            ClinicianFacts(
                profession=prof,
                specialties=frozenset(rng.sample(codes, min(len(codes), rng.choice([1, 1, 2])))),
                licences=licences,
                board_certified=rng.random() < (0.75 if prof in PHYSICIANS else 0.3),
                credentials=frozenset(rng.sample(jobs.CREDENTIALS, rng.randint(0, 3))),
                career_tracks=frozenset(rng.sample(jobs.TRACKS, rng.choice([0, 0, 1, 2]))),
                completed_topics=frozenset(rng.sample(mandated, rng.randint(0, 12))),
                annual_cme_cost=None if rng.random() < 0.2 else float(rng.randint(300, 3500)),
                home=(
                    home_state[1] + rng.gauss(0, 0.5),
                    home_state[2] + rng.gauss(0, 0.7),
                ),
                needs_visa=rng.random() < 0.05,
            )
        )
    return out


@dataclass
class Timing:
    retrieve: float = 0.0
    load: float = 0.0
    rank: float = 0.0
    candidates: int = 0
    matching: int = 0


def jobs_for_you(
    backend: TantivyBackend,
    corpus: jobs.Corpus,
    c: ClinicianFacts,
    cap: int,
    specialty_share: float,
    timing: Timing,
) -> list[Match]:
    """The page's path (``cmepath.jobs.retrieval.candidates``, as ``selectors.jobs_for_you``
    calls it): hard filters in the index, up to ``cap`` candidates (the newest in the
    clinician's specialty or a related one first, then the newest of any), then rank."""
    clock = time.perf_counter
    t0 = clock()
    ids, total = candidates(backend, c, today=TODAY, cap=cap, specialty_share=specialty_share)
    t1 = clock()
    facts = [corpus.facts(i - 1) for i in ids]
    t2 = clock()
    ranked: list[Match] = rank(c, facts, today=TODAY, limit=TOP)
    t3 = clock()
    timing.retrieve += t1 - t0
    timing.load += t2 - t1
    timing.rank += t3 - t2
    timing.candidates += len(ids)
    timing.matching += total
    return ranked


def brute_force(arrays: VacancyArrays, c: ClinicianFacts) -> list[tuple[int, int]]:
    """The anchor: every row scored at once, the top 20 (score, id), best first."""
    scores = score_arrays(c, arrays, today=TODAY)
    top = np.argpartition(-scores, TOP)[:TOP] if len(scores) > TOP else np.arange(len(scores))
    return sorted(((int(scores[i]), int(arrays.ids[i])) for i in top), key=lambda s: (-s[0], s[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--clinicians", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--candidates", type=int, default=500, help="retrieval cap")
    parser.add_argument(
        "--specialty-share",
        type=float,
        default=0.6,
        help="share of the cap taken from the clinician's specialty first (0: newest only)",
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild even if the index exists")
    args = parser.parse_args()

    built = jobs.ensure_index(args.size, args.rebuild)
    backend, corpus = built.backend, built.corpus
    t0 = time.perf_counter()
    arrays = VacancyArrays.from_facts(corpus.facts(i) for i in range(corpus.size))
    arrays_seconds = time.perf_counter() - t0
    print(f"vacancy arrays built in {arrays_seconds:.1f}s", flush=True)
    clinicians = make_clinicians(args.clinicians)

    # Warm-up; checks the page's scores are the vectorized scorer's for the same rows.
    overlap = []
    best_gap = []
    slot_gap = []
    for c in clinicians:
        ranked = jobs_for_you(backend, corpus, c, args.candidates, args.specialty_share, Timing())
        anchor = brute_force(arrays, c)
        full = score_arrays(c, arrays, today=TODAY)
        for m in ranked:
            if full[m.vacancy_id - 1] != m.score or not m.reasons:
                raise SystemExit(f"rank and score_arrays disagree on vacancy {m.vacancy_id}")
            if not same_profession(corpus.facts(m.vacancy_id - 1).profession, c.profession):
                raise SystemExit("retrieval let another profession through")
        overlap.append(len({m.vacancy_id for m in ranked} & {i for _, i in anchor}) / TOP)
        best_gap.append(anchor[0][0] - (ranked[0].score if ranked else 0))
        mine = [m.score for m in ranked] + [0] * (TOP - len(ranked))
        slot_gap.append(statistics.fmean(a - b for (a, _), b in zip(anchor, mine, strict=False)))

    clock = time.perf_counter
    app_times: list[float] = []
    anchor_times: list[float] = []
    timing = Timing()
    for round_no in range(args.rounds):
        for i, c in enumerate(clinicians):
            pair: list[tuple[str, Callable[[], object]]] = [
                (
                    "app",
                    partial(
                        jobs_for_you,
                        backend,
                        corpus,
                        c,
                        args.candidates,
                        args.specialty_share,
                        timing,
                    ),
                ),
                ("anchor", partial(brute_force, arrays, c)),
            ]
            if (i + round_no) % 2:
                pair.reverse()
            for side, fn in pair:
                t = clock()
                fn()
                elapsed = (clock() - t) * 1000
                (app_times if side == "app" else anchor_times).append(elapsed)

    runs = len(app_times)
    app_stats = summarize(app_times, 3)
    anchor_stats = summarize(anchor_times, 3)
    result = {
        "name": "jobs_match",
        "size": args.size,
        "unit": "ms",
        "clinicians": len(clinicians),
        "rounds": args.rounds,
        "candidates_cap": args.candidates,
        **app_stats,
        "anchor": {
            "name": "numpy score_arrays over every row + argpartition top 20",
            **anchor_stats,
        },
        "ratio_p95": round(app_stats["p95"] / anchor_stats["p95"], 3),
        "ratio": round(app_stats["median"] / anchor_stats["median"], 3),
        "target": "p95 < 200 ms",
        "stages_mean_ms": {
            "retrieve": round(timing.retrieve / runs * 1000, 3),
            "load_facts": round(timing.load / runs * 1000, 3),
            "rank": round(timing.rank / runs * 1000, 3),
        },
        "candidates_mean": round(timing.candidates / runs, 1),
        "matching_hard_filters_mean": round(timing.matching / runs, 1),
        "top20_overlap_with_brute_force_mean": round(statistics.fmean(overlap), 3),
        "best_score_gap_mean": round(statistics.fmean(best_gap), 2),
        "top20_score_gap_per_slot_mean": round(statistics.fmean(slot_gap), 2),
        "specialty_share": args.specialty_share,
        "arrays_build_seconds": round(arrays_seconds, 1),
        "build_seconds": built.build_seconds,
        "index_reused": built.reused,
        "machine": machine_facts(),
        "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    out = RESULTS / f"jobs_match_{args.size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{'':8}{'p50':>9}{'p95':>9}{'p99':>9}   (ms, {runs} runs each)")
    print(f"{'page':8}{app_stats['p50']:9.2f}{app_stats['p95']:9.2f}{app_stats['p99']:9.2f}")
    print(
        f"{'numpy':8}{anchor_stats['p50']:9.2f}{anchor_stats['p95']:9.2f}{anchor_stats['p99']:9.2f}"
    )
    print(f"page stages (mean ms): {result['stages_mean_ms']}")
    print(
        f"candidates {result['candidates_mean']:.0f} of {result['matching_hard_filters_mean']:.0f} "
        f"matching; against brute force: top-20 overlap "
        f"{result['top20_overlap_with_brute_force_mean']}, best score -{result['best_score_gap_mean']}, "
        f"score per slot -{result['top20_score_gap_per_slot_mean']}"
    )
    print(
        f"ratio at p95: {result['ratio_p95']:.3f}; target p95 < 200 ms; "
        f"wrote {out.relative_to(ROOT.parent)}"
    )


if __name__ == "__main__":
    main()
