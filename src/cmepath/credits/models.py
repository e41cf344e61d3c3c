"""Completions (with credits by type), certificates, evaluation snapshots, share links,
notification preferences and reminder bookkeeping.

A completion names its catalog activity by id only (``activity_id``, a plain integer): the
catalog may archive or re-import activities, and the clinician's record must not change or
disappear with them. Title, provider and accreditor are copied onto the completion.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from cmepath.core.vocabulary import CREDIT_TYPES, choices

from .choices import Provenance


class Completion(models.Model):
    """One finished CME/CE activity in a clinician's record, from the catalog or elsewhere."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completions"
    )
    activity_id = models.PositiveBigIntegerField(
        "catalog activity id", null=True, blank=True, db_index=True
    )
    title = models.CharField(max_length=300)
    provider = models.CharField(max_length=200, blank=True)
    accreditor = models.CharField(max_length=40, blank=True)
    completed_on = models.DateField()
    topics = models.JSONField(default=list, blank=True, help_text="Vocabulary topic codes.")
    sa_cme = models.BooleanField("self-assessment CME (SA-CME)", default=False)
    pi_cme = models.BooleanField("performance-improvement CME (PI-CME)", default=False)
    live = models.BooleanField("live activity (in person or real-time online)", default=False)
    provenance = models.CharField(
        max_length=20, choices=Provenance.choices, default=Provenance.SELF_REPORTED
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who recorded it (the provider for provider reports).",
    )
    import_batch = models.CharField(
        max_length=32, blank=True, help_text="Id of the CSV import that created it."
    )
    credit_summary = models.CharField(
        max_length=400,
        blank=True,
        editable=False,
        help_text="Derived from the credit rows ('ama_pra_1=2;abim_moc=2') by the services, so check-all "
        "reads a clinician's completions without a join.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        indexes = [models.Index(fields=["user", "completed_on"], name="completion_user_date")]

    def __str__(self) -> str:
        return f"{self.title} ({self.completed_on})"

    @property
    def kinds(self) -> frozenset[str]:
        flags = (("sa_cme", self.sa_cme), ("pi_cme", self.pi_cme), ("live", self.live))
        return frozenset(k for k, on in flags if on)


class CompletionCredit(models.Model):
    """Credit of one type earned by a completion (2 AMA PRA Category 1, 2 ABIM MOC points...)."""

    completion = models.ForeignKey(Completion, on_delete=models.CASCADE, related_name="credits")
    credit_type = models.CharField(max_length=16, choices=choices(CREDIT_TYPES))
    amount = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["completion", "credit_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["completion", "credit_type"],
                name="completion_credit_unique_type",
                violation_error_message="Each credit type can be listed only once per completion.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="completion_credit_amount_positive",
                violation_error_message="A credit amount must be more than 0.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.credit_type}"


def _certificate_path(instance: Certificate, filename: str) -> str:
    # Server-generated, random names only; the client's filename is never a path.
    return f"certificates/{uuid.uuid4().hex}.pdf"


class Certificate(models.Model):
    """An uploaded certificate PDF, checked by content; served only to its owner (and shares).

    ``extracted`` holds what the text pre-filled (title, completed_on, amount, credit_type,
    provider); ``completion`` is set when the clinician saves the completion it proves.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    completion = models.ForeignKey(
        Completion, null=True, blank=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    file = models.FileField(upload_to=_certificate_path, max_length=200)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(default=0)
    extracted_text = models.TextField(blank=True)
    extracted = models.JSONField(default=dict, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"certificate {self.pk} ({self.original_name})"


class EvaluationSnapshot(models.Model):
    """The latest stored evaluation of one clinician (written by ``check-all``, read by dashboards).

    ``result`` is ``batch.snapshot_json`` (statuses, hours, deadlines); ``status`` is the worst
    regime status and ``next_deadline`` the earliest deadline with unmet work, for lists.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluation_snapshot"
    )
    as_of = models.DateField()
    computed_at = models.DateTimeField()
    status = models.CharField(max_length=16, blank=True)
    next_deadline = models.DateField(null=True, blank=True)
    regimes = models.PositiveSmallIntegerField(default=0)
    unmet = models.PositiveSmallIntegerField("requirements not met", default=0)
    result = models.JSONField(default=dict)

    class Meta:
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"evaluation of {self.user_id} as of {self.as_of}: {self.status}"


class ShareLink(models.Model):
    """A read-only transcript link for an employer or a board: expiring and revocable.

    The URL carries a random secret; only its keyed hash (HMAC-SHA256 with a key derived
    from SECRET_KEY) is stored, so the database alone cannot rebuild a working link.

    A link made for a transcript download (``purpose`` "transcript") is the verification
    URL printed on that PDF or CSV. Its token is derived from ``seed`` with a second key
    from SECRET_KEY, so later downloads of the same scope on the same day print the same
    URL (the database alone still cannot rebuild it); the owner sees and revokes it on the
    share-links page like any other link.
    """

    class Purpose(models.TextChoices):
        SHARED = "", "Shared by the clinician"
        TRANSCRIPT = "transcript", "Made for a transcript download"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links"
    )
    label = models.CharField(
        max_length=120, help_text="Who it is for, e.g. 'Medical staff office'."
    )
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    regime_id = models.CharField(max_length=64, blank=True, help_text="Empty: every regime.")
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    purpose = models.CharField(max_length=16, choices=Purpose.choices, default="", blank=True)
    seed = models.CharField(
        max_length=64,
        blank=True,
        help_text="Transcript links only: the token is an HMAC of this with a SECRET_KEY key.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.prefix}…)"

    def is_active(self, now: object) -> bool:
        return self.revoked_at is None and self.expires_at > now  # type: ignore[operator]


class ReminderSent(models.Model):
    """One reminder sent: the unique row makes a second run of the reminders send nothing.

    ``regime_name`` and ``requirement_label`` are copied when it is sent, so the
    notifications page can say what was sent even after the rules change.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    regime_id = models.CharField(max_length=64)
    requirement_id = models.CharField(max_length=64)
    regime_name = models.CharField(max_length=200, blank=True)
    requirement_label = models.CharField(max_length=300, blank=True)
    deadline = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "regime_id", "requirement_id", "deadline", "days_before"],
                name="reminder_sent_once",
                violation_error_message="This reminder was already sent.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.regime_id}/{self.requirement_id} {self.deadline} -{self.days_before}d"


class BadgeStatus(models.Model):
    """One exported badge's place in the platform's revocation list (W3C Bitstring Status List).

    ``status_index`` is the badge's bit, drawn at random (herd privacy). Exporting the same,
    unchanged completion again re-signs the same credential id and bit; a correction or a
    deletion of the completion sets ``revoked_at``. The bit is also set when the completion
    row is gone by any other path (``completion`` NULL), so no deletion can leave a badge
    verifying. ``content_hash`` fingerprints the claim the badge states.
    """

    credential_id = models.CharField(max_length=64, unique=True)
    completion = models.ForeignKey(
        Completion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="badge_statuses",
    )
    status_index = models.PositiveIntegerField(unique=True)
    source = models.CharField(max_length=24, help_text="provider-reported or self-reported")
    content_hash = models.CharField(max_length=64)
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["status_index"]
        indexes = [
            models.Index(fields=["completion", "revoked_at"], name="badge_status_completion"),
        ]

    def __str__(self) -> str:
        state = f"revoked ({self.revoked_reason})" if self.revoked_at else "active"
        return f"badge {self.credential_id} #{self.status_index}: {state}"


class NotificationPreference(models.Model):
    """Which reminder emails one clinician gets (no row: the defaults below).

    Deadline reminders go out 90, 30 and 7 days before a deadline with unmet work (each
    horizon on or off); the weekly digest lists every unmet or at-risk requirement due
    within 90 days, once per ISO week.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    remind_90_days = models.BooleanField("90 days before a deadline", default=True)
    remind_30_days = models.BooleanField("30 days before a deadline", default=True)
    remind_7_days = models.BooleanField("7 days before a deadline", default=True)
    weekly_digest = models.BooleanField("weekly digest", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"notifications of {self.user_id}"

    def horizon_on(self, days: int) -> bool:
        """Whether the reminder ``days`` before a deadline is wanted (unknown horizons: no)."""
        return bool(getattr(self, f"remind_{days}_days", False))


class DigestSent(models.Model):
    """One weekly digest sent: the unique (user, ISO week) row makes a second run send nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.CharField(max_length=8, help_text="ISO week, e.g. '2026-W49'.")
    items = models.PositiveSmallIntegerField("requirements listed", default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "week"],
                name="digest_sent_once_per_week",
                violation_error_message="This week's digest was already sent.",
            ),
        ]

    def __str__(self) -> str:
        return f"digest {self.week} for {self.user_id}"
