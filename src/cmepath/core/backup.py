"""Backup and restore of everything a restore needs (security-checks row 35).

A backup is a directory (mode 0700: it holds the badge signing key)::

    manifest.json        created_at, engine, applied migrations, every file with sha256 + size,
                         and an HMAC-SHA256 of all of that (``mac``)
    database.sqlite3     SQLite: the online backup API (a consistent copy of a live database)
    database.pgdump      PostgreSQL: ``pg_dump -Fc`` (custom format, for ``pg_restore``)
    media/...            a copy of MEDIA_ROOT
    outcomes/...         the QI data kept outside MEDIA_ROOT: row-level datasets kept under a
                         data use agreement (``outcomes_dir()``; raw uploads in ``uploads/``
                         are transient and left out)
    keys/badge-ed25519.pem  the Open Badges signing key (mode 0600), without which no badge
                         issued before the restore verifies

The manifest is signed with a key derived from ``SECRET_KEY`` (``DJANGO_SECRET_KEY``),
which is never in the backup: whoever can write the backup directory can change files but
cannot make a manifest that matches them. Verification also accepts a manifest signed with
a key in ``SECRET_KEY_FALLBACKS``, so rotating the secret key does not orphan old backups.

``backup_restore`` checks the signature and every checksum before it changes anything,
then restores the database (SQLite through the backup API into the live connection;
PostgreSQL with ``pg_restore --clean --if-exists --no-owner --single-transaction``, so a
failed restore leaves the database as it was), the media files, the outcomes data and the
badge key (a different key already in place is kept beside it as ``*.before-restore-*``).
The PostgreSQL password only ever travels in the ``PGPASSWORD`` environment variable,
never on a command line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - fixed argument lists to pg_dump/pg_restore, never a shell
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .errors import DomainError, ErrorCode, ValidationError

FORMAT = "cmepath-backup/2"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media"
OUTCOMES_DIR = "outcomes"
# Left out of the outcomes data: raw uploads (they live only until their dataset is processed)
# and DuckDB scratch folders of a dataset being processed.
OUTCOMES_SKIP = ("uploads",)
SCRATCH_PREFIX = ".duckdb-spill-"
KEYS_DIR = "keys"
BADGE_KEY_FILE = f"{KEYS_DIR}/badge-ed25519.pem"
MAC_SALT = "cmepath.core.backup.manifest"
MAC_ALGORITHM = "HMAC-SHA256"
CHUNK = 1024 * 1024

Progress = Callable[[str, int, int], None]
"""Called as ``progress(step, done, total)``; the CLI draws it with rich."""


class BackupError(DomainError):
    status = 500
    code = "backup_failed"


@dataclass
class BackupResult:
    directory: Path
    engine: str
    files: int
    bytes: int
    media_files: int
    seconds: float
    outcomes_files: int = 0
    badge_key: bool = False
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "directory": str(self.directory),
            "engine": self.engine,
            "files": self.files,
            "bytes": self.bytes,
            "media_files": self.media_files,
            "outcomes_files": self.outcomes_files,
            "badge_key": self.badge_key,
            "seconds": round(self.seconds, 3),
            "warnings": self.warnings,
        }


def _noop(step: str, done: int, total: int) -> None:
    return None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _skipped(parts: tuple[str, ...], skip: tuple[str, ...]) -> bool:
    return parts[0] in skip or any(part.startswith(SCRATCH_PREFIX) for part in parts)


def _media_files(root: Path, skip: tuple[str, ...] | None = None) -> list[Path]:
    """Regular files under ``root`` (no symlinks); with ``skip``, leaving out those top-level
    folders and any scratch folder."""
    if not root.exists():
        return []
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and not p.is_symlink()
        and (skip is None or not _skipped(p.relative_to(root).parts, skip))
    )


def _badge_key_path() -> Path:
    """Where the Open Badges signing key lives (credits decides; read, never created here)."""
    from cmepath.credits.services.badging import badge_key_path

    return badge_key_path()


def _outcomes_root() -> Path:
    from cmepath.outcomes.services import outcomes_dir

    return outcomes_dir()


def _canonical(manifest: dict[str, Any]) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "mac"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def manifest_mac(manifest: dict[str, Any], secret: str | bytes | None = None) -> str:
    """HMAC-SHA256 of the manifest (everything but ``mac``), keyed from ``SECRET_KEY``.

    The key is derived with Django's ``salted_hmac`` and a salt used for nothing else, so
    the MAC cannot stand in for any other signature the site makes.
    """
    return salted_hmac(MAC_SALT, _canonical(manifest), secret, algorithm="sha256").hexdigest()


def _mac_matches(manifest: dict[str, Any]) -> bool:
    mac = manifest.get("mac")
    if not isinstance(mac, dict) or mac.get("algorithm") != MAC_ALGORITHM:
        return False
    value = str(mac.get("value", ""))
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(hmac.compare_digest(manifest_mac(manifest, secret), value) for secret in secrets)


def _copy_tree(
    source: Path,
    prefix: str,
    directory: Path,
    progress: Progress,
    skip: tuple[str, ...] | None = None,
) -> list[dict[str, Any]]:
    """Copy the files under ``source`` to ``directory/prefix``; their manifest entries."""
    sources = _media_files(source, skip)
    entries: list[dict[str, Any]] = []
    for i, src in enumerate(sources, start=1):
        rel = src.relative_to(source).as_posix()
        dest_path = directory / prefix / rel
        dest_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest_path)
        entries.append(
            {
                "path": f"{prefix}/{rel}",
                "sha256": file_sha256(dest_path),
                "size": dest_path.stat().st_size,
            }
        )
        progress(prefix, i, len(sources))
    if not sources:
        progress(prefix, 0, 0)
    return entries


def _applied_migrations(alias: str) -> dict[str, list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _pg_env_and_args(settings_dict: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Connection arguments for pg_dump/pg_restore; the password goes in the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    args: list[str] = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    args += ["--no-password", "--dbname", str(settings_dict["NAME"])]
    return env, args


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(
            f"{cmd[0]} is not installed or not on PATH; install the PostgreSQL client tools."
        ) from exc
    if proc.returncode != 0:
        raise BackupError(f"{what} failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}")


def backup_create(
    *, directory: Path, alias: str = "default", progress: Progress = _noop
) -> BackupResult:
    """Write a signed backup of the database, MEDIA_ROOT, the outcomes data and the badge
    key into ``directory``.

    The directory must be new or empty, so a backup never mixes with an older one.
    """
    started = timezone.now()
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise ValidationError(
            f"{directory} is not empty; back up into a new directory.", field="directory"
        )
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    directory.chmod(0o700)  # the backup holds the badge signing key and every record
    connection = connections[alias]
    engine = connection.vendor
    warnings: list[str] = []

    progress("database", 0, 1)
    if engine == "sqlite":
        db_file = directory / SQLITE_FILE
        connection.ensure_connection()
        dest = sqlite3.connect(str(db_file))
        try:
            connection.connection.backup(dest)
            # A self-contained file: no -wal/-shm beside it when it is read later.
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
    elif engine == "postgresql":
        db_file = directory / PG_FILE
        env, args = _pg_env_and_args(connection.settings_dict)
        _run(["pg_dump", "--format=custom", "--file", str(db_file), *args], env, "pg_dump")
    else:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")
    progress("database", 1, 1)

    entries = _copy_tree(Path(settings.MEDIA_ROOT), MEDIA_DIR, directory, progress)
    outcomes = _copy_tree(_outcomes_root(), OUTCOMES_DIR, directory, progress, OUTCOMES_SKIP)
    key_entries: list[dict[str, Any]] = []
    key_source = _badge_key_path()
    if key_source.is_file():
        key_copy = directory / BADGE_KEY_FILE
        key_copy.parent.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(key_copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key_source.read_bytes())
        key_entries.append(
            {
                "path": BADGE_KEY_FILE,
                "sha256": file_sha256(key_copy),
                "size": key_copy.stat().st_size,
            }
        )
    else:
        warnings.append(
            f"No badge signing key at {key_source} (no badge issued yet); none was backed up."
        )
    files = [
        {"path": db_file.name, "sha256": file_sha256(db_file), "size": db_file.stat().st_size},
        *entries,
        *outcomes,
        *key_entries,
    ]

    manifest = {
        "format": FORMAT,
        "created_at": started.isoformat(),
        "engine": engine,
        "database": {
            "file": db_file.name,
            "name": Path(str(connection.settings_dict["NAME"])).name,
        },
        "migrations": _applied_migrations(alias),
        "media_files": len(entries),
        "outcomes_files": len(outcomes),
        "badge_key": BADGE_KEY_FILE if key_entries else None,
        "files": files,
    }
    manifest["mac"] = {"algorithm": MAC_ALGORITHM, "value": manifest_mac(manifest)}
    (directory / MANIFEST).write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    seconds = (timezone.now() - started).total_seconds()
    return BackupResult(
        directory=directory,
        engine=engine,
        files=len(files),
        bytes=sum(int(f["size"]) for f in files),
        media_files=len(entries),
        seconds=seconds,
        outcomes_files=len(outcomes),
        badge_key=bool(key_entries),
        warnings=warnings,
    )


def backup_verify(*, directory: Path, progress: Progress = _noop) -> dict[str, Any]:
    """Check the manifest and every file's size and SHA-256; raise ValidationError on any mismatch.

    Files in the backup that the manifest does not list are refused too.
    """
    directory = Path(directory)
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise ValidationError(
            f"{directory} has no {MANIFEST}; it is not a cmepath backup.",
            code=ErrorCode.BACKUP_INVALID,
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError(
            f"{MANIFEST} is not valid JSON; the backup is damaged.", code=ErrorCode.BACKUP_INVALID
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValidationError(
            f"Unknown backup format; expected {FORMAT} (a backup made by an older cmepath has "
            "no signed manifest and cannot be trusted: restore it with that version).",
            code=ErrorCode.BACKUP_INVALID,
        )
    if not _mac_matches(manifest):
        raise ValidationError(
            "The backup failed verification; nothing was restored: the manifest's signature "
            "does not match. Either the manifest was changed after the backup was made, or "
            "this installation's DJANGO_SECRET_KEY differs from the one that made it (run the "
            "restore with that DJANGO_SECRET_KEY).",
            code=ErrorCode.BACKUP_CHECKSUM,
        )
    problems: list[str] = []
    listed: set[str] = set()
    files = manifest.get("files") or []
    for i, entry in enumerate(files, start=1):
        rel = str(entry.get("path", ""))
        path = (directory / rel).resolve()
        if (
            rel.startswith("/")
            or ".." in Path(rel).parts
            or directory.resolve() not in path.parents
        ):
            problems.append(f"{rel}: path leaves the backup directory")
            continue
        listed.add(Path(rel).as_posix())
        if not path.is_file():
            problems.append(f"{rel}: missing")
        elif path.stat().st_size != entry.get("size"):
            problems.append(f"{rel}: size {path.stat().st_size} != {entry.get('size')}")
        elif file_sha256(path) != entry.get("sha256"):
            problems.append(f"{rel}: SHA-256 does not match")
        progress("verify", i, len(files))
    present = {p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file()} - {
        MANIFEST
    }
    problems += [f"{rel}: not listed in the manifest" for rel in sorted(present - listed)]
    db_file = (manifest.get("database") or {}).get("file")
    if db_file not in listed:
        problems.append("the manifest lists no database file")
    if problems:
        shown = "; ".join(problems[:10]) + (
            f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        )
        raise ValidationError(
            f"The backup failed verification; nothing was restored: {shown}",
            code=ErrorCode.BACKUP_CHECKSUM,
            errors={"files": problems},
        )
    return manifest


def _unknown_migrations(manifest: dict[str, Any], alias: str) -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in (manifest.get("migrations") or {}).items()
        for name in names
        if (app, name) not in known
    ]


def _restore_tree(
    directory: Path,
    manifest: dict[str, Any],
    prefix: str,
    root: Path,
    progress: Progress,
    skip: tuple[str, ...] | None = None,
) -> int:
    """Copy the backup's ``prefix/`` files over ``root`` (atomic per file) and remove the
    files it lacks (except under the top-level folders ``skip``)."""
    root.mkdir(parents=True, exist_ok=True)
    wanted = [e for e in manifest["files"] if str(e["path"]).startswith(f"{prefix}/")]
    keep: set[Path] = set()
    for i, entry in enumerate(wanted, start=1):
        rel = Path(str(entry["path"])).relative_to(prefix)
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        keep.add(target.resolve())
        if (
            target.is_file()
            and target.stat().st_size == entry["size"]
            and file_sha256(target) == entry["sha256"]
        ):
            progress(prefix, i, len(wanted))
            continue
        _copy_checked(directory / str(entry["path"]), target, str(entry["sha256"]))
        progress(prefix, i, len(wanted))
    if not wanted:
        progress(prefix, 0, 0)
    for path in _media_files(root, skip):
        if path.resolve() not in keep:
            path.unlink()
    return len(wanted)


def _copy_checked(source: Path, target: Path, sha256: str, mode: int | None = None) -> None:
    """Copy ``source`` to ``target`` through a temporary file, checking the copy's SHA-256."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".restore-")
    os.close(fd)
    try:
        if mode is not None:
            os.chmod(tmp, mode)
        shutil.copyfile(source, tmp)
        if file_sha256(Path(tmp)) != sha256:
            raise BackupError(f"{source.name}: copy does not match its checksum (disk full?)")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _writable(path: Path) -> bool:
    """Whether ``path`` can be created or replaced (its nearest existing folder is writable)."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder.is_dir() and os.access(folder, os.W_OK)


def _key_entry(manifest: dict[str, Any]) -> dict[str, Any] | None:
    return next((e for e in manifest["files"] if e["path"] == manifest.get("badge_key")), None)


def _key_needs_writing(manifest: dict[str, Any]) -> bool:
    entry = _key_entry(manifest)
    if entry is None:
        return False
    target = _badge_key_path()
    return not (target.is_file() and file_sha256(target) == entry["sha256"])


def _restore_badge_key(directory: Path, manifest: dict[str, Any]) -> bool:
    """Put the backup's badge signing key in place; a different key there is kept aside."""
    entry = _key_entry(manifest)
    if entry is None:
        return False
    if not _key_needs_writing(manifest):
        return True
    target = _badge_key_path()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if target.exists():
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        os.replace(target, target.with_name(f"{target.name}.before-restore-{stamp}"))
    _copy_checked(directory / str(entry["path"]), target, str(entry["sha256"]), mode=0o600)
    return True


