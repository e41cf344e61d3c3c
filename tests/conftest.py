"""Shared fixtures: users per role, API clients, a tiny valid PDF and PNG."""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import settings as hypothesis_settings

from tests.factories import UserFactory

# Speed is measured by the benchmarks (`make bench`), not by timed unit tests: hypothesis'
# per-example deadline (200 ms) only turns a loaded machine into a flaky failure.
hypothesis_settings.register_profile("cmepath", deadline=None)
hypothesis_settings.load_profile("cmepath")


#: Fixtures through which a test reaches the database.
_DB_FIXTURES = frozenset({"db", "transactional_db", "live_server", "django_db_reset_sequences"})


def _touches_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db") is not None:
        return True
    return bool(_DB_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    run_browser = os.environ.get("BROWSER_TESTS") == "1"
    skip_browser = pytest.mark.skip(reason="browser tests run with CI=true (or BROWSER_TESTS=1)")
    for item in items:
        if "browser" in item.keywords and not run_browser:
            item.add_marker(skip_browser)
    # The PostgreSQL pass (CI) runs what touches the database; tests that never reach it
    # (engines, parsers, pure helpers: pytest-django blocks database access without the
    # fixtures above) ran identically in the SQLite pass just before.
    if os.environ.get("DATABASE_URL", "").startswith("postgres") and (
        os.environ.get("CMEPATH_DB_TESTS_ONLY") == "1"
    ):
        kept = [item for item in items if _touches_database(item)]
        dropped = [item for item in items if not _touches_database(item)]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept


def _uses_transactional_db(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or bool(marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _audit_guard(request: pytest.FixtureRequest):
    """Keep the append-only audit triggers in place, except for a transactional test's flush.

    A transactional test ends by emptying every table, which the triggers refuse; this
    fixture lifts them in its teardown (which runs before the flush, since it depends on
    the database fixture) and every database test puts them back first.
    """
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db", "live_server"} & set(
        request.fixturenames
    )
    if not uses_db:
        yield
        return
    transactional = _uses_transactional_db(request)
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.db import connection

    from cmepath.core import audit_guard

    with connection.cursor() as cursor:
        audit_guard.install(cursor, connection.vendor)
    yield
    if transactional:
        with connection.cursor() as cursor:
            audit_guard.uninstall(cursor, connection.vendor)


@pytest.fixture
def clinician(db):
    return UserFactory(role="clinician")


@pytest.fixture
def clinician_b(db):
    return UserFactory(role="clinician")


@pytest.fixture
def admin_user(db):
    from allauth.mfa.totp.internal.auth import TOTP

    user = UserFactory(role="admin", is_staff=True, is_superuser=True)
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user


@pytest.fixture
def client_for(client):
    """Log a user in on a fresh test client (session auth)."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def token_for(db):
    from cmepath.accounts.services import token_create

    def make(user):
        _, raw = token_create(actor=user, name="test")
        return raw

    return make


@pytest.fixture
def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.fixture
def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 200)).save(buf, format="PNG")
    return buf.getvalue()
