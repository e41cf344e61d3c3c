"""Fixtures for the credits tests: a per-test badge key, records with completions."""

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
    from cmepath.credits.services import today as service_today

    return service_today()


@pytest.fixture
def make_completions(today):
    def make(user, n, *, start: date | None = None, credit_type="ama_pra_1", amount=1, topics=()):
        first = start or today - timedelta(days=n)
        return [CompletionFactory(user=user, completed_on=first + timedelta(days=i), credits={credit_type: amount},
                                  topics=list(topics)) for i in range(n)]

    return make
