"""Issue 12, defect 12: sign-up answers in the same time for a known and a new address.

The time of a sign-up is the password hash (Argon2id, about half a second in production);
the known-address path used to skip it. The test counts hashes instead of timing requests,
so it cannot flake: both paths must hash once and send one email.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail

CALLS: list[str] = []


class CountingHasher(MD5PasswordHasher):
    """The test hasher, counting how often a password is hashed."""

    algorithm = "counting_md5"

    def encode(self, password: str, salt: str) -> str:
        CALLS.append("encode")
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [
        "tests.accounts.test_signup_timing.CountingHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",  # the fixtures' existing hashes
    ]
    CALLS.clear()
    return CALLS


def _signup(client, email: str):
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "password1": "a perfectly fine passphrase",
            "password2": "a perfectly fine passphrase",
            "profession": "MD",
        },
    )


@pytest.mark.django_db
def test_signup_hashes_a_password_for_a_known_address_as_for_a_new_one(
    client, clinician, counting_hasher
):
    # when someone signs up with an address that has an account
    known = _signup(client, clinician.email)
    known_hashes, known_mails = len(counting_hasher), len(mail.outbox)
    counting_hasher.clear()
    # and with a new address
    fresh = _signup(client, "new.person@example.test")
    fresh_hashes, fresh_mails = len(counting_hasher), len(mail.outbox) - known_mails
    # then both did the same work: one password hash and one email, and answered alike
    assert known_hashes == fresh_hashes == 1
    assert known_mails == fresh_mails == 1
    assert known.status_code == fresh.status_code == 302
    assert known["Location"] == fresh["Location"]
    # and the known account's password is untouched
    clinician.refresh_from_db()
    assert clinician.check_password("correct horse battery staple")
