"""The one upload limit for documents people send us (certificates, licence proofs,
catalog import files): ``CMEPATH_MAX_UPLOAD_BYTES`` in settings, 10 MiB by default.

QI extracts are data sets, not documents, and have their own, larger limit
(``CMEPATH_MAX_EXTRACT_BYTES``).
"""

from __future__ import annotations

from django.conf import settings


def max_upload_bytes() -> int:
    return int(settings.CMEPATH_MAX_UPLOAD_BYTES)


def size_text(size: int) -> str:
    """``10485760`` -> ``"10 MiB"`` (whole units where they divide evenly)."""
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            value = size / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


def max_upload_text() -> str:
    """The limit as people read it, e.g. ``"10 MiB"``."""
    return size_text(max_upload_bytes())


def too_large_message(what: str) -> str:
    """The message for a file over the limit, naming what to send instead."""
    return f"The file is larger than {max_upload_text()}; upload a smaller {what}."
