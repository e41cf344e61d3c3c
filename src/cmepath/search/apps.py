from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "cmepath.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from cmepath.search.registry import discover

        discover()
