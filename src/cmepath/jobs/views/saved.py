"""Saved searches (list, save the current search, delete) and the unsubscribe link of their
alert e-mails, which works without signing in.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmepath.core.errors import NotFoundError
from cmepath.core.forms import form_submit
from cmepath.core.htmx import render_page
from cmepath.jobs import selectors, services
from cmepath.jobs.forms import SavedSearchForm
from cmepath.jobs.views._common import _SAVED, _button, _require_clinician


def _saved_page(
    request: HttpRequest, form: SavedSearchForm | None = None, status: int = 200
) -> HttpResponse:
    return render_page(
        request,
        "jobs/saved.html",
        {"searches": list(selectors.saved_searches_for(actor=request.user)), "form": form},
        status=status,
    )


@login_required
@require_GET
def saved(request: HttpRequest) -> HttpResponse:
    _require_clinician(request)
    return _saved_page(request)


@login_required
@require_POST
def saved_create(request: HttpRequest) -> HttpResponse:
    _require_clinician(request)
    form = SavedSearchForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda data: services.saved_search_create(
            actor=request.user,
            name=data["name"],
            query=data["query"] or "",
            frequency=data["frequency"],
        ),
    )
    if done.ok and done.result is not None:
        messages.success(
            request,
            f"Search “{done.result.name}” saved; new matching vacancies are e-mailed to you "
            f"{done.result.get_frequency_display().lower()}.",
        )
        return redirect("jobs:saved")
    return _saved_page(request, form, done.status)


@login_required
@require_POST
def saved_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved_search = _SAVED.get(request.user, "delete", pk=pk)
    name = saved_search.name
    return _button(
        request,
        lambda: services.saved_search_delete(actor=request.user, saved=saved_search),
        success=f"Saved search “{name}” deleted.",
        fallback=reverse("jobs:saved"),
    )


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every alert e-mail: works without signing in; a GET only asks, the
    button (POST) turns the alerts off. The token is the credential."""
    if request.method == "POST":
        found = services.saved_search_unsubscribe(token=token)
        done = found is not None
    else:
        try:
            found = selectors.saved_search_by_token(token)
        except NotFoundError:
            found = None
        done = False
    if found is None:
        return render_page(request, "jobs/unsubscribe.html", {"saved": None}, status=404)
    response = render_page(request, "jobs/unsubscribe.html", {"saved": found, "done": done})
    response["Referrer-Policy"] = "no-referrer"  # keep the token out of Referer headers
    return response
