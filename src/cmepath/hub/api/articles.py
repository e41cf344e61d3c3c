"""Published articles: public search and the article page, with the output schemas every
article operation answers with (summary, references, authors and their disclosures,
corrections) and the fresh read after a change.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, QueryDict
from ninja import Query, Schema
from pydantic import BaseModel, Field

from cmepath.core.schemas import FacetCountOut
from cmepath.hub import disclosures, selectors
from cmepath.hub.api._common import _user, router
from cmepath.hub.models import Article, Reference
from cmepath.hub.policies import PUBLIC
from cmepath.hub.references import ReferenceError, format_reference, reference_url
from cmepath.hub.rendering import reading_minutes, reference_anchor, render_markdown


class ArticleListQuery(Schema):
    q: str = Field("", description="Free text; any length or characters (cut at 500).")
    sort: Literal["relevance", "date"] = "relevance"
    page: int = Field(1, ge=1, le=10_000)
    article_type: list[Literal["clinical_guide", "research_summary", "career_guide"]] = Field(
        default_factory=list
    )
    specialty: list[str] = Field(default_factory=list, description="NUCC taxonomy codes.")
    topics: list[str] = Field(default_factory=list, description="Shared vocabulary topic codes.")
    profession: list[str] = Field(default_factory=list)


class ArticleSummaryOut(BaseModel):
    slug: str
    article_type: str
    status: str
    title: str
    summary: str
    authors: list[str]
    topics: list[str]
    specialties: list[str]
    professions: list[str]
    first_published_on: date | None
    last_reviewed_on: date | None
    review_overdue: bool
    reading_minutes: int
    url: str


class ArticleListOut(BaseModel):
    total: int
    page: int
    page_size: int
    pages: int
    message: str | None
    facets: dict[str, list[FacetCountOut]]
    results: list[ArticleSummaryOut]


class ReferenceOut(BaseModel):
    position: int
    anchor: str
    kind: str
    identifier: str
    title: str
    journal: str
    year: int | None
    url: str
    text: str


class CompanyOut(BaseModel):
    company: str
    natures: list[str]


class DisclosureViewOut(BaseModel):
    kind: str
    months: int
    since: date
    as_of: date
    companies: list[CompanyOut]
    mitigated: str
    none_statement: str


class AuthorOut(BaseModel):
    name: str
    verified: bool
    specialties: list[str]
    statement_declared_on: date | None
    mitigation: str
    accme: DisclosureViewOut
    icmje: DisclosureViewOut


class CorrectionOut(BaseModel):
    number: int
    note: str
    created_at: datetime


class ArticleOut(BaseModel):
    slug: str
    article_type: str
    status: str
    title: str
    summary: str
    body: str
    html: str
    reading_minutes: int
    topics: list[str]
    specialties: list[str]
    professions: list[str]
    references: list[ReferenceOut]
    authors: list[AuthorOut]
    reviewer: str | None
    first_published_on: date | None
    last_reviewed_on: date | None
    review_due: date | None
    review_overdue: bool
    retracted_on: date | None
    retraction_reason: str
    corrections: list[CorrectionOut]


def _names(article: Article) -> list[str]:
    names = []
    for byline in article.bylines.all():
        profile = getattr(byline.user, "profile", None)
        names.append((profile.full_name if profile else "") or "Name not given")
    return names


def _summary(article: Article) -> dict[str, Any]:
    from django.urls import reverse

    _, overdue = selectors.review_due(article)
    return {
        "slug": article.slug,
        "article_type": article.article_type,
        "status": article.status,
        "title": article.title,
        "summary": article.summary,
        "authors": _names(article),
        "topics": article.topics,
        "specialties": article.specialties,
        "professions": article.professions,
        "first_published_on": article.first_published_on,
        "last_reviewed_on": article.last_reviewed_on,
        "review_overdue": overdue,
        "reading_minutes": reading_minutes(len(article.body.split())),
        "url": reverse("hub:article", args=[article.slug]),
    }


def _reference(ref: Reference) -> dict[str, Any]:
    try:
        url = reference_url(ref.kind, ref.identifier)
    except ReferenceError:
        url = ""
    return {
        "position": ref.position,
        "anchor": reference_anchor(ref.position),
        "kind": ref.kind,
        "identifier": ref.identifier,
        "title": ref.title,
        "journal": ref.journal,
        "year": ref.year,
        "url": url,
        "text": format_reference(
            ref.position, ref.kind, ref.identifier, ref.title, ref.journal, ref.year
        ),
    }


def _view(view: disclosures.DisclosureView) -> dict[str, Any]:
    return {
        "kind": view.kind,
        "months": view.months,
        "since": view.since,
        "as_of": view.as_of,
        "companies": [
            {
                "company": c.company,
                "natures": [
                    f"{n.label} ({n.paid_to})" if n.paid_to else n.label for n in c.natures
                ],
            }
            for c in view.companies
        ],
        "mitigated": view.mitigated,
        "none_statement": view.none_statement,
    }


def _detail(article: Article) -> dict[str, Any]:
    revision = article.published_revision
    public = article.status in PUBLIC and revision is not None
    title = revision.title if public and revision else article.title
    summary = revision.summary if public and revision else article.summary
    body = revision.body if public and revision else article.body
    refs = list(article.references.all())
    rendered = render_markdown(body, references=[r.position for r in refs])
    due, overdue = selectors.review_due(article)
    reviewer = article.reviewer
    reviewer_profile = getattr(reviewer, "profile", None) if reviewer else None
    return {
        "slug": article.slug,
        "article_type": article.article_type,
        "status": article.status,
        "title": title,
        "summary": summary,
        "body": body,
        "html": rendered.html,
        "reading_minutes": reading_minutes(rendered.words),
        "topics": article.topics,
        "specialties": article.specialties,
        "professions": article.professions,
        "references": [_reference(r) for r in refs],
        "authors": [
            {
                "name": a.name,
                "verified": a.verified,
                "specialties": list(a.specialties),
                "statement_declared_on": a.statement.declared_on if a.statement else None,
                "mitigation": a.statement.mitigation if a.statement else "",
                "accme": _view(a.accme),
                "icmje": _view(a.icmje),
            }
            for a in selectors.authors_of(article)
        ],
        "reviewer": ((reviewer_profile.full_name if reviewer_profile else "") or "An editor")
        if reviewer
        else None,
        "first_published_on": article.first_published_on,
        "last_reviewed_on": article.last_reviewed_on,
        "review_due": due,
        "review_overdue": overdue,
        "retracted_on": article.retracted_on,
        "retraction_reason": article.retraction_reason,
        "corrections": [
            {"number": c.number, "note": c.note, "created_at": c.created_at}
            for c in selectors.corrections(article)
        ],
    }


def _fresh(user: Any, article: Article) -> dict[str, Any]:
    """The article as it is now (re-read after a write, with its prefetches)."""
    return _detail(selectors.article_detail(actor=user, slug=article.slug))


@router.get(
    "/articles",
    response=ArticleListOut,
    auth=None,
    summary="Search published articles: text, facets (type, specialty, topic, profession), sorts",
)
def article_list(request: HttpRequest, params: Query[ArticleListQuery]) -> dict[str, Any]:
    qd = QueryDict(mutable=True)
    for key, value in params.model_dump().items():
        if isinstance(value, list):
            qd.setlist(key, [str(v) for v in value])
        elif value not in (None, ""):
            qd[key] = str(value)
    _, page = selectors.article_search(actor=_user(request), params=qd, getlist=qd.getlist)
    return {
        "total": page.total,
        "page": page.page,
        "page_size": page.page_size,
        "pages": page.pages,
        "message": page.message,
        "facets": {
            name: [{"value": v, "count": c} for v, c in pairs]
            for name, pairs in page.facets.items()
        },
        "results": [_summary(a) for a in page.articles],
    }


@router.get(
    "/articles/{slug}",
    response=ArticleOut,
    auth=None,
    summary="One article: sanitized HTML, references, authors with their ACCME disclosure view, "
    "reviewer, dates, corrections (published and retracted ones are public)",
)
def article_get(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _detail(selectors.article_detail(actor=_user(request), slug=slug))
