"""Career goals (editable by admins, seeded from ``core/data/career_goals.yaml``) and saved
plans with their items.

A plan keeps what it was computed from (goal, horizon, money, days, preferences, as-of date)
and a fingerprint of the catalog and the clinician's record at that moment, so its page can
say "the catalog or your record changed since: re-plan". The solver's figures (status,
objective, bound, gap, greedy value, explanation) are stored as it returned them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .choices import PlanStatus


class CareerGoal(models.Model):
    """A goal template: competency targets over a horizon, the practice-improvement minimum,
    recommended formats and, where one exists, the external credential it leads to.

    Rows are created from the shipped data file (``cmepath plan goals --sync``, and a data
    migration); an admin may edit them (``edited`` then keeps a later sync from overwriting
    the row) or add new ones.
    """

    key = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=120)
    summary = models.TextField(blank=True)
    professions = models.JSONField(default=list, blank=True, help_text="Profession codes.")
    horizon_months = models.PositiveSmallIntegerField(default=24)
    horizon_basis = models.CharField(max_length=300, blank=True)
    recurring = models.BooleanField(
        default=False, help_text="Targets repeat every horizon (stay current)."
    )
    competencies = models.JSONField(
        default=list, blank=True, help_text="Core competency codes the value score weighs."
    )
    competency_targets = models.JSONField(
        default=dict, help_text="Competency code -> target hours over the horizon."
    )
    pi_per_12_months = models.PositiveSmallIntegerField(
        "practice-improvement activities per 12 months", default=1
    )
    formats = models.JSONField(default=list, blank=True, help_text="Recommended formats.")
    frameworks = models.JSONField(default=list, blank=True)
    credential = models.JSONField(default=dict, blank=True)
    sources = models.JSONField(default=list)
    as_of = models.DateField()
    active = models.BooleanField(default=True)
    edited = models.BooleanField(
        default=False, help_text="Changed by an admin: a sync from the data file keeps it."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon_months__gte=1) & Q(horizon_months__lte=120),
                name="career_goal_horizon_range",
                violation_error_message="The horizon must be between 1 and 120 months.",
            )
        ]

    def __str__(self) -> str:
        return self.label


class Plan(models.Model):
    """One computed plan: its inputs, the solver's result and the items chosen."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cme_plans"
    )
    goal_key = models.CharField(max_length=40)
    goal_label = models.CharField(max_length=120)
    as_of = models.DateField()
    horizon_months = models.PositiveSmallIntegerField()
    budget = models.DecimalField("money per policy year (USD)", max_digits=9, decimal_places=2)
    days = models.DecimalField("paid CME days per policy year", max_digits=5, decimal_places=1)
    review_date = models.DateField(null=True, blank=True)
    preferences = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=PlanStatus.choices)
    objective = models.FloatField(default=0)
    bound = models.FloatField(default=0)
    gap = models.FloatField(default=0)
    greedy_objective = models.FloatField(default=0)
    total_cost = models.DecimalField(max_digits=11, decimal_places=2, default=0)
    total_days = models.DecimalField(max_digits=6, decimal_places=1, default=0)
    result = models.JSONField(
        default=dict, help_text="Coverage, explanation, binding constraints, alternatives."
    )
    fingerprint = models.CharField(max_length=64, help_text="Catalog and record at planning.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="plan_budget_nonnegative",
                violation_error_message="The budget cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(days__gte=0),
                name="plan_days_nonnegative",
                violation_error_message="Paid CME days cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(horizon_months__gte=1) & Q(horizon_months__lte=60),
                name="plan_horizon_range",
                violation_error_message="The horizon must be between 1 and 60 months.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal_label} plan of {self.created_at:%Y-%m-%d}"


class PlanItem(models.Model):
    """An activity in a plan, as planned (the activity may change or go away later)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    activity = models.ForeignKey(
        "catalog.Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    start_date = models.DateField()
    end_date = models.DateField()
    cost = models.DecimalField(max_digits=9, decimal_places=2)
    days = models.DecimalField(max_digits=4, decimal_places=1)
    counts_toward = models.JSONField(default=dict, blank=True)
    competency_hours = models.JSONField(default=dict, blank=True)
    why = models.CharField(max_length=500)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "position"],
                name="plan_item_position_once",
                violation_error_message="Two items of a plan cannot share a position.",
            )
        ]

    def __str__(self) -> str:
        return self.title
