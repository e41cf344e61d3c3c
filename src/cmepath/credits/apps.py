from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "cmepath.credits"
    label = "credits"
