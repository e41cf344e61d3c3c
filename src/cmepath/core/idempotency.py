"""``Idempotency-Key`` on API POSTs: a retried request is answered again, never done twice.

A client that may retry a creating POST (a timeout, a lost connection) sends a key it made
up, e.g. a UUID, in the ``Idempotency-Key`` header. For 24 hours, per user:

- same key, same method, path and body: the first successful answer (2xx) is replayed,
  status and body, with ``Idempotent-Replayed: true``; nothing is written again;
- same key, different method, path or body: 422 ``idempotency_key_reused``;
- same key while the first attempt is still running: 409 ``idempotency_in_progress`` with
  ``Retry-After``; exactly one attempt does the work. An attempt that died (a killed worker)
  holds the key for ``CLAIM_TIMEOUT`` at most;
- an attempt that fails (4xx, 5xx) stores nothing and releases the key, so the same request
  may be sent again once the cause is fixed (errors roll back, so there is nothing to replay);
- a key is 1 to 255 printable ASCII characters, otherwise 422 ``idempotency_key_invalid``.

It is a middleware (not a per-operation decorator) so every POST under ``/api/v1/`` gets it
and the stored answer is the exact bytes the client saw. The user is found with the API's own
authenticators (token first, then session with its CSRF check), so the key belongs to the
same user the operation sees; a request they refuse is passed through for the API to answer.
Multipart bodies are compared by their fields and files (names and content), not their
random boundary, so a client library that re-encodes an upload still matches.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

from .middleware import Handler
from .models import IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
API_PREFIX = "/api/v1/"
KEY_MAX_LENGTH = 255
TTL = timedelta(hours=24)
CLAIM_TIMEOUT = timedelta(minutes=5)  # well above any request's run time (gunicorn: 30 s)
RETRY_AFTER_SECONDS = 1


class ErrorCode(StrEnum):
    """Codes of the answers this module gives itself (the API's error shape)."""

    KEY_INVALID = "idempotency_key_invalid"
    KEY_REUSED = "idempotency_key_reused"
    IN_PROGRESS = "idempotency_in_progress"
    ANSWER_LOST = "idempotency_answer_lost"


def key_problem(key: str) -> str | None:
    """Why ``key`` is not a usable Idempotency-Key, or None."""
    if not 1 <= len(key) <= KEY_MAX_LENGTH or not all(" " <= ch <= "~" for ch in key):
        return (
            f"The {HEADER} header must be 1 to {KEY_MAX_LENGTH} printable ASCII characters; "
            "send a new random value (a UUID) for each new request."
        )
    return None


def request_fingerprint(request: HttpRequest) -> str | None:
    """SHA-256 over method, path, content type and body; None if the body cannot be read
    (too large, malformed), which the operation then refuses by itself."""
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
    from django.http.multipartparser import MultiPartParserError
    from django.http.request import RawPostDataException

    parts: list[Any] = [request.method, request.get_full_path_info(), request.content_type]
    try:
        if request.content_type == "multipart/form-data":
            parts.append(sorted(request.POST.lists()))
            for name, files in sorted(request.FILES.lists()):
                for upload in files:
                    digest = hashlib.sha256()
                    for chunk in upload.chunks():
                        digest.update(chunk)
                    upload.seek(0)
                    parts.append([name, upload.name, digest.hexdigest()])
        else:
            parts.append(hashlib.sha256(request.body).hexdigest())
    except (
        RequestDataTooBig,
        TooManyFieldsSent,
        TooManyFilesSent,
        MultiPartParserError,
        RawPostDataException,
    ):
        return None
    return hashlib.sha256(json.dumps(parts, separators=(",", ":")).encode()).hexdigest()


@dataclass(frozen=True)
class Claim:
    """What to do with a keyed request: run it, replay the stored answer, or refuse it."""

    outcome: Literal["run", "replay", "reused", "busy"]
    record: IdempotentRequest


def idempotency_claim(*, user: Any, key: str, fingerprint: str, method: str, path: str) -> Claim:
    """Claim ``key`` for this request, or say why not. Committed at once (outside the
    operation's transaction), so a parallel request with the same key sees the claim."""
    now = timezone.now()
    with transaction.atomic():
        IdempotentRequest.objects.filter(user=user, created_at__lte=now - TTL).delete()
        record, created = IdempotentRequest.objects.get_or_create(
            user=user,
            key=key,
            defaults={
                "method": method,
                "path": path[:2000],
                "fingerprint": fingerprint,
                "created_at": now,
                "claimed_at": now,
            },
        )
    if created:
        return Claim("run", record)
    if record.fingerprint != fingerprint:
        return Claim("reused", record)
    if record.status_code is not None:
        return Claim("replay", record)
    if record.claimed_at <= now - CLAIM_TIMEOUT:  # the first attempt died: take over
        taken = IdempotentRequest.objects.filter(
            pk=record.pk, status_code__isnull=True, claimed_at=record.claimed_at
        ).update(claimed_at=now)
        if taken:
            record.claimed_at = now
            return Claim("run", record)
    return Claim("busy", record)


def _cipher() -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(
        hashlib.sha256(b"cmepath.core.idempotency:" + str(settings.SECRET_KEY).encode()).digest()
    )


def _aad(record: IdempotentRequest) -> bytes:
    # Binds a stored answer to its user, key and request: rows cannot be swapped.
    return f"{record.user_id}\n{record.key}\n{record.fingerprint}".encode()


def idempotency_complete(*, record: IdempotentRequest, response: HttpResponse) -> None:
    """Store a successful answer (encrypted) for replay; a taken-over claim is left alone."""
    nonce = os.urandom(12)
    sealed = nonce + _cipher().encrypt(nonce, response.content, _aad(record))
    IdempotentRequest.objects.filter(
        pk=record.pk, status_code__isnull=True, claimed_at=record.claimed_at
    ).update(
        status_code=response.status_code,
        content_type=response.get("Content-Type", "")[:200],
        body=sealed,
    )


def idempotency_release(*, record: IdempotentRequest) -> None:
    """Drop a claim whose attempt failed, so the same request may be sent again."""
    IdempotentRequest.objects.filter(
        pk=record.pk, status_code__isnull=True, claimed_at=record.claimed_at
    ).delete()


def replay_response(record: IdempotentRequest) -> HttpResponse:
    from cryptography.exceptions import InvalidTag

    sealed = bytes(record.body)
    try:
        body = _cipher().decrypt(sealed[:12], sealed[12:], _aad(record))
    except (InvalidTag, ValueError):
        # The server secret changed since: the answer is lost, the write is not.
        return _error(
            409,
            ErrorCode.ANSWER_LOST,
            "This request was already done, but its answer can no longer be shown; "
            "check the result (list the collection) before sending it again with a new key.",
        )
    response = HttpResponse(body, status=record.status_code, content_type=record.content_type)
    response[REPLAYED_HEADER] = "true"
    return response


def _error(status: int, code: str, message: str) -> HttpResponse:
    body = {"code": code, "message": message, "errors": {HEADER: [message]}}
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def _api_user(request: HttpRequest) -> Any:
    """The user the API's authenticators accept for this request (in their order), or None."""
    from cmepath.api import api

    authenticators = api.auth if isinstance(api.auth, list | tuple) else []
    for authenticate in authenticators:
        try:
            user = authenticate(request)
        except Exception:  # e.g. a failed CSRF check: the API refuses the request itself
            return None
        if user:
            return user
    return None


class IdempotencyMiddleware:
    """Applies ``Idempotency-Key`` to POSTs under ``/api/v1/`` (see the module docstring)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Method and path first: ``request.headers`` builds a dict of every header on first
        # use, work a page (a GET, or a POST outside the API) has no need of.
        if request.method != "POST" or not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        key = request.headers.get(HEADER)
        if key is None:
            return self.get_response(request)
        user = _api_user(request)
        if user is None:
            return self.get_response(request)  # 401/403 from the API
        problem = key_problem(key)
        if problem:
            return _error(422, ErrorCode.KEY_INVALID, problem)
        fingerprint = request_fingerprint(request)
        if fingerprint is None:
            return self.get_response(request)
        claim = idempotency_claim(
            user=user,
            key=key,
            fingerprint=fingerprint,
            method="POST",
            path=request.get_full_path_info(),
        )
        if claim.outcome == "replay":
            return replay_response(claim.record)
        if claim.outcome == "reused":
            return _error(
                422,
                ErrorCode.KEY_REUSED,
                f"This {HEADER} was already used for a different request "
                f"({claim.record.method} {claim.record.path}); use a new key for a new request.",
            )
        if claim.outcome == "busy":
            response = _error(
                409,
                ErrorCode.IN_PROGRESS,
                f"A request with this {HEADER} is still being processed; retry in a moment "
                "to get its answer.",
            )
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        try:
            response = self.get_response(request)
        except BaseException:
            idempotency_release(record=claim.record)
            raise
        if 200 <= response.status_code < 300 and isinstance(response, HttpResponse):
            idempotency_complete(record=claim.record, response=response)
        else:
            idempotency_release(record=claim.record)
        return response
