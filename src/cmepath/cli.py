"""The one console script, ``cmepath``.

``cmepath serve`` runs the development server, ``cmepath worker`` the task worker,
``cmepath demo`` loads demo data; every other word is a Django management command
(``cmepath npi check ...``, ``cmepath credits check ...``, ``cmepath migrate``).
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    "serve": ["runserver", "--noreload"],
    # One process the operator can stop or kill; no autoreloader child left behind.
    "worker": ["db_worker", "--no-reload"],
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmepath.settings.dev")
    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__.strip())
        print("\nCommands: serve, worker, demo, npi, credits, outcomes, audit, check, migrate, ...")
        print("Run 'cmepath help <command>' style help with 'cmepath <command> --help'.")
        if not args:
            return
        args = ["help", *args[1:]]
    if args[0] in ALIASES:
        args = [*ALIASES[args[0]], *args[1:]]
        if args[0] == "runserver" and not any(not a.startswith("-") for a in args[2:]):
            args.append("127.0.0.1:8000")
    if args[0].startswith("demo"):
        _refuse_demo_outside_dev(args[0])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cmepath", *args])


def _refuse_demo_outside_dev(command: str) -> None:
    """The demo app creates accounts with the published demo password: production settings
    do not install it, and say so instead of Django's "Unknown command"."""
    import django
    from django.apps import apps

    django.setup()
    if not apps.is_installed("cmepath.demo"):
        settings_module = os.environ["DJANGO_SETTINGS_MODULE"]
        sys.exit(
            f"cmepath {command}: refused under {settings_module}. The demo data creates accounts "
            "with a published password, so only the development, test and load settings install "
            "it (DJANGO_SETTINGS_MODULE=cmepath.settings.dev)."
        )


if __name__ == "__main__":
    main()
