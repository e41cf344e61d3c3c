"""Choices and constants of the jobs app (one home; the plain label tables live in
``vocab.py``, importable without Django, and are re-exported here)."""

from __future__ import annotations

from enum import StrEnum

from django.db import models

from .vocab import (
    CME_EXPENSES,
    COMPACT_OF,
    CREDENTIALS,
    DEFAULT_EXPIRY_DAYS,
    PHYSICIANS,
    VACANCY_PROFESSIONS,
    VISAS,
)

#: Re-exported label tables (pages and services import them from here).
__all__ = [
    "CME_EXPENSES",
    "COMPACT_OF",
    "CREDENTIALS",
    "DEFAULT_EXPIRY_DAYS",
    "PHYSICIANS",
    "VACANCY_PROFESSIONS",
    "VISAS",
]


class VacancyStatus(models.TextChoices):
    """Lifecycle: draft -> in review -> published -> closed or expired. An admin sends a
    vacancy in review back to draft with a reason instead of publishing it."""

    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed"
    EXPIRED = "expired", "Expired"


#: Statuses a vacancy can leave by each transition (service-enforced).
TRANSITIONS: dict[str, frozenset[str]] = {
    "submit": frozenset({VacancyStatus.DRAFT}),
    "publish": frozenset({VacancyStatus.REVIEW}),
    "return": frozenset({VacancyStatus.REVIEW}),
    "close": frozenset({VacancyStatus.DRAFT, VacancyStatus.REVIEW, VacancyStatus.PUBLISHED}),
    "expire": frozenset({VacancyStatus.PUBLISHED}),
}


class Setting(models.TextChoices):
    HOSPITAL = "hospital", "Hospital"
    ACADEMIC = "academic", "Academic medical center"
    OUTPATIENT = "outpatient", "Outpatient clinic / group practice"
    COMMUNITY = "community", "Community health center / FQHC"
    URGENT_CARE = "urgent_care", "Urgent care"
    ASC = "asc", "Ambulatory surgery center"
    LONG_TERM = "long_term", "Long-term care / skilled nursing"
    GOVERNMENT = "government", "Government / VA"
    TELEHEALTH = "telehealth", "Telehealth"
    PHARMACY = "pharmacy", "Pharmacy"


class EmploymentModel(models.TextChoices):
    W2 = "w2", "Employed (W-2)"
    CONTRACTOR = "1099", "Independent contractor (1099)"
    PARTNERSHIP = "partnership", "Partnership track"
    LOCUM = "locum", "Locum tenens"


class Schedule(models.TextChoices):
    FULL_TIME = "full_time", "Full time"
    PART_TIME = "part_time", "Part time"
    PER_DIEM = "per_diem", "Per diem"


class CallType(models.TextChoices):
    NONE = "none", "No call"
    HOME = "home", "Call from home"
    IN_HOUSE = "in_house", "In-house call"


class SalaryUnit(models.TextChoices):
    """schema.org ``QuantitativeValue.unitText`` values Google accepts for pay."""

    HOUR = "HOUR", "per hour"
    DAY = "DAY", "per day"
    WEEK = "WEEK", "per week"
    MONTH = "MONTH", "per month"
    YEAR = "YEAR", "per year"


class BoardRequirement(models.TextChoices):
    NONE = "none", "Not required"
    ELIGIBLE = "eligible", "Board eligible or certified"
    CERTIFIED = "certified", "Board certified"


class Malpractice(models.TextChoices):
    NONE = "", "Not stated"
    CLAIMS_MADE = "claims_made", "Claims-made"
    OCCURRENCE = "occurrence", "Occurrence"


class Tail(models.TextChoices):
    NONE = "", "Not stated"
    EMPLOYER = "employer", "Employer pays tail"
    EMPLOYEE = "employee", "Employee pays tail"
    SHARED = "shared", "Shared"
    NOT_NEEDED = "not_needed", "No tail needed"


class CareerTrack(models.TextChoices):
    """What kind of role this is, matched against the clinician's career goal."""

    CLINICAL = "clinical", "Clinical"
    LEADERSHIP = "leadership", "Leadership"
    QUALITY = "quality", "Quality and patient safety"
    INFORMATICS = "informatics", "Informatics"
    EDUCATION = "education", "Education / program direction"
    RESEARCH = "research", "Research"


class EmployerRole(models.TextChoices):
    ADMIN = "admin", "Employer administrator"
    RECRUITER = "recruiter", "Recruiter"


class ReportReason(models.TextChoices):
    FILLED = "filled", "The position is already filled"
    MISLEADING = "misleading", "The listing is misleading"
    DUPLICATE = "duplicate", "Duplicate listing"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Waiting for a moderator"
    UPHELD = "upheld", "Upheld: the listing was closed"
    DISMISSED = "dismissed", "Dismissed"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    REVIEWED = "reviewed", "Reviewed"
    INTERVIEW = "interview", "Interview"
    OFFER = "offer", "Offer"
    HIRED = "hired", "Hired"
    REJECTED = "rejected", "Not selected"
    WITHDRAWN = "withdrawn", "Withdrawn"


#: Statuses from which an application may move on, and where to (employer moves; the
#: clinician may withdraw from any open status).
APPLICATION_NEXT: dict[str, frozenset[str]] = {
    ApplicationStatus.SUBMITTED: frozenset({"reviewed", "interview", "rejected"}),
    ApplicationStatus.REVIEWED: frozenset({"interview", "offer", "rejected"}),
    ApplicationStatus.INTERVIEW: frozenset({"offer", "rejected"}),
    ApplicationStatus.OFFER: frozenset({"hired", "rejected"}),
}
APPLICATION_OPEN = frozenset({"submitted", "reviewed", "interview", "offer"})


class AlertFrequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


#: Longest a listing may stay up before it must be renewed (ghost listings).
MAX_EXPIRY_DAYS = 180
#: Most saved searches one account may keep.
MAX_SAVED_SEARCHES = 20


class ErrorCode(StrEnum):
    """Machine-readable codes the jobs app raises (the API's ``code`` field)."""

    VACANCY_INVALID = "vacancy_invalid"
    PAY_RANGE_REQUIRED = "pay_range_required"
    BAD_TRANSITION = "bad_transition"
    EMPLOYER_UNVERIFIED = "employer_unverified"
    ALREADY_APPLIED = "already_applied"
    ALREADY_REPORTED = "already_reported"
    VACANCY_CLOSED = "vacancy_closed"
    TOO_MANY_SAVED_SEARCHES = "too_many_saved_searches"
    IMPORT_INVALID = "import_invalid"
