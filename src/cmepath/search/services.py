"""Writes on the search indexes: keep them in step with the database, or rebuild them.

Only the task worker (after-commit index tasks) and ``cmepath search reindex`` call these
(one writer per index, ``docs/search.md``). Both read the rows through the doc type's
:class:`~cmepath.search.registry.DocSource`, so the database stays the source of truth.
"""

from __future__ import annotations

from collections.abc import Iterable

from cmepath.core.progress import Progress, no_progress
from cmepath.search.backends import index_builder, search_backend
from cmepath.search.registry import doc_source, doc_sources

#: Ids loaded and written per step of an incremental update (one commit each).
INDEX_CHUNK = 2000


def search_index_update(*, doc_type: str, ids: Iterable[object]) -> int:
    """Bring ``doc_type``'s index in line with these rows: searchable ones are (re)indexed,
    the others removed. Safe to run twice (documents are replaced by id); returns how many
    documents were written."""
    source = doc_source(doc_type)
    backend = search_backend(source.doc_type)
    id_field = source.doc_type.id_field
    wanted = sorted({str(i) for i in ids})
    written = 0
    for start in range(0, len(wanted), INDEX_CHUNK):
        chunk = wanted[start : start + INDEX_CHUNK]
        docs = list(source.documents_for(chunk))
        found = {str(d[id_field]) for d in docs}
        gone = [i for i in chunk if i not in found]
        if gone:
            backend.delete(gone)
        if docs:
            written += backend.index(docs)
    return written


def search_index_rebuild(
    *, doc_type: str | None = None, progress: Progress = no_progress
) -> dict[str, int]:
    """Rebuild the index of ``doc_type``, or of every registered doc type, from the
    database; readers switch to each new index atomically. Returns documents per doc type.

    Raises :class:`~cmepath.search.registry.UnknownDocType` (nothing rebuilt) for a name
    no app declares, and ``WriterBusy`` when another process is writing an index.
    """
    sources = [doc_source(doc_type)] if doc_type is not None else list(doc_sources().values())
    counts: dict[str, int] = {}
    for source in sources:
        n = index_builder(source.doc_type).rebuild(source.documents(progress))
        progress(source.name, n, n)
        counts[source.name] = n
    return counts
