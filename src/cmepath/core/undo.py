"""Undo for destructive actions: confirm first, then a short time to take it back.

One mechanism for every "remove" a person may regret (a licence, a completion, a share
link). The view asks for confirmation (a confirm page, so it works without JavaScript),
then:

1. :func:`undo_capture` snapshots the rows the deletion will remove (the row and every row
   it cascades to, through Django's own deletion collector) and copies aside the stored
   files they point at;
2. the app's service deletes as it always did (audit, side effects);
3. :func:`undo_offer` puts "Licence removed. Undo" on the person's next page for
   ``CMEPATH_UNDO_SECONDS`` (30 by default; ``_undo.html`` shows it);
4. :func:`undo_restore`, within that time, puts the rows and files back as they were and
   records ``<kind>.undo`` in the audit log. After it, the deletion stands:
   :func:`undo_purge` drops the snapshot and the copies.

Soft deletion (a ``deleted_at`` on each model) would touch every selector of every model;
a snapshot keeps the deletion a real one and the undo in one place.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import serializers
from django.core.files.base import ContentFile
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.http import HttpRequest
from django.utils import timezone

from .errors import ConflictError, NotFoundError
from .models import UndoEntry

#: Session key of the undo offers shown on the next pages.
SESSION_KEY = "cmepath_undo"
#: Where copies of deleted files wait (under the default storage) until the entry ends.
HOLD_DIR = "undo"


def undo_seconds() -> int:
    """How long a deletion can be undone (``CMEPATH_UNDO_SECONDS``, 30 by default)."""
    return int(getattr(settings, "CMEPATH_UNDO_SECONDS", 30))


@dataclass(frozen=True, slots=True)
class UndoOffer:
    """What the page shows: "<label> Undo" until ``expires_at``."""

    token: str
    label: str
    url: str
    expires_at: datetime

    @property
    def seconds_left(self) -> int:
        return max(0, int((self.expires_at - timezone.now()).total_seconds()))


def _collected(objects: Sequence[models.Model]) -> list[models.Model]:
    """Every row deleting ``objects`` removes or changes, in the order to put them back
    (parents before children; rows a SET_NULL changes last, so they point back)."""
    using = router.db_for_write(type(objects[0]), instance=objects[0])
    collector = Collector(using=using, origin=objects[0])
    collector.collect(list(objects))
    collector.sort()
    rows: list[models.Model] = []
    for _, instances in reversed(list(collector.data.items())):
        rows.extend(instances)
    for qs in collector.fast_deletes:
        rows.extend(qs)
    for (_field, _value), groups in collector.field_updates.items():
        for group in groups:
            rows.extend(group)  # type: ignore[arg-type]  # a list of rows; the stubs say one
    return rows


def _file_fields(row: models.Model) -> Iterable[models.FileField]:
    for field in row._meta.concrete_fields:
        if isinstance(field, models.FileField):
            yield field


@transaction.atomic
def undo_capture(
    *,
    actor: Any,
    objects: Sequence[models.Model],
    kind: str,
    label: str,
    cascade: bool = True,
) -> UndoEntry:
    """Snapshot what deleting ``objects`` will remove, before the service deletes it.

    ``kind`` names the action for the audit log (``licence.delete``: the undo is recorded
    as ``licence.delete.undo``); ``label`` is what the page says ("Licence removed.").
    ``cascade=False`` snapshots only ``objects`` themselves: for an action that changes a
    row instead of deleting it (revoking a share link sets ``revoked_at``), the undo puts
    the row back as it was.
    """
    undo_purge()
    rows = _collected(objects) if cascade else list(objects)
    token = uuid.uuid4()
    files: list[dict[str, str]] = []
    for index, row in enumerate(rows):
        for field in _file_fields(row):
            stored = getattr(row, field.attname)
            if not stored or not stored.name:
                continue
            with contextlib.suppress(OSError, FileNotFoundError):
                with stored.storage.open(stored.name, "rb") as fh:
                    data = fh.read()
                # the copy waits in the field's own storage (private files stay private)
                held = stored.storage.save(f"{HOLD_DIR}/{token}/{index}", ContentFile(data))
                files.append(
                    {
                        "model": row._meta.label,
                        "field": field.attname,
                        "name": stored.name,
                        "held": held,
                    }
                )
    return UndoEntry.objects.create(
        token=token,
        user=actor,
        kind=kind,
        label=label[:200],
        # through JSON text: dates and decimals become strings the field types read back
        rows=json.loads(serializers.serialize("json", rows)),
        files=files,
        expires_at=timezone.now() + timedelta(seconds=undo_seconds()),
    )


def undo_offer(request: HttpRequest, entry: UndoEntry, *, url: str) -> None:
    """Show "<label> Undo" (posting to ``url``) on this person's pages until it expires."""
    offers = [o for o in request.session.get(SESSION_KEY, []) if o["token"] != str(entry.token)]
    offers.append(
        {
            "token": str(entry.token),
            "label": entry.label,
            "url": url,
            "expires_at": entry.expires_at.isoformat(),
        }
    )
    request.session[SESSION_KEY] = offers[-3:]


