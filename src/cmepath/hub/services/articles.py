"""Writes on articles: drafting (append-only revisions), references, co-authors, the
editorial workflow (submit, comment, request changes, approve, publish, correct, retract)
and reading lists.

draft -> in review -> changes requested -> in review ... -> approved -> published ->
retracted. Editors never review their own or a co-author's article (the policy hides it
from them, and the service checks again). Every move is kept in ``ArticleEvent``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from cmepath.accounts import taxonomy
from cmepath.core.errors import ConflictError, PermissionDeniedError, ValidationError
from cmepath.core.services import audit_record
from cmepath.core.vocabulary import PROFESSIONS, TOPICS
from cmepath.hub.choices import (
    TRANSITIONS,
    ArticleStatus,
    ArticleType,
    ErrorCode,
    ReferenceKind,
)
from cmepath.hub.models import (
    Article,
    ArticleAuthor,
    ArticleEvent,
    ArticleRevision,
    DisclosureStatement,
    Expert,
    ReadingListItem,
    Reference,
    ReviewComment,
)

from .indexing import index_on_commit

MAX_REFERENCES = 100


def _active_expert(user: Any) -> Expert:
    expert = Expert.objects.filter(user=user, revoked_at__isnull=True).first()
    profile = getattr(user, "profile", None)
    if expert is None or profile is None or not profile.is_verified:
        raise PermissionDeniedError(
            "Only verified clinicians approved by an editor as experts can author articles. "
            "Ask an editor to approve you once your identity is verified.",
            code=ErrorCode.NOT_AN_AUTHOR,
        )
    return expert


def _codes(values: Any, known: Mapping[str, Any], field: str) -> list[str]:
    if values in (None, ""):
        return []
    if not isinstance(values, list | tuple):
        raise ValidationError(f"{field} must be a list of codes.", field=field)
    bad = [str(v) for v in values if str(v) not in known]
    if bad:
        raise ValidationError(
            f"Unknown {field}: {', '.join(bad)}. Accepted: {', '.join(list(known)[:40])}...",
            field=field,
        )
    return list(dict.fromkeys(str(v) for v in values))


def _clean(data: Mapping[str, Any], current: Article | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, limit in (("title", 200), ("summary", 600)):
        if name in data or current is None:
            text = " ".join(str(data.get(name) or "").split())
            if not text:
                errors[name] = ["is required."]
            elif len(text) > limit:
                errors[name] = [f"is {len(text)} characters long; at most {limit}."]
            out[name] = text
    if "body" in data or current is None:
        body = str(data.get("body") or "").replace("\r\n", "\n").strip()
        if not body:
            errors["body"] = ["is required."]
        elif len(body) > 100_000:
            errors["body"] = ["is longer than 100,000 characters."]
        out["body"] = body
    if "article_type" in data or current is None:
        kind = str(data.get("article_type") or "")
        if kind not in ArticleType.values:
            errors["article_type"] = [f"Accepted: {', '.join(ArticleType.values)}."]
        out["article_type"] = kind
    if errors:
        first = next(iter(errors))
        raise ValidationError(f"{first}: {errors[first][0]}", field=first, errors=errors)
    specialties = taxonomy.load_taxonomy()
    for name, known in (
        ("topics", TOPICS),
        ("professions", PROFESSIONS),
        ("specialties", specialties),
    ):
        if name in data:
            out[name] = _codes(data[name], known, name)
    return out


def _revise(
    article: Article, actor: Any, *, note: str = "", correction: bool = False
) -> ArticleRevision:
    last = article.revisions.order_by("-number").first()
    if last and (last.title, last.summary, last.body) == (
        article.title,
        article.summary,
        article.body,
    ):
        return last
    return ArticleRevision.objects.create(
        article=article,
        number=(last.number + 1) if last else 1,
        title=article.title,
        summary=article.summary,
        body=article.body,
        author=actor,
        note=note,
        is_correction=correction,
    )


def _event(article: Article, actor: Any, note: str = "") -> None:
    ArticleEvent.objects.create(article=article, status=article.status, actor=actor, note=note)


@transaction.atomic
def article_create(*, actor: Any, data: Mapping[str, Any], synthetic: bool = False) -> Article:
    """A new draft by an approved expert, who becomes its first author. The address is
    ``data["slug"]`` (slugified) or the title's, made unique with a number."""
    _active_expert(actor)
    values = _clean(data, None)
    base = slugify(str(data.get("slug") or "") or values["title"])[:100] or "article"
    slug, n = base, 1
    while Article.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    article = Article.objects.create(slug=slug, synthetic=synthetic, **values)
    ArticleAuthor.objects.create(article=article, user=actor, position=1)
    _revise(article, actor, note="First draft")
    _event(article, actor, "Created")
    audit_record(actor=actor, action="hub.article.create", target=article)
    return article


