from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cmepath.core"
    label = "core"
    verbose_name = "Core"
