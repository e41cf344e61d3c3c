"""Writes on completions: record (self- or provider-reported), update, delete, CSV import.

Each service is keyword-only; writes are atomic, land in the audit log and enqueue the
owner's re-evaluation after commit. Bad input raises a ``core.errors.ValidationError`` with
a message that says how to fix it, and stores nothing.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from cmepath.core.errors import ErrorCode as CoreErrorCode
from cmepath.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from cmepath.core.services import audit_record, fields_apply, model_validate
from cmepath.core.vocabulary import CREDIT_TYPES, TOPICS
from cmepath.credits import policies
from cmepath.credits.choices import (
    IMPORT_MAX_ROWS,
    MAX_COMPLETIONS_PER_USER,
    ErrorCode,
    Provenance,
)
from cmepath.credits.models import Certificate, Completion, CompletionCredit
from cmepath.credits.selectors import LIVE_DELIVERIES, today
from cmepath.credits.services.badging import badge_revoke_for_deletion, badge_revoke_stale

COMPLETION_FIELDS = frozenset(
    {
        "activity_id",
        "title",
        "provider",
        "accreditor",
        "completed_on",
        "topics",
        "sa_cme",
        "pi_cme",
        "live",
    }
)
# The CSV ``kinds`` column: engine kinds a completion row may carry.
CSV_KINDS = ("live", "pi_cme", "sa_cme")
# A provider-reported completion is the provider's statement: every field of it (and its
# credits) is read-only to the learner, who may delete it or ask the provider to correct it.
# (A certificate attached by the learner is evidence, not a verification: the learner typed
# or checked the fields themselves, so such completions stay self-reported and editable.)
VERIFIED_PROVENANCES = frozenset({Provenance.PROVIDER_REPORTED})
VERIFIED_FIELDS = COMPLETION_FIELDS | {"credits"}
MAX_CREDIT_AMOUNT = Decimal("999")


def _clean_credits(credits: Mapping[str, Any]) -> dict[str, Decimal]:
    if not credits:
        raise ValidationError(
            "Enter at least one credit amount and its credit type.", field="credits"
        )
    out: dict[str, Decimal] = {}
    for code, raw in credits.items():
        if code not in CREDIT_TYPES:
            raise ValidationError(
                f"Unknown credit type {code!r}; choose one of: {', '.join(CREDIT_TYPES)}.",
                field="credits",
                code=ErrorCode.UNKNOWN_CREDIT_TYPE,
            )
        try:
            amount = Decimal(str(raw)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise ValidationError(
                f"The amount for {code} is not a number.", field="credits"
            ) from None
        if not amount.is_finite() or amount <= 0:
            raise ValidationError(f"The amount for {code} must be greater than 0.", field="credits")
        if amount > MAX_CREDIT_AMOUNT:
            raise ValidationError(
                f"{amount} {code} is more than any single activity awards.", field="credits"
            )
        out[code] = amount
    return out


def _clean_topics(topics: Any) -> list[str]:
    topics = list(topics or [])
    unknown = [t for t in topics if t not in TOPICS]
    if unknown:
        raise ValidationError(
            f"Unknown topic(s): {', '.join(map(str, unknown))}.",
            field="topics",
            code=ErrorCode.UNKNOWN_TOPIC,
        )
    return sorted(set(topics))


def _catalog_activity(activity_id: int, actor: Any) -> Any:
    """The catalog activity the actor may see (with designations and provider). An activity
    the actor cannot see (someone else's draft) is answered exactly like a missing one."""
    from cmepath.catalog import policies as catalog_policies

    activity = (
        catalog_policies.activities.visible(actor, "view")
        .select_related("provider")
        .prefetch_related("designations")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise NotFoundError(
            "There is no catalog activity with this id.",
            field="activity_id",
            code=ErrorCode.UNKNOWN_ACTIVITY,
        )
    return activity


def _activity_maxima(activity: Any) -> dict[str, Decimal]:
    maxima = {d.credit_type: Decimal(d.amount) for d in activity.designations.all()}
    if getattr(activity, "moc_points", None):
        maxima.setdefault("abim_moc", Decimal(activity.moc_points))
    return maxima


def _check_against_activity(activity: Any, credits: Mapping[str, Decimal]) -> None:
    maxima = _activity_maxima(activity)
    if not maxima:
        return
    for code, amount in credits.items():
        if code not in maxima:
            raise ValidationError(
                f"“{activity.title}” is not designated for {CREDIT_TYPES[code].label}; it offers "
                f"{', '.join(f'{v:g} {k}' for k, v in sorted(maxima.items()))}.",
                field="credits",
                code=ErrorCode.CREDIT_NOT_DESIGNATED,
            )
        if amount > maxima[code]:
            raise ValidationError(
                f"{amount:g} {CREDIT_TYPES[code].label} is more than the {maxima[code]:g} this activity offers.",
                field="credits",
                code=ErrorCode.CREDITS_ABOVE_MAXIMUM,
            )


def _may_report(actor: Any, activity: Any) -> bool:
    """A provider member may report completions of its activities (catalog's policy)."""
    from cmepath.catalog import policies as catalog_policies

    return catalog_policies.activities.allows(actor, "report", activity)


def _lock_owner(user_id: int) -> None:
    """Lock the owner's user row until the transaction ends, so per-person limits are
    counted one request at a time (PostgreSQL; SQLite write transactions are serial already)."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk").first()


def _enqueue_refresh(user_id: int) -> None:
    def enqueue() -> None:
        from cmepath.credits.tasks import evaluate_user

        evaluate_user.enqueue(user_id)

    transaction.on_commit(enqueue)


def _validate_completion(
    completion: Completion, credits: dict[str, Decimal], activity: Any
) -> None:
    if completion.completed_on and completion.completed_on > today():
        raise ValidationError(
            "The completion date is in the future; enter the day you finished the activity.",
            field="completed_on",
            code=ErrorCode.FUTURE_DATE,
        )
    if completion.completed_on and completion.completed_on.year < 1950:
        raise ValidationError("The completion date is too far in the past.", field="completed_on")
    completion.topics = _clean_topics(completion.topics)
    if activity is not None:
        if (
            completion.completed_on
            and activity.start_date
            and completion.completed_on < activity.start_date
        ):
            raise ValidationError(
                f"The completion date is before the activity starts ({activity.start_date:%Y-%m-%d}); "
                "enter the day the learner finished it.",
                field="completed_on",
                code=ErrorCode.BEFORE_START,
            )
        _check_against_activity(activity, credits)
    model_validate(completion, exclude=["user", "reported_by"])


def credit_summary(credits: Mapping[str, Any]) -> str:
    """The derived ``Completion.credit_summary``: "type=amount" pairs, sorted, ';'-joined."""
    return ";".join(f"{code}={float(amount):g}" for code, amount in sorted(credits.items()))


def _save_credits(completion: Completion, credits: dict[str, Decimal]) -> None:
    CompletionCredit.objects.filter(completion=completion).exclude(
        credit_type__in=list(credits)
    ).delete()
    for code, amount in credits.items():
        CompletionCredit.objects.update_or_create(
            completion=completion, credit_type=code, defaults={"amount": amount}
        )
    Completion.objects.filter(pk=completion.pk).update(credit_summary=credit_summary(credits))


@transaction.atomic
def completion_record(
    *,
    actor: Any,
    data: Mapping[str, Any],
    credits: Mapping[str, Any],
    user: Any = None,
    certificate: Certificate | None = None,
) -> Completion:
    """Record a completion for ``user`` (default: the actor).

    A clinician records their own (self-reported); a provider member records one for a
    learner of one of its activities (provider-reported). With ``activity_id`` the title,
    provider and accreditor default to the catalog's, and credits may not exceed the
    activity's designation.
    """
    owner = user or actor
    data = dict(data)
    activity = (
        _catalog_activity(int(data["activity_id"]), actor) if data.get("activity_id") else None
    )
    if owner.pk == actor.pk:
        provenance = Provenance.SELF_REPORTED
    elif activity is not None and _may_report(actor, activity):
        provenance = Provenance.PROVIDER_REPORTED
    else:
        # 404, not 403: a stranger learns nothing about who has an account.
        raise NotFoundError(
            "No such learner for this activity: only the activity's provider may report "
            "completions for others."
        )
    _lock_owner(owner.pk)
    if Completion.objects.filter(user=owner).count() >= MAX_COMPLETIONS_PER_USER:
        raise ValidationError(
            f"A record holds at most {MAX_COMPLETIONS_PER_USER} completions.", code=ErrorCode.QUOTA
        )
    clean_credits = _clean_credits(credits)
    completion = Completion(user=owner, reported_by=actor, provenance=provenance)
    fields_apply(completion, COMPLETION_FIELDS, data)
    if activity is not None:
        completion.title = completion.title or activity.title
        completion.provider = completion.provider or activity.provider.name
        completion.accreditor = completion.accreditor or (activity.provider.accreditor or "")
        if not data.get("topics"):
            completion.topics = list(activity.topics or [])
        if "live" not in data:  # a provider's report says no more than the catalog does
            completion.live = activity.delivery in LIVE_DELIVERIES
    _validate_completion(completion, clean_credits, activity)
    completion.save()
    _save_credits(completion, clean_credits)
    if certificate is not None:
        if certificate.user_id != owner.pk:
            raise PermissionDeniedError("That certificate belongs to someone else.")
        Certificate.objects.filter(pk=certificate.pk).update(completion=completion)
    audit_record(
        actor=actor,
        action="completion.create",
        target=completion,
        subject_user_id=owner.pk,
        detail={"provenance": provenance, "credits": {k: str(v) for k, v in clean_credits.items()}},
    )
    _enqueue_refresh(owner.pk)
    return completion


def _refuse_verified_changes(completion: Completion, fields: list[str]) -> None:
    if not fields:
        return
    who = completion.provider or "the provider"
    raise ValidationError(
        f"“{completion.title}” was reported by {who}, so its {', '.join(fields)} "
        f"cannot be changed here. Ask the provider to correct it, or delete this completion "
        f"and log it yourself (it then counts as self-reported).",
        code=CoreErrorCode.FORBIDDEN_FIELDS,
        errors={
            name: ["Reported by the provider: read-only; ask the provider to correct it."]
            for name in fields
        },
    )


@transaction.atomic
def completion_update(
    *,
    actor: Any,
    completion: Completion,
    data: Mapping[str, Any],
    credits: Mapping[str, Any] | None = None,
) -> Completion:
    """Change a completion. A provider-reported one is refused (422) if anything it reported
    would change: the learner deletes it or asks the provider to correct it."""
    policies.completions.require(actor, "change", completion)
    completion = Completion.objects.select_for_update().get(pk=completion.pk)
    data = dict(data)
    if "topics" in data:
        data["topics"] = _clean_topics(data["topics"])
    changed = fields_apply(completion, COMPLETION_FIELDS, data)
    current_credits = {c.credit_type: c.amount for c in completion.credits.all()}
    clean_credits = _clean_credits(credits) if credits is not None else current_credits
    if clean_credits != current_credits:
        changed.append("credits")
    if completion.provenance in VERIFIED_PROVENANCES:
        _refuse_verified_changes(completion, sorted(set(changed) & VERIFIED_FIELDS))
    activity = (
        _catalog_activity(int(completion.activity_id), actor) if completion.activity_id else None
    )
    _validate_completion(completion, clean_credits, activity)
    completion.save()
    if "credits" in changed:
        _save_credits(completion, clean_credits)
    badge_revoke_stale(actor=actor, completion=completion)  # a corrected claim revokes its badges
    audit_record(
        actor=actor,
        action="completion.update",
        target=completion,
        subject_user_id=completion.user_id,
        detail={"fields": sorted(changed)},
    )
    _enqueue_refresh(completion.user_id)
    return completion


@transaction.atomic
def completion_delete(*, actor: Any, completion: Completion) -> None:
    policies.completions.require(actor, "delete", completion)
    audit_record(
        actor=actor,
        action="completion.delete",
        target=completion,
        subject_user_id=completion.user_id,
        detail={"title": completion.title[:100]},
    )
    user_id = completion.user_id
    badge_revoke_for_deletion(actor=actor, completion=completion)  # sets the badges' status bits
    completion.delete()  # certificates stay (completion set to NULL): the owner may reuse them
    _enqueue_refresh(user_id)


def completion_restored(*, actor: Any) -> None:
    """After an undo put a deleted completion back: re-evaluate the owner's record."""
    _enqueue_refresh(actor.pk)


CSV_COLUMNS = (
    "title",
    "completed_on",
    "credits",
    "provider",
    "accreditor",
    "topics",
    "kinds",
    "activity_id",
)
CSV_REQUIRED = ("title", "completed_on", "credits")


@dataclass
class ImportReport:
    created: int = 0
    batch: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


def _parse_csv_credits(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in (p.strip() for p in text.replace(",", ";").split(";")):
        if not part:
            continue
        code, sep, amount = part.partition("=")
        if not sep:
            raise ValueError(f"credit {part!r} must be written type=amount, e.g. ama_pra_1=2")
        out[code.strip()] = amount.strip()
    return out


@transaction.atomic
def completion_import_csv(*, actor: Any, data: bytes | str) -> ImportReport:
    """Import completions from CSV (schema in docs/credits.md); all rows or none.

    Every row is validated first; if any row is wrong nothing is stored and the error
    names the line.
    """
    text = data.decode("utf-8-sig", errors="strict") if isinstance(data, bytes) else data
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_REQUIRED if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        problems = ([f"missing column(s): {', '.join(missing)}"] if missing else []) + (
            [f"unknown column(s): {', '.join(unknown)}"] if unknown else []
        )
        raise ValidationError(
            f"The CSV header is wrong: {'; '.join(problems)}. Expected columns: "
            f"{', '.join(CSV_COLUMNS)}.",
            field="file",
            code=ErrorCode.CSV_HEADER,
        )
    batch_id = uuid.uuid4().hex[:16]
    report = ImportReport(batch=batch_id)
    rows = list(reader)
    if len(rows) > IMPORT_MAX_ROWS:
        raise ValidationError(
            f"The file has {len(rows)} rows; import at most {IMPORT_MAX_ROWS} at a time.",
            field="file",
        )
    if not rows:
        raise ValidationError("The CSV has a header but no rows.", field="file")
    for number, row in enumerate(rows, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        try:
            with transaction.atomic():
                completed_on = date.fromisoformat(row["completed_on"])
                payload: dict[str, Any] = {
                    "title": row["title"],
                    "completed_on": completed_on,
                    "provider": row.get("provider", ""),
                    "accreditor": row.get("accreditor", ""),
                }
                if row.get("topics"):
                    payload["topics"] = [t.strip() for t in row["topics"].split(";") if t.strip()]
                kinds = {k.strip() for k in row.get("kinds", "").split(";") if k.strip()}
                if unknown_kinds := kinds - set(CSV_KINDS):
                    raise ValueError(
                        f"unknown kind(s) {', '.join(sorted(unknown_kinds))} in the kinds "
                        f"column; accepted: {', '.join(CSV_KINDS)} (separated by ';')"
                    )
                for kind in CSV_KINDS:
                    payload[kind] = kind in kinds
                if row.get("activity_id"):
                    payload["activity_id"] = int(row["activity_id"])
                completion = completion_record(
                    actor=actor, data=payload, credits=_parse_csv_credits(row["credits"])
                )
                completion.provenance = Provenance.IMPORTED
                completion.import_batch = batch_id
                completion.save(update_fields=["provenance", "import_batch"])
                report.created += 1
        except ValidationError as exc:
            report.errors[f"line {number}"] = [exc.message]
        except (ValueError, KeyError) as exc:
            report.errors[f"line {number}"] = [str(exc) if str(exc) else "invalid row"]
    if report.errors:
        first_line, first = next(iter(report.errors.items()))
        transaction.set_rollback(True)
        raise ValidationError(
            f"Nothing was imported: {first_line}: {first[0]}",
            field="file",
            code=ErrorCode.CSV_ROWS,
            errors=report.errors,
        )
    audit_record(
        actor=actor,
        action="completion.import",
        subject_user_id=actor.pk,
        detail={"batch": batch_id, "rows": report.created},
    )
    return report
