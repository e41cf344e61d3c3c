"""Background work of the jobs app: the vacancy index, expiry and saved-search alerts.

Enqueued by the services with ``transaction.on_commit`` (the index) or run on a schedule
(``cmepath jobs expire`` and ``cmepath jobs alerts`` from cron, or these tasks from the
worker). Each is safe to run twice.
"""

from __future__ import annotations

from django_tasks import task


@task()
def index_vacancies(vacancy_ids: list[int]) -> int:
    """(Re)index these vacancies, or remove them from the index if no longer searchable."""
    from .services import vacancy_index_update

    return vacancy_index_update(ids=vacancy_ids)


@task()
def expire_vacancies() -> int:
    """Close every published vacancy past its expiry date."""
    from .services import vacancy_expire_due

    return vacancy_expire_due(actor=None)


@task()
def send_alerts() -> int:
    """E-mail each due saved search the vacancies it has not sent yet."""
    from .services import alert_send_due

    return alert_send_due().sent
