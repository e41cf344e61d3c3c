"""The compliance dashboard (as of a date) and the public coverage table of the
requirement rules.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from cmepath.core.errors import ValidationError
from cmepath.core.htmx import render_page
from cmepath.credits import selectors


def _as_of(request: HttpRequest) -> date:
    raw = request.GET.get("as_of", "")
    today = selectors.today()
    try:
        value = date.fromisoformat(raw) if raw else today
    except ValueError:
        raise ValidationError("as_of must be a date written YYYY-MM-DD.", field="as_of") from None
    if value > today:
        raise ValidationError("The evaluation date cannot be in the future.", field="as_of")
    return value


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    context = selectors.dashboard(actor=request.user, as_of=_as_of(request))
    return render_page(request, "credits/dashboard.html", context)


@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Public: every jurisdiction x licence type, board and the DEA, with the rule that covers
    it (source, as-of date) or "not covered" and the board to check with."""
    return render_page(request, "credits/coverage.html", {"coverage": selectors.coverage()})
