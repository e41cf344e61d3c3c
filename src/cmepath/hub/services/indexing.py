"""Keeping the article index in step with the database (after commit, by the index task)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction

from cmepath.core.progress import Progress, no_progress
from cmepath.hub.search_docs import ARTICLE
from cmepath.search.services import search_index_rebuild, search_index_update


def index_on_commit(ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        transaction.on_commit(partial(_enqueue, ids))


def _enqueue(ids: list[int]) -> None:
    from cmepath.hub.tasks import index_articles

    index_articles.enqueue(ids)


def article_index_update(*, ids: Iterable[int]) -> int:
    return search_index_update(doc_type=ARTICLE.name, ids=ids)


def article_index_rebuild(*, progress: Progress = no_progress) -> int:
    return search_index_rebuild(doc_type=ARTICLE.name, progress=progress)[ARTICLE.name]
