"""`cmepath backup` / `cmepath restore`: an exact round trip, and tampered backups refused.

The round trip runs on SQLite in the default run and on PostgreSQL in the CI run (the
test database itself is dumped and restored). Besides the database and media, a backup
holds the Open Badges signing key and the outcomes datasets kept under a DUA, and its
manifest is signed with a key derived from SECRET_KEY (never in the backup).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cmepath.accounts import services
from cmepath.accounts.models import Licence, LicenceProof, Profile
from cmepath.core import backup as backup_module
from cmepath.core.backup import backup_create, backup_restore, backup_verify, manifest_mac
from cmepath.core.errors import ValidationError
from cmepath.core.models import AuditEvent
from tests.credits.factories import CompletionFactory
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


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """A private DATA_DIR: the badge key is made there on first use, outcomes data under it.

    (Never the developer's ``var/``: a restore replaces what it finds.)"""
    settings.DATA_DIR = tmp_path / "data"
    settings.CMEPATH_BADGE_KEY_PATH = None
    settings.CMEPATH_OUTCOMES_DIR = settings.DATA_DIR / "outcomes"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


def _sign(manifest_path: Path, manifest: dict) -> None:
    """Rewrite a manifest as a holder of the secret key could (tests of later checks)."""
    manifest["mac"]["value"] = manifest_mac(manifest)
    manifest_path.write_text(json.dumps(manifest))


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
    _sign(manifest_path, manifest)
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


# --- everything a restore needs, and a manifest nobody else can rewrite ------------------------


def _kept_dataset(outcomes: Path) -> dict[str, bytes]:
    """Row-level files of a dataset kept under a DUA, and a raw upload still in flight."""
    files = {
        "projects/7/datasets/3/orders.parquet": b"PAR1 rows kept under a DUA PAR1",
        "projects/7/datasets/3/report.json": b'{"rows": 2}',
    }
    for rel, data in files.items():
        (outcomes / rel).parent.mkdir(parents=True, exist_ok=True)
        (outcomes / rel).write_bytes(data)
    (outcomes / "uploads").mkdir(parents=True, exist_ok=True)
    (outcomes / "uploads" / "in-flight.csv").write_bytes(b"mrn,dx\n1,N39.0\n")
    spill = outcomes / "projects/7/datasets/4/.duckdb-spill-abc"
    spill.mkdir(parents=True)
    (spill / "scratch.duckdb").write_bytes(b"a dataset being processed")
    return files


def _outcomes_files(outcomes: Path) -> dict[str, bytes]:
    return {
        p.relative_to(outcomes).as_posix(): p.read_bytes()
        for p in sorted(outcomes.rglob("*"))
        if p.is_file()
    }


def test_badge_issued_before_a_backup_verifies_after_restore(
    populated, media_root, tmp_path, data_dir, settings
):
    from cmepath.credits import services as credits

    # given a badge signed with the platform's key, and datasets kept under a DUA
    user = populated["users"][0]
    completion = CompletionFactory(user=user, title="Sepsis", credits={"ama_pra_1": 2})
    badge = credits.badge_issue(actor=user, completion=completion)
    key_path = data_dir / "keys" / "badge-ed25519.pem"
    key_bytes = key_path.read_bytes()
    outcomes = Path(settings.CMEPATH_OUTCOMES_DIR)
    kept = _kept_dataset(outcomes)
    call_command("backup", str(tmp_path / "b"), "--json")
    # when the key and the outcomes data are lost (the data directory wiped) and restored
    key_path.unlink()
    shutil.rmtree(outcomes)
    call_command("restore", str(tmp_path / "b"), "--yes", "--json")
    # then the old badge verifies against the restored key
    result = credits.badge_verify(document=badge)
    assert result.valid, result.reason
    assert key_path.read_bytes() == key_bytes
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    # and the kept datasets are back, byte for byte; the raw upload and scratch files are not
    assert _outcomes_files(outcomes) == kept


def test_backup_lists_the_badge_key_and_kept_datasets_but_not_raw_uploads(
    populated, media_root, tmp_path, data_dir, settings
):
    from cmepath.credits.services.badging import platform_key

    platform_key()  # the key is made on first use
    _kept_dataset(Path(settings.CMEPATH_OUTCOMES_DIR))

    result = backup_create(directory=tmp_path / "b")

    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    paths = {f["path"] for f in manifest["files"]}
    assert manifest["badge_key"] == "keys/badge-ed25519.pem" in paths
    assert {
        "outcomes/projects/7/datasets/3/orders.parquet",
        "outcomes/projects/7/datasets/3/report.json",
    } <= paths
    assert not any(p.startswith("outcomes/uploads/") or ".duckdb-spill-" in p for p in paths)
    assert (result.outcomes_files, result.badge_key) == (2, True)
    # the backup holds a private key: only its owner may read it
    assert stat.S_IMODE((tmp_path / "b").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "b" / "keys" / "badge-ed25519.pem").stat().st_mode) == 0o600
    assert manifest["mac"]["algorithm"] == "HMAC-SHA256"
    assert manifest["mac"]["value"] == manifest_mac(manifest)


