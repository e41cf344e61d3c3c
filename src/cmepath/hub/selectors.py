"""Reads of the knowledge hub: search, the article page (text, references, authors with
their disclosures, reviewer, corrections, review due date), related CME, related reading
for catalog activities, topic pages, reading lists, the editors' queue and revisions."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cmepath.search.backends import search_backend
from cmepath.search.base import Range, SearchQuery
from cmepath.search.selectors import last_page, past_end_note, query_from_params, requested_page

from .choices import REVIEW_EVERY_MONTHS, ArticleStatus
from .models import (
    Article,
    ArticleAuthor,
    ArticleRevision,
    Disclosure,
    DisclosureStatement,
    Expert,
    ReadingListItem,
)
from .policies import EDITORIAL, ArticlePolicy
from .search_docs import ARTICLE

PAGE_SIZE = 20
SEARCH_FACETS = ("article_type", "specialty", "topics", "profession")
SORTS = {"relevance": "Best match", "date": "Newest"}


def today() -> date:
    return timezone.localdate()


# ------------------------------------------------------------------ search


@dataclass(frozen=True, slots=True)
class ArticlePage:
    total: int
    articles: list[Article]
    facets: dict[str, list[tuple[str, int]]]
    message: str | None
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size)) if self.page_size else 1


def _rows(actor: Any, ids: Sequence[int]) -> dict[int, Article]:
    if not ids:
        return {}
    return {
        a.pk: a
        for a in ArticlePolicy()
        .visible(actor, "view")
        .filter(pk__in=ids)
        .prefetch_related(
            Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("user__profile"))
        )
        .order_by()
    }


def article_search(
    *,
    actor: Any,
    params: Mapping[str, Any],
    getlist: Callable[[str], list[Any]] | None = None,
) -> tuple[SearchQuery, ArticlePage]:
    """One page of published articles; never raises (bad values become a message)."""
    page_number, page_note = requested_page(params.get("page"))
    parsed = query_from_params(
        ARTICLE,
        params,
        getlist=getlist,
        facets=SEARCH_FACETS,
        page_size=PAGE_SIZE,
        page=page_number,
    )
    notes = [*parsed.notes, *([page_note] if page_note else [])]
    query = parsed.query
    backend = search_backend(ARTICLE)
    result = backend.search(query)
    last = last_page(result.total, query.page_size)
    if query.page > last:
        notes.append(past_end_note(query.page, last))
        query = dataclasses.replace(query, page=last)
        result = backend.search(query)
    ids = [int(h.id) for h in result.hits if h.id.isdigit()]
    rows = _rows(actor, ids)
    return query, ArticlePage(
        total=result.total,
        articles=[rows[i] for i in ids if i in rows],
        facets=result.facets,
        message=" ".join([*notes, result.message or ""]).strip() or None,
        page=query.page,
        page_size=query.page_size,
    )


# ------------------------------------------------------------------ the article page


def article_detail(*, actor: Any, slug: str) -> Article:
    """An article the actor may read, with what its page shows (404 otherwise)."""
    return (
        ArticlePolicy()
        .visible(actor, "view")
        .select_related("published_revision", "reviewer__profile", "disclosure_statement")
        .prefetch_related(
            Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("user__profile")),
            "references",
        )
        .filter(slug=slug)
        .first()
        or _not_found()
    )


def _not_found() -> Article:
    from cmepath.core.errors import NotFoundError

    raise NotFoundError("No such article.")


@dataclass(frozen=True, slots=True)
class AuthorView:
    name: str
    verified: bool
    specialties: tuple[str, ...]
    accme: Any  # disclosures.DisclosureView
    icmje: Any
    statement: DisclosureStatement | None


def relationships(rows: Iterable[Disclosure]) -> list[Any]:
    """Disclosure rows as the plain ``disclosures.Relationship`` values the ACCME and ICMJE
    views (and the "none to disclose" check) read."""
    from . import disclosures

    return [
        disclosures.Relationship(
            company=d.company,
            ineligible=d.ineligible,
            nature=d.nature,
            nature_label=d.get_nature_display(),
            paid_to=d.paid_to,
            start=d.start_date,
            end=d.end_date,
        )
        for d in rows
    ]


def authors_of(article: Article, *, as_of: date | None = None) -> list[AuthorView]:
    """Each author with the disclosure views built from their dated rows (ACCME: ineligible
    companies, 24 months; ICMJE: 36 months), as of publication (or today for drafts)."""
    from cmepath.accounts import taxonomy

    from . import disclosures

    as_of = as_of or article.first_published_on or today()
    bylines = list(article.bylines.all())
    users = [b.user_id for b in bylines]
    rows: dict[int, list[disclosures.Relationship]] = {u: [] for u in users}
    for d in Disclosure.objects.filter(user_id__in=users):
        rows[d.user_id].extend(relationships([d]))
    statements: dict[int, DisclosureStatement] = {}
    for s in DisclosureStatement.objects.filter(user_id__in=users, declared_on__lte=as_of).order_by(
        "declared_on", "pk"
    ):
        statements[s.user_id] = s
    experts = {e.user_id: e for e in Expert.objects.filter(user_id__in=users)}
    out = []
    for b in bylines:
        profile = getattr(b.user, "profile", None)
        expert = experts.get(b.user_id)
        out.append(
            AuthorView(
                name=(profile.full_name if profile else "") or "Name not given",
                verified=bool(profile and profile.is_verified),
                specialties=tuple(
                    t.display_name
                    for code in (expert.specialties if expert else [])
                    if (t := taxonomy.get(code))
                ),
                accme=disclosures.accme_view(rows[b.user_id], as_of=as_of),
                icmje=disclosures.icmje_view(rows[b.user_id], as_of=as_of),
                statement=statements.get(b.user_id),
            )
        )
    return out


def review_due(article: Article, *, on: date | None = None) -> tuple[date | None, bool]:
    """The date a clinical guide is due for review (24 months after the last review), and
    whether that date has passed."""
    months = REVIEW_EVERY_MONTHS.get(article.article_type)  # type: ignore[call-overload]
    if months is None or article.last_reviewed_on is None:
        return None, False
    last = article.last_reviewed_on
    year, month = divmod(last.month - 1 + months, 12)
    day = min(last.day, 28)
    due = date(last.year + year, month + 1, day)
    return due, due < (on or today())


def corrections(article: Article) -> QuerySet[ArticleRevision]:
    return article.revisions.filter(is_correction=True).order_by("number")


def revisions(article: Article) -> QuerySet[ArticleRevision]:
    return article.revisions.select_related("author__profile").order_by("number")


def revision_pair(article: Article, old: int, new: int) -> tuple[ArticleRevision, ArticleRevision]:
    from cmepath.core.errors import NotFoundError

    found = {r.number: r for r in article.revisions.filter(number__in=[old, new])}
    if old not in found or new not in found:
        raise NotFoundError("No such revision.")
    return found[old], found[new]


def related_cme(article: Article, *, limit: int = 5) -> list[Any]:
    """Accredited CME for the article: its linked activities first, then published
    activities on its topics, ranked by the value score (ended ones left out)."""
    from cmepath.catalog.selectors import activity_search

    linked = list(article.linked_activities.filter(status="published").order_by("-value_score"))
    found = list(linked[:limit])
    if len(found) < limit and article.topics:
        ymd = int(today().strftime("%Y%m%d"))
        page = activity_search(
            actor=None,
            query=SearchQuery(
                filters={"topics": list(article.topics)},
                ranges={"end_date": Range(min=ymd)},
                sort="score",
                page_size=limit + len(found),
            ),
        )
        seen = {a.pk for a in found}
        found += [a for a in page.activities if a.pk not in seen][: limit - len(found)]
    return found


def related_reading(*, topics: Sequence[str], limit: int = 3) -> list[Article]:
    """Published articles on these topics, newest first (the catalog's activity page)."""
    if not topics:
        return []
    result = search_backend(ARTICLE).search(
        SearchQuery(filters={"topics": list(topics)}, sort="date", page_size=limit)
    )
    ids = [int(h.id) for h in result.hits if h.id.isdigit()]
    rows = {a.pk: a for a in Article.objects.filter(pk__in=ids, status=ArticleStatus.PUBLISHED)}
    return [rows[i] for i in ids if i in rows]


def topic_articles(topic: str) -> QuerySet[Article]:
    return (
        Article.objects.filter(status=ArticleStatus.PUBLISHED, topics__contains=[topic])
        if _json_contains_supported()
        else Article.objects.filter(pk__in=_ids_with_topic(topic))
    ).order_by("-first_published_on", "-pk")


def _json_contains_supported() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def _ids_with_topic(topic: str) -> list[int]:
    return [
        pk
        for pk, topics in Article.objects.filter(status=ArticleStatus.PUBLISHED).values_list(
            "pk", "topics"
        )
        if topic in (topics or [])
    ]


def reading_list_for(*, actor: Any) -> QuerySet[ReadingListItem]:
    return ReadingListItem.objects.filter(user=actor).select_related("article")


def reading_list_ids(*, actor: Any) -> set[int]:
    if not getattr(actor, "is_authenticated", False):
        return set()
    return set(ReadingListItem.objects.filter(user=actor).values_list("article_id", flat=True))


def my_articles(*, actor: Any) -> QuerySet[Article]:
    return Article.objects.filter(bylines__user=actor).order_by("-updated_at", "-pk").distinct()


def review_queue(*, actor: Any) -> QuerySet[Article]:
    """Articles an editor can act on: in review or approved, never their own."""
    return (
        ArticlePolicy()
        .visible(actor, "review")
        .filter(status__in=[s for s in EDITORIAL if s != ArticleStatus.PUBLISHED])
        .prefetch_related(
            Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("user__profile"))
        )
        .order_by("updated_at")
    )


def expert_for(*, user: Any) -> Expert | None:
    return Expert.objects.filter(user=user, revoked_at__isnull=True).first()


def disclosures_for(*, actor: Any) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(user=actor).order_by("-start_date", "pk")


def statements_for(*, actor: Any) -> QuerySet[DisclosureStatement]:
    return DisclosureStatement.objects.filter(user=actor).order_by("-declared_on", "-pk")


def feed_articles(*, topic: str | None = None, limit: int = 30) -> list[Article]:
    """Newest published articles (of a topic) for the Atom feed."""
    qs = topic_articles(topic) if topic else Article.objects.filter(status=ArticleStatus.PUBLISHED)
    return list(
        qs.select_related("published_revision").order_by("-first_published_on", "-pk")[:limit]
    )
