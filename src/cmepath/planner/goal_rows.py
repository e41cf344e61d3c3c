"""Career-goal templates as the column values of ``planner.CareerGoal`` rows (pure)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from cmepath.core.career_goals import CareerGoalTemplate, load_career_goals


def template_values(goal: CareerGoalTemplate) -> dict[str, Any]:
    """The row values of one template (JSON-ready)."""
    return {
        "label": goal.label,
        "professions": list(goal.professions),
        "horizon_months": goal.horizon_months,
        "horizon_basis": goal.horizon_basis[:300],
        "recurring": goal.recurring,
        "competencies": list(goal.competencies),
        "competency_targets": {k: float(v) for k, v in goal.targets.items()},
        "pi_per_12_months": goal.pi_per_12_months,
        "formats": list(goal.formats),
        "frameworks": [
            {"name": f.name, "domains": list(f.domains), "source": f.source}
            for f in goal.frameworks
        ],
        "credential": asdict(goal.credential) if goal.credential is not None else {},
        "sources": list(goal.sources),
        "as_of": goal.as_of,
    }


def goal_row_values() -> dict[str, dict[str, Any]]:
    """Every shipped template's row values, by key, in file order."""
    return {key: template_values(goal) for key, goal in load_career_goals().items()}
