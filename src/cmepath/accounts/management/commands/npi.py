"""``cmepath npi check NUMBER [--json]``: is this a well-formed NPI, and if not, why not.

Offline: checks length, characters, first digit and the check digit (CMS Luhn with the
80840 prefix). It does not ask the NPPES registry whether the number is enumerated.
Exit status 0 when valid, 1 when not.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmepath.accounts.npi import check_npi, npi_check_digit


class Command(BaseCommand):
    help = "NPI tools. 'check NUMBER' validates an NPI's format and check digit (offline)."
    requires_system_checks: list[str] = []  # pure check; no database or settings needed
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{check}")
        check = subcommands.add_parser(
            "check",
            help="Validate an NPI's format and check digit.",
            description="Validate an NPI's format and check digit (offline; no registry lookup).",
        )
        check.add_argument("number", help="The 10-digit NPI, e.g. 1234567893.")
        check.add_argument(
            "--json", action="store_true", help="Print the result as one JSON object."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "check":
            self._check(str(options["number"]), as_json=bool(options["json"]))

    def _check(self, number: str, *, as_json: bool) -> None:
        result = check_npi(number)
        first9 = result.normalized[:9]
        expected = (
            npi_check_digit(first9)
            if len(first9) == 9 and first9.isascii() and first9.isdigit()
            else None
        )
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "npi": result.normalized,
                        "valid": result.valid,
                        "check_digit": expected,
                        "reason": result.reason,
                    }
                )
            )
        if not result.valid:
            shown = result.normalized or repr(number)
            raise CommandError(f"{shown} is not a valid NPI: {result.reason}", returncode=1)
        if not as_json:
            self.stdout.write(f"{result.normalized} is a valid NPI (check digit {expected})")
