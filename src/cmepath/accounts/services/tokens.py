"""Personal API tokens: scoped, expiring, and for admins and editors only when allowed."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cmepath.accounts import policies
from cmepath.accounts.choices import (
    TOKEN_DEFAULT_DAYS,
    TOKEN_LIFETIME_DAYS,
    TOKEN_MAX_ACTIVE,
    ErrorCode,
    TokenScope,
)
from cmepath.accounts.errors import TokenRejected
from cmepath.accounts.models import ApiToken, User
from cmepath.core.errors import (
    PermissionDeniedError,
    ValidationError,
)
from cmepath.core.policy import role_of
from cmepath.core.roles import MFA_REQUIRED_ROLES
from cmepath.core.services import audit_record


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def tokens_allowed(user: Any) -> bool:
    """Admins and editors sign in with a second factor; a token would skip it, so they hold
    tokens only when an administrator allowed it for their account."""
    return role_of(user) not in MFA_REQUIRED_ROLES or bool(
        getattr(user, "api_tokens_allowed", False)
    )


@transaction.atomic
def token_create(
    *,
    actor: User,
    name: str,
    scope: str = TokenScope.WRITE,
    expires_in_days: int = TOKEN_DEFAULT_DAYS,
) -> tuple[ApiToken, str]:
    """Create a personal access token; the raw secret is returned once, never stored.

    The page offers ``read`` first; callers that omit ``scope`` get ``write``. The limit of
    active tokens is counted with the user's row locked, so parallel requests cannot pass it.
    """
    name = name.strip()
    if not name:
        raise ValidationError(
            "Name the token after the integration that will use it.", field="name"
        )
    if scope not in TokenScope.values:
        raise ValidationError(
            f"Unknown scope {scope!r}; choose one of {', '.join(TokenScope.values)}.", field="scope"
        )
    if not 1 <= expires_in_days <= max(TOKEN_LIFETIME_DAYS):
        raise ValidationError(
            f"A token lives between 1 and {max(TOKEN_LIFETIME_DAYS)} days.", field="expires_in_days"
        )
    if not tokens_allowed(actor):
        raise PermissionDeniedError(
            "Administrators and editors get API tokens only when an administrator enables "
            "them for the account (a token skips the second factor).",
            code=ErrorCode.TOKEN_NOT_ALLOWED,
        )
    User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True).get()
    now = timezone.now()
    active = ApiToken.objects.filter(user=actor, revoked_at__isnull=True, expires_at__gt=now)
    if active.count() >= TOKEN_MAX_ACTIVE:
        raise ValidationError(
            f"You have {TOKEN_MAX_ACTIVE} active tokens; revoke one you no longer use first.",
            field="name",
        )
    raw = "cmp_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name[:80],
        prefix=raw[:12],
        token_hash=_hash_token(raw),
        scope=scope,
        expires_at=now + timedelta(days=expires_in_days),
    )
    audit_record(
        actor=actor,
        action="token.create",
        target=token,
        subject_user_id=actor.pk,
        detail={"scope": token.scope, "expires_at": token.expires_at.isoformat()},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    policies.tokens.require(actor, "delete", token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="token.revoke", target=token, subject_user_id=actor.pk)
    return token


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token_authenticate(raw: str, *, method: str = "GET") -> User | None:
    """The user behind a usable token, or None for an unknown or revoked one.

    A token that exists but cannot be used says why: expired or not allowed for the role
    (:class:`TokenRejected`, 401), read-only on a write (403). Touches ``last_used_at`` at
    most hourly.
    """
    if not raw.startswith("cmp_") or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    where = reverse("accounts:tokens")
    if token.expires_at <= now:
        raise TokenRejected(
            f"This API token expired on {token.expires_at:%Y-%m-%d}; create a new one at {where}.",
            code=ErrorCode.TOKEN_EXPIRED,
        )
    if not tokens_allowed(token.user):
        raise TokenRejected(
            "API tokens are off for administrators and editors unless an administrator "
            "enables them for the account; sign in with your second factor instead.",
            code=ErrorCode.TOKEN_NOT_ALLOWED,
        )
    if token.scope != TokenScope.WRITE and method.upper() not in SAFE_METHODS:
        raise PermissionDeniedError(
            f"This token is read-only; create a token with the write scope at {where}.",
            code=ErrorCode.TOKEN_READ_ONLY,
        )
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 3600:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def user_allow_api_tokens(*, actor: User, user: User, allowed: bool) -> User:
    """An administrator lets an admin or editor hold API tokens (or stops it); audited.

    Existing tokens follow at once: ``token_authenticate`` checks the flag on every use.
    """
    from cmepath.core.policy import is_admin

    if not is_admin(actor):
        raise PermissionDeniedError("Only administrators allow API tokens for an account.")
    if user.api_tokens_allowed != allowed:
        user.api_tokens_allowed = allowed
        user.save(update_fields=["api_tokens_allowed"])
        audit_record(
            actor=actor,
            action="user.api_tokens",
            target=user,
            subject_user_id=user.pk,
            detail={"allowed": allowed},
        )
    return user
