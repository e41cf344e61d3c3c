"""Make sessions and API tokens for the demo clinicians, for `make load` (run under Django).

    DJANGO_SETTINGS_MODULE=cmepath.settings.load python bench/load_credentials.py OUT.json

Sessions are made server-side (no Argon2 login inside the measured window); tokens with
the real service. The JSON holds secrets for a throwaway database only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import django


def main() -> None:
    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from cmepath.accounts.models import User
    from cmepath.accounts.services import token_create

    accounts = []
    for user in User.objects.filter(
        email__endswith="@demo.cmepath.invalid", role="clinician"
    ).order_by("pk"):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        _, raw = token_create(actor=user, name="make load")
        accounts.append({"email": user.email, "session": session.session_key, "token": raw})
    if not accounts:
        raise SystemExit("no demo clinicians: run `cmepath demo` first")
    out = {"session_cookie": settings.SESSION_COOKIE_NAME, "accounts": accounts}
    Path(sys.argv[1]).write_text(json.dumps(out, indent=2), encoding="utf-8")
    print(f"{len(accounts)} demo clinicians with a session and a token")


if __name__ == "__main__":
    main()
