from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cmepath.accounts"
    label = "accounts"
    verbose_name = "Accounts and identity"
