"""Small display filters for catalog templates (labels for vocabulary codes)."""

from __future__ import annotations

from typing import Any

from django import template

from cmepath.catalog.choices import ActivityFormat, Delivery
from cmepath.core.vocabulary import CREDIT_TYPES

register = template.Library()
_FORMATS = dict(ActivityFormat.choices)
_DELIVERY = dict(Delivery.choices)


@register.filter
def credit_label(code: str) -> str:
    term = CREDIT_TYPES.get(code)
    return term.label if term else code


@register.filter
def format_label(code: str) -> str:
    return str(_FORMATS.get(code, code))


@register.filter
def delivery_label(code: str) -> str:
    return str(_DELIVERY.get(code, code))


@register.filter
def score_class(total: Any) -> str:
    """Badge colour for a value score: ok from 70, warn from 40, else bad."""
    try:
        value = float(total)
    except (TypeError, ValueError):
        return ""
    return "ok" if value >= 70 else "warn" if value >= 40 else "bad"


@register.filter
def percent(value: Any) -> int:
    """0..1 -> 0..100 rounded down to the nearest 10, for the progress-bar width classes."""
    try:
        return max(0, min(100, int(float(value) * 10) * 10))
    except (TypeError, ValueError):
        return 0
