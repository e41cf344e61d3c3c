"""Background work of the catalog: keep the search index in step with committed rows.

Enqueued by the services with ``transaction.on_commit``; the task worker is the one
process that writes the index (``docs/search.md``). Safe to run twice.
"""

from __future__ import annotations

from django_tasks import task


@task()
def index_activities(activity_ids: list[int]) -> int:
    """(Re)index these activities, or remove them from the index if no longer published."""
    from .services import activity_index_update

    return activity_index_update(ids=activity_ids)
