"""Sessions cached in Redis (REDIS_URL): fewer queries per signed-in page, and signing out
still ends the session everywhere. Runs where a Redis server answers on 127.0.0.1:6379
(CI's machine has one); skipped elsewhere, like the PostgreSQL-only tests."""

from __future__ import annotations

import socket
import uuid

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not _redis_up(), reason="no Redis server on 127.0.0.1:6379")


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@needs_redis
def test_cached_sessions_save_a_query_and_sign_out_ends_them():
    user = UserFactory()
    db_client = Client()
    db_client.force_login(user)
    _queries(db_client, "/")  # warm (the first visit stamps the session)
    with_db = _queries(db_client, "/")
    prefix = f"cmepath-test-{uuid.uuid4().hex}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(
        CACHES=caches, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"
    ):
        client = Client()
        client.force_login(user)
        key = client.session.session_key
        assert cache.get(KEY_PREFIX + key)[SESSION_KEY] == str(user.pk)  # written through to Redis
        _queries(client, "/")  # warm
        assert (
            _queries(client, "/") == with_db - 1
        )  # the session is read from Redis, not the database
        client.post("/accounts/logout/")
        assert cache.get(KEY_PREFIX + key) is None
        stale = Client()
        stale.cookies[settings.SESSION_COOKIE_NAME] = (
            key  # the signed-out session's cookie, replayed
        )
        response = stale.get("/me/profile/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
