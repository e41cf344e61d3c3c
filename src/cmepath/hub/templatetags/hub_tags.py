"""Display helpers of the hub pages: labels for codes, status badge colours, and the
"Related reading" card the catalog's activity page includes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from cmepath.accounts import taxonomy
from cmepath.core.vocabulary import PROFESSIONS, TOPICS
from cmepath.hub import selectors
from cmepath.hub.choices import ArticleStatus

register = template.Library()

_STATUS_CLASS = {
    ArticleStatus.DRAFT: "",
    ArticleStatus.REVIEW: "warn",
    ArticleStatus.CHANGES: "warn",
    ArticleStatus.APPROVED: "ok",
    ArticleStatus.PUBLISHED: "ok",
    ArticleStatus.RETRACTED: "bad",
}


@register.filter
def article_status_class(status: str) -> str:
    """The badge colour of an article status (the word is always shown with it)."""
    return _STATUS_CLASS.get(status, "")  # type: ignore[call-overload, no-any-return]


@register.filter
def topic_label(code: str) -> str:
    term = TOPICS.get(code)
    return term.label if term else code


@register.filter
def profession_labels(codes: Iterable[str]) -> str:
    return ", ".join(PROFESSIONS[c].label if c in PROFESSIONS else c for c in codes or ())


@register.filter
def specialty_labels(codes: Iterable[str]) -> str:
    names = []
    for code in codes or ():
        term = taxonomy.get(code)
        names.append(term.display_name if term else code)
    return ", ".join(names)


@register.inclusion_tag("hub/partials/related_reading.html")
def related_reading(activity: Any) -> dict[str, Any]:
    """Up to three published articles sharing the activity's topics (none: no card)."""
    return {"articles": selectors.related_reading(topics=list(activity.topics or ()))}


@register.filter
def person_name(user: Any) -> str:
    """A user's name as readers see it (their profile's), never their e-mail; a step
    taken by no one (a task, a data load) is cmepath's."""
    if user is None:
        return "cmepath"
    profile = getattr(user, "profile", None)
    return (profile.full_name if profile else "") or "Name not given"