def undo_offers(request: HttpRequest) -> list[UndoOffer]:
    """The offers still open for this session (expired ones are dropped)."""
    now = timezone.now()
    stored = request.session.get(SESSION_KEY, [])
    kept = [o for o in stored if datetime.fromisoformat(o["expires_at"]) > now]
    if len(kept) != len(stored):
        request.session[SESSION_KEY] = kept
    return [
        UndoOffer(o["token"], o["label"], o["url"], datetime.fromisoformat(o["expires_at"]))
        for o in kept
    ]


def _offer_drop(request: HttpRequest | None, token: str) -> None:
    if request is not None and SESSION_KEY in request.session:
        request.session[SESSION_KEY] = [
            o for o in request.session[SESSION_KEY] if o["token"] != token
        ]


@transaction.atomic
def undo_restore(
    *, actor: Any, token: str | uuid.UUID, kind: str, request: HttpRequest | None = None
) -> list[models.Model]:
    """Put back what the entry ``token`` of ``actor`` removed; returns the restored rows.

    Someone else's token, or one of another ``kind``, is "not found"; a token past its time
    or used already is a conflict that says the deletion stands.
    """
    from .services import audit_record

    try:
        parsed = uuid.UUID(str(token))
    except ValueError:
        raise NotFoundError("Nothing to undo here.") from None
    entry = (
        UndoEntry.objects.select_for_update().filter(token=parsed, user=actor, kind=kind).first()
    )
    if entry is None:
        raise NotFoundError("Nothing to undo here.")
    _offer_drop(request, str(entry.token))
    if entry.restored_at is not None:
        raise ConflictError("This was already undone.")
    if entry.expires_at <= timezone.now():
        raise ConflictError(
            f"The {undo_seconds()} seconds to undo have passed; the deletion stands."
        )
    restored: list[models.Model] = []
    for item in serializers.deserialize("python", entry.rows):
        item.save()
        restored.append(item.object)
    for held in entry.files:
        _file_put_back(held, restored)
    entry.restored_at = timezone.now()
    entry.save(update_fields=["restored_at"])
    first = restored[0] if restored else None
    audit_record(
        actor=actor,
        action=f"{entry.kind}.undo"[:64],
        target=first,
        subject_user_id=getattr(first, "user_id", None),
        detail={"rows": len(restored)},
    )
    transaction.on_commit(lambda: _held_delete(entry.files))
    return restored


def _file_put_back(held: dict[str, str], restored: list[models.Model]) -> None:
    """Write a held copy back under the file's own name (or the name storage gives it,
    which the restored row then records)."""
    for row in restored:
        stored = getattr(row, held["field"], None)
        if stored is None or stored.name != held["name"]:
            continue
        storage = stored.storage
        with storage.open(held["held"], "rb") as fh:
            data = fh.read()
        if storage.exists(held["name"]):  # still there (the service kept it)
            return
        name = storage.save(held["name"], ContentFile(data))
        if name != held["name"]:
            type(row)._default_manager.filter(pk=row.pk).update(**{held["field"]: name})
        return


def _held_storage(held: dict[str, str]) -> Any:
    from django.apps import apps

    field = apps.get_model(held["model"])._meta.get_field(held["field"])
    return field.storage


def _held_delete(files: list[dict[str, str]]) -> None:
    for held in files:
        with contextlib.suppress(OSError, LookupError):
            _held_storage(held).delete(held["held"])


def undo_purge(*, now: datetime | None = None) -> int:
    """End the entries past their time: delete their snapshots and held file copies, so
    the deletions stand. Cheap (an indexed query); runs at each capture and may run as a
    periodic task. Returns how many entries ended."""
    moment = now or timezone.now()
    ended = list(
        UndoEntry.objects.filter(expires_at__lte=moment).only("pk", "files", "restored_at")
    )
    for entry in ended:
        if entry.restored_at is None:
            _held_delete(entry.files)
    UndoEntry.objects.filter(pk__in=[e.pk for e in ended]).delete()
    return len(ended)
