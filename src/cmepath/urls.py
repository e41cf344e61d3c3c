"""Root URLs: pages per app, allauth, the API, health probes."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from cmepath.api import api
from cmepath.core import views as core_views

admin.site.site_header = "cmepath administration"
# Every sign-in, the admin's included, goes through allauth so TOTP is always asked.
admin.site.login = RedirectView.as_view(pattern_name="account_login", query_string=True)  # type: ignore[method-assign,assignment]

urlpatterns = [
    path("", include("cmepath.home.urls")),
    path("me/", include("cmepath.accounts.urls")),
    path("catalog/", include("cmepath.catalog.urls")),
    path("credits/", include("cmepath.credits.urls")),
    path("outcomes/", include("cmepath.outcomes.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path(".well-known/security.txt", core_views.security_txt, name="security_txt"),
]
