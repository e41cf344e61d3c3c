"""Choices, constants and error codes of the credits app (one home for them)."""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Provenance(models.TextChoices):
    SELF_REPORTED = "self_reported", "Self-reported"
    PROVIDER_REPORTED = "provider_reported", "Reported by the provider"
    IMPORTED = "imported", "Imported (CSV)"


class ErrorCode(StrEnum):
    """The ``code`` of every error the credits app raises (API clients match on these).

    Upload refusals from ``core.filecheck`` keep their own code behind ``upload_``
    (``upload_encrypted``, ``upload_active_content``...); only the size check is ours.
    """

    UNKNOWN_CREDIT_TYPE = "unknown_credit_type"
    UNKNOWN_TOPIC = "unknown_topic"
    UNKNOWN_ACTIVITY = "unknown_activity"
    UNKNOWN_REGIME = "unknown_regime"
    CREDIT_NOT_DESIGNATED = "credit_not_designated"
    CREDITS_ABOVE_MAXIMUM = "credits_above_maximum"
    FUTURE_DATE = "future_date"
    BEFORE_START = "before_start"
    QUOTA = "quota"
    CSV_HEADER = "csv_header"
    CSV_ROWS = "csv_rows"
    UPLOAD_TOO_LARGE = "upload_too_large"
    NO_CREDITS = "no_credits"


REMINDER_DAYS = (90, 30, 7)  # days before a deadline with unmet requirements
SHARE_LINK_MAX_DAYS = 365
SHARE_LINK_DEFAULT_DAYS = 30
MAX_ACTIVE_SHARE_LINKS = 20
# Certificate PDFs: the platform's one upload limit (core.uploads.max_upload_bytes).
CERTIFICATE_QUOTA_FILES = 200  # security-checks row 16: per-user quota
CERTIFICATE_QUOTA_BYTES = 500 * 1024 * 1024
IMPORT_MAX_BYTES = 2 * 1024 * 1024  # a completions CSV (pages and API)
IMPORT_MAX_ROWS = 5000
MAX_COMPLETIONS_PER_USER = 5000
