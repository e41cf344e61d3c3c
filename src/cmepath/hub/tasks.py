"""Background work of the hub: keep the article index in step with committed rows."""

from __future__ import annotations

from django_tasks import task


@task()
def index_articles(article_ids: list[int]) -> int:
    from .services import article_index_update

    return article_index_update(ids=article_ids)
