"""Importing activity files: parse, check every row, upsert good rows in batches.

The parsers (``importers/``) turn a file into rows, ``records.activity_record`` checks each
row in full, and good rows are written here with one multi-row ``INSERT ... ON CONFLICT``
per batch (plain SQL, below). Rows are matched on (provider, provider activity ID), so
importing the same file twice changes nothing but ``updated_at``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from cmepath.catalog.importers import ImportFileError, decode, parse
from cmepath.catalog.models import (
    Activity,
    ActivityImport,
    CommercialSupport,
    CreditDesignation,
    Provider,
)
from cmepath.catalog.records import ActivityRecord, RecordError, activity_record
from cmepath.core.errors import ValidationError
from cmepath.core.progress import Progress, no_progress
from cmepath.core.services import audit_record

from .activities import provider_create
from .indexing import index_on_commit
from .scoring import UPSERT_FIELDS, derived_columns_and_json

#: Rows written per bulk upsert; one savepoint each (a failing batch is retried row by row).
IMPORT_BATCH = 1000
#: Row errors kept on an import run (the count is always exact).
MAX_REPORTED_ERRORS = 1000
#: The progress step of an import.
IMPORT_STEP = "importing"


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    reason: str


@dataclass
class ImportReport:
    """What an import did; ``errors`` holds at most ``MAX_REPORTED_ERRORS`` rows."""

    file_format: str
    filename: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    activity_ids: list[int] = field(default_factory=list)
    run_id: int | None = None

    def reject(self, line: int, reason: str) -> None:
        self.rejected += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(line, reason))

    @property
    def loaded(self) -> int:
        return self.created + self.updated

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.file_format,
            "filename": self.filename,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "rejected": self.rejected,
            "errors": [
                {"line": e.line, "reason": e.reason}
                for e in sorted(self.errors, key=lambda e: e.line)
            ],
            "errors_truncated": self.rejected > len(self.errors),
            "run_id": self.run_id,
        }


@dataclass(slots=True)
class _Pending:
    line: int
    record: ActivityRecord
    provider: Provider


class _Providers:
    """Resolves the provider of each row: the one given, or by name (CLI imports)."""

    def __init__(self, provider: Provider | None, create: bool, actor: Any) -> None:
        self.fixed = provider
        self.create = create
        self.actor = actor
        self.cache: dict[str, Provider] = {}

    def resolve(self, record: ActivityRecord) -> Provider:
        if self.fixed is not None:
            if record.provider_name and record.provider_name.lower() != self.fixed.name.lower():
                raise RecordError(
                    "provider",
                    f"row names {record.provider_name!r} but this import is for "
                    f"{self.fixed.name!r}",
                )
            return self.fixed
        name = record.provider_name
        if not name:
            raise RecordError("provider", "is required when the import is not for one provider")
        key = name.lower()
        found = self.cache.get(key) or Provider.objects.filter(name__iexact=name).first()
        if found is None:
            if not self.create:
                raise RecordError("provider", f"unknown provider {name!r}")
            found = provider_create(actor=self.actor, name=name, accreditor=record.accreditor)
        self.cache[key] = found
        return found


def activity_import(
    *,
    source: IO[bytes] | bytes,
    file_format: str,
    provider: Provider | None = None,
    actor: Any = None,
    filename: str = "",
    create_providers: bool = False,
    progress: Progress = no_progress,
    batch_size: int = IMPORT_BATCH,
    record_run: bool = True,
) -> ImportReport:
    """Import activities from a CSV, JSON or PARS file; upsert on (provider, provider activity ID).

    Every row is checked in full before anything of it is written; bad rows are reported
    with their line number and reason while good rows load. Good rows are written in
    batches (one bulk upsert each, inside a savepoint that commits); if a batch fails in the
    database it is retried row by row, each in its own savepoint, so one bad row never takes
    its neighbours down and nothing of it is saved. Importing the same file again changes
    nothing but ``updated_at``. Not one transaction on purpose: a large file must not hold
    the write lock for its whole length. Reports ``progress("importing", rows read, rows
    expected)`` after each batch. Raises :class:`ImportFileError` (nothing imported) when
    the file is unusable as a whole.
    """
    raw = source if isinstance(source, bytes) else source.read()
    text = decode(raw)
    rows = parse(text, file_format)
    report = ImportReport(file_format=file_format, filename=filename)
    total = max(
        1, text.count("\n") + (0 if text.endswith("\n") else 1) - (1 if file_format == "csv" else 0)
    )
    providers = _Providers(provider, create_providers, actor)
    batch: dict[tuple[int, str], _Pending] = {}

    def flush() -> None:
        if batch:
            _flush(list(batch.values()), report)
            batch.clear()
        progress(IMPORT_STEP, report.rows, max(total, report.rows))

    for row in rows:
        report.rows += 1
        if row.data is None:
            report.reject(row.line, row.error or "unreadable row")
            continue
        try:
            record = activity_record(row.data)
            owner = providers.resolve(record)
        except RecordError as exc:
            report.reject(row.line, f"{exc.field}: {exc.message}")
            continue
        except ValidationError as exc:  # provider creation refused
            report.reject(row.line, f"provider: {exc.message}")
            continue
        key = (owner.pk, record.provider_activity_id)
        if key in batch:  # the same ID twice in a file: the later row wins, in order
            flush()
        batch[key] = _Pending(row.line, record, owner)
        if len(batch) >= batch_size:
            flush()
    flush()
    if record_run:
        run = ActivityImport.objects.create(
            provider=provider,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            filename=filename[:200],
            file_format=file_format,
            rows=report.rows,
            created=report.created,
            updated=report.updated,
            rejected=report.rejected,
            errors=report.as_dict()["errors"],
        )
        report.run_id = run.pk
        audit_record(
            actor=actor,
            action="catalog.import",
            target=run,
            detail={
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "rejected": report.rejected,
            },
        )
    return report


def _flush(items: list[_Pending], report: ImportReport) -> None:
    try:
        with transaction.atomic():
            created, ids = _upsert(items)
    except (IntegrityError, DatabaseError):
        for item in items:
            try:
                with transaction.atomic():
                    created, ids = _upsert([item])
            except (IntegrityError, DatabaseError) as exc:
                report.reject(
                    item.line, f"rejected by the database: {str(exc).splitlines()[0][:200]}"
                )
                continue
            _count(report, created, ids)
        return
    _count(report, created, ids)


def _count(report: ImportReport, created: int, ids: list[int]) -> None:
    report.created += created
    report.updated += len(ids) - created
    report.activity_ids.extend(ids)
    index_on_commit(ids)


def _upsert(items: list[_Pending]) -> tuple[int, list[int]]:
    """Write a batch: one multi-row upsert of activities, then their designations and support.

    Plain SQL (``INSERT ... ON CONFLICT (provider_id, provider_activity_id) DO UPDATE ...
    RETURNING``, the same text on SQLite >= 3.35 and PostgreSQL) because building 35-column
    ``bulk_create`` statements in the ORM cost more than the database work itself; values are
    adapted by the connection's own ``adapt_*`` operations, so types match what the ORM writes.
    """
    stamp = timezone.now()
    now = connection.ops.adapt_datetimefield_value(stamp)
    rows = [_activity_row(i, now) for i in items]
    pk_of: dict[tuple[int, str], int] = {}
    created = 0
    per_statement = max(1, _max_params() // len(_UPSERT_COLUMNS))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(_upsert_sql(len(chunk)), [v for row in chunk for v in row])
            for pk, provider_id, key, created_at in cursor.fetchall():
                pk_of[(provider_id, key)] = pk
                # a row inserted now carries this batch's timestamp; an updated row keeps its own
                created += created_at == stamp or str(created_at) == str(now)
        ids = [pk_of[(i.provider.pk, i.record.provider_activity_id)] for i in items]
        step = _max_params()
        for start in range(0, len(ids), step):
            part = ids[start : start + step]
            for sql in _delete_children_sql(len(part)):
                cursor.execute(sql, part)
        ops = connection.ops
        credits = [
            (
                pk,
                c.credit_type,
                ops.adapt_decimalfield_value(c.amount, 6, 2),
                ops.adapt_decimalfield_value(c.pharmacology_hours, 6, 2),
            )
            for pk, i in zip(ids, items, strict=True)
            for c in i.record.credits
        ]
        support = [
            (pk, s.source, s.kind, ops.adapt_decimalfield_value(s.amount, 12, 2))
            for pk, i in zip(ids, items, strict=True)
            for s in i.record.commercial_support
        ]
        if credits:
            cursor.executemany(
                _insert_sql(
                    CreditDesignation, "activity_id", "credit_type", "amount", "pharmacology_hours"
                ),
                credits,
            )
        if support:
            cursor.executemany(
                _insert_sql(CommercialSupport, "activity_id", "source", "kind", "amount"), support
            )
    return created, ids


_JSON_COLUMNS = frozenset(
    {
        "professions",
        "specialties",
        "topics",
        "competencies",
        "designed_to_change",
        "moc_boards",
        "credit_types",
        "score_breakdown",
    }
)
_DECIMALS = {"cost": (9, 2), "moc_points": (6, 2)}
_UPSERT_COLUMNS = [
    "provider_id",
    "provider_activity_id",
    *(f for f in UPSERT_FIELDS if f != "updated_at"),
    "created_at",
    "updated_at",
]


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _max_params() -> int:
    if connection.vendor == "sqlite":
        import sqlite3

        raw = connection.connection
        getlimit = getattr(raw, "getlimit", None)  # Python 3.11+
        return int(getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)) if getlimit else 999
    return 30_000


# The SQL below is built from model metadata and placeholder counts only; every value
# travels as a parameter.


@functools.lru_cache(maxsize=64)
def _delete_children_sql(n: int) -> tuple[str, ...]:
    marks = ", ".join(["%s"] * n)
    return tuple(
        f"DELETE FROM {_table(m)} WHERE activity_id IN ({marks})"  # noqa: S608  # nosec B608
        for m in (CreditDesignation, CommercialSupport)
    )


def _insert_sql(model: Any, *columns: str) -> str:
    q = connection.ops.quote_name
    names = ", ".join(q(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {_table(model)} ({names}) VALUES ({marks})"  # noqa: S608  # nosec B608


@functools.lru_cache(maxsize=64)
def _upsert_sql(n: int) -> str:
    q = connection.ops.quote_name
    cols = ", ".join(q(c) for c in _UPSERT_COLUMNS)
    one = "(" + ", ".join(["%s"] * len(_UPSERT_COLUMNS)) + ")"
    updates = ", ".join(
        f"{q(c)} = EXCLUDED.{q(c)}"
        for c in _UPSERT_COLUMNS
        if c not in ("provider_id", "provider_activity_id", "created_at")
    )
    return (
        f"INSERT INTO {_table(Activity)} ({cols}) VALUES {', '.join([one] * n)} "  # noqa: S608  # nosec B608
        f"ON CONFLICT ({q('provider_id')}, {q('provider_activity_id')}) DO UPDATE SET {updates} "
        f"RETURNING {q('id')}, {q('provider_id')}, {q('provider_activity_id')}, {q('created_at')}"
    )


@functools.lru_cache(maxsize=8192)
def _json_text(items: tuple[str, ...]) -> str:
    return json.dumps(list(items))


def _activity_row(item: _Pending, now: Any) -> list[Any]:
    ops = connection.ops
    derived, breakdown_json = derived_columns_and_json(item.record, item.provider)
    values = {**item.record.model_fields(), **derived}
    sqlite = connection.vendor == "sqlite"
    if sqlite:  # JSON columns are text there: reuse the encodings of repeated values
        values["score_breakdown"] = breakdown_json
    row: list[Any] = [item.provider.pk]
    for column in _UPSERT_COLUMNS[1:]:
        if column in ("created_at", "updated_at"):
            row.append(now)
            continue
        value = values[column]
        if column in _JSON_COLUMNS:
            if not sqlite:
                value = ops.adapt_json_value(value, None)
            elif isinstance(value, list):
                value = _json_text(tuple(value))
        elif column in _DECIMALS:
            value = ops.adapt_decimalfield_value(value, *_DECIMALS[column])
        elif column in ("start_date", "end_date"):
            value = ops.adapt_datefield_value(value)
        row.append(value)
    return row


__all__ = ["ImportFileError", "ImportReport", "RowError", "activity_import"]
