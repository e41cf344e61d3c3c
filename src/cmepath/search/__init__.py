"""Full-text and facet search over documents derived from the database.

One interface (:class:`SearchBackend`) used by catalog, jobs and hub; Tantivy is the
embedded engine (:class:`TantivyBackend`). See ``docs/search.md``.
"""

from cmepath.search.base import (
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    MAX_RESULT_WINDOW,
    SORTS,
    Hit,
    Range,
    SearchBackend,
    SearchQuery,
    SearchResult,
)
from cmepath.search.schema import ACTIVITY, DOC_TYPES, DocType, DocumentError, SortSpec
from cmepath.search.tantivy_backend import TantivyBackend, WriterBusy

__all__ = [
    "ACTIVITY",
    "DOC_TYPES",
    "MAX_PAGE_SIZE",
    "MAX_QUERY_CHARS",
    "MAX_RESULT_WINDOW",
    "SORTS",
    "DocType",
    "DocumentError",
    "Hit",
    "Range",
    "SearchBackend",
    "SearchQuery",
    "SearchResult",
    "SortSpec",
    "TantivyBackend",
    "WriterBusy",
]
