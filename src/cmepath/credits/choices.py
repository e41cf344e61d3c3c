"""Choices and constants of the credits app (one home for them)."""

from __future__ import annotations

from django.db import models


class Provenance(models.TextChoices):
    SELF_REPORTED = "self_reported", "Self-reported"
    PROVIDER_REPORTED = "provider_reported", "Reported by the provider"
    IMPORTED = "imported", "Imported (CSV)"


REMINDER_DAYS = (90, 30, 7)  # days before a deadline with unmet requirements
SHARE_LINK_MAX_DAYS = 365
SHARE_LINK_DEFAULT_DAYS = 30
MAX_ACTIVE_SHARE_LINKS = 20
CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024
CERTIFICATE_QUOTA_FILES = 200  # security-checks row 16: per-user quota
CERTIFICATE_QUOTA_BYTES = 500 * 1024 * 1024
IMPORT_MAX_ROWS = 5000
MAX_COMPLETIONS_PER_USER = 5000
