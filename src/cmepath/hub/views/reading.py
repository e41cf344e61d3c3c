"""Reading: the hub's search (facets, sorts; htmx swaps only the results), topic pages with
their Atom feed, and the personal reading list with its add/remove button.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cmepath.core.errors import NotFoundError
from cmepath.core.htmx import render_page
from cmepath.core.vocabulary import TOPICS
from cmepath.hub import selectors, services
from cmepath.hub.models import Article, ArticleAuthor
from cmepath.hub.rendering import reading_minutes
from cmepath.hub.search_docs import ARTICLE
from cmepath.hub.views._common import _button
from cmepath.search.selectors import FacetPanel, facet_groups

TOPIC_PAGE_SIZE = 20


def _qs(params: QueryDict, **changes: str | None) -> str:
    """The query string of ``params`` with ``page`` dropped and each change applied."""
    out = params.copy()
    out.pop("page", None)
    for name, value in changes.items():
        out.pop(name, None)
        if value is not None:
            out[name] = value
    return out.urlencode()


def author_names(article: Article) -> list[str]:
    """The byline's names (reads the prefetched bylines with their profiles)."""
    names = []
    for byline in article.bylines.all():
        profile = getattr(byline.user, "profile", None)
        names.append((profile.full_name if profile else "") or "Name not given")
    return names


def article_card(article: Article, today: date) -> dict[str, Any]:
    """What a result card shows besides the row: authors, reading time, review overdue."""
    _, overdue = selectors.review_due(article, on=today)
    return {
        "article": article,
        "authors": author_names(article),
        "minutes": reading_minutes(len(article.body.split())),
        "overdue": overdue,
    }


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    query, page = selectors.article_search(
        actor=request.user, params=request.GET, getlist=request.GET.getlist
    )
    today = selectors.today()
    base = _qs(request.GET)
    context = {
        "query": query,
        "page": page,
        "cards": [article_card(a, today) for a in page.articles],
        "sorts": selectors.SORTS,
        "facet_panel": FacetPanel(
            groups=facet_groups(ARTICLE, page.facets, query.filters, selectors.SEARCH_FACETS),
            css_class="catalog-facets hub-facets",
        ),
        "prev_qs": f"{base}&page={page.page - 1}" if page.page > 1 else None,
        "next_qs": f"{base}&page={page.page + 1}" if page.page < page.pages else None,
    }
    return render_page(request, "hub/index.html", context, partial="hub/partials/results.html")


@require_GET
def topic(request: HttpRequest, topic: str) -> HttpResponse:
    term = TOPICS.get(topic)
    if term is None:
        raise NotFoundError("No such topic. Topics are the shared vocabulary's codes.")
    articles = selectors.topic_articles(topic).prefetch_related(
        Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("user__profile"))
    )
    page = Paginator(articles, TOPIC_PAGE_SIZE).get_page(request.GET.get("page"))
    today = selectors.today()
    return render_page(
        request,
        "hub/topic.html",
        {
            "topic": term,
            "page": page,
            "cards": [article_card(a, today) for a in page.object_list],
            "feed_url": request.build_absolute_uri(reverse("hub:feed", args=[topic])),
        },
    )


@login_required
@require_GET
def reading_list(request: HttpRequest) -> HttpResponse:
    items = list(
        selectors.reading_list_for(actor=request.user).prefetch_related(
            Prefetch(
                "article__bylines", queryset=ArticleAuthor.objects.select_related("user__profile")
            )
        )
    )
    today = selectors.today()
    return render_page(
        request,
        "hub/reading_list.html",
        {"items": [{"item": i, **article_card(i.article, today)} for i in items]},
    )


@login_required
@require_POST
def reading_toggle(request: HttpRequest, slug: str) -> HttpResponse:
    """Add an article to the reading list, or take it off (``action`` = add | remove)."""
    article = selectors.article_detail(actor=request.user, slug=slug)
    fallback = reverse("hub:article", args=[article.slug])
    if request.POST.get("action") == "remove":
        return _button(
            request,
            lambda: services.reading_list_remove(actor=request.user, article=article),
            success=f"“{article.title}” is off your reading list.",
            fallback=fallback,
        )
    return _button(
        request,
        lambda: services.reading_list_add(actor=request.user, article=article),
        success=f"“{article.title}” is on your reading list.",
        fallback=fallback,
    )
