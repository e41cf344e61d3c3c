"""The signed-in clinician's reading list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Status
from pydantic import BaseModel

from cmepath.core.api import actor
from cmepath.hub import selectors, services
from cmepath.hub.api._common import router


class ReadingListItemOut(BaseModel):
    slug: str
    title: str
    article_type: str
    status: str
    added_at: datetime


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
