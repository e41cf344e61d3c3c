"""Providers, activities (with PARS-like data), credit designations, commercial support,
cohort outcomes, wishlists and import runs.

Topics, competencies, professions and specialties are JSON lists of vocabulary codes on the
activity: they are validated by the services against ``core.vocabulary`` and copied straight
into the search document, so indexing and filtering need no joins (filtering happens in the
search index, not in SQL).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cmepath.accounts.choices import US_STATES
from cmepath.core.vocabulary import CREDIT_TYPES, choices

from .choices import (
    MOORE_LEVELS,
    Accreditor,
    ActivityFormat,
    ActivityStatus,
    Delivery,
    Rems,
    SupportKind,
)


class Provider(models.Model):
    """An accredited CME provider; ``members`` (provider-role users) manage its activities."""

    name = models.CharField(max_length=200, unique=True)
    accreditor = models.CharField(max_length=16, choices=Accreditor.choices, blank=True)
    accreditation_valid = models.BooleanField(
        default=True, help_text="Accreditation confirmed and current (checked by an admin)."
    )
    website = models.URLField(blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="cme_providers", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    """One accredited CME activity as a provider reports it (PARS-like, standards 2.1).

    ``value_score`` and ``score_breakdown`` hold the rubric result (``rubric.py``) computed by
    the services on every write, so lists sort by score without recomputing it.
    ``credits`` and ``credit_types`` mirror the designations for list pages and the index.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="activities")
    provider_activity_id = models.CharField(
        "provider activity ID",
        max_length=64,
        help_text="The provider's own ID; re-imports update the row with the same ID.",
    )
    status = models.CharField(
        max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.PUBLISHED
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    format = models.CharField(max_length=32, choices=ActivityFormat.choices)
    delivery = models.CharField(max_length=12, choices=Delivery.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, choices=US_STATES, blank=True)
    cost = models.DecimalField("cost (USD)", max_digits=9, decimal_places=2, default=0)
    url = models.URLField("activity URL", max_length=500, blank=True)
    professions = models.JSONField(
        default=list, blank=True, help_text="Vocabulary profession codes."
    )
    specialties = models.JSONField(
        default=list, blank=True, help_text="Specialty names (free text)."
    )
    topics = models.JSONField(default=list, blank=True, help_text="Vocabulary topic codes.")
    competencies = models.JSONField(
        default=list, blank=True, help_text="Vocabulary competency codes."
    )
    disclosure_summary = models.TextField(
        blank=True,
        help_text="Relevant financial relationships of everyone in control of content, and how they were mitigated.",
    )
    designed_to_change = models.JSONField(
        default=list, blank=True, help_text="competence / performance / patient_outcomes"
    )
    outcomes_evaluated = models.BooleanField("changes evaluated", default=False)
    moore_level = models.PositiveSmallIntegerField(
        "Moore level of published results", choices=MOORE_LEVELS, null=True, blank=True
    )
    outcomes_summary = models.TextField(blank=True)
    moc_boards = models.JSONField("MOC boards", default=list, blank=True)
    moc_points = models.DecimalField(
        "MOC points", max_digits=6, decimal_places=2, null=True, blank=True
    )
    rems = models.CharField("REMS", max_length=12, choices=Rems.choices, default=Rems.NONE)
    interprofessional = models.BooleanField(
        default=False, help_text="Planned by and for the healthcare team (standards 2.6)."
    )
    pi_component = models.BooleanField("practice-improvement component", default=False)
    credits = models.FloatField(default=0, help_text="Largest designated amount (derived).")
    credit_types = models.JSONField(
        default=list, blank=True, help_text="Designated credit types (derived)."
    )
    has_commercial_support = models.BooleanField(
        default=False, help_text="Any commercial support row (derived)."
    )
    value_score = models.FloatField(default=0, db_index=True)
    score_breakdown = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-value_score", "pk"]
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_activity_id"],
                name="activity_unique_provider_id",
                violation_error_message="This provider already has an activity with this ID; choose another ID or edit that activity.",
            ),
            models.CheckConstraint(
                condition=Q(cost__gte=0),
                name="activity_cost_nonnegative",
                violation_error_message="The cost cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="activity_end_after_start",
                violation_error_message="The end date must be on or after the start date.",
            ),
            models.CheckConstraint(
                condition=Q(moore_level__isnull=True) | Q(moore_level__gte=1, moore_level__lte=7),
                name="activity_moore_level_range",
                violation_error_message="The Moore level must be from 1 to 7.",
            ),
            models.CheckConstraint(
                condition=Q(moc_points__isnull=True) | Q(moc_points__gte=0),
                name="activity_moc_points_nonnegative",
                violation_error_message="MOC points cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ActivityStatus.PUBLISHED


class CreditDesignation(models.Model):
    """Credit of one type and amount designated for an activity (AANP may add pharmacology hours)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="designations")
    credit_type = models.CharField(max_length=16, choices=choices(CREDIT_TYPES))
    amount = models.DecimalField(max_digits=6, decimal_places=2)
    pharmacology_hours = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["activity", "credit_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "credit_type"],
                name="designation_unique_type",
                violation_error_message="Each credit type can be listed only once per activity.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="designation_amount_positive",
                violation_error_message="A credit amount must be more than 0.",
            ),
            models.CheckConstraint(
                condition=Q(pharmacology_hours__isnull=True)
                | Q(pharmacology_hours__gte=0, pharmacology_hours__lte=F("amount")),
                name="designation_pharm_hours_range",
                violation_error_message="Pharmacology hours must be from 0 up to the credit amount.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.credit_type}"


class CommercialSupport(models.Model):
    """One PARS commercial-support source: monetary or in-kind, and the amount (standards 2.5)."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="commercial_support"
    )
    source = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=SupportKind.choices)
    amount = models.DecimalField("amount (USD)", max_digits=12, decimal_places=2, default=0)

    class Meta:
        ordering = ["activity", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="support_amount_nonnegative",
                violation_error_message="A commercial support amount cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} ({self.kind} {self.amount})"


class CohortOutcome(models.Model):
    """Outcomes a provider reports for a past cohort of an activity (Moore level reached)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="cohort_outcomes")
    period_start = models.DateField()
    period_end = models.DateField()
    learners = models.PositiveIntegerField()
    moore_level = models.PositiveSmallIntegerField("Moore level reached", choices=MOORE_LEVELS)
    summary = models.TextField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="cohort_end_after_start",
                violation_error_message="The period must end on or after its start.",
            ),
            models.CheckConstraint(
                condition=Q(moore_level__gte=1, moore_level__lte=7),
                name="cohort_moore_level_range",
                violation_error_message="The Moore level reached must be from 1 to 7.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.period_start}–{self.period_end} level {self.moore_level}"


class WishlistItem(models.Model):
    """An activity a clinician saved for later."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist"
    )
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "activity"],
                name="wishlist_unique",
                violation_error_message="This activity is already on your wishlist.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.activity_id}"


class ActivityImport(models.Model):
    """One import run (page upload or CLI): counts and the row errors, for the report page."""

    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.CASCADE, related_name="imports"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=200)
    file_format = models.CharField(max_length=8)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[{line, reason}] (first 1,000).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.filename})"
