"""Choices and constants of the outcomes app (one home)."""

from decimal import Decimal
from enum import StrEnum

from django.db import models


class UnitOfAnalysis(models.TextChoices):
    CLINIC = "clinic", "Clinic"
    PRACTICE = "practice", "Practice"
    PRESCRIBER = "prescriber", "Prescriber"


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", "Planning"
    ACTIVE = "active", "In progress"
    FINISHED = "finished", "Finished"


class MemberRole(models.TextChoices):
    LEAD = "lead", "Project lead"
    MEMBER = "member", "Team member"
    REVIEWER = "reviewer", "Reviewer (aggregates only)"


class Stage(models.TextChoices):
    """AMA PRA PI-CME stages (standards.md 2.4)."""

    A = "A", "Stage A: assess current practice (baseline)"
    B = "B", "Stage B: apply the intervention"
    C = "C", "Stage C: re-assess with the same measures"


#: AMA PRA Category 1 credits per PI-CME stage: 5 / 5 / 10, up to 20 per project.
STAGE_CREDITS = {Stage.A: Decimal("5"), Stage.B: Decimal("5"), Stage.C: Decimal("10")}


class DatasetStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    PROCESSING = "processing", "Processing"
    DONE = "done", "Done"
    REFUSED = "refused", "Refused by the privacy guard"
    FAILED = "failed", "Failed"


class DatasetFormat(models.TextChoices):
    CSV = "csv", "CSV"
    PARQUET = "parquet", "Parquet"
    FHIR = "fhir", "FHIR R4 NDJSON"


class MooreLevel(models.IntegerChoices):
    PERFORMANCE = 5, "Level 5: performance"
    PATIENT_HEALTH = 6, "Level 6: patient health"


class ErrorCode(StrEnum):
    """Codes the outcomes app raises (the API's ``code`` field)."""

    REFUSED = "refused"  # the privacy guard refused an upload whole
