"""The embedded search backend: one Tantivy index directory per doc type.

Single writer, many readers (``docs/search.md``):

- Only the task worker and ``cmepath search reindex`` write. Every write takes an
  exclusive ``flock`` on ``<root>/<doc type>.writer.lock``; a second writer waits up to
  ``lock_timeout`` seconds and then fails with :class:`WriterBusy`, which says who should
  be writing. (Tantivy's own lock would also refuse, but with a less helpful error.)
- Any number of processes read. A reader opens the index with manual reloads and, before
  each search, compares two ``stat`` results (the index directory and its ``meta.json``,
  which Tantivy replaces atomically on every commit) with what it saw last time: if the
  file changed it calls ``Index.reload()``; if the directory was swapped by a rebuild it
  reopens the index. That costs microseconds and makes a commit visible to the very next
  search, with no watcher thread.
- ``rebuild`` writes a complete new index beside the live one and swaps directories, so
  readers see the old index until the new one is whole.

Tantivy-py 0.27 calls relied on: ``Index.parse_query_lenient`` (forgiving parser that
returns the recovered query plus errors), ``Query.term_query`` / ``term_set_query`` /
``range_query`` / ``boolean_query`` / ``const_score_query``, ``Searcher.search`` with
``order_by_field``, ``offset`` and ``count``, and ``Searcher.aggregate`` with ``terms``
aggregations over fast fields for facet counts (one pass for all facets).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy

from cmepath.search.base import DISTANCE, RELEVANCE, Hit, Radius, SearchQuery, SearchResult
from cmepath.search.geo import bounding_box, haversine_km, usable_radius
from cmepath.search.schema import DocType, facet_value
from cmepath.search.tantivy_mapping import (
    box_queries,
    bucket_key,
    build_schema,
    clean_text,
    fingerprint,
    is_stored,
    map_fields,
    page_window,
    range_query,
    short,
)

logger = logging.getLogger(__name__)

#: Facet counts report at most this many values per field (exact up to this many).
FACET_SIZE = 1000
#: A radius search checks the exact distance of at most this many documents in its box.
GEO_CANDIDATES = 50_000
FINGERPRINT_FILE = "cmepath-schema.json"

MSG_SYNTAX = "Part of the search was not understood and was ignored ({detail})."
MSG_NO_MATCH = "Nothing matched. Try fewer or different words, or remove some filters."
MSG_FAILED = "The search could not be run. Try simpler words."
MSG_NOT_BUILT = "The search index has not been built yet (run `cmepath search reindex`)."
MSG_OUTDATED = "The search index is out of date (run `cmepath search reindex`)."
MSG_NO_PLACES = "These results have no places; the distance was ignored."
MSG_GEO_CAPPED = (
    f"Only the first {GEO_CANDIDATES:,} results near that place were checked; "
    "add words or filters to narrow the search."
)


class WriterBusy(RuntimeError):
    """Another process holds the index writer lock."""


class _Unavailable(Exception):
    """The index cannot be read; the message is shown to the user."""


@dataclass(slots=True)
class _ReaderState:
    index: tantivy.Index
    searcher: tantivy.Searcher
    stamp: tuple[int, ...]


class TantivyBackend:
    """:class:`~cmepath.search.base.SearchBackend` over a Tantivy index at ``root/<name>``."""

    def __init__(
        self,
        doc_type: DocType,
        root: str | os.PathLike[str],
        *,
        writer_heap: int = 256_000_000,
        writer_threads: int = 0,
        lock_timeout: float = 30.0,
    ) -> None:
        self.doc_type = doc_type
        self.root = Path(root)
        self.path = self.root / doc_type.name
        self.lock_path = self.root / f"{doc_type.name}.writer.lock"
        self.writer_heap = writer_heap
        self.writer_threads = writer_threads
        self.lock_timeout = lock_timeout
        self._fields = map_fields(doc_type)
        self._by_name = {f.name: f for f in self._fields if f.role != "text"}
        self._text = {f.name: f for f in self._fields if f.role == "text"}
        self.schema = build_schema(doc_type, self._fields)
        self._fingerprint = fingerprint(doc_type, self._fields)
        self._default_fields = [self._text[n].tname for n in doc_type.text_fields]
        self._boosts = {
            self._text[n].tname: b for n, b in doc_type.boosts.items() if n in self._text
        }
        self._stored = [(f.name, f.tname) for f in self._fields if is_stored(doc_type, f)]
        self._facetable = {f.name: f for f in self._fields if f.role in ("facet", "int")}
        self._id_t = self._by_name[doc_type.id_field].tname
        self._reader: _ReaderState | None = None
        self._reader_lock = threading.Lock()

    # ------------------------------------------------------------------ reading

    def count(self) -> int:
        try:
            return int(self._current().searcher.num_docs)
        except _Unavailable:
            return 0

    def search(self, query: SearchQuery) -> SearchResult:
        notes: list[str] = []
        requested = self._facets_to_count(query.facets, notes)
        empty_facets: dict[str, list[tuple[str, int]]] = {f: [] for f in requested}
        try:
            state = self._current()
        except _Unavailable as exc:
            return SearchResult(0, [], empty_facets, str(exc))
        try:
            radius = usable_radius(query.radius, notes) if self.doc_type.geo else None
            if query.radius is not None and self.doc_type.geo is None:
                notes.append(MSG_NO_PLACES)
            q = self._build_query(state.index, query, notes, radius)
            limit, offset = page_window(query.page, query.page_size, notes)
            sort = self._sort(query, notes, radius)
            searcher = state.searcher
            if radius is None:
                hits, total = self._top(searcher, q, sort, limit, offset)
                counted = q
            else:
                hits, total, counted = self._within(searcher, q, sort, limit, offset, radius, notes)
            facets = (
                self._facet_counts(searcher, counted, requested)
                if requested and total
                else empty_facets
            )
        except Exception:  # a user's text must never surface as a server error
            logger.exception("search failed for %r", query)
            return SearchResult(0, [], empty_facets, MSG_FAILED)
        if total == 0:
            notes.append(MSG_NO_MATCH)
        return SearchResult(total, hits, facets, " ".join(notes) or None)

    def _top(
        self,
        searcher: tantivy.Searcher,
        q: tantivy.Query,
        sort: tuple[str, bool] | str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Hit], int]:
        """One page of hits in the engine's order, and the total."""
        found = self._run(searcher, q, sort, limit, offset)
        hits = [self._hit(searcher.doc(addr).to_dict(), value) for value, addr in found.hits]
        # the 0.27 stub omits SearchResult.count, which search(count=True) fills
        return hits, int(found.count or 0)  # type: ignore[attr-defined]

    def _run(
        self,
        searcher: tantivy.Searcher,
        q: tantivy.Query,
        sort: tuple[str, bool] | str | None,
        limit: int,
        offset: int,
    ) -> tantivy.SearchResult:
        if sort is None or isinstance(sort, str):  # BM25, or by distance (done by the caller)
            return searcher.search(q, limit, count=True, offset=offset)
        return searcher.search(
            q,
            limit,
            count=True,
            offset=offset,
            order_by_field=sort[0],
            order=tantivy.Order.Desc if sort[1] else tantivy.Order.Asc,
        )

    def _within(
        self,
        searcher: tantivy.Searcher,
        q: tantivy.Query,
        sort: tuple[str, bool] | str | None,
        limit: int,
        offset: int,
        radius: Radius,
        notes: list[str],
    ) -> tuple[list[Hit], int, tantivy.Query]:
        """A radius search: the engine found the documents in the bounding box (``q``);
        keep those within the exact great-circle distance, then page. Returns the page,
        the exact total and a query matching exactly those documents (for facet counts)."""
        assert self.doc_type.geo is not None
        lat_t = self._by_name[self.doc_type.geo.lat].tname
        lon_t = self._by_name[self.doc_type.geo.lon].tname
        in_box = int(searcher.search(q, 1, count=True).count or 0)  # type: ignore[attr-defined]
        if in_box > GEO_CANDIDATES:
            notes.append(MSG_GEO_CAPPED)
        found = self._run(searcher, q, sort, max(1, min(in_box, GEO_CANDIDATES)), 0)
        near: list[tuple[float, float, dict[str, Any]]] = []
        for value, addr in found.hits:
            doc = searcher.doc(addr).to_dict()
            lat, lon = doc.get(lat_t), doc.get(lon_t)
            if not lat or not lon:
                continue
            km = haversine_km(radius.lat, radius.lon, float(lat[0]), float(lon[0]))
            if km <= radius.km:
                near.append((float(value), km, doc))
        if sort == DISTANCE:
            near.sort(key=lambda n: (n[1], str(n[2].get(self._id_t, ""))))
            near = [(km, km, doc) for _, km, doc in near]
        page = near[offset : offset + limit]
        hits = [self._hit(doc, value, distance=km) for value, km, doc in page]
        ids = [str(doc[self._id_t][0]) for _, _, doc in near]
        exact = tantivy.Query.term_set_query(self.schema, self._id_t, ids) if ids else q
        return hits, len(near), exact

    def _build_query(
        self, index: tantivy.Index, query: SearchQuery, notes: list[str], radius: Radius | None
    ) -> tantivy.Query:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        text = clean_text(query.text, notes)
        if text.strip():
            parsed, errors = index.parse_query_lenient(
                text,
                default_field_names=self._default_fields,
                field_boosts=self._boosts,
                conjunction_by_default=True,
            )
            if errors:
                notes.append(MSG_SYNTAX.format(detail=short(str(errors[0]))))
            clauses.append((tantivy.Occur.Must, parsed))
        for name, values in query.filters.items():
            spec = self._by_name.get(name)
            if spec is None or spec.role != "facet":
                notes.append(f"Unknown filter {short(str(name))!r} was ignored.")
                continue
            terms = sorted({facet_value(v) for v in values} - {""})
            if not terms:
                continue
            if len(terms) == 1:
                term = tantivy.Query.term_query(self.schema, spec.tname, terms[0])
            else:
                term = tantivy.Query.term_set_query(self.schema, spec.tname, terms)
            # Filters select, they do not rank: a constant zero score keeps BM25 untouched.
            clauses.append((tantivy.Occur.Must, tantivy.Query.const_score_query(term, 0.0)))
        for name, bounds in query.ranges.items():
            spec = self._by_name.get(name)
            if spec is None or spec.role not in ("int", "float"):
                notes.append(f"Unknown range {short(str(name))!r} was ignored.")
                continue
            rq = range_query(self.schema, spec, bounds.min, bounds.max)
            if rq is not None:
                clauses.append((tantivy.Occur.Must, tantivy.Query.const_score_query(rq, 0.0)))
        if radius is not None and self.doc_type.geo is not None:
            box = bounding_box(radius.lat, radius.lon, radius.km)
            lat = self._by_name[self.doc_type.geo.lat]
            lon = self._by_name[self.doc_type.geo.lon]
            for bq in box_queries(self.schema, lat, lon, box):
                clauses.append((tantivy.Occur.Must, tantivy.Query.const_score_query(bq, 0.0)))
        if not clauses:
            return tantivy.Query.all_query()
        if len(clauses) == 1:
            return clauses[0][1]
        return tantivy.Query.boolean_query(clauses)

    def _sort(
        self, query: SearchQuery, notes: list[str], radius: Radius | None
    ) -> tuple[str, bool] | str | None:
        """``None`` for BM25, ``DISTANCE`` for nearest first, else (field, descending)."""
        name = query.sort
        if name == DISTANCE and radius is not None:
            return DISTANCE
        if name == RELEVANCE:
            if query.text.strip() or self.doc_type.browse_sort is None:
                return None
            name = self.doc_type.browse_sort
        spec = self.doc_type.sorts.get(name)
        if spec is None:
            notes.append(f"Unknown sort {short(str(name))!r}; sorted by relevance.")
            return None
        return self._by_name[spec.field].tname, spec.descending

    def _facets_to_count(self, names: Iterable[str], notes: list[str]) -> list[str]:
        out: list[str] = []
        for name in names:
            if name in self._facetable:
                if name not in out:
                    out.append(name)
            else:
                notes.append(f"Unknown facet {short(str(name))!r} was ignored.")
        return out

    def _facet_counts(
        self, searcher: tantivy.Searcher, q: tantivy.Query, names: list[str]
    ) -> dict[str, list[tuple[str, int]]]:
        aggs = {
            name: {"terms": {"field": self._facetable[name].tname, "size": FACET_SIZE}}
            for name in names
        }
        raw = searcher.aggregate(q, aggs)
        out: dict[str, list[tuple[str, int]]] = {}
        for name in names:
            buckets = raw.get(name, {}).get("buckets", [])
            pairs = [(bucket_key(b["key"]), int(b["doc_count"])) for b in buckets]
            pairs.sort(key=lambda p: (-p[1], p[0]))
            out[name] = pairs
        return out

    def _hit(self, stored: dict[str, Any], value: Any, distance: float | None = None) -> Hit:
        fields: dict[str, Any] = {}
        for name, tname in self._stored:
            values = stored.get(tname)
            if not values:
                continue
            if name in self.doc_type.facet_fields and name not in self.doc_type.single_valued:
                fields[name] = values
            else:
                fields[name] = values[0]
        doc_id = str(stored[self._id_t][0])
        return Hit(id=doc_id, score=float(value), fields=fields, distance_km=distance)

    def _current(self) -> _ReaderState:
        """The reader, reloaded or reopened if a writer committed since the last call."""
        stamp = self._stamp()
        state = self._reader
        if state is not None and state.stamp == stamp:
            return state
        with self._reader_lock:
            state = self._reader
            if state is not None and state.stamp == stamp:
                return state
            if stamp[0] == 0:
                if state is not None:  # between the two renames of a rebuild swap
                    return state
                raise _Unavailable(MSG_NOT_BUILT)
            if state is not None and state.stamp[0] == stamp[0]:
                state.index.reload()
                state = _ReaderState(state.index, state.index.searcher(), stamp)
            else:
                state = self._open_reader(stamp)
            self._reader = state
            return state

    def _open_reader(self, stamp: tuple[int, ...]) -> _ReaderState:
        if self._read_fingerprint(self.path) != self._fingerprint:
            raise _Unavailable(MSG_OUTDATED)
        try:
            index = tantivy.Index.open(str(self.path))
        except ValueError as exc:
            logger.warning("cannot open search index %s: %s", self.path, exc)
            raise _Unavailable(MSG_NOT_BUILT) from exc
        index.config_reader("manual")
        return _ReaderState(index, index.searcher(), stamp)

    def _stamp(self) -> tuple[int, ...]:
        """Identity of the live index: directory inode plus meta.json inode, mtime, size."""
        try:
            d = os.stat(self.path)
            m = os.stat(self.path / "meta.json")
        except FileNotFoundError:
            return (0,)
        return (d.st_ino, m.st_ino, m.st_mtime_ns, m.st_size)

    # ------------------------------------------------------------------ writing

    def index(self, docs: Iterable[Mapping[str, Any]]) -> int:
        prepared = [self.doc_type.prepare(d) for d in docs]
        if not prepared:
            return 0
        id_t = self._by_name[self.doc_type.id_field].tname
        with self._write_lock():
            index = self._writable_index(self.path)
            writer = index.writer(self.writer_heap, self.writer_threads)
            for doc in prepared:
                writer.delete_documents_by_term(id_t, doc[self.doc_type.id_field])
                writer.add_document(self._to_tantivy(doc))
            writer.commit()
            writer.wait_merging_threads()
        return len(prepared)

    def delete(self, ids: Iterable[str]) -> int:
        wanted = [str(i) for i in ids]
        if not wanted or not self.path.exists():
            return 0
        id_t = self._by_name[self.doc_type.id_field].tname
        with self._write_lock():
            index = self._writable_index(self.path)
            writer = index.writer(self.writer_heap, self.writer_threads)
            for doc_id in wanted:
                writer.delete_documents_by_term(id_t, doc_id)
            writer.commit()
            writer.wait_merging_threads()
        return len(wanted)

    def rebuild(self, docs: Iterable[Mapping[str, Any]]) -> int:
        """Build a complete index in ``<name>.rebuild`` and swap it in.

        Readers keep serving the old index (their open files stay valid) and switch on
        their next search after the swap.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        build = self.root / f"{self.doc_type.name}.rebuild"
        n = 0
        with self._write_lock():
            shutil.rmtree(build, ignore_errors=True)
            index = self._writable_index(build)
            writer = index.writer(self.writer_heap, self.writer_threads)
            for doc in docs:
                writer.add_document(self._to_tantivy(self.doc_type.prepare(doc)))
                n += 1
            writer.commit()
            writer.wait_merging_threads()
            old = self.root / f"{self.doc_type.name}.old-{os.getpid()}"
            if self.path.exists():
                os.rename(self.path, old)
            os.rename(build, self.path)
            shutil.rmtree(old, ignore_errors=True)
        return n

    def _to_tantivy(self, doc: Mapping[str, Any]) -> tantivy.Document:
        data: dict[str, Any] = {}
        for f in self._fields:
            value = doc.get(f.name)
            if value is not None:
                data[f.tname] = value
        return tantivy.Document.from_dict(data, self.schema)

    def _writable_index(self, path: Path) -> tantivy.Index:
        if path.exists() and (path / "meta.json").exists():
            found = self._read_fingerprint(path)
            if found != self._fingerprint:
                raise RuntimeError(
                    f"search index {path} was built with another schema; "
                    "run `cmepath search reindex` to rebuild it"
                )
            return tantivy.Index.open(str(path))
        path.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(self.schema, path=str(path), reuse=False)
        (path / FINGERPRINT_FILE).write_text(self._fingerprint, encoding="utf-8")
        return index

    @staticmethod
    def _read_fingerprint(path: Path) -> str | None:
        try:
            return (path / FINGERPRINT_FILE).read_text(encoding="utf-8")
        except OSError:
            return None

    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        raise WriterBusy(
                            f"the {self.doc_type.name} search index is being written by another "
                            f"process (lock {self.lock_path.name}, waited {self.lock_timeout:g}s). "
                            "Only the task worker and `cmepath search reindex` write the index; "
                            "try again when the other writer has finished."
                        ) from exc
                    time.sleep(0.05)
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock
