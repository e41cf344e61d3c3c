"""Keeping the activity index in step with the database.

Services call :func:`index_on_commit` with the ids they wrote; after the transaction
commits, the index task (``tasks.py``) runs :func:`activity_index_update`, which asks
``search_docs.py`` for the documents and writes them through the search app. The index
never sees uncommitted rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction

from cmepath.catalog.search_docs import ACTIVITY
from cmepath.core.progress import Progress, no_progress
from cmepath.search.services import search_index_rebuild, search_index_update

#: Ids per index task (a task is one Tantivy commit).
INDEX_CHUNK = 2000


def index_on_commit(ids: list[int]) -> None:
    """Enqueue the index task for these activities once the transaction commits."""
    if ids:
        transaction.on_commit(partial(_enqueue_index, list(ids)))


def _enqueue_index(ids: list[int]) -> None:
    from cmepath.catalog.tasks import index_activities

    for start in range(0, len(ids), INDEX_CHUNK):
        index_activities.enqueue(ids[start : start + INDEX_CHUNK])


def activity_index_update(*, ids: Iterable[int]) -> int:
    """Bring the index in line with these activities: published ones are (re)indexed,
    others removed. Safe to run twice (documents are replaced by id). Called by the index
    task only."""
    return search_index_update(doc_type=ACTIVITY.name, ids=ids)


def activity_index_rebuild(*, progress: Progress = no_progress) -> int:
    """Rebuild the whole activity index from the database (readers switch atomically)."""
    return search_index_rebuild(doc_type=ACTIVITY.name, progress=progress)[ACTIVITY.name]