def backup_restore(
    *, directory: Path, alias: str = "default", progress: Progress = _noop
) -> BackupResult:
    """Verify, then restore the database, MEDIA_ROOT, the outcomes data and the badge key."""
    started = timezone.now()
    directory = Path(directory)
    manifest = backup_verify(directory=directory, progress=progress)
    connection = connections[alias]
    engine = connection.vendor
    if manifest.get("engine") != engine:
        raise ValidationError(
            f"This backup is of a {manifest.get('engine')} database; the configured database is {engine}. "
            "Restore into the same engine (use `cmepath dumpdata`/`loaddata` to move between engines).",
            code=ErrorCode.BACKUP_ENGINE,
        )
    unknown = _unknown_migrations(manifest, alias)
    if unknown:
        raise ValidationError(
            "The backup was made by a newer cmepath (migrations this code does not know: "
            f"{', '.join(unknown[:5])}); install that version to restore it.",
            code=ErrorCode.BACKUP_NEWER,
        )
    db_file = directory / str(manifest["database"]["file"])
    key_target = _badge_key_path()
    if _key_needs_writing(manifest) and not _writable(key_target):
        raise BackupError(
            f"Cannot write the badge signing key to {key_target}; nothing was restored. "
            "Make its folder writable for this user (or point CMEPATH_BADGE_KEY_PATH elsewhere)."
        )

    progress("database", 0, 1)
    if engine == "sqlite":
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("Restore cannot run inside a transaction.")
        source = sqlite3.connect(f"file:{db_file}?mode=ro&immutable=1", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        if connection.in_atomic_block:
            raise BackupError("Restore cannot run inside a transaction.")
        connection.close()  # hold no locks while pg_restore drops and recreates tables
        env, args = _pg_env_and_args(connection.settings_dict)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(db_file),
            ],
            env,
            "pg_restore",
        )
    progress("database", 1, 1)

    media = _restore_tree(directory, manifest, MEDIA_DIR, Path(settings.MEDIA_ROOT), progress)
    outcomes = _restore_tree(
        directory, manifest, OUTCOMES_DIR, _outcomes_root(), progress, OUTCOMES_SKIP
    )
    badge_key = _restore_badge_key(directory, manifest)
    seconds = (timezone.now() - started).total_seconds()
    warnings = []
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        warnings.append(
            "The restored database is behind this code's migrations; run `cmepath migrate`."
        )
    return BackupResult(
        directory=directory,
        engine=engine,
        files=len(manifest["files"]),
        bytes=sum(int(f["size"]) for f in manifest["files"]),
        media_files=media,
        seconds=seconds,
        outcomes_files=outcomes,
        badge_key=badge_key,
        warnings=warnings,
    )
