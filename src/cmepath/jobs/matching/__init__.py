"""How well a clinician's verified record fits a vacancy: a score with reasons and gaps.

Pure and typed (no Django): the selectors turn rows into :class:`ClinicianFacts` and
:class:`VacancyFacts`; :func:`match` explains one pair, :func:`rank` keeps the best of many
("Jobs for you" retrieves candidates by hard filters through the search index first, then
ranks them here: retrieve-then-rank, as in the careers reference, section 10).

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

Modules: ``facts`` (the inputs and outputs, :data:`WEIGHTS`, and what both scorers derive
from the facts), ``score`` (:func:`match`, :func:`rank` and the clauses), ``words`` (codes
into the words of reasons and gaps) and ``arrays`` (:class:`VacancyArrays`,
:func:`score_arrays`). Callers import the names below from here.
"""

from cmepath.jobs.matching.arrays import VacancyArrays, score_arrays
from cmepath.jobs.matching.facts import (
    WEIGHTS,
    ClinicianFacts,
    Gap,
    LicenceFact,
    Match,
    Reason,
    VacancyFacts,
    same_profession,
)
from cmepath.jobs.matching.score import match, rank

__all__ = [
    "WEIGHTS",
    "ClinicianFacts",
    "Gap",
    "LicenceFact",
    "Match",
    "Reason",
    "VacancyArrays",
    "VacancyFacts",
    "match",
    "rank",
    "same_profession",
    "score_arrays",
]
