"""Writes on share links: create (the raw token is returned once), revoke, resolve (a view
of a shared transcript is counted and audited, so resolving a token writes), and the link
a transcript download prints as its verification URL (``share_link_for_transcript``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cmepath.core.errors import NotFoundError, ValidationError
from cmepath.core.services import audit_record
from cmepath.credits import batch, policies
from cmepath.credits.choices import (
    MAX_ACTIVE_SHARE_LINKS,
    SHARE_LINK_MAX_DAYS,
    ErrorCode,
)
from cmepath.credits.models import ShareLink

#: A transcript download prints a share link as its verification URL; it lasts this long.
TRANSCRIPT_LINK_DAYS = 90


def _share_key() -> bytes:
    return hashlib.sha256(
        b"cmepath.credits.share-link:" + str(settings.SECRET_KEY).encode()
    ).digest()


def share_token_hash(raw: str) -> str:
    return hmac.new(_share_key(), raw.encode(), hashlib.sha256).hexdigest()


def _seed_token(seed: str) -> str:
    """The raw token of a transcript link: an HMAC of its stored seed with a key of its own
    (derived from SECRET_KEY), 43 URL-safe characters like ``secrets.token_urlsafe(32)``."""
    key = hashlib.sha256(
        b"cmepath.credits.transcript-link:" + str(settings.SECRET_KEY).encode()
    ).digest()
    digest = hmac.new(key, seed.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@transaction.atomic
def share_link_create(
    *, actor: Any, label: str, regime_id: str = "", days: int = 30
) -> tuple[ShareLink, str]:
    """Create a read-only transcript link; the raw token is returned once and never stored."""
    label = (label or "").strip()
    if not label:
        raise ValidationError(
            "Say who the link is for (e.g. 'Medical staff office').", field="label"
        )
    if not 1 <= days <= SHARE_LINK_MAX_DAYS:
        raise ValidationError(
            f"A link lasts between 1 and {SHARE_LINK_MAX_DAYS} days.", field="days"
        )
    # Lock the owner's row first, so parallel creates count one at a time (PostgreSQL).
    get_user_model().objects.select_for_update().filter(pk=actor.pk).values_list("pk").first()
    if (
        ShareLink.objects.filter(
            user=actor,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            purpose=ShareLink.Purpose.SHARED,
        ).count()
        >= MAX_ACTIVE_SHARE_LINKS
    ):
        raise ValidationError(
            f"You have {MAX_ACTIVE_SHARE_LINKS} active links; revoke one first.", field="label"
        )
    regime_id = (regime_id or "").strip()
    if regime_id:
        known = {r.id for r in batch.rule_index().rules}
        if regime_id not in known:
            raise ValidationError(
                f"Unknown regime {regime_id!r}.", field="regime_id", code=ErrorCode.UNKNOWN_REGIME
            )
    raw = secrets.token_urlsafe(32)
    link = ShareLink.objects.create(
        user=actor,
        label=label[:120],
        token_hash=share_token_hash(raw),
        prefix=raw[:6],
        regime_id=regime_id,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action="sharelink.create",
        target=link,
        subject_user_id=actor.pk,
        detail={"regime": regime_id or "all", "days": days},
    )
    return link, raw


@transaction.atomic
def share_link_for_transcript(*, actor: Any, regime_id: str = "") -> tuple[ShareLink, str]:
    """The link a transcript the owner downloads prints as its verification URL.

    A verifier opens it without signing in and sees the same record, live; the owner sees
    it on the share-links page ("Made for a transcript download on <date>") and may revoke
    it. One link per scope (all regimes or one regime) and day: later downloads that day
    print the same URL (the token is rebuilt from the link's seed), so downloading does not
    pile up links. It lasts ``TRANSCRIPT_LINK_DAYS`` days and does not count toward the
    limit of links the owner makes by hand.
    """
    regime_id = (regime_id or "").strip()
    now = timezone.now()
    today = timezone.localdate()
    get_user_model().objects.select_for_update().filter(pk=actor.pk).values_list("pk").first()
    for link in ShareLink.objects.filter(
        user=actor,
        purpose=ShareLink.Purpose.TRANSCRIPT,
        regime_id=regime_id,
        revoked_at__isnull=True,
        expires_at__gt=now,
        created_at__gte=now - timedelta(days=1),
    ).exclude(seed=""):
        raw = _seed_token(link.seed)
        if timezone.localdate(link.created_at) == today and hmac.compare_digest(
            link.token_hash, share_token_hash(raw)
        ):
            return link, raw
    if regime_id:
        known = {r.id for r in batch.rule_index().rules}
        if regime_id not in known:
            raise ValidationError(
                f"Unknown regime {regime_id!r}.", field="regime", code=ErrorCode.UNKNOWN_REGIME
            )
    seed = secrets.token_hex(32)
    raw = _seed_token(seed)
    link = ShareLink.objects.create(
        user=actor,
        label=f"Made for a transcript download on {today:%b} {today.day}, {today.year}",
        token_hash=share_token_hash(raw),
        prefix=raw[:6],
        regime_id=regime_id,
        expires_at=now + timedelta(days=TRANSCRIPT_LINK_DAYS),
        purpose=ShareLink.Purpose.TRANSCRIPT,
        seed=seed,
    )
    audit_record(
        actor=actor,
        action="sharelink.create",
        target=link,
        subject_user_id=actor.pk,
        detail={
            "regime": regime_id or "all",
            "days": TRANSCRIPT_LINK_DAYS,
            "purpose": "transcript",
        },
    )
    return link, raw


@transaction.atomic
def share_link_revoke(*, actor: Any, link: ShareLink) -> ShareLink:
    policies.share_links.require(actor, "delete", link)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor, action="sharelink.revoke", target=link, subject_user_id=link.user_id
        )
    return link


def share_link_resolve(*, raw: str) -> ShareLink:
    """The live link behind a raw token; unknown, expired and revoked links look the same."""
    if not raw or len(raw) > 100:
        raise NotFoundError("This link is not valid. Ask the clinician for a new one.")
    link = ShareLink.objects.select_related("user").filter(token_hash=share_token_hash(raw)).first()
    now = timezone.now()
    if link is None or not link.is_active(now) or not link.user.is_active:
        raise NotFoundError(
            "This link is not valid, has expired or was revoked. Ask the clinician for a new one."
        )
    with transaction.atomic():
        ShareLink.objects.filter(pk=link.pk).update(
            last_viewed_at=now, view_count=link.view_count + 1
        )
        audit_record(actor=None, action="sharelink.view", target=link, subject_user_id=link.user_id)
    return link
