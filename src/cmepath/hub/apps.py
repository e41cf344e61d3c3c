from django.apps import AppConfig


class HubConfig(AppConfig):
    """Knowledge hub: articles by verified experts, with disclosures, review and references."""

    name = "cmepath.hub"
    label = "hub"
    verbose_name = "Knowledge hub"
