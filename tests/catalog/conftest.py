"""Catalog fixtures: a fresh search index per test, providers with members, activities."""

from __future__ import annotations

import pytest

from tests.catalog.factories import ProviderFactory, make_activity
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def search_dir(settings, tmp_path):
    """Each test gets its own index: database ids are reused between tests, index docs are not."""
    from cmepath.search.backends import forget_backends

    settings.CMEPATH_SEARCH_DIR = tmp_path / "search"
    yield settings.CMEPATH_SEARCH_DIR
    forget_backends()


@pytest.fixture
def provider_user(db):
    return UserFactory(role="provider")


@pytest.fixture
def provider_a(provider_user):
    provider = ProviderFactory(name="Alpha CME")
    provider.members.add(provider_user)
    return provider


@pytest.fixture
def provider_b(db):
    other = UserFactory(role="provider")
    provider = ProviderFactory(name="Beta CME")
    provider.members.add(other)
    return provider


@pytest.fixture
def activity_factory(db):
    return make_activity
