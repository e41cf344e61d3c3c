"""The backend-neutral search interface used by every app (catalog now; jobs and hub next).

Callers build a :class:`SearchQuery`, hand it to a :class:`SearchBackend` and get a
:class:`SearchResult` back. Nothing here knows about Tantivy or OpenSearch; see
``docs/search.md`` for the model (database is the source of truth, the index is derived).

Semantics every backend keeps:

- ``text`` is free text, searched with BM25 over the doc type's text fields. Blank text
  means "browse": every document matches. Any text of any length or characters is
  accepted; what cannot be understood is ignored and explained in ``SearchResult.message``.
- ``filters`` maps a facet field to the accepted values: OR within a field, AND across
  fields. Filters never change relevance scores.
- ``ranges`` maps a numeric field to an inclusive :class:`Range` (``moore_level`` with
  ``Range(min=4)`` is "Moore level 4 or higher").
- ``facets`` lists the facet fields to count; counts are over the documents that match the
  whole query (text, filters, ranges and radius).
- ``radius`` (doc types with a ``geo`` point only) keeps the documents within ``km``
  kilometres (great-circle distance) of a centre; each hit then carries its distance, and
  the ``"distance"`` sort puts the nearest first. Totals, pages and facet counts count the
  exact matches only.
- Bad parameters (unknown field, unknown sort, page past the result window) never raise:
  they are dropped or clamped and named in ``message``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

#: Best match (BM25); every doc type offers it. Its other sorts are named in ``DocType.sorts``.
RELEVANCE = "relevance"
#: Nearest first; offered when the query has a radius (doc types with a ``geo`` point).
DISTANCE = "distance"

#: Most results a page may reach (page * page_size); deeper paging is clamped, as in
#: OpenSearch's ``index.max_result_window``.
MAX_RESULT_WINDOW = 10_000
MAX_PAGE_SIZE = 100
#: Longer query text is cut to this many characters (and the message says so).
MAX_QUERY_CHARS = 500


@dataclass(frozen=True, slots=True)
class Range:
    """An inclusive numeric range; ``None`` leaves that side open."""

    min: float | None = None
    max: float | None = None


@dataclass(frozen=True, slots=True)
class Radius:
    """Within ``km`` kilometres of (``lat``, ``lon``), in degrees (WGS 84)."""

    lat: float
    lon: float
    km: float


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What the user asked for. Pages count from 1."""

    text: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    ranges: Mapping[str, Range] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    facets: Sequence[str] = ()
    radius: Radius | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching document.

    ``score`` is the BM25 relevance for the relevance sort, else the value of the sort
    field (the distance for the distance sort). ``fields`` holds the doc type's stored
    fields (lists for multi-valued fields). ``distance_km`` is set for radius searches.
    """

    id: str
    score: float
    fields: Mapping[str, Any]
    distance_km: float | None = None


@dataclass(frozen=True, slots=True)
class SearchResult:
    """``total`` counts every match (not only this page); ``facets`` maps each requested
    facet field to ``(value, count)`` pairs, most frequent first, ties by value."""

    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    message: str | None = None


@runtime_checkable
class SearchBackend(Protocol):
    """A search engine holding the documents of one doc type.

    Write methods (``index``, ``delete``, ``rebuild``) are called by the task worker and
    the ``cmepath search reindex`` command only; web processes call ``search`` and ``count``.
    Documents are plain mappings keyed by the doc type's field names (see ``schema.py``).
    """

    def index(self, docs: Iterable[Mapping[str, Any]]) -> int:
        """Add or replace documents (matched by id); returns how many were written."""
        ...

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id; ids not in the index are ignored."""
        ...

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a query; never raises for anything the user typed."""
        ...

    def rebuild(self, docs: Iterable[Mapping[str, Any]]) -> int:
        """Replace the whole index with ``docs``; readers switch over atomically."""
        ...

    def count(self) -> int:
        """Number of documents currently searchable."""
        ...
