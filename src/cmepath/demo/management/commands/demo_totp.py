"""``cmepath demo_totp``: print the current TOTP code for the demo admin and editor."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand

from cmepath.demo.services import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current demo TOTP code (demo accounts only)."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        period = getattr(settings, "MFA_TOTP_PERIOD", 30)
        self.stdout.write(
            format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // period))
        )
