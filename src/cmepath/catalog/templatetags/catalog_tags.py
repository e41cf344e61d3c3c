"""Small display filters for catalog templates (labels for vocabulary codes) and the result
card. The facet checkboxes are the search app's (``search_tags.facet_options``)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from cmepath.catalog.choices import ActivityFormat, Delivery
from cmepath.core.vocabulary import credit_label

register = template.Library()
_FORMATS = dict(ActivityFormat.choices)
_DELIVERY = dict(Delivery.choices)


register.filter("credit_label", credit_label)


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


_CARD = (
    '<li class="card activity-card">\n        <div class="card-head">\n'
    '          <h3><a href="{}">{}</a></h3>\n'
    '          <span class="badge {}" title="Value score out of 100">{}</span>\n        </div>\n'
    '        <p class="muted small">{}{}</p>\n        <p class="small">{}up to {} · {}{}</p>\n      </li>'
)
_SAVED = format_html(" · {}", format_html('<span class="badge ok">{}</span>', "Saved"))
_ENDED = format_html(" · {}", format_html('<span class="badge warn">{}</span>', "Ended"))


@register.simple_tag
def activity_card(a: Any, saved: Any, today: date | None = None) -> SafeString:
    """One search result card, built in Python: the same HTML as a template loop at about a
    tenth of its CPU (twenty cards per page were a third of the search page's time). Given
    ``today``, an activity whose end date is before it is labelled "Ended"."""
    return _card(
        a.pk,
        a.title,
        a.value_score,
        a.provider.name,
        a.format,
        a.delivery,
        a.city,
        a.state,
        a.start_date,
        a.end_date,
        tuple(a.credit_types or ()),
        a.credits,
        a.cost,
        a.pk in saved,
        today is not None and a.end_date < today,
        get_language(),
        get_script_prefix(),
    )


@lru_cache(maxsize=4096)
def _card(
    pk: int,
    title: str,
    value_score: Any,
    provider: str,
    fmt: str,
    delivery: str,
    city: str,
    state: str,
    start: Any,
    end: Any,
    credit_types: tuple[str, ...],
    credits: Any,
    cost: Any,
    saved: bool,
    ended: bool,
    language: str | None,
    prefix: str,
) -> SafeString:
    """The card's HTML as a pure function of everything it shows (and the language and URL
    prefix it is rendered in): popular activities come back on many result pages, and the
    date, number and URL formatting was most of a card's cost."""
    place = ", ".join(x for x in (city, state) if x)
    dates = date_filter(start, "M j, Y")
    if end != start:
        dates = f"{dates} – {date_filter(end, 'M j, Y')}"
    meta = " · ".join(
        x for x in (provider, format_label(fmt), delivery_label(delivery), place, dates) if x
    )
    badges = format_html_join(
        "", '<span class="badge">{}</span> ', ((credit_label(t),) for t in credit_types)
    )
    price = f"${intcomma(floatformat(cost, '-2'))}" if cost else "Free"
    return format_html(
        _CARD,
        reverse("catalog:activity", args=[pk]),
        title,
        score_class(value_score),
        floatformat(value_score, 0),
        meta,
        _ENDED if ended else "",
        badges,
        floatformat(credits, "-2"),
        price,
        _SAVED if saved else "",
    )
