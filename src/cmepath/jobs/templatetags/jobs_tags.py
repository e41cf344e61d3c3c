"""Display filters of the jobs pages: labels for codes (no page shows a raw code where a
label exists), pay and CME benefit in words, status badge colours, and the link that closes
a matching gap."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cmepath.accounts import taxonomy
from cmepath.core.vocabulary import STATES, TOPICS
from cmepath.jobs import reference
from cmepath.jobs.choices import (
    CME_EXPENSES,
    COMPACT_OF,
    CREDENTIALS,
    VACANCY_PROFESSIONS,
    VISAS,
    ApplicationStatus,
    SalaryUnit,
    VacancyStatus,
)

register = template.Library()

_UNITS = dict(SalaryUnit.choices)
_KM_PER_MILE = 1.609344
#: Remote states named on a result card before "and N more".
_CARD_STATES = 3


@register.filter
def profession_label(code: str) -> str:
    return VACANCY_PROFESSIONS.get(code, code)


@register.filter
def specialty_label(code: str) -> str:
    """The NUCC display name of a taxonomy code ("" for none)."""
    if not code:
        return ""
    term = taxonomy.get(code)
    return term.display_name if term else code


@register.filter
def soc_label(code: str) -> str:
    return reference.SOC_CODES.get(code, "") if code else ""


@register.filter
def state_name(code: str) -> str:
    term = STATES.get(code)
    return term.label if term else code


@register.filter
def state_names(codes: Iterable[str]) -> str:
    return ", ".join(state_name(c) for c in codes or ())


def _labels(codes: Iterable[str], labels: dict[str, str]) -> str:
    return ", ".join(labels.get(c, c) for c in codes or ())


@register.filter
def credential_labels(codes: Iterable[str]) -> str:
    return _labels(codes, CREDENTIALS)


@register.filter
def visa_labels(codes: Iterable[str]) -> str:
    return _labels(codes, VISAS)


@register.filter
def expense_labels(codes: Iterable[str]) -> str:
    return _labels(codes, CME_EXPENSES)


@register.filter
def compact_name(profession: str) -> str:
    return COMPACT_OF.get(profession, "a licence compact")


@register.filter
def topic_label(code: str) -> str:
    term = TOPICS.get(code)
    return term.label if term else code


@register.filter
def money(value: Any) -> str:
    """$3,500 (cents only when there are some); "" for none."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    if amount == amount.to_integral_value():
        return f"${amount:,.0f}"
    return f"${amount:,.2f}"


@register.filter
def number(value: Any) -> str:
    """5 for 5.0, 2.5 for 2.50; "" for none."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount.normalize():,}"


@register.filter
def pay(v: Any) -> str:
    """The pay range with its unit: "$250,000–$300,000 per year"."""
    low, high = v.salary_min, v.salary_max
    if low is None and high is None:
        return "Pay not stated"
    unit = _UNITS.get(v.salary_unit, "")
    if low is not None and high is not None and low != high:
        return f"{money(low)}–{money(high)} {unit}".strip()
    return f"{money(high if high is not None else low)} {unit}".strip()


@register.filter
def cme_line(v: Any) -> str:
    """The CME benefit in one line: "$3,500 CME / 5 paid days"."""
    allowance, days = v.cme_allowance, v.cme_days
    if allowance and days:
        return f"{money(allowance)} CME / {number(days)} paid day{'s' if days != 1 else ''}"
    if allowance:
        return f"{money(allowance)} CME a year"
    if days:
        return f"{number(days)} paid CME day{'s' if days != 1 else ''}"
    return "No CME benefit stated"


@register.filter
def place(v: Any) -> str:
    """ "Austin, TX", or "Remote (Texas, Oklahoma)" for a fully remote role."""
    if v.remote:
        states = [state_name(s) for s in v.remote_states]
        if not states:
            return "Remote (anywhere in the US)"
        shown = ", ".join(states[:_CARD_STATES])
        more = len(states) - _CARD_STATES
        return f"Remote ({shown}{f' and {more} more' if more > 0 else ''})"
    return ", ".join(x for x in (v.city, v.state) if x)


@register.filter
def miles(km: Any) -> str:
    if km is None:
        return ""
    value = float(km) / _KM_PER_MILE
    return "under 1 mile" if value < 1 else f"{value:,.0f} miles"


@register.filter
def fit_class(score: Any) -> str:
    """Badge colour of a fit score (the words "Fit 82 of 100" always go with it)."""
    try:
        value = int(score)
    except (TypeError, ValueError):
        return ""
    return "ok" if value >= 70 else "warn" if value >= 40 else "bad"


_VACANCY_CLASS: dict[str, str] = {
    VacancyStatus.PUBLISHED: "ok",
    VacancyStatus.REVIEW: "warn",
    VacancyStatus.CLOSED: "bad",
    VacancyStatus.EXPIRED: "bad",
}
_APPLICATION_CLASS: dict[str, str] = {
    ApplicationStatus.INTERVIEW: "warn",
    ApplicationStatus.OFFER: "ok",
    ApplicationStatus.HIRED: "ok",
    ApplicationStatus.REJECTED: "bad",
}


@register.filter
def vacancy_status_class(status: str) -> str:
    return _VACANCY_CLASS.get(status, "")


@register.filter
def application_status_class(status: str) -> str:
    return _APPLICATION_CLASS.get(status, "")


@register.filter
def application_status_label(status: str) -> str:
    return str(dict(ApplicationStatus.choices).get(status, status))


def gap_target(gap: Any) -> tuple[str, str] | None:
    """Where a matching gap is closed, as (URL, link text), or None when cmepath has no
    page for it (a visa, a profession)."""
    kind = gap.kind
    if kind == "topic" and gap.topic:
        # ``topics`` is the catalog's topic facet; its ``state`` facet is where an activity
        # takes place, so it is not used here (online CME counts in every state).
        url = f"{reverse('catalog:search')}?{urlencode({'topics': gap.topic})}"
        return url, f"Find CME on {topic_label(gap.topic)}"
    if kind in ("licence", "licence_renewal"):
        text = (
            "Renew it in your licences" if kind == "licence_renewal" else "Add it to your licences"
        )
        return reverse("accounts:licences"), text
    if kind in ("board", "specialty"):
        return reverse("accounts:profile"), "Update your profile"
    if kind == "credential":
        if gap.credential == "DEA":
            return reverse("accounts:licences"), "Record your DEA registration"
        query = urlencode({"q": gap.credential})
        return f"{reverse('catalog:search')}?{query}", f"Find a {gap.credential} course"
    if kind == "cme_cost":
        query = urlencode({"sort": "credits_per_dollar"})
        return f"{reverse('catalog:search')}?{query}", "CME with the most credits per dollar"
    return None


@register.simple_tag
def gap_link(gap: Any) -> SafeString:
    target = gap_target(gap)
    if target is None:
        return format_html("")
    return format_html('<a href="{}">{}</a>', *target)
