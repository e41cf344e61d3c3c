"""Which backend answers for a doc type: one Tantivy index directory per doc type under
``settings.CMEPATH_SEARCH_DIR`` (``<dir>/<doc type name>/``).

Web processes keep one reader per doc type and reuse it (it notices commits and rebuilds
by itself); the reindex builds with a fresh writer and a larger heap. An OpenSearch backend
would be chosen here (``docs/search.md``).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from cmepath.search.registry import doc_source
from cmepath.search.schema import DocType
from cmepath.search.tantivy_backend import TantivyBackend

#: Incremental writes are small: a modest heap and one thread keep the worker light.
INDEX_WRITER_HEAP = 64_000_000
#: A rebuild writes everything at once.
REBUILD_WRITER_HEAP = 256_000_000

_backends: dict[tuple[str, str], TantivyBackend] = {}


def search_root() -> Path:
    return Path(settings.CMEPATH_SEARCH_DIR)


def _doc_type(doc_type: DocType | str) -> DocType:
    return doc_source(doc_type).doc_type if isinstance(doc_type, str) else doc_type


def search_backend(doc_type: DocType | str) -> TantivyBackend:
    """The index of ``doc_type`` (a registered name, or the DocType itself); one per
    process and search directory, reused."""
    dt = _doc_type(doc_type)
    root = str(search_root())
    backend = _backends.get((root, dt.name))
    if backend is None or backend.doc_type is not dt:
        backend = _backends[(root, dt.name)] = TantivyBackend(
            dt, root, writer_heap=INDEX_WRITER_HEAP, writer_threads=1
        )
    return backend


def index_builder(doc_type: DocType | str) -> TantivyBackend:
    """A backend for rebuilding ``doc_type``'s whole index (not cached)."""
    return TantivyBackend(_doc_type(doc_type), search_root(), writer_heap=REBUILD_WRITER_HEAP)


def forget_backends() -> None:
    """Drop the cached readers (tests that point ``CMEPATH_SEARCH_DIR`` elsewhere)."""
    _backends.clear()
