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
import json
import logging
import math
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy

from cmepath.search.base import (
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    MAX_RESULT_WINDOW,
    Hit,
    SearchQuery,
    SearchResult,
)
from cmepath.search.schema import DocType, facet_value

logger = logging.getLogger(__name__)

#: Bump when the mapping from DocType to Tantivy schema changes; old indexes then ask for
#: a reindex instead of returning wrong results.
MAPPING_VERSION = 1
#: Facet counts report at most this many values per field (exact up to this many).
FACET_SIZE = 1000
FINGERPRINT_FILE = "cmepath-schema.json"

MSG_SYNTAX = "Part of the search was not understood and was ignored ({detail})."
MSG_TRUNCATED = f"The search was shortened to its first {MAX_QUERY_CHARS} characters."
MSG_NO_MATCH = "Nothing matched. Try fewer or different words, or remove some filters."
MSG_FAILED = "The search could not be run. Try simpler words."
MSG_NOT_BUILT = "The search index has not been built yet (run `cmepath search reindex`)."
MSG_OUTDATED = "The search index is out of date (run `cmepath search reindex`)."


class WriterBusy(RuntimeError):
    """Another process holds the index writer lock."""


class _Unavailable(Exception):
    """The index cannot be read; the message is shown to the user."""


@dataclass(frozen=True, slots=True)
class _Field:
    """How one DocType field maps onto the Tantivy schema."""

    name: str  # DocType name
    tname: str  # Tantivy field name
    role: str  # "id" | "text" | "facet" | "int" | "float"


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
        self._fields = _map_fields(doc_type)
        self._by_name = {f.name: f for f in self._fields if f.role != "text"}
        self._text = {f.name: f for f in self._fields if f.role == "text"}
        self.schema = _build_schema(doc_type, self._fields)
        self._fingerprint = _fingerprint(doc_type, self._fields)
        self._default_fields = [self._text[n].tname for n in doc_type.text_fields]
        self._boosts = {
            self._text[n].tname: b for n, b in doc_type.boosts.items() if n in self._text
        }
        self._stored = [
            (f.name, f.tname)
            for f in self._fields
            if f.name in doc_type.stored_fields and _is_stored(doc_type, f)
        ]
        self._facetable = {f.name: f for f in self._fields if f.role in ("facet", "int")}
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
            q = self._build_query(state.index, query, notes)
            limit, offset = _page(query.page, query.page_size, notes)
            sort = self._sort(query, notes)
            searcher = state.searcher
            if sort is None:
                found = searcher.search(q, limit, count=True, offset=offset)
            else:
                found = searcher.search(
                    q,
                    limit,
                    count=True,
                    offset=offset,
                    order_by_field=sort[0],
                    order=tantivy.Order.Desc if sort[1] else tantivy.Order.Asc,
                )
            hits = [self._hit(searcher, value, addr) for value, addr in found.hits]
            # the 0.27 stub omits SearchResult.count, which search(count=True) fills
            total = int(found.count or 0)  # type: ignore[attr-defined]
            facets = (
                self._facet_counts(searcher, q, requested) if requested and total else empty_facets
            )
        except Exception:  # a user's text must never surface as a server error
            logger.exception("search failed for %r", query)
            return SearchResult(0, [], empty_facets, MSG_FAILED)
        if total == 0:
            notes.append(MSG_NO_MATCH)
        return SearchResult(total, hits, facets, " ".join(notes) or None)

    def _build_query(
        self, index: tantivy.Index, query: SearchQuery, notes: list[str]
    ) -> tantivy.Query:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        text = _clean_text(query.text, notes)
        if text.strip():
            parsed, errors = index.parse_query_lenient(
                text,
                default_field_names=self._default_fields,
                field_boosts=self._boosts,
                conjunction_by_default=True,
            )
            if errors:
                notes.append(MSG_SYNTAX.format(detail=_short(str(errors[0]))))
            clauses.append((tantivy.Occur.Must, parsed))
        for name, values in query.filters.items():
            spec = self._by_name.get(name)
            if spec is None or spec.role != "facet":
                notes.append(f"Unknown filter {_short(str(name))!r} was ignored.")
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
                notes.append(f"Unknown range {_short(str(name))!r} was ignored.")
                continue
            rq = _range_query(self.schema, spec, bounds.min, bounds.max)
            if rq is not None:
                clauses.append((tantivy.Occur.Must, tantivy.Query.const_score_query(rq, 0.0)))
        if not clauses:
            return tantivy.Query.all_query()
        if len(clauses) == 1:
            return clauses[0][1]
        return tantivy.Query.boolean_query(clauses)

    def _sort(self, query: SearchQuery, notes: list[str]) -> tuple[str, bool] | None:
        name = query.sort
        if name == "relevance":
            if query.text.strip() or self.doc_type.browse_sort is None:
                return None
            name = self.doc_type.browse_sort
        spec = self.doc_type.sorts.get(name)
        if spec is None:
            notes.append(f"Unknown sort {_short(str(name))!r}; sorted by relevance.")
            return None
        return self._by_name[spec.field].tname, spec.descending

    def _facets_to_count(self, names: Iterable[str], notes: list[str]) -> list[str]:
        out: list[str] = []
        for name in names:
            if name in self._facetable:
                if name not in out:
                    out.append(name)
            else:
                notes.append(f"Unknown facet {_short(str(name))!r} was ignored.")
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
            pairs = [(_bucket_key(b["key"]), int(b["doc_count"])) for b in buckets]
            pairs.sort(key=lambda p: (-p[1], p[0]))
            out[name] = pairs
        return out

    def _hit(self, searcher: tantivy.Searcher, value: Any, addr: tantivy.DocAddress) -> Hit:
        stored = searcher.doc(addr).to_dict()
        fields: dict[str, Any] = {}
        for name, tname in self._stored:
            values = stored.get(tname)
            if not values:
                continue
            if name in self.doc_type.facet_fields and name not in self.doc_type.single_valued:
                fields[name] = values
            else:
                fields[name] = values[0]
        doc_id = str(stored[self._by_name[self.doc_type.id_field].tname][0])
        return Hit(id=doc_id, score=float(value), fields=fields)

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