def _plant_media_and_rewrite_manifest(backup: Path, manifest: dict, proof: str) -> None:
    """What someone who can write the backup directory (but lacks SECRET_KEY) can do."""
    planted = b"%PDF-1.4 planted content"
    (backup / proof).write_bytes(planted)
    for entry in manifest["files"]:
        if entry["path"] == proof:
            entry["sha256"] = hashlib.sha256(planted).hexdigest()
            entry["size"] = len(planted)


@pytest.mark.parametrize(
    "rewrite",
    ["planted-file-with-matching-checksum", "planted-key", "no-mac", "older-unsigned-format"],
)
def test_rewritten_manifest_is_refused_and_nothing_changes(
    populated, media_root, tmp_path, png_bytes, rewrite
):
    # given a backup whose files and manifest were changed consistently, checksums and all
    backup = tmp_path / "b"
    backup_create(directory=backup)
    manifest_path = backup / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    if rewrite == "planted-file-with-matching-checksum":
        _plant_media_and_rewrite_manifest(backup, manifest, f"media/{populated['proof'].file.name}")
    elif rewrite == "planted-key":
        (backup / "keys").mkdir(exist_ok=True)
        (backup / "keys" / "badge-ed25519.pem").write_bytes(b"attacker's key")
        manifest["badge_key"] = "keys/badge-ed25519.pem"
        manifest["files"].append(
            {
                "path": "keys/badge-ed25519.pem",
                "sha256": hashlib.sha256(b"attacker's key").hexdigest(),
                "size": 14,
            }
        )
    elif rewrite == "no-mac":
        manifest.pop("mac")
    else:
        manifest.pop("mac")
        manifest["format"] = "cmepath-backup/1"
    manifest_path.write_text(json.dumps(manifest, indent=2))
    _mutate(populated, media_root, png_bytes)
    rows, media = _table_rows(), _media(media_root)
    # when a restore is attempted, then it is refused, saying why
    with pytest.raises(CommandError, match="signature does not match|no signed manifest"):
        call_command("restore", str(backup), "--yes")
    # and nothing changed
    assert _table_rows() == rows
    assert _media(media_root) == media


def test_backup_made_under_another_secret_key_is_refused_unless_it_is_a_fallback(
    populated, media_root, tmp_path, settings
):
    backup = tmp_path / "b"
    settings.SECRET_KEY = "an-older-secret-key-" + "x" * 40
    backup_create(directory=backup)
    settings.SECRET_KEY = "the-current-secret-key-" + "y" * 40

    with pytest.raises(ValidationError, match="DJANGO_SECRET_KEY differs"):
        backup_verify(directory=backup)

    settings.SECRET_KEY_FALLBACKS = ["an-older-secret-key-" + "x" * 40]
    assert backup_verify(directory=backup)["format"] == backup_module.FORMAT


def test_restore_keeps_a_different_badge_key_aside(populated, media_root, tmp_path, data_dir):
    from cmepath.credits.services.badging import platform_key

    platform_key()
    key_path = data_dir / "keys" / "badge-ed25519.pem"
    original = key_path.read_bytes()
    backup_create(directory=tmp_path / "b")
    key_path.unlink()
    platform_key()  # a new key made after the backup
    newer = key_path.read_bytes()
    assert newer != original

    backup_restore(directory=tmp_path / "b")

    assert key_path.read_bytes() == original
    aside = list(key_path.parent.glob("badge-ed25519.pem.before-restore-*"))
    assert [p.read_bytes() for p in aside] == [newer]


def test_restore_that_cannot_place_the_badge_key_changes_nothing(
    populated, media_root, tmp_path, png_bytes, settings
):
    from cmepath.credits.services.badging import platform_key

    platform_key()
    backup_create(directory=tmp_path / "b")
    # the key's configured place cannot be written (its "folder" is a file)
    (tmp_path / "blocker").write_text("not a folder")
    settings.CMEPATH_BADGE_KEY_PATH = str(tmp_path / "blocker" / "badge-ed25519.pem")
    _mutate(populated, media_root, png_bytes)
    rows, media = _table_rows(), _media(media_root)

    with pytest.raises(CommandError, match="Cannot write the badge signing key"):
        call_command("restore", str(tmp_path / "b"), "--yes")

    assert _table_rows() == rows
    assert _media(media_root) == media
