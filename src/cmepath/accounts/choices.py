"""Choices and constants of the accounts app (one home)."""

from enum import StrEnum

from django.db import models

from cmepath.core.vocabulary import PROFESSIONS, STATES
from cmepath.core.vocabulary import choices as vocabulary_choices

#: Professions as the shared vocabulary defines them (core/data/vocabulary.yaml): MD, DO,
#: NP, PA, RN, PHARMD, OTHER. Built from the file so labels and codes exist once.
Profession = models.TextChoices(  # type: ignore[call-overload]  # functional API: members from the file
    "Profession",
    [(code.upper(), (code, term.label)) for code, term in PROFESSIONS.items()],
)


#: Profile fields a clinician edits (profile form and PATCH /me/profile), in display order.
PROFILE_EDITABLE = (
    "first_name",
    "last_name",
    "profession",
    "primary_specialty",
    "specialties",
    "birth_month",
    "date_of_first_licensure",
    "share_patients_65_plus",
    "career_goal",
    "home_zip",
    "next_review_date",
    "annual_cme_allowance",
    "paid_cme_days",
)


class NpiStatus(models.TextChoices):
    """Where an account's NPI stands. ``MATCHED`` is held by one account per NPI (a database
    constraint); it is "NPI matched", not "Verified": the badge also needs an approved
    licence proof in the same name (``Profile.verified_at``)."""

    NONE = "none", "Not entered"
    INVALID = "invalid", "Invalid number"
    NOT_FOUND = "not_found", "Not found in the NPI Registry"
    MISMATCH = "mismatch", "Registry record does not match the profile"
    MATCHED = "matched", "NPI matched"
    STALE = "stale", "Name changed since the check: check the NPI again"
    WITHDRAWN = "withdrawn", "Withdrawn by an administrator after a dispute"


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Waiting for an administrator"
    UPHELD = "upheld", "Upheld: the NPI was released to the claimant"
    DISMISSED = "dismissed", "Dismissed"


class TokenScope(models.TextChoices):
    """What a personal API token may do: ``read`` only GET/HEAD/OPTIONS, ``write`` anything."""

    READ = "read", "Read only"
    WRITE = "write", "Read and write"


#: Token lifetimes offered at creation (days); the default is 90.
TOKEN_LIFETIME_DAYS = (7, 30, 90, 180, 365)
TOKEN_DEFAULT_DAYS = 90
#: Active (neither revoked nor expired) tokens one account may hold.
TOKEN_MAX_ACTIVE = 20


class ProofStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


#: Licensing jurisdictions from the shared vocabulary, as Django choices.
US_STATES = vocabulary_choices(STATES)

BOARDS = [
    ("ABIM", "American Board of Internal Medicine"),
    ("ABFM", "American Board of Family Medicine"),
    ("ABP", "American Board of Pediatrics"),
    ("ABEM", "American Board of Emergency Medicine"),
    ("ABA", "American Board of Anesthesiology"),
    ("ABPN", "American Board of Psychiatry and Neurology"),
    ("ABS", "American Board of Surgery"),
    ("ABOG", "American Board of Obstetrics and Gynecology"),
    ("ABR", "American Board of Radiology"),
    ("AOBIM", "American Osteopathic Board of Internal Medicine"),
    ("AOBFP", "American Osteopathic Board of Family Physicians"),
    ("NCCPA", "National Commission on Certification of Physician Assistants"),
    ("AANPCB", "American Academy of Nurse Practitioners Certification Board"),
    ("ANCC", "American Nurses Credentialing Center"),
    ("BPS", "Board of Pharmacy Specialties"),
    ("other", "Other"),
]

PROOF_ALLOWED_KINDS = frozenset({"pdf", "png", "jpeg"})


class ErrorCode(StrEnum):
    """Codes the accounts app raises (API ``code`` field, password validator codes)."""

    NPI_INVALID = "npi_invalid"
    REGISTRY_UNAVAILABLE = "registry_unavailable"
    NPI_TAKEN = "npi_taken"
    NPI_RELEASED_TO_OTHER = "npi_released_to_other"
    TOKEN_EXPIRED = "token_expired"  # noqa: S105 - an error code, not a secret
    TOKEN_READ_ONLY = "token_read_only"  # noqa: S105 - an error code
    TOKEN_NOT_ALLOWED = "token_not_allowed"  # noqa: S105 - an error code
    PASSWORD_CONTEXT_WORD = "password_context_word"  # noqa: S105 - an error code, not a password
    PASSWORD_TOO_LONG = "password_too_long"  # noqa: S105 - an error code
    PASSWORD_COMMON_BASE = "password_common_base"  # noqa: S105 - an error code
