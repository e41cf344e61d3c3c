"""Badges: export a completion as a signed Open Badges 3.0 credential, verify one, publish and
flip its revocation status.

The signing and checking are the pure ``credits.badges`` engine; this module finds the
platform's key and keeps the status rows (``BadgeStatus``). The status list credential is
built from those rows on request; ``badge_verify`` reads it the same way (database, never
HTTP). ``badge_verify`` writes nothing but stays here with the key handling: the first use
creates the key file when no key path is configured.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from cmepath.core.errors import ConflictError, ValidationError
from cmepath.core.services import audit_record
from cmepath.core.vocabulary import CREDIT_TYPES
from cmepath.credits import badges, policies
from cmepath.credits.choices import ErrorCode, Provenance
from cmepath.credits.models import BadgeStatus, Completion

STATUS_LIST_TTL_SECONDS = 300  # verifiers may cache the list this long (also Cache-Control)
MAX_EVIDENCE_CERTIFICATES = 5
REVOKED_DELETED = "completion_deleted"
REVOKED_CORRECTED = "completion_corrected"


def badge_key_path() -> Path:
    configured = getattr(settings, "CMEPATH_BADGE_KEY_PATH", None)
    return (
        Path(configured) if configured else Path(settings.DATA_DIR) / "keys" / "badge-ed25519.pem"
    )


def platform_key() -> Any:
    """The platform's Ed25519 signing key (see ``badges`` for where it comes from)."""
    configured = bool(getattr(settings, "CMEPATH_BADGE_KEY_PATH", None))
    return badges.load_or_create_key(badge_key_path(), create=not configured)


def _public_base(base_url: str) -> str:
    # An operator-set public URL wins over the request's host (and the CLI's placeholder).
    return (getattr(settings, "CMEPATH_PUBLIC_URL", "") or base_url).rstrip("/")


def status_list_url(base_url: str) -> str:
    return _public_base(base_url) + reverse("api:badge_status_list")


def _claim(completion: Completion) -> dict[str, Any]:
    credits = {
        c.credit_type: str(Decimal(c.amount).quantize(Decimal("0.01")))
        for c in completion.credits.all()
    }
    return {
        "title": completion.title,
        "provider": completion.provider,
        "completed_on": completion.completed_on.isoformat(),
        "credits": credits,
        "topics": sorted(completion.topics or []),
        "provenance": completion.provenance,
    }


def _claim_hash(claim: dict[str, Any]) -> str:
    return hashlib.sha256(badges.canonical_json(claim).encode()).hexdigest()


def _source(completion: Completion) -> str:
    # CSV imports are the learner's own claims too.
    if completion.provenance == Provenance.PROVIDER_REPORTED:
        return badges.SOURCE_PROVIDER
    return badges.SOURCE_SELF


def _allocate(*, completion: Completion, source: str, content_hash: str) -> BadgeStatus:
    """A new status row at a random free index; the list grows to stay at most half full."""
    used = BadgeStatus.objects.count()
    capacity = badges.STATUS_LIST_MIN_BITS * (1 + 2 * used // badges.STATUS_LIST_MIN_BITS)
    for _ in range(20):
        index = secrets.randbelow(capacity)
        if BadgeStatus.objects.filter(status_index=index).exists():
            continue
        try:
            with transaction.atomic():
                return BadgeStatus.objects.create(
                    credential_id=f"urn:uuid:{uuid.uuid4()}",
                    completion=completion,
                    status_index=index,
                    source=source,
                    content_hash=content_hash,
                )
        except IntegrityError:  # another export took the index meanwhile
            continue
    raise ConflictError("Could not reserve a badge status entry; try again.")


@transaction.atomic
def badge_issue(
    *, actor: Any, completion: Completion, base_url: str = "https://cmepath.invalid"
) -> dict[str, Any]:
    """Export a completion as a signed Open Badges 3.0 ``OpenBadgeCredential``.

    The badge says where its claim came from; a self-reported one is marked as such and is
    not vouched for (docs/credits.md). Re-exporting an unchanged completion keeps its
    credential id and status bit.
    """
    policies.completions.require(actor, "change", completion)
    key = platform_key()
    claim = _claim(completion)
    if not claim["credits"]:
        raise ValidationError(
            "This completion has no credits to put in a badge.", code=ErrorCode.NO_CREDITS
        )
    source = _source(completion)
    content_hash = _claim_hash(claim)
    status = BadgeStatus.objects.filter(
        completion=completion, content_hash=content_hash, revoked_at__isnull=True
    ).first() or _allocate(completion=completion, source=source, content_hash=content_hash)
    certificates = list(
        completion.certificates.order_by("pk").values_list("sha256", flat=True)[
            :MAX_EVIDENCE_CERTIFICATES
        ]
    )
    salt = secrets.token_hex(8)
    now = timezone.now()
    document = badges.build_credential(
        credential_id=status.credential_id,
        issuer_did=badges.did_key(key.public_key()),
        issuer_name="cmepath",
        issuer_url=_public_base(base_url) + "/",
        valid_from=now,
        title=completion.title,
        description=f"{completion.title}"
        + (f", provided by {completion.provider}" if completion.provider else "")
        + ".",
        provider=completion.provider,
        completed_on=claim["completed_on"],
        credits={code: float(amount) for code, amount in claim["credits"].items()},
        credit_labels={k: t.label for k, t in CREDIT_TYPES.items()},
        topics=claim["topics"],
        identity_hash=badges.identity_hash(completion.user.email, salt),
        salt=salt,
        source=source,
        status=badges.StatusEntry(status_list_url(base_url), status.status_index),
        certificate_hashes=tuple(certificates),
    )
    signed = badges.sign(document, key, created=now)
    audit_record(
        actor=actor,
        action="badge.issue",
        target=completion,
        subject_user_id=completion.user_id,
        detail={"credential": signed["id"], "source": source, "index": status.status_index},
    )
    return signed


def _revoke(*, actor: Any, completion: Completion, rows: Any, reason: str) -> int:
    revoked = list(rows.filter(revoked_at__isnull=True).values_list("credential_id", flat=True))
    if not revoked:
        return 0
    BadgeStatus.objects.filter(credential_id__in=revoked).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )
    audit_record(
        actor=actor,
        action="badge.revoke",
        target=completion,
        subject_user_id=completion.user_id,
        detail={"credentials": revoked, "reason": reason},
    )
    return len(revoked)