def _locked(article: Article, action: str) -> Article:
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status not in TRANSITIONS.get(action, frozenset({locked.status})):
        allowed = ", ".join(ArticleStatus(s).label.lower() for s in sorted(TRANSITIONS[action]))
        raise ConflictError(
            f"Cannot {action.replace('_', ' ')} an article that is "
            f"{locked.get_status_display().lower()} (only one that is {allowed}).",
            code=ErrorCode.BAD_TRANSITION,
        )
    return locked


@transaction.atomic
def article_update(*, actor: Any, article: Article, data: Mapping[str, Any]) -> Article:
    """Change a draft (or one with changes requested): a new revision when the text moved."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status not in (ArticleStatus.DRAFT, ArticleStatus.CHANGES):
        raise ConflictError(
            "Only drafts and articles with changes requested can be edited; publish a "
            "correction instead.",
            code=ErrorCode.BAD_TRANSITION,
        )
    for name, value in _clean(data, article).items():
        setattr(article, name, value)
    article.save()
    _revise(article, actor, note=str(data.get("note") or "")[:500])
    audit_record(actor=actor, action="hub.article.update", target=article)
    return article


@transaction.atomic
def references_set(
    *, actor: Any, article: Article, references: Sequence[Mapping[str, Any]]
) -> list[Reference]:
    """Replace the numbered reference list; each DOI, PMID or URL is checked at entry."""
    from cmepath.hub.references import ReferenceError, parse_reference

    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status not in (ArticleStatus.DRAFT, ArticleStatus.CHANGES):
        raise ConflictError("References change with the text: only in a draft.")
    if len(references) > MAX_REFERENCES:
        raise ValidationError(f"At most {MAX_REFERENCES} references.", field="references")
    rows: list[Reference] = []
    errors: dict[str, list[str]] = {}
    for i, ref in enumerate(references, start=1):
        kind = str(ref.get("kind") or "")
        title = " ".join(str(ref.get("title") or "").split())
        year = ref.get("year")
        try:
            if kind not in ReferenceKind.values:
                raise ReferenceError(f"kind must be one of {', '.join(ReferenceKind.values)}")
            ident = parse_reference(kind, str(ref.get("identifier") or ""))
            if not title:
                raise ReferenceError("needs its title")
            if year not in (None, "") and not (1800 <= int(year) <= timezone.localdate().year + 1):
                raise ReferenceError(f"year {year} is not plausible")
        except (ReferenceError, ValueError) as exc:
            errors.setdefault(f"references[{i}]", []).append(str(exc))
            continue
        rows.append(
            Reference(
                article=article,
                position=i,
                kind=kind,
                identifier=ident,
                title=title[:400],
                journal=" ".join(str(ref.get("journal") or "").split())[:200],
                year=int(year) if year not in (None, "") else None,
            )
        )
    if errors:
        first = next(iter(errors))
        raise ValidationError(
            f"Reference {first[11:-1]}: {errors[first][0]}",
            field="references",
            code=ErrorCode.BAD_REFERENCE,
            errors=errors,
        )
    Reference.objects.filter(article=article).delete()
    made = Reference.objects.bulk_create(rows)
    audit_record(
        actor=actor, action="hub.article.references", target=article, detail={"n": len(made)}
    )
    return made


@transaction.atomic
def coauthor_add(*, actor: Any, article: Article, user: Any) -> ArticleAuthor:
    _active_expert(user)
    position = article.bylines.count() + 1
    try:
        with transaction.atomic():
            byline = ArticleAuthor.objects.create(article=article, user=user, position=position)
    except IntegrityError:
        raise ConflictError("Already an author of this article.") from None
    audit_record(
        actor=actor, action="hub.article.coauthor", target=article, subject_user_id=user.pk
    )
    return byline


def coauthor_add_by_email(*, actor: Any, article: Article, email: str) -> ArticleAuthor:
    """Add the expert with this account email as a co-author."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationError(f"No account has the email {email[:80]!r}.", field="coauthor_emails")
    return coauthor_add(actor=actor, article=article, user=user)


