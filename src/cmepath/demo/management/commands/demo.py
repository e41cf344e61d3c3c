"""``cmepath demo``: load the synthetic demo data (idempotent) and print the logins."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from cmepath.demo.services import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_load, demo_logins


class Command(BaseCommand):
    help = "Load deterministic, clearly synthetic demo data and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args: Any, **options: Any) -> None:
        # the demo's notifications (applications, reviews) go to synthetic .invalid
        # addresses: kept in memory, not printed among the logins or the --json output
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            result = demo_load()
        logins = demo_logins()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "result": result,
                        "password": DEMO_PASSWORD,
                        "totp_secret": DEMO_TOTP_SECRET,
                        "logins": [{"email": e, "role": r} for e, r in logins],
                    }
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS("Demo data ready (synthetic people, not real clinicians).")
        )
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
        self.stdout.write(
            f"Admin and editor TOTP secret (add to an authenticator app): {DEMO_TOTP_SECRET}"
        )
        self.stdout.write("  or print the current code with: cmepath demo_totp")
        for email, role in logins:
            self.stdout.write(f"  {role:<22} {email}")
