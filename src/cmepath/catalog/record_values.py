"""Cleaners for one value of each kind an activity record holds: text, choices, dates,
amounts, yes/no, vocabulary codes, specialties, Moore levels, addresses and US states.

Each takes the field name and a raw value (text from a file, or a typed value from a form
or schema) and returns the clean value or raises :class:`RecordError` naming the field.
``records.py`` assembles them into :func:`~cmepath.catalog.records.activity_record`.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from cmepath.accounts.choices import US_STATES
from cmepath.catalog.rubric import parse_moore_level
from cmepath.core.vocabulary import Term

from .choices import Accreditor, ActivityFormat, Delivery, SupportKind

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


def is_blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or value == []
        or value == ()
    )


def clean_text(limit: int) -> Any:
    def clean(field: str, value: Any) -> str:
        text = "" if value is None else str(value).strip()
        if "\x00" in text:
            raise RecordError(field, "contains a NUL character")
        if len(text) > limit:
            raise RecordError(field, f"is longer than {limit} characters ({len(text)})")
        return text

    return clean


def clean_choice(allowed: Mapping[str, str], what: str) -> Any:
    lowered = {norm(k): k for k in allowed}
    lowered.update({norm(v): k for k, v in allowed.items()})
    lowered.update({a: str(c) for a, c in CHOICE_ALIASES.items() if c in allowed})

    def clean(field: str, value: Any) -> str:
        text = "" if value is None else str(value).strip()
        if not text:
            return ""
        code = lowered.get(norm(text))
        if code is None:
            raise RecordError(field, f"unknown {what} {text!r} (use one of: {', '.join(allowed)})")
        return code

    return clean


def clean_date(field: str, value: Any) -> date:
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


def clean_decimal(field: str, value: Any, *, maximum: Decimal, positive: bool = False) -> Decimal:
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


def clean_cost(field: str, value: Any) -> Decimal:
    if is_blank(value):
        return Decimal("0.00")
    return clean_decimal(field, value, maximum=MAX_COST)


def clean_optional_decimal(field: str, value: Any) -> Decimal | None:
    if is_blank(value):
        return None
    return clean_decimal(field, value, maximum=MAX_CREDITS)


def clean_bool(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise RecordError(field, f"{value!r} is not yes or no")


def split_items(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.replace("|", ";").split(";") if p.strip()]
    if isinstance(value, Sequence):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value).strip()]


@functools.lru_cache(maxsize=4096)
def norm(text: str) -> str:
    return "_".join(text.strip().lower().replace("-", " ").split())


def clean_codes(vocab: Mapping[str, Term] | Mapping[str, str], what: str) -> Any:
    lowered = {norm(k): k for k in vocab}
    for k, v in vocab.items():
        lowered.setdefault(norm(v.label if isinstance(v, Term) else v), k)

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
        for item in split_items(value):
            for part in item.split(",") if "," in item else [item]:
                code = lowered.get(norm(part))
                if code is None:
                    raise RecordError(field, f"unknown {what} {part.strip()!r}")
                if code not in out:
                    out.append(code)
        return tuple(out)

    return clean


def clean_specialties(field: str, value: Any) -> tuple[str, ...]:
    out: list[str] = []
    for item in split_items(value):
        if len(item) > 80:
            raise RecordError(field, f"specialty longer than 80 characters: {item[:20]!r}…")
        if item not in out:
            out.append(item)
    if len(out) > 20:
        raise RecordError(field, "more than 20 specialties")
    return tuple(out)


def clean_moore(field: str, value: Any) -> int | None:
    try:
        return parse_moore_level(None if is_blank(value) else value)
    except (TypeError, ValueError):
        raise RecordError(field, f"{value!r} is not a Moore level (1-7, or 3a/3b)") from None


def clean_url(field: str, value: Any) -> str:
    text: str = clean_text(500)(field, value)
    if not text:
        return ""
    if not _HTTP_URL.match(text):
        raise RecordError(field, f"{text[:60]!r} is not an http(s) address")
    return text


def clean_state(field: str, value: Any) -> str:
    text = "" if value is None else str(value).strip().upper()
    if text and text not in STATES:
        raise RecordError(field, f"unknown US state code {text!r}")
    return text
