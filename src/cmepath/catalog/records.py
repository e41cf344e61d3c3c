"""One activity as clean, validated values: the shape every write path agrees on.

Import rows (CSV, JSON, PARS), the provider's form and the API all hand a plain mapping to
:func:`activity_record`, which either returns an :class:`ActivityRecord` or raises
:class:`RecordError` naming the field and what is wrong. It accepts text (as files carry it)
and typed values (as forms and schemas carry them). No database access: the import checks a
whole row before anything of it is written, so a bad row saves nothing. Single values are
cleaned by ``record_values.py``; credit designations and commercial support, which build
this module's lines, are cleaned here.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from cmepath.core.vocabulary import COMPETENCIES, CREDIT_TYPES, PROFESSIONS, TOPICS

from .choices import (
    MOC_BOARDS,
    Accreditor,
    ActivityFormat,
    ActivityStatus,
    ChangeTarget,
    Delivery,
    Rems,
    SupportKind,
)
from .record_values import (
    MAX_CREDITS,
    MAX_SUPPORT,
    RecordError,
    clean_bool,
    clean_choice,
    clean_codes,
    clean_cost,
    clean_date,
    clean_decimal,
    clean_moore,
    clean_optional_decimal,
    clean_specialties,
    clean_state,
    clean_text,
    clean_url,
    is_blank,
    norm,
    split_items,
)


@dataclass(frozen=True, slots=True)
class CreditLine:
    credit_type: str
    amount: Decimal
    pharmacology_hours: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SupportLine:
    source: str
    kind: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ActivityRecord:
    """Everything a provider reports about one activity, validated."""

    provider_activity_id: str
    title: str
    format: str
    delivery: str
    start_date: date
    end_date: date
    description: str = ""
    city: str = ""
    state: str = ""
    cost: Decimal = Decimal("0")
    url: str = ""
    status: str = ActivityStatus.PUBLISHED
    professions: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    competencies: tuple[str, ...] = ()
    disclosure_summary: str = ""
    designed_to_change: tuple[str, ...] = ()
    outcomes_evaluated: bool = False
    moore_level: int | None = None
    outcomes_summary: str = ""
    moc_boards: tuple[str, ...] = ()
    moc_points: Decimal | None = None
    rems: str = Rems.NONE
    interprofessional: bool = False
    pi_component: bool = False
    credits: tuple[CreditLine, ...] = ()
    commercial_support: tuple[SupportLine, ...] = ()
    #: Only for imports that name providers per row (the CLI without ``--provider``).
    provider_name: str = ""
    accreditor: str = ""

    def model_fields(self) -> dict[str, Any]:
        """The Activity column values this record sets (derived columns excluded)."""
        return {
            "provider_activity_id": self.provider_activity_id,
            "status": self.status,
            "title": self.title,
            "description": self.description,
            "format": self.format,
            "delivery": self.delivery,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "city": self.city,
            "state": self.state,
            "cost": self.cost,
            "url": self.url,
            "professions": list(self.professions),
            "specialties": list(self.specialties),
            "topics": list(self.topics),
            "competencies": list(self.competencies),
            "disclosure_summary": self.disclosure_summary,
            "designed_to_change": list(self.designed_to_change),
            "outcomes_evaluated": self.outcomes_evaluated,
            "moore_level": self.moore_level,
            "outcomes_summary": self.outcomes_summary,
            "moc_boards": list(self.moc_boards),
            "moc_points": self.moc_points,
            "rems": self.rems,
            "interprofessional": self.interprofessional,
            "pi_component": self.pi_component,
        }


#: Column names and the fields they fill; aliases let hand-made files use friendlier names.
ALIASES = {
    "id": "provider_activity_id",
    "activity_id": "provider_activity_id",
    "type": "format",
    "activity_type": "format",
    "delivery_method": "delivery",
    "start": "start_date",
    "end": "end_date",
    "fee": "cost",
    "price": "cost",
    "activity_url": "url",
    "credit_designations": "credits",
    "profession": "professions",
    "specialty": "specialties",
    "topic": "topics",
    "competency": "competencies",
    "disclosures": "disclosure_summary",
    "support": "commercial_support",
    "provider": "provider_name",
}
FIELDS = frozenset(ActivityRecord.__dataclass_fields__) | {"credits", "commercial_support"}
REQUIRED = ("provider_activity_id", "title", "format", "delivery", "start_date", "end_date")


def activity_record(
    data: Mapping[str, Any], *, partial_of: ActivityRecord | None = None
) -> ActivityRecord:
    """Validate one activity. Unknown keys are refused (a typo must not pass silently).

    With ``partial_of``, missing keys keep that record's values (an update).
    """
    values: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = _field_name(str(raw_key))
        if key not in FIELDS:
            raise RecordError(str(raw_key), "unknown field")
        values[key] = value
    if partial_of is None:
        for name in REQUIRED:
            if is_blank(values.get(name)):
                raise RecordError(name, "is required")
    out: dict[str, Any] = {}
    for key, value in values.items():
        out[key] = _CLEANERS[key](key, value)
    for key in ("status", "rems"):  # a blank choice keeps the default
        if out.get(key) == "":
            del out[key]
    if partial_of is not None:
        base = {name: getattr(partial_of, name) for name in ActivityRecord.__dataclass_fields__}
        base.update(out)
        out = base
    record = ActivityRecord(**out)
    _check_whole(record)
    return record


def _check_whole(r: ActivityRecord) -> None:
    if r.end_date < r.start_date:
        raise RecordError("end_date", f"ends ({r.end_date}) before it starts ({r.start_date})")
    types = [c.credit_type for c in r.credits]
    dupes = sorted({t for t in types if types.count(t) > 1})
    if dupes:
        raise RecordError("credits", f"credit type listed twice: {', '.join(dupes)}")
    if (
        r.delivery in (Delivery.LIVE, Delivery.HYBRID)
        and r.format in (ActivityFormat.COURSE, ActivityFormat.RSS)
        and not r.state
    ):
        raise RecordError("state", "a live course or series needs the state where it takes place")


@functools.lru_cache(maxsize=512)
def _field_name(raw: str) -> str:
    key = raw.strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


# ------------------------------------------------------------------ credits and support
# (the value cleaners of single values are in record_values.py)


def _credits(field: str, value: Any) -> tuple[CreditLine, ...]:
    """``"ama_pra_1:12; aanp:10:2"`` (type:amount[:pharmacology hours]) or a JSON list/dict."""
    entries: list[tuple[Any, Any, Any]] = []
    if isinstance(value, Mapping):
        entries = [(k, v, None) for k, v in value.items()]
    elif isinstance(value, str) or value is None:
        for part in split_items(value):
            bits = [b.strip() for b in part.split(":")]
            if len(bits) not in (2, 3):
                raise RecordError(
                    field, f"{part!r} is not type:amount or type:amount:pharmacology_hours"
                )
            entries.append((bits[0], bits[1], bits[2] if len(bits) == 3 else None))
    elif isinstance(value, Sequence):
        for item in value:
            if isinstance(item, CreditLine):
                entries.append((item.credit_type, item.amount, item.pharmacology_hours))
            elif isinstance(item, Mapping):
                ctype = item.get("credit_type", item.get("type"))
                entries.append((ctype, item.get("amount"), item.get("pharmacology_hours")))
            else:
                raise RecordError(field, f"{item!r} is not a credit designation")
    else:
        raise RecordError(field, f"{value!r} is not a list of credit designations")
    lines = []
    lowered = {norm(k): k for k in CREDIT_TYPES}
    for ctype, amount, pharm in entries:
        code = lowered.get(norm(str(ctype or "")))
        if code is None:
            raise RecordError(
                field, f"unknown credit type {str(ctype)!r} (known: {', '.join(CREDIT_TYPES)})"
            )
        if is_blank(amount):
            raise RecordError(field, f"{code}: amount is required")
        number = clean_decimal(f"{field} {code}", amount, maximum=MAX_CREDITS, positive=True)
        hours = (
            None
            if is_blank(pharm)
            else clean_decimal(f"{field} {code} pharmacology hours", pharm, maximum=MAX_CREDITS)
        )
        if hours is not None and hours > number:
            raise RecordError(
                field, f"{code}: pharmacology hours ({hours}) exceed the amount ({number})"
            )
        lines.append(CreditLine(code, number, hours))
    return tuple(lines)


def _support(field: str, value: Any) -> tuple[SupportLine, ...]:
    """``"Acme Pharma:monetary:25000; Beta:in_kind:500"``, ``none``, or a JSON list."""
    entries: list[tuple[Any, Any, Any]] = []
    if isinstance(value, str) or value is None:
        if is_blank(value) or str(value).strip().lower() in ("none", "no", "n"):
            return ()
        for part in split_items(value):
            bits = [b.strip() for b in part.rsplit(":", 2)]
            if len(bits) != 3:
                raise RecordError(field, f"{part!r} is not source:kind:amount")
            entries.append((bits[0], bits[1], bits[2]))
    elif isinstance(value, Sequence):
        for item in value:
            if isinstance(item, SupportLine):
                entries.append((item.source, item.kind, item.amount))
            elif isinstance(item, Mapping):
                entries.append((item.get("source"), item.get("kind"), item.get("amount", 0)))
            else:
                raise RecordError(field, f"{item!r} is not a commercial support entry")
    else:
        raise RecordError(field, f"{value!r} is not a list of commercial support entries")
    kinds = clean_choice(dict(SupportKind.choices), "support kind")
    lines = []
    for source, kind, amount in entries:
        name = clean_text(200)(field, source)
        if not name:
            raise RecordError(field, "a commercial supporter needs a source name")
        code = kinds(f"{field} kind", kind)
        if not code:
            raise RecordError(field, f"{name}: kind must be monetary or in_kind")
        number = (
            Decimal("0.00")
            if is_blank(amount)
            else clean_decimal(f"{field} amount", amount, maximum=MAX_SUPPORT)
        )
        lines.append(SupportLine(name, code, number))
    if len(lines) > 50:
        raise RecordError(field, "more than 50 commercial supporters")
    return tuple(lines)


_CLEANERS: dict[str, Any] = {
    "provider_activity_id": clean_text(64),
    "title": clean_text(300),
    "description": clean_text(20_000),
    "format": clean_choice(dict(ActivityFormat.choices), "format"),
    "delivery": clean_choice(dict(Delivery.choices), "delivery"),
    "start_date": clean_date,
    "end_date": clean_date,
    "city": clean_text(100),
    "state": clean_state,
    "cost": clean_cost,
    "url": clean_url,
    "status": clean_choice(dict(ActivityStatus.choices), "status"),
    "professions": clean_codes(PROFESSIONS, "profession"),
    "specialties": clean_specialties,
    "topics": clean_codes(TOPICS, "topic"),
    "competencies": clean_codes(COMPETENCIES, "competency"),
    "disclosure_summary": clean_text(5_000),
    "designed_to_change": clean_codes(dict(ChangeTarget.choices), "change target"),
    "outcomes_evaluated": clean_bool,
    "moore_level": clean_moore,
    "outcomes_summary": clean_text(5_000),
    "moc_boards": clean_codes(MOC_BOARDS, "MOC board"),
    "moc_points": clean_optional_decimal,
    "rems": clean_choice(dict(Rems.choices), "REMS value"),
    "interprofessional": clean_bool,
    "pi_component": clean_bool,
    "credits": _credits,
    "commercial_support": _support,
    "provider_name": clean_text(200),
    "accreditor": clean_choice(dict(Accreditor.choices), "accreditor"),
}

__all__ = [
    "ALIASES",
    "FIELDS",
    "REQUIRED",
    "ActivityRecord",
    "CreditLine",
    "RecordError",
    "SupportLine",
    "activity_record",
]
