"""Backup and restore of the database and the media files (security-checks row 35).

A backup is a directory::

    manifest.json        created_at, engine, applied migrations, every file with sha256 + size
    database.sqlite3     SQLite: the online backup API (a consistent copy of a live database)
    database.pgdump      PostgreSQL: ``pg_dump -Fc`` (custom format, for ``pg_restore``)
    media/...            a copy of MEDIA_ROOT

``backup_restore`` verifies every checksum before it changes anything, then restores the
database (SQLite through the backup API into the live connection; PostgreSQL with
``pg_restore --clean --if-exists --no-owner --single-transaction``, so a failed restore
leaves the database as it was) and then the media files. The PostgreSQL password only
ever travels in the ``PGPASSWORD`` environment variable, never on a command line.

The manifest is not signed: anyone who can write the backup directory can rewrite it.
Keep backups where only operators can write (and copy them off the host).
"""

from __future__ import annotations

import hashlib
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

from .errors import DomainError, ErrorCode, ValidationError

FORMAT = "cmepath-backup/1"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media"
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
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "directory": str(self.directory),
            "engine": self.engine,
            "files": self.files,
            "bytes": self.bytes,
            "media_files": self.media_files,
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


def _media_files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


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
    """Write a verified backup of the database and MEDIA_ROOT into ``directory``.

    The directory must be new or empty, so a backup never mixes with an older one.
    """
    started = timezone.now()
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise ValidationError(
            f"{directory} is not empty; back up into a new directory.", field="directory"
        )
    directory.mkdir(parents=True, exist_ok=True)
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

    media_root = Path(settings.MEDIA_ROOT)
    sources = _media_files(media_root)
    entries: list[dict[str, Any]] = []
    for i, src in enumerate(sources, start=1):
        rel = src.relative_to(media_root).as_posix()
        dest_path = directory / MEDIA_DIR / rel
        dest_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest_path)
        entries.append(
            {
                "path": f"{MEDIA_DIR}/{rel}",
                "sha256": file_sha256(dest_path),
                "size": dest_path.stat().st_size,
            }
        )
        progress("media", i, len(sources))
    if not sources:
        progress("media", 0, 0)
    files = [
        {"path": db_file.name, "sha256": file_sha256(db_file), "size": db_file.stat().st_size},
        *entries,
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
        "files": files,
    }
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
            f"Unknown backup format; expected {FORMAT}.", code=ErrorCode.BACKUP_INVALID
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


def _restore_media(directory: Path, manifest: dict[str, Any], progress: Progress) -> int:
    """Copy the backup's media over MEDIA_ROOT (atomic per file) and remove files it lacks."""
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    wanted = [e for e in manifest["files"] if str(e["path"]).startswith(f"{MEDIA_DIR}/")]
    keep: set[Path] = set()
    for i, entry in enumerate(wanted, start=1):
        rel = Path(str(entry["path"])).relative_to(MEDIA_DIR)
        target = media_root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        keep.add(target.resolve())
        if (
            target.is_file()
            and target.stat().st_size == entry["size"]
            and file_sha256(target) == entry["sha256"]
        ):
            progress("media", i, len(wanted))
            continue
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".restore-")
        os.close(fd)
        try:
            shutil.copyfile(directory / str(entry["path"]), tmp)
            if file_sha256(Path(tmp)) != entry["sha256"]:
                raise BackupError(f"{entry['path']}: copy does not match its checksum (disk full?)")
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        progress("media", i, len(wanted))
    if not wanted:
        progress("media", 0, 0)
    for path in _media_files(media_root):
        if path.resolve() not in keep:
            path.unlink()
    return len(wanted)


def backup_restore(
    *, directory: Path, alias: str = "default", progress: Progress = _noop
) -> BackupResult:
    """Verify, then restore the database and MEDIA_ROOT from ``directory``."""
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

    media = _restore_media(directory, manifest, progress)
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
        warnings=warnings,
    )
