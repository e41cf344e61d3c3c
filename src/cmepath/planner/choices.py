"""Codes of the planner with their labels."""

from __future__ import annotations

from django.db import models


class PlanStatus(models.TextChoices):
    """The solver's verdict on a plan (``planner.problem.SolveStatus``)."""

    OPTIMAL = "optimal", "Optimal"
    WITHIN_GAP = "within_gap", "Within 1% of optimal"
    TIME_LIMIT = "time_limit", "Best found in the time allowed"
    INFEASIBLE = "infeasible", "No plan meets every requirement"


#: Preferences the planner page offers, with their labels.
PREFERENCES: dict[str, str] = {
    "online_only": "Online activities only",
    "no_travel": "No travel outside my home state",
}

#: Horizons offered (months), and the bounds the form and API accept.
HORIZON_MIN, HORIZON_MAX = 1, 60
