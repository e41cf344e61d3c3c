"""What the hub pages share: the policies they ask, the role checks (a signed-in user of
another role gets the 403 page saying who the page is for), loading an article the user
may act on (404 when they may not see it, 403 when they may not act), the small button post
(run the service, flash its outcome, go back) and a user's disclosure rows as the plain
values the disclosure views read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from cmepath.core.errors import DomainError, PermissionDeniedError
from cmepath.core.policy import role_of
from cmepath.core.roles import Role
from cmepath.hub import disclosures, selectors
from cmepath.hub.models import Article, Disclosure
from cmepath.hub.policies import ArticlePolicy, DisclosurePolicy, is_editor

_ARTICLES = ArticlePolicy()
_DISCLOSURES = DisclosurePolicy()

_REFUSED = {
    "change": "Only the authors change an article, and only while it is a draft or has changes requested.",
    "submit": "Only the authors submit an article, and only while it is a draft or has changes requested.",
    "correct": "Only the authors correct an article, and only once it is published.",
    "review": "Editors review articles, but never one they wrote or co-wrote.",
    "publish": "Editors publish articles, but never one they wrote or co-wrote.",
    "retract": "Editors retract articles, but never one they wrote or co-wrote.",
}


def _require_role(request: HttpRequest, role: str, what: str) -> None:
    """Signed-in users of another role get the 403 page saying who the page is for."""
    if role_of(request.user) != role:
        raise PermissionDeniedError(f"{what} The account you are signed in with cannot use it.")


def _require_clinician(request: HttpRequest) -> None:
    _require_role(request, Role.CLINICIAN, "This page is for clinicians.")


def _require_editor(request: HttpRequest) -> None:
    if not is_editor(request.user):
        raise PermissionDeniedError(
            "This page is for editors. The account you are signed in with cannot use it."
        )


def _article_for(request: HttpRequest, slug: str, action: str) -> Article:
    """An article the user may see (404 otherwise) and take ``action`` on (403)."""
    article = selectors.article_detail(actor=request.user, slug=slug)
    if not _ARTICLES.allows(request.user, action, article):
        raise PermissionDeniedError(_REFUSED.get(action, "You are not allowed to do that."))
    return article


def _is_author(user: Any, article: Article) -> bool:
    """Whether ``user`` is on the byline (reads the bylines ``article_detail`` prefetched)."""
    return bool(user.is_authenticated) and any(b.user_id == user.pk for b in article.bylines.all())


def _next_or(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the button was on (``next``, same site only), else ``fallback``."""
    nxt = request.POST.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(nxt)
    return redirect(fallback)


def _button(
    request: HttpRequest, action: Callable[[], Any], *, success: str, fallback: str
) -> HttpResponse:
    """A small button post: run the service, flash its outcome, go back."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return _next_or(request, fallback)


def _relationships(rows: Iterable[Disclosure]) -> list[disclosures.Relationship]:
    """Disclosure rows as the plain values ``accme_view`` and ``icmje_view`` read."""
    return selectors.relationships(rows)
