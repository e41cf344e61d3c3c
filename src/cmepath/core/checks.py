"""System checks of our own (``cmepath check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.caches, deploy=True)
def shared_cache(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Production runs several web processes: TOTP replay protection, allauth's rate limits
    and cached sessions hold only if they share one cache."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        return [
            Warning(
                "The default cache is per process, so TOTP codes could be replayed on another web process "
                "and rate limits are counted per process.",
                hint="Set REDIS_URL (for example redis://127.0.0.1:6379/0) to share a Redis cache.",
                id="cmepath.W001",
            )
        ]
    return []
