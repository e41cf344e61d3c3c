"""QI projects (AMA PI-CME), their teams, datasets, measure series and outcomes.

Row-level data never lives in these tables: a dataset keeps its normalized Parquet on
disk only when the project records a data use agreement (a HIPAA limited data set);
otherwise only the unit x period series below are kept.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from cmepath.accounts.choices import Profession

from .choices import (
    DatasetFormat,
    DatasetStatus,
    MemberRole,
    MooreLevel,
    ProjectStatus,
    Stage,
    UnitOfAnalysis,
)


class Project(models.Model):
    """A practice-improvement project: gap, team, measures, intervention, stages A/B/C."""

    title = models.CharField(max_length=200)
    practice_gap = models.TextField(help_text="The gap between current and best practice.")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="outcome_projects_led"
    )
    unit_of_analysis = models.CharField(
        max_length=16, choices=UnitOfAnalysis.choices, default=UnitOfAnalysis.CLINIC
    )
    intervention_date = models.DateField(null=True, blank=True)
    comparison_units = models.JSONField(
        default=list, blank=True, help_text="Units that did not take part."
    )
    status = models.CharField(
        max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    dua_reference = models.CharField(
        max_length=200, blank=True, help_text="Data use agreement on file (limited data set)."
    )
    dua_recorded_at = models.DateTimeField(null=True, blank=True)
    patient_salt = models.CharField(
        max_length=64, editable=False
    )  # HMAC key for patient keys; never shown
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def has_dua(self) -> bool:
        return self.dua_recorded_at is not None


class ProjectMember(models.Model):
    """A person on the project team; the mix of professions makes it interprofessional."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outcome_memberships"
    )
    role = models.CharField(max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)
    profession = models.CharField(max_length=8, choices=Profession.choices, default=Profession.MD)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"],
                name="outcomes_member_unique",
                violation_error_message="This person is already on the project team.",
            )
        ]
        ordering = ["project", "role", "id"]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) on {self.project}"


class ProjectActivity(models.Model):
    """A catalog CME activity linked to the project (by id: outcomes sits above catalog)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    activity_id = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "activity_id"],
                name="outcomes_activity_unique",
                violation_error_message="This CME activity is already linked to the project.",
            )
        ]

    def __str__(self) -> str:
        return f"activity {self.activity_id} on {self.project}"


class ProjectMeasure(models.Model):
    """A measure the project tracks (a shipped measure id, see measures/data/)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="measures")
    measure_id = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "measure_id"],
                name="outcomes_measure_unique",
                violation_error_message="This measure is already part of the project.",
            )
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return self.measure_id


class Dataset(models.Model):
    """One upload and its processing status (polled by the upload page)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="datasets")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    format = models.CharField(max_length=16, choices=DatasetFormat.choices)
    kind = models.CharField(max_length=16, default="orders")  # orders or series
    original_name = models.CharField(max_length=255)
    status = models.CharField(
        max_length=16, choices=DatasetStatus.choices, default=DatasetStatus.QUEUED
    )
    progress = models.FloatField(default=0.0)
    stage = models.CharField(max_length=64, blank=True)
    message = models.TextField(blank=True)
    report = models.JSONField(default=dict, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    kept_rows = models.BooleanField(default=False)
    upload_bytes = models.PositiveBigIntegerField(default=0)  # the size of the upload
    # What the dataset holds on disk now, counted against the uploader's quota: the raw
    # upload until it is processed, then the kept rows (0 when only series are kept).
    stored_bytes = models.PositiveBigIntegerField(default=0)
    upload_path = models.CharField(
        max_length=500, blank=True
    )  # raw upload, deleted after processing
    rows_path = models.CharField(
        max_length=500, blank=True
    )  # relative to DATA_DIR; only with a DUA
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=1),
                name="outcomes_dataset_progress",
                violation_error_message="Progress must be between 0 and 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"


class SeriesPoint(models.Model):
    """One unit x period cell of a measure: counts for proportions; for a mean measure the
    numerator is the sum of the values and the denominator their count."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="series")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="series")
    measure_id = models.CharField(max_length=64)
    unit = models.CharField(max_length=128)
    period = models.CharField(max_length=10)
    numerator = models.FloatField()
    denominator = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "measure_id", "unit", "period"],
                name="outcomes_series_unique",
                violation_error_message="This dataset already has a value for this measure, unit and period.",
            ),
        ]
        indexes = [models.Index(fields=["project", "measure_id", "period"])]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.unit} {self.period}"


class StageRecord(models.Model):
    """A PI-CME stage with its dates and the credits it earns (A 5, B 5, C 10)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(max_length=1, choices=Stage.choices)
    started_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    credits = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("0"))
    credit_recorded = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "stage"],
                name="outcomes_stage_unique",
                violation_error_message="This stage is already recorded for the project.",
            )
        ]
        ordering = ["project", "stage"]

    def __str__(self) -> str:
        return f"{self.project} stage {self.stage}"


class PiCmeCredit(models.Model):
    """AMA PRA Category 1 credits awarded for one PI-CME stage of a project to one clinician.

    The unique constraint is the "once per project and clinician" rule: a stage's credits
    reach a clinician's record once, whatever happens to the stage or to the completion
    the credits service wrote (``completion_id``: outcomes sits above credits, so by id).
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="credit_awards")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pi_cme_credits"
    )
    stage = models.CharField(max_length=1, choices=Stage.choices)
    credits = models.DecimalField(max_digits=4, decimal_places=2)
    completion_id = models.PositiveIntegerField(null=True, blank=True)
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user", "stage"],
                name="outcomes_picme_credit_once",
                violation_error_message="Credit for this stage was already recorded for this person.",
            ),
            models.CheckConstraint(
                condition=Q(credits__gt=0) & Q(credits__lte=10),
                name="outcomes_picme_credit_amount",
                violation_error_message="Credits for a stage must be more than 0 and at most 10.",
            ),
        ]
        ordering = ["project", "user", "stage"]

    def __str__(self) -> str:
        return f"{self.credits} credits, stage {self.stage} of {self.project}, to {self.user}"


class ProjectInvitation(models.Model):
    """An invitation to join a project team, sent to an email address.

    Nobody is added without consent: the invitee, signed in with that (verified) email,
    accepts it on the invitation page. The person inviting is told the same thing whether
    or not the address has an account.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)  # stored lower-case
    role = models.CharField(max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)
    profession = models.CharField(max_length=8, choices=Profession.choices, default=Profession.MD)
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "email"],
                condition=Q(accepted_at__isnull=True),
                name="outcomes_invitation_open_unique",
                violation_error_message="This address already has an open invitation to the project.",
            ),
            models.CheckConstraint(
                condition=~Q(role="lead"),
                name="outcomes_invitation_not_lead",
                violation_error_message="An invitation cannot make someone the project lead.",
            ),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation of {self.email} to {self.project}"


class Outcome(models.Model):
    """A documented outcome on the lead's profile (Moore level 5 or 6)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="outcome")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outcomes"
    )
    moore_level = models.PositiveSmallIntegerField(choices=MooreLevel.choices)
    measure_id = models.CharField(max_length=64)
    summary = models.TextField()
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(moore_level__in=[5, 6]),
                name="outcomes_outcome_moore",
                violation_error_message="A documented outcome must be at Moore level 5 or 6.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} (Moore {self.moore_level})"
