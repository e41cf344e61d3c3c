"""Keep secrets that travel in URL paths out of the logs.

Share links (``/credits/shared/<token>/``), email confirmation keys and password reset keys
are capabilities: whoever reads them in a log can use them. ``MaskSecretPaths`` is a logging
filter (``settings.LOGGING``) on ``django.request`` and ``django.server`` that replaces them
with ``***`` in the message and its arguments before any handler formats the record.
"""

from __future__ import annotations

import logging
import re
from typing import Any

MASK = "***"
SECRET_PATH = re.compile(
    r"(?P<prefix>/credits/shared/|/accounts/confirm-email/|/accounts/password/reset/key/)"
    r"(?P<secret>[^/\s?#\"']+)"
)


def mask_secrets(text: str) -> str:
    """``text`` with each secret path segment replaced by ``***``."""
    return SECRET_PATH.sub(lambda m: m.group("prefix") + MASK, text)


def _mask(value: Any) -> Any:
    return mask_secrets(value) if isinstance(value, str) else value


class MaskSecretPaths(logging.Filter):
    """Rewrite the record in place (so every handler, including propagated ones, sees the
    masked text); never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_secrets(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _mask(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_mask(value) for value in record.args)
        return True