def _current_statement(user: Any, on: date) -> DisclosureStatement | None:
    from cmepath.hub.disclosures import Statement, statement_current
    from cmepath.hub.models import Disclosure

    for s in DisclosureStatement.objects.filter(user=user).order_by("-declared_on", "-pk")[:1]:
        if not statement_current(
            Statement(s.declared_on, s.none_to_disclose, s.mitigation), as_of=on
        ):
            return None
        # a relationship recorded after the statement makes it out of date
        if Disclosure.objects.filter(user=user, created_at__gt=s.created_at).exists():
            return None
        return s
    return None


@transaction.atomic
def article_submit(*, actor: Any, article: Article) -> Article:
    """Send to review: every author holds a current disclosure statement, the article has
    references and every citation in the text points at one of them."""
    from cmepath.hub.rendering import render_markdown

    article = _locked(article, "submit")
    today = timezone.localdate()
    problems: dict[str, list[str]] = {}
    for byline in article.bylines.select_related("user", "user__profile"):
        if _current_statement(byline.user, today) is None:
            name = getattr(byline.user.profile, "full_name", "") or byline.user.email
            problems.setdefault("disclosure", []).append(
                f"{name} has no current disclosure statement (within the last 12 months): "
                "declare relationships with ineligible companies of the last 24 months, or none."
            )
    count = article.references.count()
    if count == 0:
        problems.setdefault("references", []).append(
            "An article needs at least one reference; every claim cites one as [1], [2] ..."
        )
    rendered = render_markdown(article.body, references=count)
    if rendered.unknown_citations:
        problems.setdefault("body", []).append(
            f"The text cites [{', '.join(map(str, rendered.unknown_citations))}] but there are "
            f"only {count} references."
        )
    if problems:
        first = next(iter(problems))
        code = ErrorCode.NO_DISCLOSURE if first == "disclosure" else ErrorCode.NO_REFERENCES
        raise ValidationError(problems[first][0], field=first, code=code, errors=problems)
    article.status = ArticleStatus.REVIEW
    article.save(update_fields=["status", "updated_at"])
    _event(article, actor, "Submitted for review")
    audit_record(actor=actor, action="hub.article.submit", target=article)
    return article


def _not_own(actor: Any, article: Article) -> None:
    if actor is not None and article.bylines.filter(user_id=actor.pk).exists():
        raise PermissionDeniedError(
            "Editors cannot review their own or a co-author's article.", code=ErrorCode.OWN_REVIEW
        )


@transaction.atomic
def comment_add(*, actor: Any, article: Article, body: str, quote: str = "") -> ReviewComment:
    _not_own(actor, article)
    body = body.strip()
    if not body:
        raise ValidationError("Write the comment.", field="body")
    revision = article.revisions.order_by("-number").first()
    if revision is None:
        raise ConflictError("The article has no text to comment on.")
    return ReviewComment.objects.create(
        article=article, revision=revision, reviewer=actor, body=body[:4000], quote=quote[:500]
    )