@transaction.atomic
def badge_revoke_for_deletion(*, actor: Any, completion: Completion) -> int:
    """Revoke every badge of a completion that is being deleted (call before deleting)."""
    rows = BadgeStatus.objects.filter(completion=completion)
    return _revoke(actor=actor, completion=completion, rows=rows, reason=REVOKED_DELETED)


@transaction.atomic
def badge_revoke_stale(*, actor: Any, completion: Completion) -> int:
    """Revoke the badges whose claim no longer matches the corrected completion."""
    rows = BadgeStatus.objects.filter(completion=completion).exclude(
        content_hash=_claim_hash(_claim(completion))
    )
    return _revoke(actor=actor, completion=completion, rows=rows, reason=REVOKED_CORRECTED)


def badge_status_list(*, base_url: str = "https://cmepath.invalid") -> dict[str, Any]:
    """The signed BitstringStatusListCredential (purpose revocation) of every exported badge.

    A bit is set when its badge was revoked or its completion no longer exists.
    """
    key = platform_key()
    revoked = BadgeStatus.objects.filter(
        Q(revoked_at__isnull=False) | Q(completion__isnull=True)
    ).values_list("status_index", flat=True)
    highest = BadgeStatus.objects.aggregate(top=Max("status_index"))["top"]
    bits = badges.status_list_bits(revoked, size_bits=badges.status_list_size(highest))
    now = timezone.now()
    document = badges.build_status_list(
        url=status_list_url(base_url),
        issuer_did=badges.did_key(key.public_key()),
        encoded_list=badges.encode_status_list(bits),
        valid_from=now,
        ttl_ms=STATUS_LIST_TTL_SECONDS * 1000,
    )
    return badges.sign(document, key, created=now)


def _status_list_for(url: str) -> dict[str, Any] | None:
    """The status list a badge names, read locally: only this platform's list path counts
    (the badge's signature already vouches for the host it was exported under)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.path != reverse("api:badge_status_list"):
        return None
    if parts.query or parts.fragment:
        return None
    return badge_status_list(base_url=f"{parts.scheme}://{parts.netloc}")


def badge_verify(*, document: Any) -> badges.BadgeCheck:
    """Check a badge's proofs (against this platform's key), content and revocation status."""
    return badges.verify(document, platform_key().public_key(), status_list=_status_list_for)


@dataclass(frozen=True, slots=True)
class BadgeCredit:
    label: str
    amount: float

    @property
    def text(self) -> str:
        return f"{self.amount:g} {self.label}"


@dataclass(frozen=True, slots=True)
class BadgePage:
    """What the badge page shows: the claim in words and the live verification result."""

    completion_id: int
    credential_id: str
    title: str
    achievement: str  # the credential's name ("Self-reported: ..." when it is)
    clinician: str
    provider: str
    completed_on: date
    issued_at: datetime
    credits: list[BadgeCredit]
    source_label: str
    self_reported: bool
    valid: bool
    reason: str
    signature_ok: bool
    revoked: bool
    revoked_reason: str
    expired: bool


_SOURCE_LABELS = {
    badges.SOURCE_PROVIDER: "Reported by the provider to cmepath",
    badges.SOURCE_SELF: "Self-reported by the clinician (not verified by cmepath)",
}


def badge_page(
    *, actor: Any, completion: Completion, base_url: str = "https://cmepath.invalid"
) -> BadgePage:
    """The badge of ``completion`` as the owner's page shows it: issued (or re-signed with
    the same credential id and status bit, as the .json download does) and then verified
    the way a verifier would, against the key, the status list and the expiry."""
    from cmepath.core.vocabulary import credit_label

    document = badge_issue(actor=actor, completion=completion, base_url=base_url)
    check = badge_verify(document=document)
    row = BadgeStatus.objects.get(credential_id=document["id"])
    profile = getattr(completion.user, "profile", None)
    source = badges.claim_source(document)
    return BadgePage(
        completion_id=completion.pk,
        credential_id=str(document["id"]),
        title=completion.title,
        achievement=str(document["name"]),
        clinician=(profile.full_name if profile is not None else "") or completion.user.email,
        provider=completion.provider,
        completed_on=completion.completed_on,
        issued_at=row.issued_at,
        credits=[
            BadgeCredit(credit_label(c.credit_type), float(c.amount))
            for c in completion.credits.order_by("credit_type")
        ],
        source_label=_SOURCE_LABELS.get(source, source),
        self_reported=source == badges.SOURCE_SELF,
        valid=check.valid,
        reason=check.reason,
        # facts come back only once the proofs and content checked out (also when revoked)
        signature_ok=check.valid or bool(check.facts),
        revoked=row.revoked_at is not None or (check.facts.get("status") == "revoked"),
        revoked_reason=row.revoked_reason.replace("_", " "),
        expired="expired" in check.reason,
    )
