"""Authoring, for approved experts: "Write" (my articles, or why I cannot write yet and
what to do), the new-article and edit forms (text and references saved together), submitting
for review and publishing a correction.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmepath.core.errors import DomainError, PermissionDeniedError
from cmepath.core.forms import Submission, form_submit
from cmepath.core.htmx import render_page
from cmepath.core.policy import role_of
from cmepath.core.roles import Role
from cmepath.hub import selectors, services
from cmepath.hub.forms import ArticleForm, CorrectForm
from cmepath.hub.models import Article
from cmepath.hub.views._common import _article_for
from cmepath.hub.views.articles import _article_page

NOT_AN_EXPERT = (
    "Only clinicians with a verified identity whom an editor has approved as experts write "
    "articles. See “Write” for what to do."
)


@login_required
@require_GET
def write(request: HttpRequest) -> HttpResponse:
    user = request.user
    expert = selectors.expert_for(user=user)
    profile = getattr(user, "profile", None)
    return render_page(
        request,
        "hub/write.html",
        {
            "expert": expert,
            "clinician": role_of(user) == Role.CLINICIAN,
            "verified": bool(profile and profile.is_verified),
            "articles": list(selectors.my_articles(actor=user)),
        },
    )


def _save(request: HttpRequest, form: ArticleForm, article: Article | None) -> Submission[Article]:
    """Save the text and the references together (a refused reference keeps the text
    unsaved too, so the form shows both as they were typed)."""
    if request.method != "POST":
        return Submission(ok=False, status=200)
    if not form.is_valid():
        return Submission(ok=False, status=422)
    try:
        with transaction.atomic():
            if article is None:
                article = services.article_create(actor=request.user, data=form.service_data())
            else:
                article = services.article_update(
                    actor=request.user, article=article, data=form.service_data()
                )
            services.references_set(
                actor=request.user, article=article, references=form.cleaned_data["references"]
            )
    except DomainError as exc:
        form.add_service_error(exc)
        return Submission(ok=False, status=exc.status)
    return Submission(ok=True, status=200, result=article)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    if selectors.expert_for(user=request.user) is None:
        raise PermissionDeniedError(NOT_AN_EXPERT)
    form = ArticleForm(request.POST or None)
    done = _save(request, form, None)
    if done.ok and done.result is not None:
        messages.success(
            request, "Draft saved. Submit it for review when the text and references are ready."
        )
        return redirect("hub:article", slug=done.result.slug)
    return render_page(
        request, "hub/article_form.html", {"form": form, "article": None}, status=done.status
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_for(request, slug, "change")
    form = ArticleForm(
        request.POST or None,
        initial=ArticleForm.initial_for(article, article.references.all()),
    )
    done = _save(request, form, article)
    if done.ok:
        messages.success(request, "Draft saved.")
        return redirect("hub:article", slug=article.slug)
    return render_page(
        request, "hub/article_form.html", {"form": form, "article": article}, status=done.status
    )


@login_required
@require_POST
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    """Send to review; a refusal (no current disclosure, no references, a citation without
    its reference) shows the article with every reason and the error's status."""
    article = _article_for(request, slug, "submit")
    try:
        services.article_submit(actor=request.user, article=article)
    except DomainError as exc:
        problems = [m for msgs in exc.errors.values() for m in msgs] or [exc.message]
        return _article_page(request, article, status=exc.status, problems=problems)
    messages.success(
        request,
        "Submitted for review: an editor reads it, comments, and approves or asks for changes.",
    )
    return redirect("hub:article", slug=article.slug)


@login_required
@require_POST
def correct(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_for(request, slug, "correct")
    form = CorrectForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda data: services.article_correct(
            actor=request.user, article=article, body=data["body"], note=data["note"]
        ),
        success="Correction published: it is listed on the article with the date and what changed.",
    )
    if done.ok:
        return redirect("hub:article", slug=article.slug)
    return _article_page(request, article, status=done.status, forms={"correct": form})
