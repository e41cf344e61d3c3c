from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "cmepath.outcomes"
    label = "outcomes"
