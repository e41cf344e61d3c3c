"""The editors' side: the review queue, comments, requesting changes, approving, publishing
and retracting (never an article they wrote or co-wrote: the policy answers 403), and
approving verified clinicians as experts (or revoking them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cmepath.accounts.selectors import active_user_by_email
from cmepath.core.errors import DomainError, NotFoundError, PermissionDeniedError, ValidationError
from cmepath.core.forms import form_submit
from cmepath.core.htmx import render_page
from cmepath.hub import selectors, services
from cmepath.hub.forms import CommentForm, ExpertForm, RequestChangesForm, RetractForm
from cmepath.hub.models import Article, Expert
from cmepath.hub.policies import can_approve_experts
from cmepath.hub.views._common import _article_for, _button, _require_editor
from cmepath.hub.views.articles import _article_page

# ------------------------------------------------------------------ the review queue


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    return render_page(
        request, "hub/review.html", {"queue": list(selectors.review_queue(actor=request.user))}
    )


# ------------------------------------------------------------------ decisions on an article


def _decide(
    request: HttpRequest, article: Article, action: Callable[[], Any], *, success: str
) -> HttpResponse:
    """Run a one-button decision; a refusal shows the article with the reason and its status."""
    try:
        action()
    except DomainError as exc:
        return _article_page(request, article, status=exc.status, problems=[exc.message])
    messages.success(request, success)
    return redirect("hub:article", slug=article.slug)


@login_required
@require_POST
def comment(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_for(request, slug, "review")
    form = CommentForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda data: services.comment_add(
            actor=request.user, article=article, body=data["body"], quote=data["quote"]
        ),
        success="Comment added: the authors see it with the article.",
    )
    if done.ok:
        return redirect("hub:article", slug=article.slug)
    return _article_page(request, article, status=done.status, forms={"comment": form})


@login_required
@require_POST
def request_changes(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_for(request, slug, "review")
    form = RequestChangesForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda data: services.article_request_changes(
            actor=request.user, article=article, note=data["note"]
        ),
        success="Sent back to the authors with your note.",
    )
    if done.ok:
        return redirect("hub:review")
    return _article_page(request, article, status=done.status, forms={"changes": form})


@login_required
@require_POST
def approve(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_for(request, slug, "review")
    return _decide(
        request,
        article,
        lambda: services.article_approve(actor=request.user, article=article),
        success="Approved. Publish it when it should go live.",
    )


@login_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_for(request, slug, "publish")
    return _decide(
        request,
        article,
        lambda: services.article_publish(actor=request.user, article=article),
        success="Published: the article is public, in search, in its topics' feeds.",
    )


@login_required
@require_POST
def retract(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_for(request, slug, "retract")
    form = RetractForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda data: services.article_retract(
            actor=request.user, article=article, reason=data["reason"]
        ),
        success="Retracted: the page stays with a banner giving the date and your reason; it left search.",
    )
    if done.ok:
        return redirect("hub:article", slug=article.slug)
    return _article_page(request, article, status=done.status, forms={"retract": form})


# ------------------------------------------------------------------ experts


def _require_expert_editor(request: HttpRequest) -> None:
    if not can_approve_experts(request.user):
        raise PermissionDeniedError(
            "Only editors approve experts. The account you are signed in with cannot use this page."
        )


def _experts_page(
    request: HttpRequest, form: ExpertForm | None = None, status: int = 200
) -> HttpResponse:
    experts = (
        Expert.objects.filter(revoked_at__isnull=True)
        .select_related("user__profile", "approved_by__profile")
        .order_by("user__email")
    )
    return render_page(
        request,
        "hub/experts.html",
        {"experts": list(experts), "form": form or ExpertForm()},
        status=status,
    )


@login_required
@require_GET
def experts(request: HttpRequest) -> HttpResponse:
    _require_expert_editor(request)
    return _experts_page(request)


@login_required
@require_POST
def expert_approve(request: HttpRequest) -> HttpResponse:
    _require_expert_editor(request)
    form = ExpertForm(request.POST)

    def approve_by_email(data: Any) -> Expert:
        user = active_user_by_email(data["email"])
        if user is None:
            raise ValidationError(
                "No active cmepath account has that e-mail; ask the clinician to sign up and "
                "verify their identity first.",
                field="email",
            )
        return services.expert_approve(
            actor=request.user, user=user, specialties=data["specialties"], bio=data["bio"]
        )

    done = form_submit(request, form, approve_by_email)
    if done.ok and done.result is not None:
        messages.success(request, f"{done.result.user.email} is approved as an expert author.")
        return redirect("hub:experts")
    return _experts_page(request, form, done.status)


@login_required
@require_POST
def expert_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _require_expert_editor(request)
    expert = Expert.objects.filter(pk=pk, revoked_at__isnull=True).select_related("user").first()
    if expert is None:
        raise NotFoundError("No such expert.")
    email = expert.user.email
    return _button(
        request,
        lambda: services.expert_revoke(actor=request.user, expert=expert),
        success=f"{email} can no longer author new articles; their published articles stay.",
        fallback=reverse("hub:experts"),
    )
