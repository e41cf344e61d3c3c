"""allauth adapter: every new account gets its professional profile; sign-up does the same
work for a known address as for a new one; rate limits count the real client address."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.hashers import make_password
from django.utils.crypto import get_random_string

from .clientip import client_ip


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def save_user(self, request: Any, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from .services import profile_ensure, profile_update

            profile_ensure(user=user)
            profession = (getattr(form, "cleaned_data", None) or {}).get("profession")
            if profession:  # the sign-up form asks for it (accounts.forms.SignupForm)
                profile_update(actor=user, data={"profession": profession})
        return user

    def send_account_already_exists_mail(self, email: str) -> None:
        """Sign-up with an address that has an account: hash a passphrase as a new account
        would, so both answers take as long (the hash is most of a sign-up's time), then
        send the "you already have an account" email instead of creating one."""
        make_password(get_random_string(32))
        super().send_account_already_exists_mail(email)

    def get_client_ip(self, request: Any) -> str:
        return client_ip(request)
