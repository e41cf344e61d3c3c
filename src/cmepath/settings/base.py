"""Base settings, shared by every environment.

How the files combine: ``base`` reads the environment in one place (this module) and
sets safe defaults; ``dev``, ``test`` and ``prod`` import everything from ``base`` and
only adjust. Select one with ``DJANGO_SETTINGS_MODULE`` (the ``cmepath`` script defaults
to ``cmepath.settings.dev``).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url


def env(name: str, default: str | None = None) -> str | None:
    """Read one environment variable; the only place settings touch ``os.environ``."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Runtime data (SQLite database, media, search index) lives beside where cmepath runs,
# unless CMEPATH_DATA_DIR says otherwise.
DATA_DIR = Path(env("CMEPATH_DATA_DIR") or (Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [h for h in (env("DJANGO_ALLOWED_HOSTS", "") or "").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in (env("DJANGO_CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # django-ninja's templates and static files: the API docs page (Swagger UI) is served
    # from the package, not a CDN.
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "cmepath.core",
    "cmepath.search",
    "cmepath.accounts",
    "cmepath.catalog",
    "cmepath.credits",
    "cmepath.planner",
    "cmepath.outcomes",
    "cmepath.jobs",
    "cmepath.hub",
    "cmepath.home",
]
# cmepath.demo (synthetic accounts with a published password) is added by dev.py, test.py and
# load.py only; production settings do not install it, so `cmepath demo` refuses there.
DEMO_APPS = ["cmepath.demo"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cmepath.core.bodylimits.BodyLimitsMiddleware",
    "cmepath.core.middleware.RejectNulMiddleware",
    # Refuses an upload over its limit from the headers, before CSRF reads the body.
    "cmepath.core.uploads.UploadPrecheckMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cmepath.core.middleware.SessionPolicyMiddleware",
    "cmepath.core.middleware.RequireMfaMiddleware",
    "cmepath.core.middleware.NoStoreMiddleware",
    "cmepath.core.idempotency.IdempotencyMiddleware",
    "cmepath.core.middleware.DomainErrorMiddleware",
    # Axes must be last: it answers locked-out logins before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cmepath.urls"
WSGI_APPLICATION = "cmepath.wsgi.application"
ASGI_APPLICATION = "cmepath.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cmepath.core.context_processors.navigation",
            ],
        },
    },
]
# Form widgets through Django's own Jinja2 widget templates: the same HTML at about half the
# CPU of the Django-template widgets (a 56-option state select is 56 template includes there);
# `{{ field.as_field_group }}` renders our field row (core/jinja2/cmepath/field.html) the same way.
FORM_RENDERER = "cmepath.core.forms_renderer.FormRenderer"

# Database: SQLite (WAL) by default, PostgreSQL >= 15 through DATABASE_URL.
DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'cmepath.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Argon2id first (security-checks row 6); older hashes upgrade on login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# ASVS 6.2: length, context words and a common-password list; no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "cmepath.accounts.validators.ContextWordsValidator"},
    {"NAME": "cmepath.accounts.validators.MaximumLengthValidator"},
    {"NAME": "cmepath.accounts.validators.CommonBaseWordValidator"},
]

# allauth: email is the login; verification is mandatory; no user enumeration.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "cmepath.accounts.adapter.AccountAdapter"
# Sign-up asks for the profession (required, no default): the rules engine reads it.
ACCOUNT_FORMS = {"signup": "cmepath.accounts.forms.SignupForm"}
# Per-account lockout is django-axes (429 after 10 failures); allauth keeps a per-IP brake.
ACCOUNT_RATE_LIMITS = {"login_failed": "60/15m/ip"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_PERIOD = 30
MFA_TOTP_ISSUER = "cmepath"
LOGIN_REDIRECT_URL = "core:home"
LOGIN_URL = "account_login"

# Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses or networks,
# e.g. "127.0.0.1,10.0.0.0/8"); empty: the connecting address is the client (docs/operations.md).
CMEPATH_TRUSTED_PROXIES = [
    p.strip() for p in (env("CMEPATH_TRUSTED_PROXIES", "") or "").split(",") if p.strip()
]

# django-axes: at most 10 failures per account and 50 per client address in 15 minutes
# (security-checks row 8), so a burst from one address locks its target account, not the
# other accounts signing in from that address (accounts.throttle). The address is the
# client's as seen through the trusted proxies (accounts.clientip), as for allauth's
# login_failed brake above.
AXES_FAILURE_LIMIT = 10
CMEPATH_AXES_ADDRESS_FAILURE_LIMIT = 50
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_HANDLER = "cmepath.accounts.throttle.AxesHandler"
AXES_CLIENT_IP_CALLABLE = "cmepath.accounts.clientip.client_ip"
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "cmepath.accounts.validators.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cmepath.core.views.lockout"

# Cache: Redis when REDIS_URL is set (production: TOTP replay protection, allauth's rate
# limits and sessions must be shared by every web process); otherwise Django's per-process
# memory cache, which is right for one process (make run, tests). With Redis, sessions are
# read from the cache and written through to the database (cached_db): a signed-in page
# skips one query, and a lost cache loses no session.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CMEPATH_CACHE_PREFIX") or "cmepath",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Sessions: clinicians 14 days; privileged roles 30 min idle / 12 h absolute (row 10).
SESSION_COOKIE_AGE = 14 * 24 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CMEPATH_PRIVILEGED_IDLE_SECONDS = 30 * 60
CMEPATH_PRIVILEGED_ABSOLUTE_SECONDS = 12 * 3600
CMEPATH_BASIC_IDLE_SECONDS = 14 * 24 * 3600

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): no inline script, no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = Path(env("CMEPATH_MEDIA_ROOT") or (DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# The one upload limit for documents (certificates, licence proofs, catalog imports):
# core.uploads reads it, forms and messages say it. QI extracts are data sets with their own.
CMEPATH_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
CMEPATH_MAX_EXTRACT_BYTES = int(env("CMEPATH_MAX_EXTRACT_BYTES") or 100 * 1024**2)
# What one user's QI datasets may hold on disk (pending uploads and rows kept under a DUA).
CMEPATH_OUTCOMES_QUOTA_BYTES = int(env("CMEPATH_OUTCOMES_QUOTA_BYTES") or 1024**3)

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "cmepath <no-reply@cmepath.invalid>")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# NPI registry: recorded responses unless an operator opts into the live API.
CMEPATH_NPI_REGISTRY = env("CMEPATH_NPI_REGISTRY", "recorded")
CMEPATH_SECURITY_CONTACT = env("CMEPATH_SECURITY_CONTACT", "mailto:security@cmepath.invalid")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # share-link tokens and email/reset keys in logged paths become *** (core.logmask)
    "filters": {"mask_secrets": {"()": "cmepath.core.logmask.MaskSecretPaths"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("CMEPATH_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"filters": ["mask_secrets"]},
        "django.server": {"level": "WARNING", "filters": ["mask_secrets"]},
        "axes": {"level": "WARNING"},
    },
}

CMEPATH_SEARCH_DIR = DATA_DIR / "search"  # derived Tantivy index (docs/search.md)
# Open Badges signing key (Ed25519 PEM); empty: generated once into DATA_DIR/keys (docs/credits.md).
CMEPATH_BADGE_KEY_PATH = env("CMEPATH_BADGE_KEY_PATH")

# The public address of the site: links in e-mails (job alerts) and the JobPosting URLs of
# the vacancy export are built on it.
SITE_URL = env("CMEPATH_SITE_URL", "http://127.0.0.1:8000")
