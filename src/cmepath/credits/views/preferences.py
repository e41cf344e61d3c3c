"""Notification preferences: which reminders the clinician gets, and what was sent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from cmepath.core.forms import form_submit
from cmepath.core.htmx import render_page
from cmepath.credits import services
from cmepath.credits.forms import NotificationPreferenceForm


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    """Which reminders the clinician gets (deadline horizons, weekly digest) and what was
    sent; the form posts with htmx and the same view answers with the form's partial."""
    pref = services.notification_preferences_for(actor=request.user)
    # An empty POST (every box unticked, no CSRF field from a script) is still a submission.
    form = NotificationPreferenceForm(
        request.POST if request.method == "POST" else None, preference=pref
    )

    def save(data: Mapping[str, Any]) -> Any:
        return services.notification_preferences_update(
            actor=request.user,
            reminder_days=data["reminder_days"],
            weekly_digest=data["weekly_digest"],
        )

    # No flash message: the form says "saved" itself (an htmx swap would leave the flash
    # for the next page).
    submitted = form_submit(request, form, save)
    if submitted.ok:
        form = NotificationPreferenceForm(preference=submitted.result)
    return render_page(
        request,
        "credits/notifications.html",
        {
            "form": form,
            "saved": submitted.ok,
            "sent": services.notifications_sent(actor=request.user),
        },
        partial="credits/partials/notifications_form.html",
        status=submitted.status,
    )
