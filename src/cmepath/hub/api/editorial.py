"""The editorial workflow for editors: comment, request changes, approve, publish,
retract.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Status
from pydantic import BaseModel, Field

from cmepath.core.api import actor
from cmepath.core.schemas import StrictSchema as Strict
from cmepath.hub import services
from cmepath.hub.api._common import _article_for, router
from cmepath.hub.api.articles import ArticleOut, _fresh


class NoteIn(Strict):
    note: str = Field(..., min_length=1, max_length=900)


class RetractIn(Strict):
    reason: str = Field(..., min_length=1, max_length=1000)


class CommentIn(Strict):
    body: str = Field(..., min_length=1, max_length=4000)
    quote: str = Field("", max_length=500)


class CommentOut(BaseModel):
    id: int
    revision: int
    quote: str
    body: str
    created_at: datetime


@router.post(
    "/articles/{slug}/comments",
    response={201: CommentOut},
    summary="Comment on an article under review (editors, never on their own)",
)
def article_comment(request: HttpRequest, slug: str, payload: CommentIn) -> Status[dict[str, Any]]:
    user = actor(request)
    article = _article_for(user, slug, "review")
    made = services.comment_add(actor=user, article=article, body=payload.body, quote=payload.quote)
    return Status(
        201,
        {
            "id": made.pk,
            "revision": made.revision.number,
            "quote": made.quote,
            "body": made.body,
            "created_at": made.created_at,
        },
    )


@router.post(
    "/articles/{slug}/request-changes",
    response=ArticleOut,
    summary="Send an article in review back to its authors with a note (editors)",
)
def article_request_changes(request: HttpRequest, slug: str, payload: NoteIn) -> dict[str, Any]:
    user = actor(request)
    article = _article_for(user, slug, "review")
    services.article_request_changes(actor=user, article=article, note=payload.note)
    return _fresh(user, article)


@router.post(
    "/articles/{slug}/approve",
    response=ArticleOut,
    summary="Approve an article in review (editors, never their own or a co-author's)",
)
def article_approve(request: HttpRequest, slug: str) -> dict[str, Any]:
    user = actor(request)
    article = _article_for(user, slug, "review")
    services.article_approve(actor=user, article=article)
    return _fresh(user, article)


@router.post(
    "/articles/{slug}/publish", response=ArticleOut, summary="Publish an approved article (editors)"
)
def article_publish(request: HttpRequest, slug: str) -> dict[str, Any]:
    user = actor(request)
    article = _article_for(user, slug, "publish")
    services.article_publish(actor=user, article=article)
    return _fresh(user, article)


@router.post(
    "/articles/{slug}/retract",
    response=ArticleOut,
    summary="Retract a published article with a public reason (editors); the page stays",
)
def article_retract(request: HttpRequest, slug: str, payload: RetractIn) -> dict[str, Any]:
    user = actor(request)
    article = _article_for(user, slug, "retract")
    services.article_retract(actor=user, article=article, reason=payload.reason)
    return _fresh(user, article)
