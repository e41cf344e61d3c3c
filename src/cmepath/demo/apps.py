from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "cmepath.demo"
    label = "demo"
    verbose_name = "Demo data (synthetic)"
