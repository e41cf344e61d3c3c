"""The one helper that decides between a full page and an htmx partial."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render ``template``, or only ``partial`` when htmx asked for part of the page.

    Views pass both names; the same view then serves the first load and every htmx
    update, so a page always works without JavaScript too.
    """
    use_partial = (
        partial is not None
        and bool(getattr(request, "htmx", False))
        and not getattr(request.htmx, "boosted", False)  # type: ignore[attr-defined]
    )
    response = render(
        request, partial if use_partial and partial else template, context or {}, status=status
    )
    response["Vary"] = "HX-Request"
    return response
