"""What the hub operations share: the one router they register on (tagged ``hub``, so
tags and operation order are as when this package was one module), the caller, and loading
an article the caller may act on (404 when they may not see it, 403 with the reason).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from cmepath.core.errors import PermissionDeniedError
from cmepath.hub import selectors
from cmepath.hub.models import Article
from cmepath.hub.policies import ArticlePolicy

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