@transaction.atomic
def article_request_changes(*, actor: Any, article: Article, note: str) -> Article:
    _not_own(actor, article)
    if not note.strip():
        raise ValidationError("Say what must change.", field="note")
    article = _locked(article, "request_changes")
    article.status = ArticleStatus.CHANGES
    article.reviewer = actor
    article.save(update_fields=["status", "reviewer", "updated_at"])
    _event(article, actor, f"Changes requested: {note.strip()[:900]}")
    audit_record(actor=actor, action="hub.article.request_changes", target=article)
    return article


@transaction.atomic
def article_approve(*, actor: Any, article: Article) -> Article:
    _not_own(actor, article)
    article = _locked(article, "approve")
    article.status = ArticleStatus.APPROVED
    article.reviewer = actor
    article.save(update_fields=["status", "reviewer", "updated_at"])
    _event(article, actor, "Approved")
    audit_record(actor=actor, action="hub.article.approve", target=article)
    return article


@transaction.atomic
def article_publish(*, actor: Any, article: Article, on: date | None = None) -> Article:
    _not_own(actor, article)
    article = _locked(article, "publish")
    on = on or timezone.localdate()
    article.status = ArticleStatus.PUBLISHED
    article.published_revision = _revise(article, actor)
    article.first_published_on = article.first_published_on or on
    article.last_reviewed_on = on
    first = article.bylines.order_by("position").first()
    article.disclosure_statement = _current_statement(first.user, on) if first else None
    article.save()
    _event(article, actor, "Published")
    audit_record(actor=actor, action="hub.article.publish", target=article)
    index_on_commit([article.pk])
    return article


@transaction.atomic
def article_correct(*, actor: Any, article: Article, body: str, note: str) -> ArticleRevision:
    """A correction after publication: a new, listed revision becomes the published text."""
    note = " ".join(note.split())
    if not note:
        raise ValidationError(
            "Say what the correction changes (it is listed on the page).", field="note"
        )
    article = _locked(article, "correct")
    values = _clean({"body": body}, article)
    article.body = values["body"]
    article.save(update_fields=["body", "updated_at"])
    revision = _revise(article, actor, note=note[:500], correction=True)
    article.published_revision = revision
    article.save(update_fields=["published_revision"])
    _event(article, actor, f"Corrected: {note[:900]}")
    audit_record(actor=actor, action="hub.article.correct", target=article)
    index_on_commit([article.pk])
    return revision


@transaction.atomic
def article_retract(
    *, actor: Any, article: Article, reason: str, on: date | None = None
) -> Article:
    """Retract with a public reason; the page stays, with a banner, out of search."""
    _not_own(actor, article)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("A retraction needs its public reason.", field="reason")
    article = _locked(article, "retract")
    article.status = ArticleStatus.RETRACTED
    article.retracted_on = on or timezone.localdate()
    article.retraction_reason = reason[:1000]
    article.save(update_fields=["status", "retracted_on", "retraction_reason", "updated_at"])
    _event(article, actor, f"Retracted: {reason[:900]}")
    audit_record(actor=actor, action="hub.article.retract", target=article)
    index_on_commit([article.pk])
    return article


@transaction.atomic
def article_link_activities(*, actor: Any, article: Article, activity_ids: Sequence[int]) -> int:
    """Link accredited CME activities (published ones) to the article."""
    from cmepath.catalog.models import Activity

    found = list(Activity.objects.filter(pk__in=list(activity_ids), status="published"))
    missing = sorted(set(activity_ids) - {a.pk for a in found})
    if missing:
        raise ValidationError(
            f"No published activity with id {', '.join(map(str, missing))}.", field="activities"
        )
    article.linked_activities.set(found)
    return len(found)


@transaction.atomic
def reading_list_add(*, actor: Any, article: Article) -> ReadingListItem:
    item, _ = ReadingListItem.objects.get_or_create(user=actor, article=article)
    return item


@transaction.atomic
def reading_list_remove(*, actor: Any, article: Article) -> None:
    ReadingListItem.objects.filter(user=actor, article=article).delete()
