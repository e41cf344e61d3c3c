"""Choices and constants of the outcomes app (one home)."""

from dataclasses import dataclass
from datetime import timedelta
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


@dataclass(frozen=True)
class StageMinimum:
    """What a PI-CME stage needs before it can be completed (docs/outcomes.md, "Stages").

    ``periods`` counts measured periods of one measure (its own period: a month for the
    UTI measures, a quarter for statin-diabetes) that have data (a denominator above 0),
    had ended when the data holding them was uploaded, and fall in the stage's window:

    - A: baseline periods that ended by stage A's completion and, once an intervention
      date is set, before it;
    - B: intervention periods that start on or after the intervention date and after
      stage A's completion, and ended by stage B's completion;
    - C: re-measurement periods that start after stage B's completion, ended by stage C's
      completion, in data uploaded after stage B's completion.
    """

    periods: int
    why: str


PI_CME_MINIMUMS = {
    Stage.A: StageMinimum(3, "a measured baseline"),
    Stage.B: StageMinimum(3, "an intervention period with data"),
    Stage.C: StageMinimum(3, "a re-measurement period after stage B"),
}


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


#: What one user's QI datasets may hold on disk at a time (uploads waiting for processing,
#: row-level data kept under a data use agreement) unless settings give
#: ``CMEPATH_OUTCOMES_QUOTA_BYTES``.
DEFAULT_UPLOAD_QUOTA_BYTES = 1024**3
#: How much of a CSV or NDJSON upload the streaming check reads (header and first rows)
#: before the rest of the file is written: the privacy guard's sample, at most this many bytes.
STREAM_CHECK_MAX_BYTES = 4 * 1024 * 1024
#: Room for the multipart envelope (boundaries, the format field) around the file itself.
MULTIPART_SLACK_BYTES = 64 * 1024

#: An invitation to a project team is open this long; then it expires unanswered.
INVITATION_TTL = timedelta(days=14)
#: Open (unanswered, unexpired) invitations one project may have at a time.
MAX_OPEN_INVITATIONS = 25


class MooreLevel(models.IntegerChoices):
    PERFORMANCE = 5, "Level 5: performance"
    PATIENT_HEALTH = 6, "Level 6: patient health"


class ErrorCode(StrEnum):
    """Codes the outcomes app raises (the API's ``code`` field)."""

    REFUSED = "refused"  # the privacy guard refused an upload whole
    TOO_LARGE = "too_large"  # an upload over CMEPATH_MAX_EXTRACT_BYTES (413)
    QUOTA = "quota_exceeded"  # an upload over the uploader's storage quota (413)
