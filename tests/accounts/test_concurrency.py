"""Limits that must hold under concurrent requests (PostgreSQL, each thread its own
connection): one account per NPI match, at most 20 active tokens per account.

Run with ``DATABASE_URL=postgres://...``; they skip on SQLite, whose writers queue anyway.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from cmepath.accounts import services
from cmepath.accounts.choices import TOKEN_MAX_ACTIVE
from cmepath.accounts.models import ApiToken, Profile
from cmepath.core.errors import DomainError
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")


def _race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together; each result or the exception raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = calls[i]()
        except Exception as exc:  # noqa: BLE001 - collected and asserted on below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_four_accounts_posting_one_npi_at_once_give_exactly_one_match():
    _require_postgres()
    # given four accounts that all carry the registry entry's public name
    users = [UserFactory() for _ in range(4)]
    for user in users:
        services.profile_update(actor=user, data={"first_name": "Ada", "last_name": "Demo"})
    # when all four post the NPI at the same moment
    results = _race(
        [lambda user=user: services.npi_submit(actor=user, npi="1999000015") for user in users]
    )
    # then exactly one holds the match; the others got the conflict (409), nothing else
    matched = Profile.objects.filter(npi="1999000015", npi_status="matched")
    assert matched.count() == 1
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 3
    assert all(isinstance(e, DomainError) and e.status == 409 for e in errors), errors


def test_twelve_parallel_token_requests_stop_at_the_limit():
    _require_postgres()
    # given an account with 18 active tokens
    user = UserFactory()
    for i in range(18):
        services.token_create(actor=user, name=f"existing {i}")
    # when 12 requests create a token at once
    results = _race(
        [lambda i=i: services.token_create(actor=user, name=f"parallel {i}") for i in range(12)]
    )
    # then two got through and the rest were told about the limit
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == TOKEN_MAX_ACTIVE
    created = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(created), len(refused)) == (2, 10), results
    assert all("20 active tokens" in e.message for e in refused)
