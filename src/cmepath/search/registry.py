"""Which doc types exist and how their documents come from the database.

Each app declares its doc types in ``<app>/search_docs.py`` as ``SEARCH_DOCS``, a tuple of
:class:`DocSource`; :func:`discover` (run once by ``SearchConfig.ready``) collects them from
every installed app. The reindex command and the index tasks look a doc type up here by
name. Importable without Django (the benchmarks use the doc types alone).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cmepath.core.progress import Progress
from cmepath.search.schema import DocType

#: The module each app may have to declare its doc types.
MODULE = "search_docs"


@dataclass(frozen=True)
class DocSource:
    """A doc type and how to produce its documents from the database (the source of truth).

    ``documents(progress)`` streams every searchable row as a document, reporting
    ``progress(doc type name, done, total)``; ``documents_for(ids)`` returns the documents
    of those ids that should be searchable (the others are removed from the index).
    """

    doc_type: DocType
    documents: Callable[[Progress], Iterable[Mapping[str, Any]]]
    documents_for: Callable[[Sequence[str]], Iterable[Mapping[str, Any]]]

    @property
    def name(self) -> str:
        return self.doc_type.name


class UnknownDocType(LookupError):
    """No app declares a doc type of that name."""

    def __init__(self, name: str, accepted: Iterable[str]) -> None:
        self.name = name
        self.accepted = sorted(accepted)
        super().__init__(
            f"unknown doc type {name!r}; accepted: {', '.join(self.accepted) or '(none)'}"
        )


_sources: dict[str, DocSource] = {}


def register(*sources: DocSource) -> None:
    """Add doc types (a doc type registered again under its name replaces the old one)."""
    for source in sources:
        _sources[source.name] = source


def unregister(name: str) -> None:
    _sources.pop(name, None)


def doc_sources() -> dict[str, DocSource]:
    """Every registered doc type, by name, in name order."""
    return {name: _sources[name] for name in sorted(_sources)}


def doc_source(name: str) -> DocSource:
    try:
        return _sources[name]
    except KeyError:
        raise UnknownDocType(name, _sources) from None


def discover() -> None:
    """Register the ``SEARCH_DOCS`` of every installed app's ``search_docs`` module."""
    from importlib import import_module

    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    for app in apps.get_app_configs():
        if module_has_submodule(app.module, MODULE):
            module = import_module(f"{app.name}.{MODULE}")
            register(*getattr(module, "SEARCH_DOCS", ()))
