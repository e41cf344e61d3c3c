"""The users every authorization test acts as: one per role, two clinicians and two providers."""

from __future__ import annotations

import pytest


@pytest.fixture
def users(db):
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.factories import UserFactory

    made = {
        "clinician_a": UserFactory(role="clinician"),
        "clinician_b": UserFactory(role="clinician"),
        "employer": UserFactory(role="employer"),
        "provider": UserFactory(role="provider"),
        "provider_b": UserFactory(role="provider"),
        "editor": UserFactory(role="editor"),
        "admin": UserFactory(role="admin", is_staff=True, is_superuser=True),
    }
    for key in ("editor", "admin"):
        TOTP.activate(made[key], "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return made
