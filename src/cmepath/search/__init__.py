"""Full-text, facet and radius search over documents derived from the database.

One interface (:class:`SearchBackend`) for every app; Tantivy is the embedded engine
(:class:`TantivyBackend`). Apps declare their doc types in ``<app>/search_docs.py``
(``registry.py`` collects them); pages and services reach an index through
``backends.search_backend``. See ``docs/search.md``.
"""

from cmepath.search.base import (
    DISTANCE,
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    MAX_RESULT_WINDOW,
    RELEVANCE,
    Hit,
    Radius,
    Range,
    SearchBackend,
    SearchQuery,
    SearchResult,
)
from cmepath.search.schema import DocType, DocumentError, GeoPoint, SortSpec
from cmepath.search.tantivy_backend import TantivyBackend, WriterBusy

__all__ = [
    "DISTANCE",
    "MAX_PAGE_SIZE",
    "MAX_QUERY_CHARS",
    "MAX_RESULT_WINDOW",
    "RELEVANCE",
    "DocType",
    "DocumentError",
    "GeoPoint",
    "Hit",
    "Radius",
    "Range",
    "SearchBackend",
    "SearchQuery",
    "SearchResult",
    "SortSpec",
    "TantivyBackend",
    "WriterBusy",
]
