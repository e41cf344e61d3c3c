"""The article page (the sanitized body, numbered references, authors with their
disclosures, reviewer, dates, corrections, related CME, the reading-list button and the
authors' and editors' actions), the revision list and the side-by-side diff.

``_article_page`` builds the page for every view that lands on it: a refused submit,
approval or publication, or a comment form with an error, re-renders it with the message
and the error's status.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from cmepath.core.errors import NotFoundError, PermissionDeniedError
from cmepath.core.htmx import render_page
from cmepath.core.vocabulary import PROFESSIONS, TOPICS
from cmepath.hub import selectors
from cmepath.hub.choices import TRANSITIONS, ArticleStatus
from cmepath.hub.diff import side_by_side
from cmepath.hub.forms import CommentForm, CorrectForm, RequestChangesForm, RetractForm
from cmepath.hub.models import Article, Reference
from cmepath.hub.policies import PUBLIC, is_editor
from cmepath.hub.references import ReferenceError, format_reference, reference_url
from cmepath.hub.rendering import Rendered, reading_minutes, reference_anchor, render_markdown
from cmepath.hub.views._common import _ARTICLES, _is_author

#: Statuses in which editors comment on an article.
COMMENTABLE = (ArticleStatus.REVIEW, ArticleStatus.CHANGES, ArticleStatus.APPROVED)


def _text_of(article: Article) -> tuple[str, str, str]:
    """Title, summary and body readers see: the published revision's once published (or
    retracted), the working copy while it is a draft or in review."""
    revision = article.published_revision
    if article.status in PUBLIC and revision is not None:
        return revision.title, revision.summary, revision.body
    return article.title, article.summary, article.body


def _body_html(rendered: Rendered) -> SafeString:
    """The one place the hub marks HTML safe. Reviewed: ``render_markdown`` renders with the
    ``js-default`` preset (raw HTML off) and passes the result through nh3's allow-list (no
    script, handler, style, iframe, SVG or foreign URL scheme survives); tests/hub feed it
    an XSS corpus. Nothing else is inserted into it."""
    return mark_safe(rendered.html)  # noqa: S308  # nosec B308 B703  # nosemgrep: cmepath-mark-safe-variable


def _references(refs: Sequence[Reference]) -> list[dict[str, Any]]:
    """Each reference with its anchor (``ref-n``, the in-text markers' target), its
    Vancouver-like line and its link (none when a stored identifier no longer parses)."""
    out = []
    for ref in refs:
        try:
            url = reference_url(ref.kind, ref.identifier)
        except ReferenceError:
            url = ""
        out.append(
            {
                "anchor": reference_anchor(ref.position),
                "position": ref.position,
                "text": format_reference(
                    ref.position, ref.kind, ref.identifier, ref.title, ref.journal, ref.year
                ),
                "url": url,
            }
        )
    return out


def _labels(codes: Sequence[str], terms: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(c, terms[c].label) for c in codes if c in terms]


def _approved_on(events: Sequence[Any]) -> date | None:
    """When the editor approved the text now shown (the last approval in the history)."""
    approvals = [e.at.date() for e in events if e.status == ArticleStatus.APPROVED]
    return approvals[-1] if approvals else None


def _article_page(
    request: HttpRequest,
    article: Article,
    *,
    status: int = 200,
    problems: Sequence[str] = (),
    forms: Mapping[str, Any] | None = None,
) -> HttpResponse:
    user = request.user
    signed_in = bool(user.is_authenticated)
    title, summary, body = _text_of(article)
    refs = list(article.references.all())
    rendered = render_markdown(body, references=[r.position for r in refs])
    author = _is_author(user, article)
    can_change = signed_in and _ARTICLES.allows(user, "change", article)
    can_correct = signed_in and _ARTICLES.allows(user, "correct", article)
    can_review = signed_in and _ARTICLES.allows(user, "review", article)
    insider = author or (signed_in and is_editor(user))
    events = list(article.events.select_related("actor__profile"))
    due, overdue = selectors.review_due(article)
    given = forms or {}
    context = {
        "article": article,
        "title": title,
        "summary": summary,
        "body_html": _body_html(rendered),
        "headings": rendered.headings,
        "minutes": reading_minutes(rendered.words),
        "references": _references(refs),
        "authors": selectors.authors_of(article),
        "reviewer": article.reviewer,
        "approved_on": _approved_on(events),
        "review_due": due,
        "review_overdue": overdue,
        "corrections": list(selectors.corrections(article)),
        "related_cme": selectors.related_cme(article) if article.status in PUBLIC else [],
        "topics": _labels(article.topics, TOPICS),
        "professions": _labels(article.professions, PROFESSIONS),
        "public": article.status in PUBLIC,
        "in_reading_list": signed_in and article.pk in selectors.reading_list_ids(actor=user),
        "problems": list(problems),
        "insider": insider,
        "events": events if insider else [],
        "comments": list(article.comments.select_related("reviewer__profile")) if insider else [],
        "can_edit": can_change,
        "can_submit": can_change and article.status in TRANSITIONS["submit"],
        "can_correct": can_correct,
        "correct_form": given.get("correct")
        or (CorrectForm(initial={"body": article.body}) if can_correct else None),
        "can_comment": can_review and article.status in COMMENTABLE,
        "comment_form": given.get("comment") or CommentForm(),
        "can_decide": can_review and article.status in TRANSITIONS["approve"],
        "changes_form": given.get("changes") or RequestChangesForm(),
        "can_publish": can_review and article.status in TRANSITIONS["publish"],
        "can_retract": can_review and article.status in TRANSITIONS["retract"],
        "retract_form": given.get("retract") or RetractForm(),
        "open_form": next(iter(given), ""),
    }
    return render_page(request, "hub/article.html", context, status=status)


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.article_detail(actor=request.user, slug=slug)
    return _article_page(request, article)


def _insider_only(request: HttpRequest, article: Article) -> None:
    """Revisions are for the authors, the editors and the administrators."""
    if not (_is_author(request.user, article) or is_editor(request.user)):
        raise PermissionDeniedError(
            "The revision history is for the authors and the editors. Corrections of a "
            "published article are listed on its page, each with what it changed."
        )


@login_required
@require_GET
def revisions(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.article_detail(actor=request.user, slug=slug)
    _insider_only(request, article)
    rows = list(selectors.revisions(article))
    return render_page(
        request,
        "hub/revisions.html",
        {
            "article": article,
            "revisions": rows,
            "published_number": article.published_revision.number
            if article.published_revision
            else None,
        },
    )


@require_GET
def diff(request: HttpRequest, slug: str, old: int, new: int) -> HttpResponse:
    """Two revisions side by side. Readers of a published article see what each correction
    changed (the correction against the revision before it); everything else is for the
    authors and the editors (others get 404: those revisions are not theirs to see)."""
    article = selectors.article_detail(actor=request.user, slug=slug)
    before, after = selectors.revision_pair(article, old, new)
    insider = _is_author(request.user, article) or is_editor(request.user)
    public_correction = (
        article.status in PUBLIC and after.is_correction and before.number == after.number - 1
    )
    if not (insider or public_correction):
        raise NotFoundError("No such revision.")
    rows = side_by_side(before.body, after.body)
    return render_page(
        request,
        "hub/diff.html",
        {
            "article": article,
            "old": before,
            "new": after,
            "title_changed": before.title != after.title,
            "summary_changed": before.summary != after.summary,
            "rows": rows,
            "changed": sum(1 for r in rows if r.kind != "same"),
            "insider": insider,
        },
    )
