"""The registry, the index services and ``cmepath search reindex`` over a toy doc type whose
"database" is a dict (the catalog's own doc type is tested in tests/catalog)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cmepath.core.progress import Progress
from cmepath.search import DocType, SearchQuery
from cmepath.search.backends import forget_backends, search_backend
from cmepath.search.registry import DocSource, UnknownDocType, doc_source, register, unregister
from cmepath.search.services import search_index_rebuild, search_index_update

NOTE = DocType(
    name="note",
    text_fields=("body",),
    facet_fields=("tag",),
    numeric_fields={},
    stored_fields=("id",),
)
#: The toy "database": id -> (body, published).
ROWS: dict[str, tuple[str, bool]] = {}


def note_documents(progress: Progress) -> Iterator[dict[str, Any]]:
    live = [(i, body) for i, (body, ok) in sorted(ROWS.items()) if ok]
    for n, (i, body) in enumerate(live, start=1):
        yield {"id": i, "body": body}
        progress("note", n, len(live))


def note_documents_for(ids: Sequence[str]) -> list[dict[str, Any]]:
    return [{"id": i, "body": ROWS[i][0]} for i in ids if i in ROWS and ROWS[i][1]]


@pytest.fixture(autouse=True)
def notes(settings, tmp_path):
    settings.CMEPATH_SEARCH_DIR = tmp_path / "search"
    ROWS.clear()
    ROWS.update({"1": ("otter facts", True), "2": ("otter drafts", False), "3": ("heron", True)})
    register(DocSource(NOTE, documents=note_documents, documents_for=note_documents_for))
    yield
    unregister("note")
    forget_backends()


def found(text: str = "") -> set[str]:
    return {h.id for h in search_backend("note").search(SearchQuery(text)).hits}


def test_installed_apps_register_their_doc_types():
    assert doc_source("activity").doc_type.name == "activity"  # catalog/search_docs.py
    assert doc_source("note").doc_type is NOTE


def test_an_unknown_doc_type_names_the_accepted_ones():
    with pytest.raises(UnknownDocType, match="accepted: .*activity.*note"):
        doc_source("nope")


def test_rebuild_writes_what_the_source_says_is_searchable_and_reports_progress():
    seen: list[tuple[str, int, int]] = []
    counts = search_index_rebuild(doc_type="note", progress=lambda *a: seen.append(a))
    assert counts == {"note": 2}
    assert found("otter") == {"1"} and found() == {"1", "3"}
    assert seen == [("note", 1, 2), ("note", 2, 2), ("note", 2, 2)]


def test_update_indexes_searchable_rows_and_removes_the_others():
    search_index_rebuild(doc_type="note")
    ROWS["2"] = ("otter drafts", True)  # published
    ROWS["1"] = ("otter facts", False)  # withdrawn
    del ROWS["3"]  # deleted
    assert search_index_update(doc_type="note", ids=[1, "2", 3, 3]) == 1
    assert found() == {"2"}
    assert search_index_update(doc_type="note", ids=[1, 2, 3]) == 1  # safe to run twice
    assert found() == {"2"}


def test_reindex_command_rebuilds_the_named_doc_type(capsys):
    call_command("search", "reindex", "note", "--json")
    out = json.loads(capsys.readouterr().out)
    assert (out["doc_type"], out["indexed"], out["doc_types"]) == ("note", 2, {"note": 2})
    assert found() == {"1", "3"}


def test_reindex_command_refuses_an_unknown_doc_type_with_exit_2():
    with pytest.raises(CommandError, match="unknown doc type 'nope'; accepted: .*note") as info:
        call_command("search", "reindex", "nope")
    assert info.value.returncode == 2
