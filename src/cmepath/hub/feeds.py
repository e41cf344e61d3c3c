"""Atom feeds of published articles: all of them, and one per topic. Each entry carries the
summary only (the text stays on the page, with its references and disclosures); links are
absolute (Django's syndication framework adds the request's host).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from cmepath.core.vocabulary import TOPICS, Term

from . import selectors
from .models import Article

AUTHOR = "cmepath knowledge hub"


def _midnight(day: Any) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day is not None else None


class AllArticlesFeed(Feed):  # type: ignore[type-arg]
    """The newest published articles of every topic."""

    feed_type = Atom1Feed
    author_name = AUTHOR

    def title(self, obj: Term | None) -> str:
        return "cmepath knowledge hub: new articles"

    def subtitle(self, obj: Term | None) -> str:
        return (
            "Clinical guides and research summaries by verified experts, with their "
            "disclosures and an editor's review."
        )

    def link(self, obj: Term | None) -> str:
        return reverse("hub:index")

    def feed_url(self, obj: Term | None) -> str:
        return reverse("hub:feed_all")

    def items(self, obj: Term | None) -> list[Article]:
        return selectors.feed_articles(topic=obj.code if obj else None)

    def item_title(self, item: Article) -> str:
        revision = item.published_revision
        return revision.title if revision else item.title

    def item_description(self, item: Article) -> str:
        revision = item.published_revision
        return revision.summary if revision else item.summary

    def item_link(self, item: Article) -> str:
        return reverse("hub:article", args=[item.slug])

    def item_pubdate(self, item: Article) -> datetime | None:
        return _midnight(item.first_published_on)

    def item_updateddate(self, item: Article) -> datetime | None:
        revision = item.published_revision
        return revision.created_at if revision else _midnight(item.first_published_on)

    def item_categories(self, item: Article) -> list[str]:
        return [TOPICS[t].label for t in item.topics if t in TOPICS]


class TopicFeed(AllArticlesFeed):
    """The newest published articles of one topic (unknown topic: 404)."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Term:
        term = TOPICS.get(kwargs.get("topic", ""))
        if term is None:
            raise Http404("No such topic.")
        return term

    def title(self, obj: Term | None) -> str:
        return f"cmepath knowledge hub: {obj.label if obj else 'new articles'}"

    def link(self, obj: Term | None) -> str:
        return reverse("hub:topic", args=[obj.code]) if obj else reverse("hub:index")

    def feed_url(self, obj: Term | None) -> str:
        return reverse("hub:feed", args=[obj.code]) if obj else reverse("hub:feed_all")
