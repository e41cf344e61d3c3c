"""One activity as clean, validated values: the shape every write path agrees on.

Import rows (CSV, JSON, PARS), the provider's form and the API all hand a plain mapping to
:func:`activity_record`, which either returns an :class:`ActivityRecord` or raises
:class:`RecordError` naming the field and what is wrong. It accepts text (as files carry it)
and typed values (as forms and schemas carry them). No database access: the import checks a
whole row before anything of it is written, so a bad row saves nothing.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from cmepath.accounts.choices import US_STATES
from cmepath.catalog.rubric import parse_moore_level
from cmepath.core.vocabulary import COMPETENCIES, CREDIT_TYPES, PROFESSIONS, TOPICS, Term

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

_HTTP_URL = re.compile(r"https?://[^\s/?#@]+(?:[/?#]\S*)?\Z", re.IGNORECASE)
STATES = frozenset(code for code, _ in US_STATES)
MAX_CREDITS = Decimal("1000")
MAX_COST = Decimal("9999999")
MAX_SUPPORT = Decimal("9999999999")
TRUE_WORDS = frozenset({"y", "yes", "true", "1", "x"})
FALSE_WORDS = frozenset({"", "n", "no", "false", "0", "none"})


class RecordError(ValueError):
    """A value that cannot be accepted; ``field`` names the column or form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


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
#: Extra spellings accepted for choice values (lower case, spaces as underscores).
CHOICE_ALIASES = {
    "joint_accreditation": Accreditor.JOINT,
    "state_medical_society": Accreditor.STATE,
    "regularly_scheduled_series": ActivityFormat.RSS,
    "enduring": ActivityFormat.ENDURING,
    "journal": ActivityFormat.JOURNAL,
    "pi_cme": ActivityFormat.PI,
    "point_of_care": ActivityFormat.POC,
    "in_person": Delivery.LIVE,
    "live_in_person": Delivery.LIVE,
    "live_online": Delivery.ONLINE,
    "on_demand": Delivery.ONLINE,
    "inkind": SupportKind.IN_KIND,
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
            if _blank(values.get(name)):
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


# ------------------------------------------------------------------ value cleaners


def _blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or value == []
        or value == ()
    )


def _text(limit: int) -> Any:
    def clean(field: str, value: Any) -> str:
        text = "" if value is None else str(value).strip()
        if "\x00" in text:
            raise RecordError(field, "contains a NUL character")
        if len(text) > limit:
            raise RecordError(field, f"is longer than {limit} characters ({len(text)})")
        return text

    return clean


def _choice(allowed: Mapping[str, str], what: str) -> Any:
    lowered = {_norm(k): k for k in allowed}
    lowered.update({_norm(v): k for k, v in allowed.items()})
    lowered.update({a: str(c) for a, c in CHOICE_ALIASES.items() if c in allowed})

    def clean(field: str, value: Any) -> str:
        text = "" if value is None else str(value).strip()
        if not text:
            return ""
        code = lowered.get(_norm(text))
        if code is None:
            raise RecordError(field, f"unknown {what} {text!r} (use one of: {', '.join(allowed)})")
        return code

    return clean


