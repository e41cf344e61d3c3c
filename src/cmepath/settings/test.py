"""Tests: fast hasher, in-memory email, temporary media, immediate tasks."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DEMO_APPS, INSTALLED_APPS

DEBUG = False
SECRET_KEY = "test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG"  # noqa: S105 - tests only
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="cmepath-test-media-"))
CMEPATH_DATA_DIR_TEST = Path(tempfile.mkdtemp(prefix="cmepath-test-data-"))
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
AXES_ENABLED = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
CMEPATH_SEARCH_DIR = Path(tempfile.mkdtemp(prefix="cmepath-test-search-"))  # per process

INSTALLED_APPS = [*INSTALLED_APPS, *DEMO_APPS]
