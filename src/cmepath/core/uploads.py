"""Uploads of documents: the one size limit and storing a file with its row.

The one upload limit for documents people send us (certificates, licence proofs,
catalog import files): ``CMEPATH_MAX_UPLOAD_BYTES`` in settings, 10 MiB by default.

QI extracts are data sets, not documents, and have their own, larger limit
(``CMEPATH_MAX_EXTRACT_BYTES``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from .errors import StorageFullError
from .filecheck import human_size


def max_upload_bytes() -> int:
    return int(settings.CMEPATH_MAX_UPLOAD_BYTES)


def max_upload_text() -> str:
    """The limit as people read it, e.g. ``"10 MiB"``."""
    return human_size(max_upload_bytes())


def too_large_message(what: str) -> str:
    """The message for a file over the limit, naming what to send instead."""
    return f"The file is larger than {max_upload_text()}; upload a smaller {what}."


def upload_store(field_file: FieldFile, data: bytes, *, name: str) -> None:
    """Write an upload to storage before its row is saved, under the field's ``upload_to``.

    A failed write (a full disk) removes whatever part of the file landed and raises
    :class:`StorageFullError`, so nothing is half-written; the caller then saves the row
    with :func:`upload_row_save`.
    """
    storage = field_file.storage
    target = field_file.field.generate_filename(field_file.instance, name)
    try:
        field_file.name = storage.save(target, ContentFile(data))
    except OSError as exc:
        with contextlib.suppress(OSError):
            if storage.exists(target):
                storage.delete(target)
        raise StorageFullError(
            "We could not store the file right now; nothing was saved. Please try again later."
        ) from exc


def upload_row_save(
    instance: models.Model, field_file: FieldFile, *, audit: Callable[[], object]
) -> None:
    """Save the row of a stored upload and its audit event together; if either fails, the
    stored file is deleted too (no file without its row)."""
    try:
        with transaction.atomic():
            instance.save()
            audit()
    except Exception:
        field_file.delete(save=False)
        raise
