"""The accounts app's domain errors beyond core's (mapped to HTTP once, by status)."""

from __future__ import annotations

from cmepath.core.errors import DomainError


class TokenRejected(DomainError):
    """A personal API token that exists but cannot be used now (expired, or its owner's role
    may not hold tokens): 401 with a message saying why, unlike an unknown token's generic one."""

    status = 401
    code: str = "token_rejected"  # noqa: S105 - an error code, not a secret
