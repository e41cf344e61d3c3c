"""The value rubric's adapter: what ``rubric.py`` needs from an activity record and its
provider, and the columns an activity write derives from the score.

Every write of an activity (form, API, import) recomputes these, so a row's
``value_score`` and ``score_breakdown`` always match its data.
"""

from __future__ import annotations

import functools
import json
from datetime import date
from decimal import Decimal
from typing import Any

from cmepath.catalog import rubric
from cmepath.catalog.choices import IPCE_CREDIT, accreditor_name
from cmepath.catalog.models import Activity, Provider
from cmepath.catalog.records import ActivityRecord, CreditLine, SupportLine

#: Columns computed from the record and its score, never taken from input.
DERIVED_FIELDS = (
    "credits",
    "credit_types",
    "has_commercial_support",
    "value_score",
    "score_breakdown",
)
#: The Activity columns an activity write sets (the key, provider activity ID, aside).
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
    *DERIVED_FIELDS,
    "updated_at",
]


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


def derived_columns(record: ActivityRecord, provider: Provider) -> dict[str, Any]:
    """The columns an activity write computes (``DERIVED_FIELDS``): credits and the score."""
    return derived_columns_and_json(record, provider)[0]


def derived_columns_and_json(
    record: ActivityRecord, provider: Provider
) -> tuple[dict[str, Any], str]:
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
        if name not in DERIVED_FIELDS and name != "updated_at"
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
