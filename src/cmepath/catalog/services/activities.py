"""Writes on providers, activities, cohort outcomes and wishlists.

Every write of an activity recomputes its value score (``scoring.py``) and, after the
transaction commits, enqueues the index task for it (``indexing.py``): the index never
sees uncommitted rows. Callers check the policies first (``policies.py``).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db import transaction

from cmepath.catalog import rubric
from cmepath.catalog.choices import Accreditor
from cmepath.catalog.models import (
    Activity,
    CohortOutcome,
    CommercialSupport,
    CreditDesignation,
    Provider,
    WishlistItem,
)
from cmepath.catalog.records import ALIASES, ActivityRecord, RecordError, activity_record
from cmepath.core.errors import ConflictError, ValidationError
from cmepath.core.services import audit_record

from .indexing import index_on_commit
from .scoring import derived_columns, record_of

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
        provider=provider, **record.model_fields(), **derived_columns(record, provider)
    )
    _save_children(activity, record)
    audit_record(
        actor=actor,
        action="catalog.activity.create",
        target=activity,
        detail={"provider": provider.pk, "provider_activity_id": record.provider_activity_id},
    )
    index_on_commit([activity.pk])
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
    for name, value in {
        **record.model_fields(),
        **derived_columns(record, activity.provider),
    }.items():
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
    index_on_commit([activity.pk])
    return activity


def _field_alias(key: str) -> str:
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