def _date(field: str, value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = "" if value is None else str(value).strip()
    if len(text) == 10 and text[4] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise RecordError(field, f"{text!r} is not a date (use YYYY-MM-DD or MM/DD/YYYY)")


def _decimal(field: str, value: Any, *, maximum: Decimal, positive: bool = False) -> Decimal:
    if isinstance(value, bool):
        raise RecordError(field, f"{value!r} is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise RecordError(field, f"{value!r} is not a finite number")
    text = str(value).strip().replace(",", "").lstrip("$") if isinstance(value, str) else value
    try:
        number = Decimal(str(text))
    except (InvalidOperation, ValueError):
        raise RecordError(field, f"{value!r} is not a number") from None
    if not number.is_finite():
        raise RecordError(field, f"{value!r} is not a finite number")
    if number < 0:
        raise RecordError(field, f"must not be negative ({number})")
    if positive and number == 0:
        raise RecordError(field, "must be more than 0")
    if number > maximum:
        raise RecordError(field, f"{number} is more than the largest accepted value {maximum}")
    return number.quantize(Decimal("0.01"))


def _cost(field: str, value: Any) -> Decimal:
    if _blank(value):
        return Decimal("0.00")
    return _decimal(field, value, maximum=MAX_COST)


def _optional_decimal(field: str, value: Any) -> Decimal | None:
    if _blank(value):
        return None
    return _decimal(field, value, maximum=MAX_CREDITS)


def _bool(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise RecordError(field, f"{value!r} is not yes or no")


def _items(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.replace("|", ";").split(";") if p.strip()]
    if isinstance(value, Sequence):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value).strip()]


@functools.lru_cache(maxsize=4096)
def _norm(text: str) -> str:
    return "_".join(text.strip().lower().replace("-", " ").split())


@functools.lru_cache(maxsize=512)
def _field_name(raw: str) -> str:
    key = raw.strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def _codes(vocab: Mapping[str, Term] | Mapping[str, str], what: str) -> Any:
    lowered = {_norm(k): k for k in vocab}
    for k, v in vocab.items():
        lowered.setdefault(_norm(v.label if isinstance(v, Term) else v), k)

    cache: dict[str, tuple[str, ...]] = {}  # files repeat the same lists; results are immutable

    def clean(field: str, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            hit = cache.get(value)
            if hit is not None:
                return hit
            result = parse(field, value)
            if len(cache) < 20_000:
                cache[value] = result
            return result
        return parse(field, value)

    def parse(field: str, value: Any) -> tuple[str, ...]:
        out: list[str] = []
        for item in _items(value):
            for part in item.split(",") if "," in item else [item]:
                code = lowered.get(_norm(part))
                if code is None:
                    raise RecordError(field, f"unknown {what} {part.strip()!r}")
                if code not in out:
                    out.append(code)
        return tuple(out)

    return clean


def _specialties(field: str, value: Any) -> tuple[str, ...]:
    out: list[str] = []
    for item in _items(value):
        if len(item) > 80:
            raise RecordError(field, f"specialty longer than 80 characters: {item[:20]!r}…")
        if item not in out:
            out.append(item)
    if len(out) > 20:
        raise RecordError(field, "more than 20 specialties")
    return tuple(out)


def _moore(field: str, value: Any) -> int | None:
    try:
        return parse_moore_level(None if _blank(value) else value)
    except (TypeError, ValueError):
        raise RecordError(field, f"{value!r} is not a Moore level (1-7, or 3a/3b)") from None


def _url(field: str, value: Any) -> str:
    text: str = _text(500)(field, value)
    if not text:
        return ""
    if not _HTTP_URL.match(text):
        raise RecordError(field, f"{text[:60]!r} is not an http(s) address")
    return text


def _state(field: str, value: Any) -> str:
    text = "" if value is None else str(value).strip().upper()
    if text and text not in STATES:
        raise RecordError(field, f"unknown US state code {text!r}")
    return text


def _credits(field: str, value: Any) -> tuple[CreditLine, ...]:
    """``"ama_pra_1:12; aanp:10:2"`` (type:amount[:pharmacology hours]) or a JSON list/dict."""
    entries: list[tuple[Any, Any, Any]] = []
    if isinstance(value, Mapping):
        entries = [(k, v, None) for k, v in value.items()]
    elif isinstance(value, str) or value is None:
        for part in _items(value):
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
    lowered = {_norm(k): k for k in CREDIT_TYPES}
    for ctype, amount, pharm in entries:
        code = lowered.get(_norm(str(ctype or "")))
        if code is None:
            raise RecordError(
                field, f"unknown credit type {str(ctype)!r} (known: {', '.join(CREDIT_TYPES)})"
            )
        if _blank(amount):
            raise RecordError(field, f"{code}: amount is required")
        number = _decimal(f"{field} {code}", amount, maximum=MAX_CREDITS, positive=True)
        hours = (
            None
            if _blank(pharm)
            else _decimal(f"{field} {code} pharmacology hours", pharm, maximum=MAX_CREDITS)
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
        if _blank(value) or str(value).strip().lower() in ("none", "no", "n"):
            return ()
        for part in _items(value):
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
    kinds = _choice(dict(SupportKind.choices), "support kind")
    lines = []
    for source, kind, amount in entries:
        name = _text(200)(field, source)
        if not name:
            raise RecordError(field, "a commercial supporter needs a source name")
        code = kinds(f"{field} kind", kind)
        if not code:
            raise RecordError(field, f"{name}: kind must be monetary or in_kind")
        number = (
            Decimal("0.00")
            if _blank(amount)
            else _decimal(f"{field} amount", amount, maximum=MAX_SUPPORT)
        )
        lines.append(SupportLine(name, code, number))
    if len(lines) > 50:
        raise RecordError(field, "more than 50 commercial supporters")
    return tuple(lines)


_CLEANERS: dict[str, Any] = {
    "provider_activity_id": _text(64),
    "title": _text(300),
    "description": _text(20_000),
    "format": _choice(dict(ActivityFormat.choices), "format"),
    "delivery": _choice(dict(Delivery.choices), "delivery"),
    "start_date": _date,
    "end_date": _date,
    "city": _text(100),
    "state": _state,
    "cost": _cost,
    "url": _url,
    "status": _choice(dict(ActivityStatus.choices), "status"),
    "professions": _codes(PROFESSIONS, "profession"),
    "specialties": _specialties,
    "topics": _codes(TOPICS, "topic"),
    "competencies": _codes(COMPETENCIES, "competency"),
    "disclosure_summary": _text(5_000),
    "designed_to_change": _codes(dict(ChangeTarget.choices), "change target"),
    "outcomes_evaluated": _bool,
    "moore_level": _moore,
    "outcomes_summary": _text(5_000),
    "moc_boards": _codes(MOC_BOARDS, "MOC board"),
    "moc_points": _optional_decimal,
    "rems": _choice(dict(Rems.choices), "REMS value"),
    "interprofessional": _bool,
    "pi_component": _bool,
    "credits": _credits,
    "commercial_support": _support,
    "provider_name": _text(200),
    "accreditor": _choice(dict(Accreditor.choices), "accreditor"),
}
