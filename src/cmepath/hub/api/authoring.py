"""Authoring for approved experts: create, change, references, submit for review, correct
a published article.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Status
from pydantic import Field

from cmepath.core.api import actor
from cmepath.core.schemas import StrictSchema as Strict
from cmepath.hub import services
from cmepath.hub.api._common import _article_for, router
from cmepath.hub.api.articles import ArticleOut, CorrectionOut, ReferenceOut, _fresh, _reference


class ReferenceIn(Strict):
    kind: Literal["doi", "pmid", "url"]
    identifier: str = Field(..., min_length=1, max_length=300)
    title: str = Field(..., min_length=1, max_length=400)
    journal: str = Field("", max_length=200)
    year: int | None = None


class _ArticleFields(Strict):
    article_type: Literal["clinical_guide", "research_summary", "career_guide"] | None = None
    title: str | None = Field(None, max_length=200)
    summary: str | None = Field(None, max_length=600)
    body: str | None = Field(None, max_length=100_000)
    topics: list[str] | None = Field(None, max_length=50)
    specialties: list[str] | None = Field(None, max_length=50)
    professions: list[str] | None = Field(None, max_length=20)


class ArticleIn(_ArticleFields):
    article_type: Literal["clinical_guide", "research_summary", "career_guide"]
    title: str = Field(..., min_length=1, max_length=200)
    summary: str = Field(..., min_length=1, max_length=600)
    body: str = Field(..., min_length=1, max_length=100_000)
    references: list[ReferenceIn] = Field(default_factory=list, max_length=100)


class ArticlePatch(_ArticleFields):
    note: str = Field("", max_length=500, description="What changed (kept with the revision).")
    activity_ids: list[int] | None = Field(
        None, max_length=20, description="Published catalog activities to link (replaces the list)."
    )
    coauthor_emails: list[str] | None = Field(
        None, max_length=10, description="Experts to add as co-authors (by their account email)."
    )


class ReferencesIn(Strict):
    references: list[ReferenceIn] = Field(..., max_length=100)


class CorrectionIn(Strict):
    body: str = Field(..., min_length=1, max_length=100_000)
    note: str = Field(..., min_length=1, max_length=500)


def _refs(payload: list[ReferenceIn]) -> list[dict[str, Any]]:
    return [r.model_dump() for r in payload]


@router.post(
    "/articles",
    response={201: ArticleOut},
    summary="Draft an article with its references (approved experts)",
)
def article_create(request: HttpRequest, payload: ArticleIn) -> Status[dict[str, Any]]:
    from django.db import transaction

    user = actor(request)
    data = payload.model_dump(exclude={"references"}, exclude_none=True)
    with transaction.atomic():
        article = services.article_create(actor=user, data=data)
        if payload.references:
            services.references_set(
                actor=user, article=article, references=_refs(payload.references)
            )
    return Status(201, _fresh(user, article))


@router.patch(
    "/articles/{slug}",
    response=ArticleOut,
    summary="Change a draft (or one with changes requested); a new revision when the text moved",
)
def article_patch(request: HttpRequest, slug: str, payload: ArticlePatch) -> dict[str, Any]:
    user = actor(request)
    article = _article_for(user, slug, "change")
    data = payload.model_dump(exclude_unset=True)
    activity_ids = data.pop("activity_ids", None)
    coauthors = data.pop("coauthor_emails", None)
    with transaction.atomic():
        if set(data) - {"note"}:
            services.article_update(actor=user, article=article, data=data)
        if activity_ids is not None:
            services.article_link_activities(actor=user, article=article, activity_ids=activity_ids)
        for email in coauthors or []:
            services.coauthor_add_by_email(actor=user, article=article, email=email)
    return _fresh(user, article)


@router.put(
    "/articles/{slug}/references",
    response=list[ReferenceOut],
    summary="Replace the numbered references (each DOI, PMID or URL is checked)",
)
def article_references_put(
    request: HttpRequest, slug: str, payload: ReferencesIn
) -> list[dict[str, Any]]:
    user = actor(request)
    article = _article_for(user, slug, "change")
    made = services.references_set(
        actor=user, article=article, references=_refs(payload.references)
    )
    return [_reference(r) for r in made]


@router.post(
    "/articles/{slug}/submit",
    response=ArticleOut,
    summary="Send to review (needs every author's current disclosure and the references)",
)
def article_submit(request: HttpRequest, slug: str) -> dict[str, Any]:
    user = actor(request)
    article = _article_for(user, slug, "submit")
    services.article_submit(actor=user, article=article)
    return _fresh(user, article)


@router.post(
    "/articles/{slug}/corrections",
    response={201: CorrectionOut},
    summary="Publish a correction of a published article (its authors); listed on the page",
)
def article_correct(
    request: HttpRequest, slug: str, payload: CorrectionIn
) -> Status[dict[str, Any]]:
    user = actor(request)
    article = _article_for(user, slug, "correct")
    revision = services.article_correct(
        actor=user, article=article, body=payload.body, note=payload.note
    )
    return Status(
        201, {"number": revision.number, "note": revision.note, "created_at": revision.created_at}
    )
