"""The hub's searchable documents: the ARTICLE doc type and how rows become documents.

Only published articles are indexed (a retracted one keeps its page but leaves search).
Importable without Django set up (the search benchmark uses ``ARTICLE`` alone).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from cmepath.accounts.taxonomy import load_taxonomy
from cmepath.core.progress import Progress, no_progress
from cmepath.core.vocabulary import PROFESSIONS, TOPICS
from cmepath.search.registry import DocSource
from cmepath.search.schema import DocType, SortSpec

if TYPE_CHECKING:
    from .models import Article

PROGRESS_EVERY = 1000
ARTICLE_TYPES = {
    "clinical_guide": "Clinical guide",
    "research_summary": "Research summary",
    "career_guide": "Career guide",
}

ARTICLE = DocType(
    name="article",
    text_fields=("title", "summary", "body", "topic_names", "authors"),
    facet_fields=("article_type", "specialty", "topics", "profession"),
    # published, reviewed: yyyymmdd; newest: published then the article's number, so that
    # articles published on the same day keep one order from run to run (newest first)
    numeric_fields={"published": "int", "reviewed": "int", "newest": "int"},
    stored_fields=("id", "title", "published"),
    single_valued=frozenset({"article_type"}),
    boosts={"title": 3.0, "topic_names": 2.0, "summary": 1.5, "body": 1.0, "authors": 1.0},
    sorts={"date": SortSpec("newest", descending=True)},
    browse_sort="date",
    facet_labels={
        "article_type": "Type",
        "specialty": "Specialty",
        "topics": "Topic",
        "profession": "For",
    },
    value_labels={
        "article_type": ARTICLE_TYPES,
        "specialty": {code: t.display_name for code, t in load_taxonomy().items()},
        "topics": {k: t.label for k, t in TOPICS.items()},
        "profession": {k: t.label for k, t in PROFESSIONS.items()},
    },
)


def _ymd(day: Any) -> int | None:
    return int(day.strftime("%Y%m%d")) if day is not None else None


def article_document(article: Article, authors: Sequence[str] = ()) -> dict[str, Any]:
    """The ARTICLE document of a published article (its published revision's text)."""
    revision = article.published_revision
    return {
        "id": str(article.pk),
        "title": revision.title if revision else article.title,
        "summary": revision.summary if revision else article.summary,
        "body": revision.body if revision else article.body,
        "topic_names": [TOPICS[t].label for t in article.topics if t in TOPICS],
        "authors": list(authors),
        "article_type": article.article_type,
        "specialty": list(article.specialties),
        "topics": list(article.topics),
        "profession": list(article.professions),
        "published": _ymd(article.first_published_on),
        "reviewed": _ymd(article.last_reviewed_on),
        "newest": _newest(article),
    }


#: Article numbers below this keep their order within a day (ten million articles).
_PER_DAY = 10_000_000


def _newest(article: Article) -> int | None:
    """The "newest first" key: the publication day, then the article's number."""
    day = _ymd(article.first_published_on)
    return None if day is None else day * _PER_DAY + article.pk % _PER_DAY


def _searchable() -> Any:
    from .choices import ArticleStatus
    from .models import Article

    return (
        Article.objects.filter(status=ArticleStatus.PUBLISHED)
        .select_related("published_revision")
        .prefetch_related("bylines__user__profile")
    )


def _names(article: Article) -> list[str]:
    out = []
    for byline in article.bylines.all():
        profile = getattr(byline.user, "profile", None)
        out.append(profile.full_name if profile and profile.full_name else "")
    return [n for n in out if n]


def article_documents(progress: Progress = no_progress) -> Iterator[dict[str, Any]]:
    qs = _searchable().order_by("pk")
    total = qs.count()
    for n, article in enumerate(qs.iterator(chunk_size=500), start=1):
        yield article_document(article, _names(article))
        if n % PROGRESS_EVERY == 0 or n == total:
            progress(ARTICLE.name, n, total)


def article_documents_for(ids: Sequence[str]) -> list[dict[str, Any]]:
    pks = [int(i) for i in ids if str(i).isdigit()]
    return [article_document(a, _names(a)) for a in _searchable().filter(pk__in=pks)]


SEARCH_DOCS = (
    DocSource(ARTICLE, documents=article_documents, documents_for=article_documents_for),
)
