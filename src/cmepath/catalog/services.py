"""Writes on the catalog: providers, activities, imports, wishlists, cohort outcomes, and
keeping the search index in step with the database.

Pages, the API, the CLI and tasks call these functions, so they behave the same. Every write
of an activity recomputes its value score (``rubric.py``) and, after the transaction commits,
enqueues the index task for it (``tasks.py``): the index never sees uncommitted rows.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import IO, Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from cmepath.core.errors import ConflictError, ValidationError
from cmepath.core.services import audit_record
from cmepath.core.vocabulary import MANDATED_TOPICS
from cmepath.search import ACTIVITY, TantivyBackend

from . import rubric
from .choices import IPCE_CREDIT, Accreditor, ActivityStatus
from .importers import ImportFileError, decode, parse
from .models import (
    Activity,
    ActivityImport,
    CohortOutcome,
    CommercialSupport,
    CreditDesignation,
    Provider,
    WishlistItem,
)
from .records import ActivityRecord, CreditLine, RecordError, SupportLine, activity_record
from .selectors import search_backend

Progress = Callable[[int, int], None]

#: Rows written per bulk upsert; one savepoint each (a failing batch is retried row by row).
IMPORT_BATCH = 1000
#: Ids per index task (a task is one Tantivy commit).
INDEX_CHUNK = 2000
#: Row errors kept on an import run (the count is always exact).
MAX_REPORTED_ERRORS = 1000

_DERIVED = ("credits", "credit_types", "has_commercial_support", "value_score", "score_breakdown")
UPSERT_FIELDS = [
    *(
        f
        for f in ActivityRecord(
            provider_activity_id="x",
            title="x",
            format="other",
            delivery="online",
            start_date=date(2000, 1, 1),
            end_date=date(2000, 1, 1),
        ).model_fields()
        if f != "provider_activity_id"
    ),
    *_DERIVED,
    "updated_at",
]


# ------------------------------------------------------------------ scoring


def accreditor_name(code: str) -> str:
    if not code:
        return ""
    return str(Accreditor(code).label).split(" (")[0]


def score_record(record: ActivityRecord, provider: Provider) -> rubric.ScoreBreakdown:
    """The value score of an activity without a career goal (career fit is neutral)."""
    return rubric.score(activity_facts(record, provider))


def activity_facts(record: ActivityRecord, provider: Provider) -> rubric.ActivityFacts:
    """What the rubric needs, from a validated record and its provider."""
    return rubric.ActivityFacts(
        accreditor=accreditor_name(provider.accreditor) or None,
        accreditation_valid=provider.accreditation_valid,
        commercial_support=tuple(
            rubric.CommercialSupport(source=s.source, kind=s.kind, amount=float(s.amount))  # type: ignore[arg-type]
            for s in record.commercial_support
        ),
        designed_to_change=frozenset(record.designed_to_change),
        outcomes_evaluated=record.outcomes_evaluated,
        moore_level=record.moore_level,
        interprofessional=record.interprofessional,
        ipce_credit=any(c.credit_type == IPCE_CREDIT for c in record.credits),
        professions=frozenset(record.professions),
        competencies=frozenset(record.competencies),
        pi_component=record.pi_component,
        disclosure_summary=bool(record.disclosure_summary.strip()),
    )


@functools.lru_cache(maxsize=4096)
def _score(facts: rubric.ActivityFacts) -> tuple[float, dict[str, object], str]:
    # Imports repeat the same facts often; the breakdown dict is shared, never mutated.
    # The JSON text is kept too: the SQLite upsert writes it as is.
    breakdown = rubric.score(facts)
    data = breakdown.as_dict()
    return breakdown.total, data, json.dumps(data)


def _derived(record: ActivityRecord, provider: Provider) -> dict[str, Any]:
    return _derived_and_json(record, provider)[0]


def _derived_and_json(record: ActivityRecord, provider: Provider) -> tuple[dict[str, Any], str]:
    """The derived columns, plus the breakdown as JSON text."""
    total, breakdown, text = _score(activity_facts(record, provider))
    return {
        "credits": float(max((c.amount for c in record.credits), default=Decimal(0))),
        "credit_types": [c.credit_type for c in record.credits],
        "has_commercial_support": bool(record.commercial_support),
        "value_score": total,
        "score_breakdown": breakdown,
    }, text


def record_of(activity: Activity) -> ActivityRecord:
    """The record an existing activity holds (for partial updates and rescoring)."""
    return ActivityRecord(
        **{**activity_field_values(activity)},
        credits=tuple(
            CreditLine(d.credit_type, d.amount, d.pharmacology_hours)
            for d in activity.designations.all()
        ),
        commercial_support=tuple(
            SupportLine(s.source, s.kind, s.amount) for s in activity.commercial_support.all()
        ),
    )


def activity_field_values(activity: Activity) -> dict[str, Any]:
    values = {
        name: getattr(activity, name)
        for name in UPSERT_FIELDS
        if name not in _DERIVED and name != "updated_at"
    }
    for name in (
        "professions",
        "specialties",
        "topics",
        "competencies",
        "designed_to_change",
        "moc_boards",
    ):
        values[name] = tuple(values[name] or ())
    values["provider_activity_id"] = activity.provider_activity_id
    return values


# ------------------------------------------------------------------ providers


@transaction.atomic
def provider_create(
    *,
    actor: Any,
    name: str,
    accreditor: str = "",
    accreditation_valid: bool = True,
    website: str = "",
) -> Provider:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("A provider needs a name.", field="name")
    if accreditor and accreditor not in Accreditor.values:
        raise ValidationError(f"Unknown accreditor {accreditor!r}.", field="accreditor")
    if Provider.objects.filter(name__iexact=name).exists():
        raise ConflictError(f"A provider named {name!r} already exists.", field="name")
    provider = Provider.objects.create(
        name=name, accreditor=accreditor, accreditation_valid=accreditation_valid, website=website
    )
    audit_record(
        actor=actor, action="catalog.provider.create", target=provider, detail={"name": name}
    )
    return provider


@transaction.atomic
def provider_member_add(*, actor: Any, provider: Provider, user: Any) -> None:
    provider.members.add(user)
    audit_record(
        actor=actor, action="catalog.provider.member_add", target=provider, subject_user_id=user.pk
    )


# ------------------------------------------------------------------ activities


def _clean(data: dict[str, Any], *, partial_of: ActivityRecord | None = None) -> ActivityRecord:
    try:
        return activity_record(data, partial_of=partial_of)
    except RecordError as exc:
        raise ValidationError(f"{exc.field}: {exc.message}", field=exc.field) from None


def _save_children(activity: Activity, record: ActivityRecord) -> None:
    CreditDesignation.objects.filter(activity=activity).delete()
    CommercialSupport.objects.filter(activity=activity).delete()
    CreditDesignation.objects.bulk_create(
        [
            CreditDesignation(
                activity=activity,
                credit_type=c.credit_type,
                amount=c.amount,
                pharmacology_hours=c.pharmacology_hours,
            )
            for c in record.credits
        ]
    )
    CommercialSupport.objects.bulk_create(
        [
            CommercialSupport(activity=activity, source=s.source, kind=s.kind, amount=s.amount)
            for s in record.commercial_support
        ]
    )


@transaction.atomic
def activity_create(*, actor: Any, provider: Provider, data: dict[str, Any]) -> Activity:
    """Add an activity to ``provider`` (the caller checked ``providers.allows(actor, "change")``)."""
    data = dict(data)
    if not str(data.get("provider_activity_id") or "").strip():
        data["provider_activity_id"] = f"web-{uuid.uuid4().hex[:12]}"
    data.pop("provider_name", None)
    record = _clean(data)
    if Activity.objects.filter(
        provider=provider, provider_activity_id=record.provider_activity_id
    ).exists():
        raise ConflictError(
            f"{provider.name} already has an activity with ID {record.provider_activity_id!r}; "
            "edit that one or choose another ID.",
            field="provider_activity_id",
        )
    activity = Activity.objects.create(
        provider=provider, **record.model_fields(), **_derived(record, provider)
    )
    _save_children(activity, record)
    audit_record(
        actor=actor,
        action="catalog.activity.create",
        target=activity,
        detail={"provider": provider.pk, "provider_activity_id": record.provider_activity_id},
    )
    _index_on_commit([activity.pk])
    return activity


@transaction.atomic
def activity_update(*, actor: Any, activity: Activity, data: dict[str, Any]) -> Activity:
    """Change some fields of an activity (the caller checked ``activities.allows(actor, "change")``)."""
    activity = (
        Activity.objects.select_for_update()
        .select_related("provider")
        .prefetch_related("designations", "commercial_support")
        .get(pk=activity.pk)
    )
    data = {k: v for k, v in data.items() if k != "provider_name"}
    before = record_of(activity)
    record = _clean(data, partial_of=before)
    if (
        record.provider_activity_id != before.provider_activity_id
        and Activity.objects.filter(
            provider_id=activity.provider_id, provider_activity_id=record.provider_activity_id
        ).exists()
    ):
        raise ConflictError(
            f"Another activity already has ID {record.provider_activity_id!r}.",
            field="provider_activity_id",
        )
    for name, value in {**record.model_fields(), **_derived(record, activity.provider)}.items():
        setattr(activity, name, value)
    activity.save()
    if record.credits != before.credits or record.commercial_support != before.commercial_support:
        _save_children(activity, record)
    changed = sorted(
        k
        for k in data
        if getattr(before, _field_alias(k), None) != getattr(record, _field_alias(k), None)
    )
    audit_record(
        actor=actor, action="catalog.activity.update", target=activity, detail={"fields": changed}
    )
    _index_on_commit([activity.pk])
    return activity


def _field_alias(key: str) -> str:
    from .records import ALIASES

    return ALIASES.get(key, key)


@transaction.atomic
def cohort_outcome_record(
    *,
    actor: Any,
    activity: Activity,
    period_start: date,
    period_end: date,
    learners: int,
    moore_level: int | str,
    summary: str,
) -> CohortOutcome:
    """Record the outcomes of a past cohort; a higher Moore level lifts the activity's own
    (its value score follows, and the index is updated after commit)."""
    try:
        level = rubric.parse_moore_level(moore_level)
    except (TypeError, ValueError):
        level = None
    if level is None:
        raise ValidationError(
            "Choose the Moore level the cohort reached (1-7).", field="moore_level"
        )
    if period_end < period_start:
        raise ValidationError("The period ends before it starts.", field="period_end")
    if period_start > date.today():  # noqa: DTZ011 - calendar dates
        raise ValidationError("Report outcomes of past cohorts only.", field="period_start")
    if learners < 0:
        raise ValidationError("Learners cannot be negative.", field="learners")
    summary = summary.strip()
    if not summary:
        raise ValidationError("Summarise what was measured and what changed.", field="summary")
    outcome = CohortOutcome.objects.create(
        activity=activity,
        period_start=period_start,
        period_end=period_end,
        learners=learners,
        moore_level=level,
        summary=summary[:5000],
        reported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if activity.moore_level is None or level > activity.moore_level:
        data: dict[str, Any] = {"moore_level": level}
        if level >= 4:
            data["outcomes_evaluated"] = True
        if not activity.outcomes_summary:
            data["outcomes_summary"] = summary[:5000]
        activity_update(actor=actor, activity=activity, data=data)
    audit_record(
        actor=actor,
        action="catalog.outcome.record",
        target=outcome,
        detail={"activity": activity.pk, "moore_level": level, "learners": learners},
    )
    return outcome


# ------------------------------------------------------------------ wishlist


@transaction.atomic
def wishlist_add(*, actor: Any, activity: Activity) -> WishlistItem:
    """Save an activity (the caller fetched it through the view policy)."""
    item, _ = WishlistItem.objects.get_or_create(user=actor, activity=activity)
    return item


@transaction.atomic
def wishlist_remove(*, actor: Any, activity_id: int) -> bool:
    deleted, _ = WishlistItem.objects.filter(user=actor, activity_id=activity_id).delete()
    return bool(deleted)


# ------------------------------------------------------------------ import


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
    progress: Progress | None = None,
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
    the write lock for its whole length. Raises :class:`ImportFileError` (nothing imported)
    when the file is unusable as a whole.
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
        if progress:
            progress(report.rows, max(total, report.rows))

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
    _index_on_commit(ids)


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
    derived, breakdown_json = _derived_and_json(item.record, item.provider)
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


# ------------------------------------------------------------------ search index


def _index_on_commit(ids: list[int]) -> None:
    if ids:
        transaction.on_commit(partial(_enqueue_index, list(ids)))


def _enqueue_index(ids: list[int]) -> None:
    from .tasks import index_activities

    for start in range(0, len(ids), INDEX_CHUNK):
        index_activities.enqueue(ids[start : start + INDEX_CHUNK])


def activity_document(activity: Activity) -> dict[str, Any]:
    """The ACTIVITY search document of a row (``search/schema.py``); needs ``provider`` loaded."""
    return {
        "id": str(activity.pk),
        "title": activity.title,
        "description": activity.description,
        "topics": list(activity.topics),
        "profession": list(activity.professions),
        "specialty": list(activity.specialties),
        "credit_type": list(activity.credit_types),
        "format": activity.format,
        "delivery": activity.delivery,
        "state": activity.state or None,
        "mandated_topic": [t for t in activity.topics if t in MANDATED_TOPICS],
        "accreditor": activity.provider.accreditor or None,
        "moc": bool(activity.moc_boards),
        "interprofessional": activity.interprofessional,
        "no_commercial_support": not activity.has_commercial_support,
        "moore_level": activity.moore_level,
        "value_score": activity.value_score,
        "cost": float(activity.cost),
        "start_date": int(activity.start_date.strftime("%Y%m%d")),
        "credits": activity.credits,
    }


def search_index_activities(ids: Iterable[int]) -> int:
    """Bring the index in line with these rows: published ones are (re)indexed, others removed.

    Safe to run twice (documents are replaced by id). Called by the index task only.
    """
    wanted = sorted({int(i) for i in ids})
    backend = search_backend()
    written = 0
    for start in range(0, len(wanted), INDEX_CHUNK):
        chunk = wanted[start : start + INDEX_CHUNK]
        rows = list(
            Activity.objects.filter(pk__in=chunk, status=ActivityStatus.PUBLISHED).select_related(
                "provider"
            )
        )
        found = {a.pk for a in rows}
        gone = [str(i) for i in chunk if i not in found]
        if gone:
            backend.delete(gone)
        if rows:
            written += backend.index(activity_document(a) for a in rows)
    return written


def _published_documents(progress: Progress | None, total: int) -> Iterator[dict[str, Any]]:
    qs = (
        Activity.objects.filter(status=ActivityStatus.PUBLISHED)
        .select_related("provider")
        .order_by("pk")
    )
    for n, activity in enumerate(qs.iterator(chunk_size=2000), start=1):
        yield activity_document(activity)
        if progress and (n % 1000 == 0 or n == total):
            progress(n, total)


def search_reindex_all(progress: Progress | None = None) -> int:
    """Rebuild the whole activity index from the database (readers switch atomically)."""
    from django.conf import settings

    total = Activity.objects.filter(status=ActivityStatus.PUBLISHED).count()
    builder = TantivyBackend(ACTIVITY, settings.CMEPATH_SEARCH_DIR, writer_heap=256_000_000)
    n = builder.rebuild(_published_documents(progress, total))
    if progress:
        progress(n, max(n, total))
    return n


__all__ = [
    "ImportFileError",
    "ImportReport",
    "RowError",
    "activity_create",
    "activity_document",
    "activity_import",
    "activity_update",
    "cohort_outcome_record",
    "provider_create",
    "provider_member_add",
    "search_index_activities",
    "search_reindex_all",
    "wishlist_add",
    "wishlist_remove",
]
