"""The start page keeps its URL name ``core:home`` (links, LOGIN_REDIRECT_URL and the
authorization matrix use it): the site-wide namespace, served by this app."""

from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
]
