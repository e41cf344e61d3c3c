"""Career planner: one optimal CME plan per clinician over a large synthetic catalog.

    python bench/bench_planner.py                          # 100,000 activities, 50 profiles
    python bench/bench_planner.py --size 20000 --profiles 10 --full-sample 1   # smoke run

Catalog: ``--size`` deterministic synthetic activities (seed 16) with a realistic mix of
formats, deliveries (60% online, 30% in person, 10% hybrid), states, audiences, credit types
by profession, mandated and clinical topics, competencies (the shared vocabulary, ACGME ones
included), costs (clinical content 25% free, professional development 1%, free ones short (0.5-2
credits), else log-normal, capped at $3,500; in person dearer) and start dates over the 32 months around the plan date;
70% of rows build clinical competencies (clinical, medical knowledge, patient care, some
ACGME ones), 30% professional ones (leadership, finance, quality, informatics, teaching...). Each row's goal-neutral value score is the catalog rubric's, as
on import; that is catalog loading, done once and not timed.

Profiles: ``--profiles`` (50) varied clinicians: MD, DO, NP, PA, RN and PharmD with licences
in states the rules cover, NCCPA/AANPCB certifications for PAs and NPs, some hours already
done, a career goal suited to the profession, budgets from $0 to $5,000 a year, 0 to 5 paid
days, a home state and sometimes a performance-review date. Horizon: 24 months.

Measured per profile (the sample): ``build_problem`` (the requirement evaluation's needs,
budgets, candidates from the whole catalog) plus ``solve`` (HiGHS on the pruned model).
Target: p95 <= 1 s, every plan ``optimal`` or ``within_gap`` (proven within 1%).

Anchor, in the same run on the same problems: the greedy plan (best value per dollar first,
``solver.greedy``): its time, and the value ratio optimal / greedy.

Offline check on ``--full-sample`` (5) profiles: the MILP over the full eligible catalog
(pruning off) with a longer time limit; the pruned plan's value must be within 1% of it.

Peak memory: the process's maximum resident set (``resource``; catalog, one plan at a time
and the full-catalog MILPs), and ``tracemalloc``'s peak for one plan (build + solve)
measured apart from the timings. After loading, the catalog is frozen out of the cyclic
garbage collector (``gc.freeze()``), as a long-running service would do.

Writes ``bench/results/planner.json`` at the full size (100,000), else
``bench/results/planner_<size>.json`` (harness format, plus the extra figures).
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import resource
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))
sys.path.insert(0, str(ROOT))

from harness import summarize, write_result  # noqa: E402

from cmepath.catalog import rubric  # noqa: E402
from cmepath.core.vocabulary import COMPETENCIES, MANDATED_TOPICS, TOPICS  # noqa: E402
from cmepath.credits.rules import default_rules, evaluate  # noqa: E402
from cmepath.credits.rules.model import (  # noqa: E402
    BoardCert,
    ClinicianProfile,
    Completion,
    Licence,
)
from cmepath.planner import solver  # noqa: E402
from cmepath.planner.goals import planner_goal  # noqa: E402
from cmepath.planner.inputs import (  # noqa: E402
    CatalogRow,
    PreparedCatalog,
    build_problem,
    prepare_catalog,
)
from cmepath.planner.problem import Problem  # noqa: E402

AS_OF = date(2027, 1, 4)
HORIZON = 24
SEED = 16

PROFESSIONS = ["MD", "DO", "NP", "PA", "RN", "PharmD"]
PROFESSION_SHARE = [30, 8, 18, 12, 24, 8]
#: Credit types an activity for this audience carries (first one always).
CREDITS_FOR = {
    "MD": ["ama_pra_1", "abim_moc"],
    "DO": ["aoa_1a", "ama_pra_1"],
    "NP": ["ancc", "aanp", "aanp_pharm"],
    "PA": ["aapa_1", "ama_pra_1", "nccpa_pi"],
    "RN": ["ancc"],
    "PharmD": ["acpe"],
}
STATES = ["CA", "TX", "FL", "NY", "IL", "PA", "OH", "GA", "NC", "MI", "WA", "AZ", "MA", "CO"]
FORMATS = [
    ("internet_enduring", 34),
    ("course", 22),
    ("rss", 8),
    ("journal_based", 8),
    ("internet_point_of_care", 10),
    ("enduring_material", 6),
    ("performance_improvement", 3),
    ("learning_from_teaching", 3),
    ("committee_learning", 2),
    ("other", 4),
]
GOALS_FOR = {
    "MD": [
        "cmo",
        "department_chief",
        "medical_director",
        "quality_lead",
        "informaticist",
        "educator",
        "stay_current",
    ],
    "DO": ["cmo", "medical_director", "quality_lead", "educator", "stay_current"],
    "NP": ["advancing_scope", "nurse_leader", "quality_lead", "educator", "stay_current"],
    "PA": ["advancing_scope", "quality_lead", "educator", "stay_current"],
    "RN": ["nurse_leader", "quality_lead", "informaticist", "educator", "stay_current"],
    "PharmD": ["pharmacist_specialist", "quality_lead", "informaticist", "stay_current"],
}
CERTS = {"PA": ("NCCPA", 24), "NP": ("AANPCB", 60)}


def _pick(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def make_catalog(size: int, seed: int = SEED) -> list[CatalogRow]:
    rng = random.Random(seed)
    mandated = sorted(MANDATED_TOPICS)
    clinical = sorted(set(TOPICS) - set(mandated))
    clinical_comps = ["clinical", "medical_knowledge", "patient_care"]
    other_acgme = ["practice_based_learning", "professionalism", "interpersonal_communication"]
    career_comps = sorted(set(COMPETENCIES) - set(clinical_comps))
    rows = []
    for i in range(size):
        fmt = _pick(rng, FORMATS)
        live_fmt = fmt in ("course", "rss", "committee_learning")
        r = rng.random()
        delivery = (
            ("live" if r < 0.75 else "hybrid") if live_fmt else ("online" if r < 0.97 else "hybrid")
        )
        start = AS_OF + timedelta(days=rng.randint(-60, 900))
        if delivery == "online":
            length = 0 if fmt != "performance_improvement" else rng.randint(90, 400)
        elif fmt == "rss":
            length = rng.choice([90, 180, 364])
        else:
            length = rng.choice([0, 0, 1, 1, 2, 2, 3, 4])
        audience = rng.sample(PROFESSIONS, rng.choice([1, 1, 2, 3])) if rng.random() < 0.8 else []
        credit = round(min(rng.lognormvariate(1.6, 0.8), 40.0) * 4) / 4 or 0.25
        if fmt == "performance_improvement":
            credit = rng.choice([5.0, 10.0, 20.0])
        types = {}
        for prof in audience or ["MD", "NP"]:
            kinds = CREDITS_FOR[prof]
            types[kinds[0]] = credit
            if len(kinds) > 1 and rng.random() < 0.3:
                types[rng.choice(kinds[1:])] = credit
        if len(audience) >= 2 and rng.random() < 0.3:
            types["ipce"] = credit
        topics = set(rng.sample(clinical, rng.choice([1, 1, 2])))
        if rng.random() < 0.25:
            topics |= set(rng.sample(mandated, rng.choice([1, 1, 2])))
        career = rng.random() < 0.3  # professional development rather than clinical content
        if career:
            competencies = frozenset(rng.sample(career_comps, rng.choice([1, 2, 2, 3])))
            free, mu = 0.01, 5.8
        else:
            competencies = frozenset(rng.sample(clinical_comps, rng.choice([1, 1, 2])))
            if rng.random() < 0.3:
                competencies |= {rng.choice(other_acgme)}
            free, mu = 0.25, 4.6
        cost = 0.0 if rng.random() < free else float(round(min(rng.lognormvariate(mu, 1.0), 3500)))
        if cost == 0.0:  # free content is short: a webinar, a podcast, a journal quiz
            credit = min(credit, rng.choice([0.5, 1.0, 1.0, 1.5, 2.0]))
            types = dict.fromkeys(types, credit)
        if delivery != "online":
            cost = float(round(cost * 1.8))
        tracked = rng.random() < 0.33
        facts = rubric.ActivityFacts(
            accreditor=rng.choice(["ACCME", "ANCC", "ACPE", "Joint Accreditation"]),
            accreditation_valid=rng.random() < 0.95,
            commercial_support=(
                (rubric.CommercialSupport("Pharma Co", "monetary", 10000.0),)
                if rng.random() < 0.18
                else ()
            ),
            moore_level=rng.choice([3, 4, 4, 5, 5, 6]) if tracked else None,
            interprofessional="ipce" in types,
            ipce_credit="ipce" in types,
            professions=frozenset(audience),
            pi_component=fmt == "performance_improvement",
        )
        rows.append(
            CatalogRow(
                id=f"SYN-{i:06d}",
                title=f"Synthetic activity {i}",
                start=start,
                end=start + timedelta(days=length),
                cost=cost,
                delivery=delivery,
                value_score=rubric.score(facts).total,
                credits=types,
                topics=frozenset(topics),
                competencies=competencies,
                professions=frozenset(audience),
                format=fmt,
                state=rng.choice(STATES) if delivery != "online" else "",
                pi_component=fmt == "performance_improvement",
            )
        )
    return rows


@dataclass(frozen=True)
class Person:
    profile: ClinicianProfile
    completions: tuple[Completion, ...]
    goal: str
    money: float
    days: float
    home_state: str
    review_date: date | None


def make_people(n: int, seed: int = SEED + 1) -> list[Person]:
    rng = random.Random(seed)
    rules = default_rules()
    covered = {(r.applies_to.licence_state, p) for r in rules for p in r.applies_to.professions}
    out = []
    while len(out) < n:
        prof = rng.choices(PROFESSIONS, weights=PROFESSION_SHARE)[0]
        states = [s for s in STATES if (s, prof) in covered]
        if not states:
            continue
        home = rng.choice(states)
        held = [home, *rng.sample(states, rng.choice([0, 0, 1]))]
        licences = tuple(
            Licence(
                state=s,
                profession=prof,
                issue_date=date(rng.randint(2005, 2022), rng.randint(1, 12), 1),
                expiry_date=AS_OF + timedelta(days=rng.randint(30, 700)),
                dea_registered=prof in ("MD", "DO", "NP", "PA") and rng.random() < 0.6,
            )
            for s in dict.fromkeys(held)
        )
        certs = ()
        if prof in CERTS:
            board, months = CERTS[prof]
            end = AS_OF + timedelta(days=rng.randint(60, 30 * months))
            certs = (
                BoardCert(
                    board=board, cycle_start=end - timedelta(days=30 * months), cycle_end=end
                ),
            )
        first = min(lic.issue_date for lic in licences if lic.issue_date)
        profile = ClinicianProfile(
            profession=prof,
            date_of_first_licensure=first,
            birth_date=date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28)),
            licences=licences,
            board_certifications=certs,
            id=f"p{len(out)}",
        )
        kind = CREDITS_FOR[prof][0]
        done = tuple(
            Completion(
                id=f"c{k}",
                title="done",
                completed_on=AS_OF - timedelta(days=rng.randint(10, 600)),
                credits={kind: float(rng.randint(2, 15))},
                topics=frozenset(rng.sample(sorted(MANDATED_TOPICS), rng.choice([0, 1]))),
            )
            for k in range(rng.randint(0, 6))
        )
        out.append(
            Person(
                profile=profile,
                completions=done,
                goal=rng.choice(GOALS_FOR[prof]),
                money=float(rng.choice([0, 500, 1000, 1500, 2000, 3000, 5000])),
                days=float(rng.choice([0, 1, 2, 3, 5])),
                home_state=home,
                review_date=AS_OF + timedelta(days=rng.randint(90, 500))
                if rng.random() < 0.4
                else None,
            )
        )
    return out


def build(person: Person, catalog: PreparedCatalog, rules, *, time_limit: float = 10.0) -> Problem:
    evaluation = evaluate(person.profile, person.completions, AS_OF, rules)
    return build_problem(
        profile=person.profile,
        evaluation=evaluation,
        rules=rules,
        catalog=catalog,
        goal=planner_goal(person.goal, HORIZON),
        money=person.money,
        days=person.days,
        horizon_months=HORIZON,
        as_of=AS_OF,
        home_state=person.home_state,
        review_date=person.review_date,
        time_limit_s=time_limit,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--profiles", type=int, default=50)
    ap.add_argument("--full-sample", dest="full_sample", type=int, default=5)
    ap.add_argument("--full-time-limit", dest="full_time_limit", type=float, default=60.0)
    args = ap.parse_args()

    t0 = time.perf_counter()
    catalog = prepare_catalog(make_catalog(args.size))
    people = make_people(args.profiles)
    rules = default_rules()
    print(
        f"catalog of {len(catalog):,} and {len(people)} profiles in {time.perf_counter() - t0:.1f} s"
    )

    build(people[0], catalog, rules)  # warm-up: rule index, caches, HiGHS import
    # The catalog is long-lived (a service keeps it per catalog version): move it out of the
    # cyclic collector's way, as a server would after loading it.
    gc.collect()
    gc.freeze()
    every = max(1, len(people) // max(args.full_sample, 1))
    sampled = set(range(0, len(people), every)[: args.full_sample])
    samples, build_s, solve_s, greedy_s, ratios, cpu_s = [], [], [], [], [], []
    statuses: dict[str, int] = {}
    candidates, considered = [], []
    problems: list[Problem] = []
    objectives: list[float] = []
    for person in people:
        p0 = time.process_time()
        c0 = time.perf_counter()
        problem = build(person, catalog, rules)
        c1 = time.perf_counter()
        result = solver.solve(problem)
        c2 = time.perf_counter()
        cpu_s.append(time.process_time() - p0)
        g = solver.greedy(problem)
        c3 = time.perf_counter()
        samples.append(c2 - c0)
        build_s.append(c1 - c0)
        solve_s.append(c2 - c1)
        greedy_s.append((c1 - c0) + (c3 - c2))  # the greedy plan on the same inputs
        statuses[result.status] = statuses.get(result.status, 0) + 1
        candidates.append(len(problem.candidates))
        considered.append(result.candidates_considered)
        if len(problems) < len(sampled) and len(objectives) in sampled:
            problems.append(problem)  # only the offline sample is kept (memory)
        objectives.append(result.objective)
        if result.status != "infeasible" and g.status != "infeasible" and g.objective > 0:
            ratios.append(result.objective / g.objective)
        print(
            f"  {person.profile.profession:6} {person.goal:22} ${person.money:>5.0f} "
            f"{person.days:.0f}d: {result.status:10} value {result.objective:8.3f} "
            f"greedy {g.objective:8.3f}  build {c1 - c0:.3f} s solve {c2 - c1:.3f} s "
            f"({len(problem.candidates):,} candidates, {result.candidates_considered} modelled)",
            flush=True,
        )

    # Offline: the MILP over the full eligible catalog (no pruning) on a sample.
    full_rows = []
    sample = sorted(sampled)
    keep_prune = solver.PRUNE_ABOVE
    try:
        solver.PRUNE_ABOVE = 10**9  # model every eligible candidate
        for i, problem in zip(sample, problems, strict=True):
            long = Problem(
                **{
                    **{f: getattr(problem, f) for f in problem.__dataclass_fields__},
                    "time_limit_s": args.full_time_limit,
                    "mip_gap": 1e-4,
                }
            )
            f0 = time.perf_counter()
            full = solver.solve(long)
            secs = time.perf_counter() - f0
            diff = (full.objective - objectives[i]) / max(abs(full.objective), 1e-9)
            full_rows.append(
                {
                    "profile": i,
                    "pruned_objective": round(objectives[i], 6),
                    "full_objective": round(full.objective, 6),
                    "full_status": full.status,
                    "full_gap": round(full.gap, 6),
                    "full_candidates": full.candidates_considered,
                    "pruned_shortfall": round(diff, 6),
                    "seconds": round(secs, 2),
                }
            )
            print(f"  full MILP, profile {i}: {full_rows[-1]}", flush=True)
    finally:
        solver.PRUNE_ABOVE = keep_prune

    tracemalloc.start()
    problem = build(people[1], catalog, rules)
    solver.solve(problem)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    s = summarize(samples)
    worst_shortfall = max((r["pruned_shortfall"] for r in full_rows), default=None)
    extra = {
        "profiles": len(people),
        "horizon_months": HORIZON,
        "statuses": statuses,
        "all_optimal_or_within_1pct": set(statuses) <= {"optimal", "within_gap"},
        "cpu_seconds": summarize(cpu_s),  # this process's CPU time per plan (load-independent)
        "build_inputs": summarize(build_s),
        "solve": summarize(solve_s),
        "candidates_median": statistics.median(candidates),
        "modelled_median": statistics.median(considered),
        "value_ratio_vs_greedy": {
            "median": round(statistics.median(ratios), 4) if ratios else None,
            "min": round(min(ratios), 4) if ratios else None,
            "max": round(max(ratios), 4) if ratios else None,
            "n": len(ratios),
        },
        "full_milp_sample": full_rows,
        "pruned_worst_shortfall_vs_full": worst_shortfall,
        "pruned_within_1pct_of_full": worst_shortfall is not None and worst_shortfall <= 0.01,
        "peak_rss_mib": round(max_rss_mib, 1),
        "tracemalloc_peak_one_plan_mib": round(peak / 2**20, 1),
        "seed": SEED,
    }
    out = write_result(
        "planner" if args.size == 100_000 else f"planner_{args.size}",
        size=args.size,
        samples=samples,
        anchor_samples=greedy_s,
        anchor_name="greedy plan (best value per dollar first), same inputs",
        unit="s",
        target="p95 <= 1 s; optimal or within 1%",
        extra=extra,
    )
    print(
        f"p95 {s['p95']:.3f} s (median {s['median']:.3f} s); statuses {statuses}; "
        f"value / greedy median {extra['value_ratio_vs_greedy']['median']}; "
        f"pruned vs full worst shortfall {worst_shortfall}; peak RSS {max_rss_mib:.0f} MiB; "
        f"CPU p95 {extra['cpu_seconds']['p95']:.3f} s"
    )
    print(f"wrote {out}")
    if not math.isfinite(s["p95"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
