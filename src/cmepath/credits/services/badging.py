"""Badges: export a completion as a signed Open Badges 3.0 credential, and verify one.

The signing and checking are the pure ``credits.badges`` engine; this module finds the
platform's key. ``badge_verify`` writes nothing to the database but stays here with the
key handling: the first use creates the key file when no key path is configured.
"""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from cmepath.core.errors import ValidationError
from cmepath.core.services import audit_record
from cmepath.core.vocabulary import CREDIT_TYPES
from cmepath.credits import badges, policies
from cmepath.credits.choices import ErrorCode
from cmepath.credits.models import Completion


def badge_key_path() -> Path:
    configured = getattr(settings, "CMEPATH_BADGE_KEY_PATH", None)
    return (
        Path(configured) if configured else Path(settings.DATA_DIR) / "keys" / "badge-ed25519.pem"
    )


def platform_key() -> Any:
    """The platform's Ed25519 signing key (see ``badges`` for where it comes from)."""
    configured = bool(getattr(settings, "CMEPATH_BADGE_KEY_PATH", None))
    return badges.load_or_create_key(badge_key_path(), create=not configured)


def badge_issue(
    *, actor: Any, completion: Completion, base_url: str = "https://cmepath.invalid"
) -> dict[str, Any]:
    """Export a completion as a signed Open Badges 3.0 ``OpenBadgeCredential``."""
    policies.completions.require(actor, "change", completion)
    key = platform_key()
    credits = {c.credit_type: float(c.amount) for c in completion.credits.all()}
    if not credits:
        raise ValidationError(
            "This completion has no credits to put in a badge.", code=ErrorCode.NO_CREDITS
        )
    salt = secrets.token_hex(8)
    now = timezone.now()
    document = badges.build_credential(
        credential_id=f"urn:uuid:{uuid.uuid4()}",
        issuer_did=badges.did_key(key.public_key()),
        issuer_name="cmepath",
        issuer_url=base_url,
        valid_from=now,
        title=completion.title,
        description=f"{completion.title}"
        + (f", provided by {completion.provider}" if completion.provider else "")
        + ".",
        provider=completion.provider,
        completed_on=completion.completed_on.isoformat(),
        credits=credits,
        credit_labels={k: t.label for k, t in CREDIT_TYPES.items()},
        topics=list(completion.topics or []),
        identity_hash=badges.identity_hash(completion.user.email, salt),
        salt=salt,
    )
    signed = badges.sign(document, key, created=now)
    audit_record(
        actor=actor,
        action="badge.issue",
        target=completion,
        subject_user_id=completion.user_id,
        detail={"credential": signed["id"]},
    )
    return signed


def badge_verify(*, document: Any) -> badges.BadgeCheck:
    """Check a badge's signature (against this platform's key) and content."""
    return badges.verify(document, platform_key().public_key())
