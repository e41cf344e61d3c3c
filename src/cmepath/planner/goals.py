"""The planner's view of a career goal (pure): targets scaled to the plan's horizon.

A template (``core/data/career_goals.yaml``, :mod:`cmepath.core.career_goals`) sets hours
per competency over its own horizon (the Emory CMO program's 185 credits over 12 months,
the UChicago PI-CME project's 20 months, ...). A plan has its own horizon, so:

- a one-off goal (``recurring: false``) keeps its total when the plan is longer (the CMO
  curriculum is done once) and is prorated when shorter (a 6-month plan aims at half of a
  12-month curriculum);
- a recurring goal ("stay current") scales with the plan: 30 hours a year is 60 over 24
  months.

Targets are rounded to half hours. :class:`PlannerGoal` also carries what the plan output
shows beside the targets: the practice-improvement minimum, recommended formats, the
external credential with its published requirements ("verify" flags kept) and the sources.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from cmepath.core.career_goals import (
    CareerGoalTemplate,
    Credential,
    Framework,
    goal_template,
    load_career_goals,
)
from cmepath.core.vocabulary import COMPETENCIES
from cmepath.planner.problem import Goal

#: The goal a plan uses when the clinician names none.
DEFAULT_GOAL = "stay_current"
#: Hours per competency per 12 months for a goal that only names competencies ("leadership
#: and finance" typed in a profile): a modest, recurring load (our own figure).
CUSTOM_HOURS_PER_YEAR = 15.0


@dataclass(frozen=True, slots=True)
class PlannerGoal:
    """A goal as one plan sees it: ``targets`` are hours per competency over
    ``horizon_months`` (the plan's horizon, not the template's)."""

    key: str
    label: str
    horizon_months: int
    targets: Mapping[str, float]
    competencies: tuple[str, ...]  # core competencies (the value score's goal set)
    pi_per_12_months: int
    formats: tuple[str, ...] = ()
    credential: Credential | None = None
    frameworks: tuple[Framework, ...] = ()
    sources: tuple[str, ...] = ()
    as_of: date | None = None
    template_horizon_months: int = 0
    horizon_basis: str = ""
    recurring: bool = False

    def problem_goal(self) -> Goal:
        """The solver's :class:`~cmepath.planner.problem.Goal`."""
        return Goal(
            key=self.key,
            label=self.label,
            competency_targets=self.targets,
            pi_per_12_months=self.pi_per_12_months,
            competency_labels={c: competency_label(c).lower() for c in self.targets},
        )

    @property
    def total_hours(self) -> float:
        return float(sum(self.targets.values()))

    @property
    def verify_items(self) -> tuple[str, ...]:
        """The credential's requirements flagged "verify" (sources that may be out of date)."""
        if self.credential is None:
            return ()
        return tuple(r.text for r in self.credential.requirements if r.verify)


def _half_hours(value: float) -> float:
    return round(value * 2) / 2


def scaled_targets(template: CareerGoalTemplate, horizon_months: int) -> dict[str, float]:
    """The template's targets over a plan of ``horizon_months`` (see the module docstring)."""
    if horizon_months < 1:
        raise ValueError(f"horizon_months must be at least 1, not {horizon_months}")
    ratio = horizon_months / template.horizon_months
    if not template.recurring:
        ratio = min(1.0, ratio)
    return {code: _half_hours(hours * ratio) for code, hours in template.targets.items()}


def planner_goal(goal: str | CareerGoalTemplate, horizon_months: int) -> PlannerGoal:
    """The planner's view of a template (or its key) over ``horizon_months``.

    An unknown key raises ``KeyError`` naming the accepted keys and the nearest one."""
    template = goal_template(goal) if isinstance(goal, str) else goal
    targets = scaled_targets(template, horizon_months)
    return PlannerGoal(
        key=template.key,
        label=template.label,
        horizon_months=horizon_months,
        targets=MappingProxyType({c: h for c, h in targets.items() if h > 0}),
        competencies=template.competencies,
        pi_per_12_months=template.pi_per_12_months,
        formats=template.formats,
        credential=template.credential,
        frameworks=template.frameworks,
        sources=template.sources,
        as_of=template.as_of,
        template_horizon_months=template.horizon_months,
        horizon_basis=template.horizon_basis,
        recurring=template.recurring,
    )


def custom_goal(label: str, competencies: Sequence[str], horizon_months: int) -> PlannerGoal:
    """A goal that only names competencies (no template): each gets
    :data:`CUSTOM_HOURS_PER_YEAR` per 12 months, one practice-improvement item a year."""
    if horizon_months < 1:
        raise ValueError(f"horizon_months must be at least 1, not {horizon_months}")
    unknown = [c for c in competencies if c not in COMPETENCIES]
    if unknown or not competencies:
        raise ValueError(f"unknown competency code(s): {', '.join(unknown) or '(none given)'}")
    hours = _half_hours(CUSTOM_HOURS_PER_YEAR * horizon_months / 12)
    return PlannerGoal(
        key="",
        label=label,
        horizon_months=horizon_months,
        targets=MappingProxyType(dict.fromkeys(competencies, hours)),
        competencies=tuple(competencies),
        pi_per_12_months=1,
        template_horizon_months=12,
        horizon_basis=f"Goal named by its competencies: {hours:g} h each over the plan.",
        recurring=True,
    )


def goal_keys() -> tuple[str, ...]:
    """The template keys, in file order (the CLI's accepted ``--goal`` values)."""
    return tuple(load_career_goals())


def competency_label(code: str) -> str:
    """A competency's label from the shared vocabulary (the code, readable, if unknown)."""
    term = COMPETENCIES.get(code)
    return term.label if term else code.replace("_", " ")
