"""Shared planner fixtures."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from cmepath.credits.selectors import today
from tests.factories import LicenceFactory, UserFactory


@pytest.fixture
def md(db):
    """A clinician (MD) aiming at quality improvement, $1,500 and 3 paid days a year, with a
    California MD licence renewing in about 10 months: 50 h of Category 1 are due."""
    user = UserFactory(role="clinician")
    profile = user.profile
    profile.profession = "MD"
    profile.career_goal = "Quality improvement lead"
    profile.annual_cme_allowance = Decimal("1500")
    profile.paid_cme_days = Decimal("3")
    profile.save()
    LicenceFactory(
        user=user,
        state="CA",
        licence_type="MD",
        issue_date=today() - timedelta(days=3650),
        expiry_date=today() + timedelta(days=300),
    )
    return user
