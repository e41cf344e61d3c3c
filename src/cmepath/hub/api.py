"""API operations of the knowledge hub: published articles (public search and detail),
authoring for approved experts, the editorial workflow for editors, reading lists,
disclosures and expert approval.

Reading published and retracted articles is public (``auth=None``). Writes need a session
or a token and go through the policies: an article the caller may not see answers 404, one
they see but may not act on 403 (an editor on their own article, an author approving).
Refusals carry their reason (``no_disclosure``, ``no_references``, ``bad_reference``...).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest, QueryDict
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field

from cmepath.core.api import actor
from cmepath.core.errors import PermissionDeniedError, ValidationError
from cmepath.core.schemas import FacetCountOut, IsoDate
from cmepath.core.schemas import StrictSchema as Strict

from . import disclosures, selectors, services
from .models import Article, Disclosure, DisclosureStatement, Reference
from .policies import PUBLIC, ArticlePolicy, can_approve_experts
from .references import ReferenceError, format_reference, reference_url
from .rendering import reading_minutes, reference_anchor, render_markdown

router = Router(tags=["hub"])

_REFUSED = {
    "change": "Only the authors change an article, and only while it is a draft or has changes requested.",
    "submit": "Only the authors submit an article, and only while it is a draft or has changes requested.",
    "correct": "Only the authors correct an article, and only once it is published.",
    "review": "Editors review articles, but never one they wrote or co-wrote.",
    "publish": "Editors publish articles, but never one they wrote or co-wrote.",
    "retract": "Editors retract articles, but never one they wrote or co-wrote.",
}


def _user(request: HttpRequest) -> Any:
    """The caller of a public operation (``auth=None``): a token or session user, or the
    anonymous user (``actor()`` is for authenticated operations only)."""
    return getattr(request, "auth", None) or getattr(request, "user", None)


def _article_for(user: Any, slug: str, action: str) -> Article:
    """An article the caller may see (404 otherwise) and take ``action`` on (403)."""
    article = selectors.article_detail(actor=user, slug=slug)
    if not ArticlePolicy().allows(user, action, article):
        raise PermissionDeniedError(_REFUSED[action])
    return article


# ------------------------------------------------------------------ schemas


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


class NoteIn(Strict):
    note: str = Field(..., min_length=1, max_length=900)


class RetractIn(Strict):
    reason: str = Field(..., min_length=1, max_length=1000)


class CorrectionIn(Strict):
    body: str = Field(..., min_length=1, max_length=100_000)
    note: str = Field(..., min_length=1, max_length=500)


class CommentIn(Strict):
    body: str = Field(..., min_length=1, max_length=4000)
    quote: str = Field("", max_length=500)


class CommentOut(BaseModel):
    id: int
    revision: int
    quote: str
    body: str
    created_at: datetime


class ReadingListItemOut(BaseModel):
    slug: str
    title: str
    article_type: str
    status: str
    added_at: datetime


class DisclosureIn(Strict):
    company: str = Field(..., min_length=1, max_length=200)
    nature: str = Field(..., max_length=16, description="employee, researcher, consultant, ...")
    start_date: IsoDate
    end_date: IsoDate | None = None
    ineligible: bool = True
    paid_to: Literal["author", "institution"] = "author"


class DisclosureOut(BaseModel):
    id: int
    company: str
    ineligible: bool
    nature: str
    paid_to: str
    start_date: date
    end_date: date | None


class StatementIn(Strict):
    none_to_disclose: bool
    mitigation: str = Field("", max_length=4000)


class StatementOut(BaseModel):
    id: int
    declared_on: date
    none_to_disclose: bool
    mitigation: str


class MyDisclosuresOut(BaseModel):
    relationships: list[DisclosureOut]
    statement: StatementOut | None
    statement_current: bool
    accme: DisclosureViewOut
    icmje: DisclosureViewOut


class ExpertIn(Strict):
    email: str = Field(..., min_length=3, max_length=254)
    specialties: list[str] = Field(..., min_length=1, max_length=20)
    bio: str = Field("", max_length=500)


class ExpertOut(BaseModel):
    email: str
    specialties: list[str]
    approved_at: datetime


# ------------------------------------------------------------------ helpers


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


def _refs(payload: list[ReferenceIn]) -> list[dict[str, Any]]:
    return [r.model_dump() for r in payload]


def _disclosure(d: Disclosure) -> dict[str, Any]:
    return {
        "id": d.pk,
        "company": d.company,
        "ineligible": d.ineligible,
        "nature": d.nature,
        "paid_to": d.paid_to,
        "start_date": d.start_date,
        "end_date": d.end_date,
    }


def _statement(s: DisclosureStatement) -> dict[str, Any]:
    return {
        "id": s.pk,
        "declared_on": s.declared_on,
        "none_to_disclose": s.none_to_disclose,
        "mitigation": s.mitigation,
    }


# ------------------------------------------------------------------ reading


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


# ------------------------------------------------------------------ authoring


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


# ------------------------------------------------------------------ editorial workflow


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


# ------------------------------------------------------------------ reading list


def _item(item: Any) -> dict[str, Any]:
    return {
        "slug": item.article.slug,
        "title": item.article.title,
        "article_type": item.article.article_type,
        "status": item.article.status,
        "added_at": item.added_at,
    }


@router.get("/me/reading-list", response=list[ReadingListItemOut], summary="My reading list")
def hub_reading_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_item(i) for i in selectors.reading_list_for(actor=actor(request))]


@router.put(
    "/me/reading-list/{slug}",
    response=ReadingListItemOut,
    summary="Put an article on my reading list (again is fine)",
)
def hub_reading_list_add(request: HttpRequest, slug: str) -> dict[str, Any]:
    user = actor(request)
    article = selectors.article_detail(actor=user, slug=slug)
    item = services.reading_list_add(actor=user, article=article)
    item.article = article
    return _item(item)


@router.delete(
    "/me/reading-list/{slug}",
    response={204: None},
    summary="Take an article off my reading list",
)
def hub_reading_list_remove(request: HttpRequest, slug: str) -> Status[None]:
    user = actor(request)
    article = selectors.article_detail(actor=user, slug=slug)
    services.reading_list_remove(actor=user, article=article)
    return Status(204, None)


# ------------------------------------------------------------------ disclosures and experts


@router.get(
    "/me/disclosures",
    response=MyDisclosuresOut,
    summary="My relationship rows, my latest statement, and the ACCME and ICMJE views readers get",
)
def hub_disclosure_list(request: HttpRequest) -> dict[str, Any]:
    user = actor(request)
    today = selectors.today()
    rows = list(selectors.disclosures_for(actor=user))
    latest = selectors.statements_for(actor=user).first()
    plain = selectors.relationships(rows)
    return {
        "relationships": [_disclosure(d) for d in rows],
        "statement": _statement(latest) if latest else None,
        "statement_current": disclosures.statement_current(
            disclosures.Statement(latest.declared_on, latest.none_to_disclose, latest.mitigation)
            if latest
            else None,
            today,
        ),
        "accme": _view(disclosures.accme_view(plain, as_of=today)),
        "icmje": _view(disclosures.icmje_view(plain, as_of=today)),
    }


@router.post(
    "/me/disclosures",
    response={201: DisclosureOut},
    summary="Record a financial relationship (ACCME Standard 3 terms: no minimum amount)",
)
def hub_disclosure_add(request: HttpRequest, payload: DisclosureIn) -> Status[dict[str, Any]]:
    user = actor(request)
    row = services.disclosure_add(actor=user, **payload.model_dump())
    return Status(201, _disclosure(row))


@router.post(
    "/me/disclosure-statements",
    response={201: StatementOut},
    summary="Declare that my rows are all my relationships of the last 24 months (or none)",
)
def hub_statement_declare(request: HttpRequest, payload: StatementIn) -> Status[dict[str, Any]]:
    user = actor(request)
    statement = services.statement_declare(
        actor=user, none_to_disclose=payload.none_to_disclose, mitigation=payload.mitigation
    )
    return Status(201, _statement(statement))


@router.post(
    "/hub/experts",
    response={201: ExpertOut},
    summary="Approve a verified clinician as an expert author in named specialties (editors)",
)
def hub_expert_approve(request: HttpRequest, payload: ExpertIn) -> Status[dict[str, Any]]:
    from cmepath.accounts.selectors import active_user_by_email

    user = actor(request)
    if not can_approve_experts(user):
        raise PermissionDeniedError("Only editors approve experts.")
    clinician = active_user_by_email(payload.email)
    if clinician is None:
        raise ValidationError("No active cmepath account has that e-mail.", field="email")
    expert = services.expert_approve(
        actor=user, user=clinician, specialties=payload.specialties, bio=payload.bio
    )
    return Status(
        201,
        {
            "email": clinician.email,
            "specialties": expert.specialties,
            "approved_at": expert.approved_at,
        },
    )
