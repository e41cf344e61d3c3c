"""Home page fixtures: a fresh search index per test (activities are indexed when created)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def search_dir(settings, tmp_path):
    from cmepath.search.backends import forget_backends

    settings.CMEPATH_SEARCH_DIR = tmp_path / "search"
    yield settings.CMEPATH_SEARCH_DIR
    forget_backends()


@pytest.fixture
def totp_user(db):
    """A user of a role that must enrol TOTP (editor, admin), enrolled."""
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.factories import UserFactory

    def make(role: str, **fields):
        user = UserFactory(role=role, **fields)
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        return user

    return make
