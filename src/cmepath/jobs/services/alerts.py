"""Saved searches and their e-mail alerts.

A saved search keeps the search page's query string. The alert task runs each due search
(daily or weekly) against the index, which holds only open, non-duplicate vacancies, leaves
out the vacancies already sent for it (``SavedSearchHit``, unique per search and vacancy:
never the same vacancy twice, even when two workers run at once) and mails the rest with an
unsubscribe link that works without signing in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from cmepath.core.errors import ValidationError
from cmepath.core.services import audit_record
from cmepath.jobs.choices import MAX_SAVED_SEARCHES, AlertFrequency, ErrorCode
from cmepath.jobs.models import SavedSearch, SavedSearchHit, Vacancy

#: Vacancies one alert e-mail lists at most.
ALERT_LIMIT = 20
_PERIOD: dict[str, timedelta] = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
#: Parameters a saved search keeps (the page's own: not the page number).
_DROP = {"page", "csrfmiddlewaretoken", "name", "frequency"}


def clean_query(query: str) -> str:
    """The query string without paging and form fields, keys sorted (same search, same
    string)."""
    qd = QueryDict(query[:2000])
    pairs = sorted((k, v) for k in qd for v in qd.getlist(k) if k not in _DROP and v != "")
    return urlencode(pairs)


@transaction.atomic
def saved_search_create(
    *, actor: Any, name: str, query: str, frequency: str = AlertFrequency.WEEKLY
) -> SavedSearch:
    name = " ".join(name.split())[:120]
    if not name:
        raise ValidationError(
            "Give the search a name, e.g. 'ICU nights near Austin'.", field="name"
        )
    if frequency not in AlertFrequency.values:
        raise ValidationError(
            f"Unknown frequency {frequency!r}. Accepted: {', '.join(AlertFrequency.values)}.",
            field="frequency",
        )
    if SavedSearch.objects.select_for_update().filter(user=actor).count() >= MAX_SAVED_SEARCHES:
        raise ValidationError(
            f"You keep {MAX_SAVED_SEARCHES} saved searches already; delete one first.",
            code=ErrorCode.TOO_MANY_SAVED_SEARCHES,
        )
    saved = SavedSearch.objects.create(
        user=actor, name=name, query=clean_query(query), frequency=frequency
    )
    audit_record(actor=actor, action="jobs.saved_search.create", target=saved)
    return saved


@transaction.atomic
def saved_search_delete(*, actor: Any, saved: SavedSearch) -> None:
    audit_record(actor=actor, action="jobs.saved_search.delete", target=saved)
    saved.delete()


@transaction.atomic
def saved_search_unsubscribe(*, token: str) -> SavedSearch | None:
    """Turn the alerts of the search with this token off; ``None`` for an unknown token."""
    saved = SavedSearch.objects.select_for_update().filter(unsubscribe_token=token).first()
    if saved is None:
        return None
    if saved.alerts:
        saved.alerts = False
        saved.save(update_fields=["alerts"])
    return saved


@dataclass(frozen=True, slots=True)
class AlertReport:
    searches: int
    sent: int
    vacancies: int


def _due(saved: SavedSearch, now: datetime) -> bool:
    return saved.last_sent_at is None or now - saved.last_sent_at >= _PERIOD.get(
        saved.frequency, timedelta(days=7)
    ) - timedelta(minutes=5)


def _body(saved: SavedSearch, vacancies: list[Vacancy]) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    lines = [f"New vacancies for your saved search '{saved.name}' on cmepath:", ""]
    for v in vacancies:
        where = "Remote" if v.remote else f"{v.city}, {v.state}"
        url = base + reverse("jobs:vacancy", args=[v.pk])
        lines.append(f"- {v.title} ({v.employer.name}, {where}): {url}")
    lines += [
        "",
        "Stop these e-mails (no sign-in needed): "
        + base
        + reverse("jobs:unsubscribe", args=[saved.unsubscribe_token]),
    ]
    return "\n".join(lines)


def _mail(subject: str, body: str, address: str) -> None:
    send_mail(subject, body, None, [address])


def alert_send_due(*, now: datetime | None = None) -> AlertReport:
    """Mail every due saved search the open vacancies it has not sent before."""
    from cmepath.jobs.search_docs import VACANCY
    from cmepath.jobs.selectors import vacancy_query
    from cmepath.search.backends import search_backend

    now = now or timezone.now()
    today = timezone.localdate(now)
    backend = search_backend(VACANCY)
    searches = sent = listed = 0
    for saved in SavedSearch.objects.filter(alerts=True).select_related("user").order_by("pk"):
        if not _due(saved, now):
            continue
        searches += 1
        params = QueryDict(saved.query)
        query, *_ = vacancy_query(params, params.getlist, on=today, page_size=200)
        ids = [int(h.id) for h in backend.search(query).hits if h.id.isdigit()]
        seen = set(
            SavedSearchHit.objects.filter(saved_search=saved, vacancy_id__in=ids).values_list(
                "vacancy_id", flat=True
            )
        )
        fresh_ids = [i for i in ids if i not in seen][:ALERT_LIMIT]
        rows = {
            v.pk: v
            for v in Vacancy.objects.filter(pk__in=fresh_ids, expires_on__gte=today).select_related(
                "employer"
            )
        }
        fresh = [rows[i] for i in fresh_ids if i in rows]
        with transaction.atomic():
            claimed: list[Vacancy] = []
            for v in fresh:
                try:
                    with transaction.atomic():
                        SavedSearchHit.objects.create(saved_search=saved, vacancy=v)
                    claimed.append(v)
                except IntegrityError:
                    continue  # another run sent it
            SavedSearch.objects.filter(pk=saved.pk).update(last_sent_at=now)
            if claimed:
                body = _body(saved, claimed)
                address = saved.user.email
                subject = (
                    f"{len(claimed)} new vacanc{'y' if len(claimed) == 1 else 'ies'}: {saved.name}"
                )
                transaction.on_commit(partial(_mail, subject, body, address), robust=True)
                sent += 1
                listed += len(claimed)
    return AlertReport(searches=searches, sent=sent, vacancies=listed)
