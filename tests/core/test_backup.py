"""`cmepath backup` / `cmepath restore`: an exact round trip, and tampered backups refused.

The round trip runs on SQLite in the default run and on PostgreSQL in the CI run (the
test database itself is dumped and restored).
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cmepath.accounts import services
from cmepath.accounts.models import Licence, LicenceProof, Profile
from cmepath.core.backup import backup_create, backup_restore, backup_verify
from cmepath.core.errors import ValidationError
from cmepath.core.models import AuditEvent
from tests.factories import UserFactory


def _table_rows() -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order: the state a restore must reproduce."""
    state: dict[str, list[tuple]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from introspection
            state[table] = sorted(tuple(map(repr, row)) for row in cursor.fetchall())
    return state


def _media(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def populated(media_root, pdf_bytes, transactional_db):
    """Users, profiles, licences, a board cert, a token, audit rows and one proof file."""
    users = [UserFactory(role="clinician") for _ in range(3)]
    for i, user in enumerate(users):
        services.profile_update(
            actor=user,
            data={"first_name": f"Given{i}", "last_name": "Backup", "birth_month": i + 1},
        )
        licence = services.licence_create(
            actor=user,
            data={
                "state": "CA",
                "licence_type": "MD",
                "number": f"BK{i:04d}",
                "issue_date": "2015-01-01",
                "expiry_date": "2027-12-31",
                "dea_registered": False,
                "direct_patient_care": True,
            },
        )
        services.token_create(actor=user, name=f"integration {i}")
    proof = services.proof_upload(
        actor=users[0], licence=users[0].licences.get(), data=pdf_bytes, filename="licence.pdf"
    )
    return {"users": users, "proof": proof, "licence": licence}


def _mutate(populated, media_root: Path, png_bytes: bytes) -> None:
    user = populated["users"][0]
    services.profile_update(actor=user, data={"first_name": "Changed"})
    services.licence_delete(actor=populated["users"][2], licence=populated["licence"])
    UserFactory(role="employer")
    (media_root / "stray.png").write_bytes(png_bytes)


def _round_trip(populated, media_root: Path, tmp_path: Path, png_bytes: bytes) -> float:
    # given a populated database and media, and a backup of both
    before_rows, before_media = _table_rows(), _media(media_root)
    assert before_rows["core_auditevent"] and before_media
    started = time.perf_counter()
    call_command("backup", str(tmp_path / "backup"), "--json")
    # when the data changes (rows updated, deleted, added; a file added and one removed)
    _mutate(populated, media_root, png_bytes)
    Path(media_root / populated["proof"].file.name).unlink()
    assert _table_rows() != before_rows and _media(media_root) != before_media
    # and the backup is restored
    call_command("restore", str(tmp_path / "backup"), "--yes", "--json")
    elapsed = time.perf_counter() - started
    # then every row of every table and every media file is exactly as before
    assert _table_rows() == before_rows
    assert _media(media_root) == before_media
    # and the application works on the restored data (sequences, the audit chain)
    assert Profile.objects.get(user=populated["users"][0]).first_name == "Given0"
    assert LicenceProof.objects.get().file.read() == populated["proof"].file.open("rb").read()
    user = populated["users"][1]
    services.licence_create(
        actor=user,
        data={
            "state": "NY",
            "licence_type": "MD",
            "number": "AFTER-1",
            "issue_date": "2016-01-01",
            "expiry_date": "2028-01-01",
            "dea_registered": False,
            "direct_patient_care": True,
        },
    )
    call_command("audit", "verify")
    return elapsed


def test_round_trip_sqlite(populated, media_root, tmp_path, png_bytes):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip runs in the SQLite suite")
    elapsed = _round_trip(populated, media_root, tmp_path, png_bytes)
    assert elapsed < 30


@pytest.mark.postgres
def test_round_trip_postgres(populated, media_root, tmp_path, png_bytes):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (runs with CI=true)")
    elapsed = _round_trip(populated, media_root, tmp_path, png_bytes)
    assert elapsed < 60


def test_manifest_lists_database_media_and_migrations(populated, media_root, tmp_path):
    result = backup_create(directory=tmp_path / "b")
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor == result.engine
    assert "0001_initial" in manifest["migrations"]["accounts"]
    paths = {f["path"]: f for f in manifest["files"]}
    proof_path = f"media/{populated['proof'].file.name}"
    assert paths[proof_path]["sha256"] == populated["proof"].sha256
    assert paths[proof_path]["size"] == populated["proof"].size
    assert manifest["database"]["file"] in paths
    assert result.media_files == 1


@pytest.mark.parametrize("tamper", ["database", "media", "extra_file", "missing_file", "manifest"])
def test_tampered_backup_is_refused_and_nothing_changes(
    populated, media_root, tmp_path, tamper, png_bytes
):
    # given a backup, and then a change to the live data
    backup = tmp_path / "b"
    backup_create(directory=backup)
    manifest = json.loads((backup / "manifest.json").read_text())
    db_file = backup / manifest["database"]["file"]
    media_file = backup / f"media/{populated['proof'].file.name}"
    if tamper == "database":
        data = bytearray(db_file.read_bytes())
        data[len(data) // 2] ^= 0xFF
        db_file.write_bytes(bytes(data))
    elif tamper == "media":
        media_file.write_bytes(media_file.read_bytes()[:-1] + b"X")
    elif tamper == "extra_file":
        (backup / "media" / "planted.sh").write_text("#!/bin/sh\n")
    elif tamper == "missing_file":
        media_file.unlink()
    else:
        (backup / "manifest.json").write_text("{not json")
    _mutate(populated, media_root, png_bytes)
    rows, media = _table_rows(), _media(media_root)
    # when a restore is attempted, then it is refused with a clear message
    with pytest.raises(CommandError, match="verification|not valid JSON"):
        call_command("restore", str(backup), "--yes")
    # and nothing changed
    assert _table_rows() == rows
    assert _media(media_root) == media


def test_backup_refuses_a_non_empty_directory(media_root, tmp_path, db):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "old").write_text("x")
    with pytest.raises(ValidationError, match="not empty"):
        backup_create(directory=tmp_path / "b")


def test_restore_refuses_a_backup_of_another_engine(populated, media_root, tmp_path):
    backup = tmp_path / "b"
    backup_create(directory=backup)
    manifest_path = backup / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["engine"] = "oracle"
    manifest_path.write_text(json.dumps(manifest))
    assert backup_verify(directory=backup)["engine"] == "oracle"
    count = Licence.objects.count()
    with pytest.raises(ValidationError, match="oracle database"):
        backup_restore(directory=backup)
    assert Licence.objects.count() == count
    assert AuditEvent.objects.exists()


def test_restore_without_yes_refuses_when_not_interactive(populated, media_root, tmp_path):
    backup_create(directory=tmp_path / "b")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "b"), "--json")


def test_audit_guard_is_back_after_the_transactional_tests(db):
    # the restores above replaced whole databases; the append-only triggers must still hold
    from django.db import DatabaseError, transaction

    event = services.token_create(actor=UserFactory(), name="x")[0]
    assert event.pk
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditevent")
