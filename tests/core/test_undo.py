"""core/undo.py: a deletion snapshot puts rows and files back within the undo time and
never after it (shown with the licence, whose proofs cascade and carry a stored file)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cmepath.accounts import services
from cmepath.accounts.models import Licence, LicenceProof
from cmepath.core.errors import ConflictError, NotFoundError
from cmepath.core.models import AuditEvent, UndoEntry
from cmepath.core.undo import undo_capture, undo_purge, undo_restore
from tests.factories import LicenceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence_with_proof(pdf_bytes):
    licence = LicenceFactory()
    proof = services.proof_upload(
        actor=licence.user, licence=licence, data=pdf_bytes, filename="my licence.pdf"
    )
    return licence, proof


def _remove(licence):
    licence.saved_pk = licence.pk  # a deleted instance forgets its pk
    entry = undo_capture(
        actor=licence.user, objects=[licence], kind="licence.delete", label="Licence removed."
    )
    services.licence_delete(actor=licence.user, licence=licence)
    return entry


def test_restore_puts_back_the_rows_and_the_file(licence_with_proof, pdf_bytes):
    licence, proof = licence_with_proof
    proof.saved_pk = proof.pk
    name = proof.file.name
    storage = proof.file.storage
    entry = _remove(licence)
    assert not Licence.objects.filter(pk=licence.saved_pk).exists()
    assert not LicenceProof.objects.filter(pk=proof.saved_pk).exists()
    assert not storage.exists(name)  # the service deleted the file as always

    restored = undo_restore(actor=licence.user, token=entry.token, kind="licence.delete")

    assert {type(r).__name__ for r in restored} == {"Licence", "LicenceProof"}
    back = Licence.objects.get(pk=licence.saved_pk)
    assert (back.number, back.expiry_date, back.user_id) == (
        licence.number,
        licence.expiry_date,
        licence.user_id,
    )
    again = LicenceProof.objects.get(pk=proof.saved_pk)
    assert again.licence_id == licence.saved_pk and again.original_name == "my licence.pdf"
    with again.file.open("rb") as fh:
        assert fh.read() == pdf_bytes
    assert AuditEvent.objects.filter(action="licence.delete.undo").count() == 1


def test_after_the_time_the_deletion_stands(licence_with_proof, settings):
    licence, proof = licence_with_proof
    entry = _remove(licence)
    held = [f["held"] for f in entry.files]
    assert held and all(proof.file.storage.exists(h) for h in held)
    UndoEntry.objects.filter(pk=entry.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(ConflictError, match="the deletion stands"):
        undo_restore(actor=licence.user, token=entry.token, kind="licence.delete")
    assert not Licence.objects.filter(pk=licence.saved_pk).exists()

    assert undo_purge() == 1
    assert not UndoEntry.objects.exists()
    assert not any(proof.file.storage.exists(h) for h in held)  # the copies are gone too


def test_the_reaper_ends_windows_past_their_time(licence_with_proof, capsys):
    """``cmepath tasks_reap`` (every 5 minutes) ends expired windows, so a deleted proof's
    held copy does not wait for the next deletion on the site."""
    import json

    from django.core.management import call_command

    licence, proof = licence_with_proof
    entry = _remove(licence)
    held = [f["held"] for f in entry.files]
    call_command("tasks_reap", "--json")
    assert json.loads(capsys.readouterr().out)["undo_ended"] == 0  # still in its window
    UndoEntry.objects.filter(pk=entry.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    call_command("tasks_reap", "--json")
    assert json.loads(capsys.readouterr().out)["undo_ended"] == 1
    assert not UndoEntry.objects.exists()
    assert not any(proof.file.storage.exists(h) for h in held)


def test_the_window_is_the_setting(licence_with_proof, settings):
    settings.CMEPATH_UNDO_SECONDS = 45
    licence, _ = licence_with_proof
    entry = _remove(licence)
    assert (entry.expires_at - entry.created_at).total_seconds() == pytest.approx(45, abs=1)


def test_only_the_person_who_deleted_can_undo_and_only_once(licence_with_proof):
    licence, _ = licence_with_proof
    entry = _remove(licence)
    with pytest.raises(NotFoundError):
        undo_restore(actor=UserFactory(), token=entry.token, kind="licence.delete")
    with pytest.raises(NotFoundError):  # a token of another kind of deletion
        undo_restore(actor=licence.user, token=entry.token, kind="completion.delete")
    with pytest.raises(NotFoundError):
        undo_restore(actor=licence.user, token="not-a-uuid", kind="licence.delete")
    undo_restore(actor=licence.user, token=entry.token, kind="licence.delete")
    with pytest.raises(ConflictError, match="already undone"):
        undo_restore(actor=licence.user, token=entry.token, kind="licence.delete")
    assert Licence.objects.filter(pk=licence.saved_pk).count() == 1


def test_a_change_can_be_undone_too_without_cascade(clinician):
    """An action that changes a row (revoking, archiving): the row goes back as it was."""
    licence = LicenceFactory(user=clinician, number="KEEP-1")
    entry = undo_capture(
        actor=clinician,
        objects=[licence],
        kind="licence.renumber",
        label="Renumbered.",
        cascade=False,
    )
    Licence.objects.filter(pk=licence.pk).update(number="CHANGED")
    undo_restore(actor=clinician, token=entry.token, kind="licence.renumber")
    assert Licence.objects.get(pk=licence.pk).number == "KEEP-1"
    assert [r["model"] for r in entry.rows] == ["accounts.licence"]
