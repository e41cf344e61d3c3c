"""Declarative document schemas: what a searchable doc type holds.

A :class:`DocType` names its fields by role; backends turn that into their own mapping
(Tantivy schema, OpenSearch mapping). Documents are plain dicts; :meth:`DocType.prepare`
fills derived fields and normalises values so every backend indexes the same thing.

Field roles:

- ``text_fields``: analysed full text, BM25-ranked (``boosts`` weights them).
- ``facet_fields``: exact keyword values, possibly several per document; used for
  filters (OR within a field, AND across) and facet counts. A field may be both text and
  facet (``topics``): it is then searchable as words and filterable as exact values.
- ``numeric_fields``: ``"int"`` or ``"float"``; range filters, sorts and (for ints) counts.
- ``stored_fields``: returned with each hit, so a list page can render without the database
  if it wants to (the catalog still loads rows by id for permissions and freshness).
- ``geo``: optionally, two float fields holding a point (latitude, longitude in degrees);
  a :class:`~cmepath.search.base.Radius` in the query then keeps documents within that
  many kilometres of a centre.

The doc types themselves live with their apps, in ``<app>/search_docs.py`` (the catalog's
``ACTIVITY``); ``registry.py`` collects them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

NumericKind = Literal["int", "float"]


@dataclass(frozen=True, slots=True)
class SortSpec:
    """How a named sort orders documents: by a numeric field, ascending or descending."""

    field: str
    descending: bool


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """The two float fields that hold a document's place (degrees, WGS 84)."""

    lat: str
    lon: str


class DocumentError(ValueError):
    """A document handed to the index is malformed (missing id, bad number)."""


@dataclass(frozen=True)
class DocType:
    """One kind of searchable document and its fields."""

    name: str
    text_fields: tuple[str, ...]
    facet_fields: tuple[str, ...]
    numeric_fields: Mapping[str, NumericKind]
    stored_fields: tuple[str, ...]
    id_field: str = "id"
    #: Facet fields that hold one value per document (others may hold several).
    single_valued: frozenset[str] = frozenset()
    boosts: Mapping[str, float] = field(default_factory=dict)
    #: Named sorts besides "relevance" (always available).
    sorts: Mapping[str, SortSpec] = field(default_factory=dict)
    #: Sort used for "relevance" when the text is blank (nothing to rank by).
    browse_sort: str | None = None
    #: Fills derived fields; runs before normalisation.
    derive: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    #: The document's place, for radius searches.
    geo: GeoPoint | None = None
    # What a page shows (the facet panel); no effect on the index.
    #: Heading of each facet field.
    facet_labels: Mapping[str, str] = field(default_factory=dict, repr=False)
    #: Label of each value of a facet field (codes become words); unknown values show as is.
    value_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict, repr=False)
    #: Yes/no facets: the panel offers the one "yes" box.
    flag_facets: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        all_fields = (self.id_field, *self.text_fields, *self.facet_fields, *self.numeric_fields)
        for name in self.stored_fields:
            if name not in all_fields:
                raise ValueError(f"{self.name}: stored field {name!r} is not declared")
        for sort_name, spec in self.sorts.items():
            if spec.field not in self.numeric_fields:
                raise ValueError(f"{self.name}: sort {sort_name!r} uses non-numeric {spec.field!r}")
        if self.browse_sort is not None and self.browse_sort not in self.sorts:
            raise ValueError(f"{self.name}: browse sort {self.browse_sort!r} is not a sort")
        if self.geo is not None:
            for name in (self.geo.lat, self.geo.lon):
                if self.numeric_fields.get(name) != "float":
                    raise ValueError(f"{self.name}: geo field {name!r} is not a float field")

    def label(self, facet: str) -> str:
        """The heading of a facet field on a page."""
        return self.facet_labels.get(facet, facet.replace("_", " ").capitalize())

    def value_label(self, facet: str, value: str) -> str:
        return self.value_labels.get(facet, {}).get(value, value)

    def prepare(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        """Return the document with derived fields filled and values normalised.

        Facet values become lists of distinct non-empty strings (``True``/``False`` become
        ``"yes"``/``"no"``); numbers are coerced to int or float; unknown keys are dropped.
        """
        data = dict(doc)
        if self.derive is not None:
            data = self.derive(data)
        raw_id = data.get(self.id_field)
        if raw_id is None or str(raw_id) == "":
            raise DocumentError(f"{self.name}: document without {self.id_field!r}")
        out: dict[str, Any] = {self.id_field: str(raw_id)}
        for name in self.text_fields:
            value = data.get(name)
            if value is None:
                continue
            text = " ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
            out[name] = text.encode("utf-8", "replace").decode("utf-8")
        for name in self.facet_fields:
            values = _as_values(data.get(name))
            if values:
                out[name] = values
        for name, kind in self.numeric_fields.items():
            value = data.get(name)
            if value is None:
                continue
            try:
                out[name] = int(value) if kind == "int" else float(value)
            except (TypeError, ValueError) as exc:
                raise DocumentError(f"{self.name}: {name}={value!r} is not a number") from exc
        if self.geo is not None:
            self._check_point(out)
        return out

    def _check_point(self, doc: dict[str, Any]) -> None:
        assert self.geo is not None
        lat, lon = doc.get(self.geo.lat), doc.get(self.geo.lon)
        if lat is None and lon is None:
            return  # a document without a place never matches a radius search
        if lat is None or lon is None:
            raise DocumentError(
                f"{self.name}: a place needs both {self.geo.lat} and {self.geo.lon}"
            )
        if not (
            math.isfinite(lat) and -90 <= lat <= 90 and math.isfinite(lon) and -180 <= lon <= 180
        ):
            raise DocumentError(f"{self.name}: ({lat}, {lon}) is not a latitude and longitude")


def facet_value(value: Any) -> str:
    """One facet value as indexed and filtered: booleans are "yes"/"no", text is stripped
    and made valid UTF-8 (lone surrogates cannot reach the engine)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip().encode("utf-8", "replace").decode("utf-8")


def _as_values(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list | tuple | set | frozenset) else [value]
    seen: dict[str, None] = {}
    for item in items:
        text = facet_value(item)
        if text:
            seen[text] = None
    return sorted(seen) if len(seen) > 1 else list(seen)
