"""Root URLs: pages per app, allauth, the API, health probes."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from cmepath.api import api
from cmepath.core import views as core_views

admin.site.site_header = "cmepath administration"
# Every sign-in, the admin's included, goes through allauth so TOTP is always asked; a
# signed-in account that is not staff gets the 403 page (core.views.admin_login).
admin.site.login = core_views.admin_login  # type: ignore[method-assign]

_admin_view = admin.site.admin_view


def _staff_only_admin_view(view: Callable[..., Any], cacheable: bool = False) -> Any:
    """``admin.site.admin_view`` that answers a signed-in non-staff account 403 at once.

    The stock one sends anyone without permission to the admin's sign-in page, which sends
    a signed-in account to allauth, which sends it back to the admin: a redirect loop. Set
    before ``admin.site.urls`` is read below, so every admin view (the index, each model's
    pages) is wrapped by it.
    """
    inner = _admin_view(view, cacheable)

    @wraps(inner)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not admin.site.has_permission(request):
            return core_views.admin_denied(request)
        return inner(request, *args, **kwargs)  # type: ignore[no-any-return]

    return guarded


admin.site.admin_view = _staff_only_admin_view  # type: ignore[method-assign]

urlpatterns = [
    path("", include("cmepath.home.urls")),
    path("me/", include("cmepath.accounts.urls")),
    path("catalog/", include("cmepath.catalog.urls")),
    path("credits/", include("cmepath.credits.urls")),
    path("planner/", include("cmepath.planner.urls")),
    path("outcomes/", include("cmepath.outcomes.urls")),
    path("jobs/", include("cmepath.jobs.urls")),
    path("hub/", include("cmepath.hub.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path(".well-known/security.txt", core_views.security_txt, name="security_txt"),
]
