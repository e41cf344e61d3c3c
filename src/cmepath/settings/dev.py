"""Development: DEBUG on, console email, an obviously-local secret."""

from .base import *  # noqa: F403
from .base import DEMO_APPS, INSTALLED_APPS, env

DEBUG = True
SECRET_KEY = (
    env("DJANGO_SECRET_KEY") or "dev-only-insecure-key-0123456789-abcdefghijklmnopqrstuvwxyz"
)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [*INSTALLED_APPS, *DEMO_APPS]
