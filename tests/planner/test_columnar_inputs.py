"""The columnar candidates of ``build_problem`` against plain ``Candidate`` tuples.

``build_problem`` returns its candidates as a :class:`CandidateTable` (numpy columns, a
``Candidate`` made only when indexed) and ``prepare`` reads the columns directly. Here the
same problems are rebuilt with candidates made one by one from the catalog rows by the
per-row helpers of ``planner.inputs`` (the way the candidates were built before the
columns): the candidates must be equal, the solver's arrays identical and the plans the
same, on a seeded synthetic catalog (the benchmark's generator) and varied profiles.
"""

from __future__ import annotations

import copy
import importlib.util
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from cmepath.credits.rules import default_rules, evaluate
from cmepath.planner import solver
from cmepath.planner.inputs import (
    PreparedCatalog,
    competency_hours,
    goal_value_score,
    need_hours,
    needs_from,
    paid_days,
    prepare_catalog,
)
from cmepath.planner.problem import Candidate, CandidateTable, Problem
from cmepath.planner.solver_model import Arrays, prepare

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_planner.py"
SIZE = 3000
PROFILES = 10


def _bench():
    spec = importlib.util.spec_from_file_location("bench_planner_for_tests", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def setting():
    bench = _bench()
    catalog = prepare_catalog(bench.make_catalog(SIZE, seed=7))
    people = bench.make_people(PROFILES, seed=11)
    return bench, catalog, people, default_rules()


def _by_row(
    problem: Problem, catalog: PreparedCatalog, bench, person, rules, home_state: str
) -> tuple[Candidate, ...]:
    """The candidates of ``problem`` made one by one from their catalog rows."""
    position = {r.id: i for i, r in enumerate(catalog.rows)}
    goal = bench.planner_goal(person.goal, bench.HORIZON)
    evaluation = evaluate(person.profile, person.completions, bench.AS_OF, rules)
    specs = needs_from(evaluation, rules, as_of=bench.AS_OF, end=problem.horizon_end)
    wanted = frozenset(goal.competencies)
    out = []
    for cand in problem.candidates:
        i = position[cand.id]
        row = catalog.rows[i]
        counted = [float(need_hours(catalog, s.requirement, np.array([i]))[0]) for s in specs]
        days, live, travel = paid_days(row, home_state)
        out.append(
            Candidate(
                id=row.id,
                title=row.title,
                start=row.start,
                end=row.end,
                cost=row.cost,
                days=days,
                live=live,
                value_score=goal_value_score(row, wanted),
                credits=row.max_credits,
                counts_toward={s.need.key: v for s, v in zip(specs, counted, strict=True) if v > 0},
                competency_hours=competency_hours(row, goal.targets),
                practice_improvement=row.practice_improvement,
                travel=travel,
                state=row.state,
                delivery=row.delivery,
            )
        )
    return tuple(out)


def _same_arrays(a: Arrays, b: Arrays) -> None:
    assert a.n == b.n
    assert tuple(a.cands) == tuple(b.cands)
    for name in (
        "start",
        "end",
        "cost",
        "days",
        "credits",
        "live",
        "pi",
        "targets",
        "hours",
        "gain",
        "need_hours",
        "in_period",
        "review",
    ):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.shape == y.shape, name
        assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), name
    assert (a.comps, a.needs, a.periods) == (b.comps, b.needs, b.periods)
    assert (a.review_active, a.pi_wanted, a.pi_required) == (
        b.review_active,
        b.pi_wanted,
        b.pi_required,
    )


def _same_plan(a, b) -> None:
    assert a.status == b.status
    assert a.items == b.items
    assert a.objective == pytest.approx(b.objective, abs=1e-9)
    assert (a.total_cost, a.total_days, a.needs, a.competencies) == (
        b.total_cost,
        b.total_days,
        b.needs,
        b.competencies,
    )
    assert a.binding == b.binding
    assert a.candidates_considered == b.candidates_considered


@pytest.mark.parametrize("variant", ["bench", "no_home_state", "pruned"])
def test_columns_and_plain_candidates_give_the_same_plans(setting, variant, monkeypatch):
    bench, catalog, people, rules = setting
    if variant == "pruned":  # the pruned path (top lists, greedy) on a small catalog
        monkeypatch.setattr(solver, "PRUNE_ABOVE", 200)
    checked = 0
    for person in people:
        if variant == "no_home_state":
            person = replace(person, home_state="")
        problem = bench.build(person, catalog, rules)
        assert isinstance(problem.candidates, CandidateTable)
        plain = replace(
            problem, candidates=_by_row(problem, catalog, bench, person, rules, person.home_state)
        )
        assert isinstance(plain.candidates, tuple)
        # every Candidate the table materializes equals the one made from its row
        assert tuple(problem.candidates) == plain.candidates
        assert problem.candidates == plain.candidates
        _same_arrays(prepare(problem), prepare(plain))
        _same_plan(solver.solve(problem), solver.solve(plain))
        _same_plan(solver.greedy(problem), solver.greedy(plain))
        checked += 1
    assert checked == PROFILES


def test_second_best_and_prune_read_the_columns(setting):
    bench, catalog, people, rules = setting
    problem = bench.build(people[0], catalog, rules)
    plain = replace(problem, candidates=tuple(problem.candidates))
    best = solver.solve(problem)
    one, two = solver.second_best(problem, best), solver.second_best(plain, best)
    assert (one is None) == (two is None)
    if one is not None and two is not None:
        _same_plan(one, two)
    assert solver.prune(problem, keep=10).candidates == solver.prune(plain, keep=10).candidates


def test_candidate_table_is_a_sequence_of_candidates(setting):
    bench, catalog, people, rules = setting
    table = bench.build(people[1], catalog, rules).candidates
    assert isinstance(table, CandidateTable)
    n = len(table)
    assert n > 10
    listed = list(table)
    assert table[0] is table[0]  # made once
    assert table[-1] == listed[-1] and table[n - 1] == listed[n - 1]
    assert list(table[2:7]) == listed[2:7] and list(table[::-3]) == listed[::-3]
    assert list(table.take(np.array([5, 1, 5]))) == [listed[5], listed[1], listed[5]]
    assert table.take(np.array([4, 2])).take(np.array([1])) == (listed[2],)
    assert table == tuple(listed) and tuple(listed) == table and table != listed[:-1]
    with pytest.raises(IndexError):
        table[n]
    with pytest.raises(IndexError):
        table[-n - 1]
    # copied (and pickled) as the plain tuple of its candidates (not the whole catalog)
    assert copy.deepcopy(table) == tuple(listed) and isinstance(copy.deepcopy(table), tuple)
