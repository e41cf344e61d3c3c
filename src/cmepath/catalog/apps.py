from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "cmepath.catalog"
    label = "catalog"
    verbose_name = "Catalog of CME activities"
