from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The start page of each role: reads every app's selectors, and nothing reads it."""

    name = "cmepath.home"
    label = "home"
    verbose_name = "Home"
