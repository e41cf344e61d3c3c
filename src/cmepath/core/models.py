"""Shared models: the append-only audit log, stored answers to idempotent API requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One security- or record-relevant decision, append-only and hash-chained.

    Who (actor), what (action and target), when (UTC) and why (detail). Rows are never
    updated or deleted: database triggers refuse it (see migration 0002), and each row
    carries the SHA-256 of its predecessor so ``cmepath audit verify`` detects tampering
    (HIPAA 164.312(b), ONC 170.315(d)(2); security-checks row 22).
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    subject_user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Invariant, not business logic: an audit row is written once.
        if self.pk is not None and not self._state.adding:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("audit events are append-only")


class IdempotentRequest(models.Model):
    """One API POST sent with an ``Idempotency-Key`` (``core.idempotency``), kept 24 hours.

    Claimed (``status_code`` empty) while the first attempt runs; then it holds that attempt's
    successful answer, which a retry with the same key and the same request gets back instead
    of a second write. ``body`` is encrypted with a key derived from the server secret: answers
    can carry secrets shown once (a new token, a share link), and the database alone must not
    give them back.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=2000)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    body = models.BinaryField(blank=True, default=b"")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                name="idempotency_key_once_per_user",
                violation_error_message="This request was already sent with the same idempotency key.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.user_id}, {self.key[:20]})"


class UndoEntry(models.Model):
    """A deletion that can still be taken back for a short time (``core/undo.py``).

    ``rows`` holds the deleted rows as Django's serializer writes them (the row asked
    for and every row its deletion cascades to), in the order they are put back;
    ``files`` the stored files those rows pointed at, copied aside until the entry ends.
    Entries past ``expires_at`` are purged with their copies: the deletion then stands.
    """

    token = models.UUIDField(unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    rows = models.JSONField(default=list)
    files = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    restored_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} by {self.user_id} until {self.expires_at:%H:%M:%S}"
