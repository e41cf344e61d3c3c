"""Uploads of documents: the one size limit and storing a file with its row.

The one upload limit for documents people send us (certificates, licence proofs,
catalog import files): ``CMEPATH_MAX_UPLOAD_BYTES`` in settings, 10 MiB by default.

QI extracts are data sets, not documents, and have their own, larger limit
(``CMEPATH_MAX_EXTRACT_BYTES``).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable
from pathlib import PurePath
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest, HttpResponse

from .errors import StorageFullError
from .filecheck import human_size

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


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


UploadPrecheck = Callable[[HttpRequest, dict[str, Any]], HttpResponse | None]


def upload_precheck(check: UploadPrecheck) -> Callable[[ViewFunc], ViewFunc]:
    """Declare a check that runs on a view's POST *before* the body is read.

    Django's CSRF check reads the form body (the token may be a field), so a large upload
    would be taken in whole before the view could refuse it. :class:`UploadPrecheckMiddleware`
    (placed before ``CsrfViewMiddleware``) calls ``check(request, view_kwargs)`` first: it
    looks only at headers (Content-Length) and the database (quota), and returns a response
    to refuse, or ``None`` to go on. CSRF is then checked as on every other view.
    """

    def decorate(view: ViewFunc) -> ViewFunc:
        view.upload_precheck = check  # type: ignore[attr-defined]
        return view

    return decorate


class UploadPrecheckMiddleware:
    """Runs the :func:`upload_precheck` of the view a POST resolves to, before CSRF."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        check: UploadPrecheck | None = getattr(view_func, "upload_precheck", None)
        if check is None or request.method != "POST":
            return None
        return check(request, view_kwargs)


def declared_length(request: HttpRequest) -> int | None:
    """The request body's declared size (Content-Length), or None when not given."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


# An absolute path in a message: /a/b..., ~/a..., C:\\a\\... (one token, up to a quote,
# space or bracket). A path of our disk tells the user nothing and tells an attacker much.
_PATH = re.compile(
    r"""(?:(?<![\w.])(?:~|[A-Za-z]:)?[/\\](?:[^\s"'`<>()\[\]{},;:]+[/\\])+[^\s"'`<>()\[\]{},;:]*)"""
)


def user_file_name(name: str | None) -> str:
    """The name a person gave their file, without any folders their browser sent."""
    base = PurePath((name or "").replace("\\", "/")).name.strip()
    return base[:200] or "your file"


def upload_message(message: str, *, user_name: str | None, stored_names: Iterable[str] = ()) -> str:
    """An upload's error as the person should read it: about *their* file by the name they
    gave it, never a path on our server or the random name we stored it under.

    Every absolute path in ``message`` and every name in ``stored_names`` becomes
    ``user_name`` (quoted); e.g. ``/srv/media/outcomes/uploads/3f2a.csv: cannot be read``
    becomes ``"orders 2024.csv": cannot be read``.
    """
    name = user_file_name(user_name)
    shown = f"“{name}”"
    text = _PATH.sub(shown, message or "")
    needles = {n for s in stored_names if s for n in (str(s), PurePath(str(s)).name)}
    needles.add(upload_safe_name(name))
    needles = {n for n in needles if n and n != shown}
    if needles:
        pattern = "|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True))
        text = re.sub(rf"(?<![\w“])(?:{pattern})(?![\w”])", shown, text)
    for quote in ('"', "'"):
        text = text.replace(f"{quote}{shown}{quote}", shown)
    return text


def upload_safe_name(name: str) -> str:
    """The name an upload is stored and reported under (letters, digits, ``._-``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", PurePath(name or "upload").name)[:120] or "upload"
