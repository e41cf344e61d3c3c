"""The one upload limit for documents people send us (certificates, licence proofs,
catalog import files): ``CMEPATH_MAX_UPLOAD_BYTES`` in settings, 10 MiB by default.

QI extracts are data sets, not documents, and have their own, larger limit
(``CMEPATH_MAX_EXTRACT_BYTES``).
"""

from __future__ import annotations

from django.conf import settings

from .filecheck import human_size


def max_upload_bytes() -> int:
    return int(settings.CMEPATH_MAX_UPLOAD_BYTES)


def max_upload_text() -> str:
    """The limit as people read it, e.g. ``"10 MiB"``."""
    return human_size(max_upload_bytes())


def too_large_message(what: str) -> str:
    """The message for a file over the limit, naming what to send instead."""
    return f"The file is larger than {max_upload_text()}; upload a smaller {what}."
