"""Issue 17 item 1 on the home page: a clinician whose licences have no rule is told so (and
sent to the compliance page's list), not told to add licences they already have."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cmepath.accounts.models import Profile
from tests.factories import BoardCertificationFactory, LicenceFactory

pytestmark = pytest.mark.django_db


def test_home_with_only_uncovered_credentials_says_not_covered(clinician, client_for):
    Profile.objects.filter(user=clinician).update(profession="RN")
    LicenceFactory(user=clinician, state="TX", licence_type="other", dea_registered=False)
    body = client_for(clinician).get("/").content.decode()
    assert "No requirement applies yet" not in body
    assert "Not covered yet: cmepath has no rule yet for the licences" in body
    assert "/credits/#credentials-h" in body


def test_home_counts_uncovered_credentials_next_to_covered_ones(clinician, client_for, today):
    Profile.objects.filter(user=clinician).update(profession="MD")
    LicenceFactory(user=clinician, state="OH", expiry_date=today + timedelta(days=200))
    BoardCertificationFactory(user=clinician, board="other", specialty="Wound care")
    body = client_for(clinician).get("/").content.decode()
    assert 'data-testid="not-covered"' in body
    assert "1 not covered yet" in body


def test_home_without_credentials_says_what_to_add(clinician, client_for):
    body = client_for(clinician).get("/").content.decode()
    assert "No requirement applies yet" not in body
    assert "Your profile lists no licence, board certification or DEA registration yet" in body
