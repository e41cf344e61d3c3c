"""Load testing (`make load`): production-like (DEBUG off, no query logging) on 127.0.0.1 over
plain HTTP, so no SSL redirect or secure-only cookies. Never use it to serve real traffic.
"""

from .base import *  # noqa: F403
from .base import DEMO_APPS, INSTALLED_APPS, env

DEBUG = False
SECRET_KEY = (
    env("DJANGO_SECRET_KEY") or "load-test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABC"
)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # 4xx are part of the mix (e.g. 404 probes); only errors are worth a line
    "loggers": {"django.request": {"level": "ERROR"}, "axes": {"level": "ERROR"}},
}
# CPU per request in a `Server-Timing` header, read by `make load` for each page type (outermost:
# every middleware counts).
MIDDLEWARE = ["cmepath.core.middleware.ServerTimingMiddleware", *MIDDLEWARE]  # noqa: F405

INSTALLED_APPS = [*INSTALLED_APPS, *DEMO_APPS]
