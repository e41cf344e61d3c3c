"""``cmepath audit verify``: recompute the audit log's hash chain and report tampering."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmepath.core.services import audit_verify


class Command(BaseCommand):
    help = "Audit log tools."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="verify the hash chain")
        verify.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        ok, count, problem = audit_verify()
        if options.get("json"):
            self.stdout.write(json.dumps({"ok": ok, "checked": count, "problem": problem or None}))
        elif ok:
            self.stdout.write(self.style.SUCCESS(f"Audit log intact: {count} events verified."))
        if not ok:
            raise CommandError(f"Audit log tampered: {problem}", returncode=1)
