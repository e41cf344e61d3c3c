"""Fixtures for the credits tests: a per-test badge key, records with completions, a provider's
designated activity."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.credits.factories import CompletionFactory


@pytest.fixture(autouse=True)
def badge_key(tmp_path, settings):
    """Every test signs with its own key file (never the developer's DATA_DIR key)."""
    from cmepath.credits.badges import load_or_create_key

    path = tmp_path / "badge-ed25519.pem"
    load_or_create_key(path, create=True)
    settings.CMEPATH_BADGE_KEY_PATH = str(path)
    return path


@pytest.fixture
def today():
    from cmepath.credits.selectors import today as service_today

    return service_today()


@pytest.fixture
def make_completions(today):
    def make(user, n, *, start: date | None = None, credit_type="ama_pra_1", amount=1, topics=()):
        first = start or today - timedelta(days=n)
        return [
            CompletionFactory(
                user=user,
                completed_on=first + timedelta(days=i),
                credits={credit_type: amount},
                topics=list(topics),
            )
            for i in range(n)
        ]

    return make


@pytest.fixture
def provider_activity(db):
    """A provider member and one of the provider's activities, designated 2 AMA PRA Category 1."""
    from cmepath.catalog.models import Activity, CreditDesignation, Provider
    from tests.factories import UserFactory

    member = UserFactory(role="provider")
    provider = Provider.objects.create(name="Example Provider", accreditor="accme")
    provider.members.add(member)
    activity = Activity.objects.create(
        provider=provider,
        provider_activity_id="X1",
        title="Sepsis bundle",
        format="course",
        delivery="online",
        start_date="2025-01-01",
        end_date="2025-12-31",
    )
    CreditDesignation.objects.create(activity=activity, credit_type="ama_pra_1", amount=2)
    return member, activity
