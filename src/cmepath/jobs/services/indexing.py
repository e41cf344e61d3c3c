"""Keeping the vacancy index in step with the database.

Services call :func:`index_on_commit` with the ids they wrote; after the transaction
commits, the index task (``tasks.py``) asks ``search_docs.py`` for the documents: published
vacancies that are not duplicates are (re)indexed, every other id is removed, so a closed or
expired vacancy leaves search by itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction

from cmepath.core.progress import Progress, no_progress
from cmepath.jobs.search_docs import VACANCY
from cmepath.search.services import search_index_rebuild, search_index_update

#: Ids per index task (a task is one Tantivy commit).
INDEX_CHUNK = 2000


def index_on_commit(ids: Iterable[int]) -> None:
    """Enqueue the index task for these vacancies once the transaction commits."""
    ids = list(ids)
    if ids:
        transaction.on_commit(partial(_enqueue_index, ids))


def _enqueue_index(ids: list[int]) -> None:
    from cmepath.jobs.tasks import index_vacancies

    for start in range(0, len(ids), INDEX_CHUNK):
        index_vacancies.enqueue(ids[start : start + INDEX_CHUNK])


def vacancy_index_update(*, ids: Iterable[int]) -> int:
    """Bring the index in line with these vacancies (called by the index task only)."""
    return search_index_update(doc_type=VACANCY.name, ids=ids)


def vacancy_index_rebuild(*, progress: Progress = no_progress) -> int:
    """Rebuild the whole vacancy index from the database (readers switch atomically)."""
    return search_index_rebuild(doc_type=VACANCY.name, progress=progress)[VACANCY.name]