# ---------------------------------------------------------------------- helpers


def _map_fields(doc_type: DocType) -> list[_Field]:
    fields = [_Field(doc_type.id_field, doc_type.id_field, "id")]
    for name in doc_type.text_fields:
        fields.append(_Field(name, name, "text"))
    for name in doc_type.facet_fields:
        # A field that is also full text keeps its name for words; exact values get a suffix.
        tname = f"{name}_exact" if name in doc_type.text_fields else name
        fields.append(_Field(name, tname, "facet"))
    for name, kind in doc_type.numeric_fields.items():
        fields.append(_Field(name, name, kind))
    return fields


def _is_stored(doc_type: DocType, f: _Field) -> bool:
    # A text+facet field is stored once, as its exact values.
    return not (f.role == "text" and f.name in doc_type.facet_fields)


def _build_schema(doc_type: DocType, fields: list[_Field]) -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    for f in fields:
        stored = f.name in doc_type.stored_fields and _is_stored(doc_type, f)
        if f.role == "id":
            sb.add_text_field(f.tname, stored=True, tokenizer_name="raw")
        elif f.role == "text":
            sb.add_text_field(f.tname, stored=stored, tokenizer_name="en_stem")
        elif f.role == "facet":
            # raw = one exact term per value; fast = columnar values for aggregations
            sb.add_text_field(
                f.tname, stored=stored, tokenizer_name="raw", fast=True, index_option="basic"
            )
        elif f.role == "int":
            sb.add_integer_field(f.tname, stored=stored, indexed=True, fast=True)
        else:
            sb.add_float_field(f.tname, stored=stored, indexed=True, fast=True)
    return sb.build()


def _fingerprint(doc_type: DocType, fields: list[_Field]) -> str:
    spec = {
        "mapping_version": MAPPING_VERSION,
        "doc_type": doc_type.name,
        "fields": [[f.name, f.tname, f.role, f.name in doc_type.stored_fields] for f in fields],
    }
    return json.dumps(spec, sort_keys=True)


def _clean_text(text: Any, notes: list[str]) -> str:
    text = "" if text is None else str(text)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.append(MSG_TRUNCATED)
    # Lone surrogates cannot cross into Rust; control characters only confuse the parser.
    text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(ch if ch.isprintable() else " " for ch in text)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bucket_key(key: Any) -> str:
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)


def _page(page: Any, page_size: Any, notes: list[str]) -> tuple[int, int]:
    try:
        size = max(1, min(int(page_size), MAX_PAGE_SIZE))
        number = max(1, int(page))
    except (TypeError, ValueError):
        size, number = 20, 1
    if number * size > MAX_RESULT_WINDOW:
        number = max(1, MAX_RESULT_WINDOW // size)
        notes.append(f"Results stop after {MAX_RESULT_WINDOW}; showing page {number}.")
    return size, (number - 1) * size


def _range_query(
    schema: tantivy.Schema, spec: _Field, low: float | None, high: float | None
) -> tantivy.Query | None:
    low = low if low is not None and math.isfinite(low) else None
    high = high if high is not None and math.isfinite(high) else None
    if low is None and high is None:
        return None
    if spec.role == "int":
        return tantivy.Query.range_query(
            schema,
            spec.tname,
            tantivy.FieldType.Integer,
            lower_bound=math.ceil(low) if low is not None else None,
            upper_bound=math.floor(high) if high is not None else None,
        )
    return tantivy.Query.range_query(
        schema,
        spec.tname,
        tantivy.FieldType.Float,
        lower_bound=float(low) if low is not None else None,
        upper_bound=float(high) if high is not None else None,
    )
