"""Fixtures for transactional tests on tables guarded by the append-only audit triggers.

pytest-django ends a transactional test with a flush, which the audit triggers refuse.
The triggers must be lifted after the test and before the flush, and put back after it.
``tests/conftest.py``'s autouse ``_audit_guard_for_transactional_tests`` is set up before
``transactional_db`` and so is torn down after the flush, when database access is already
blocked (RuntimeError). Test modules that need transactional tests import both fixtures
below; the first one overrides the conftest fixture by name for that module.

    from tests.transactional import _audit_guard_for_transactional_tests, fixture_audit_guard_lifted  # noqa: F401
"""

from __future__ import annotations

import pytest
from django.db import connection

from cmepath.core import audit_guard


@pytest.fixture(autouse=True)
def _audit_guard_for_transactional_tests(request, django_db_blocker):
    """Put the triggers back after the flush (runs last: autouse fixtures are set up first)."""
    yield
    if "transactional_db" in request.fixturenames:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            audit_guard.install(cursor, connection.vendor)


@pytest.fixture(name="audit_guard_lifted")
def fixture_audit_guard_lifted(transactional_db):
    """Lift the triggers before the flush (set up after transactional_db, so torn down first).

    It acts at teardown because a restored database brings its triggers back with it.
    """
    yield
    with connection.cursor() as cursor:
        audit_guard.uninstall(cursor, connection.vendor)
