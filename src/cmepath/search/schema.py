"""Declarative document schemas: what each searchable doc type holds.

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

JOB and ARTICLE doc types will be added here beside ACTIVITY.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

NumericKind = Literal["int", "float"]


@dataclass(frozen=True, slots=True)
class SortSpec:
    """How a named sort orders documents: by a numeric field, ascending or descending."""

    field: str
    descending: bool


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
        return out


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


# --------------------------------------------------------------------------- activity

#: Cost buckets for the cost-range facet: (label, lowest cost included, highest excluded).
COST_RANGES: tuple[tuple[str, float, float], ...] = (
    ("free", 0.0, 0.005),
    ("1-99", 0.005, 100.0),
    ("100-249", 100.0, 250.0),
    ("250-499", 250.0, 500.0),
    ("500-999", 500.0, 1000.0),
    ("1000+", 1000.0, float("inf")),
)


def cost_range(cost: float) -> str:
    """Bucket label for a cost in US dollars (cents round into the cheaper bucket)."""
    for label, low, high in COST_RANGES:
        if low <= cost < high:
            return label
    return "free"  # negative costs do not occur; treat them as free rather than fail


def credits_per_dollar(credits: float, cost: float) -> float:
    """Credits per dollar, with cost floored at one dollar so free activities rank first
    by their credits instead of dividing by zero."""
    return round(credits / max(cost, 1.0), 6)


def _derive_activity(doc: dict[str, Any]) -> dict[str, Any]:
    cost = doc.get("cost")
    if cost is not None:
        doc.setdefault("cost_range", cost_range(float(cost)))
        credits = doc.get("credits")
        if credits is not None:
            doc.setdefault("credits_per_dollar", credits_per_dollar(float(credits), float(cost)))
    return doc


ACTIVITY = DocType(
    name="activity",
    text_fields=("title", "description", "topics"),
    facet_fields=(
        "topics",
        "profession",
        "specialty",
        "credit_type",
        "format",
        "delivery",
        "state",
        "cost_range",
        "mandated_topic",
        "accreditor",
        "moc",
        "interprofessional",
        "no_commercial_support",
    ),
    numeric_fields={
        "moore_level": "int",
        "value_score": "float",
        "cost": "float",
        "start_date": "int",  # yyyymmdd
        "credits": "float",
        "credits_per_dollar": "float",
    },
    stored_fields=("id", "title", "value_score", "cost", "start_date", "credits"),
    single_valued=frozenset(
        {
            "format",
            "delivery",
            "cost_range",
            "accreditor",
            "moc",
            "interprofessional",
            "no_commercial_support",
        }
    ),
    boosts={"title": 3.0, "topics": 2.0, "description": 1.0},
    sorts={
        "score": SortSpec("value_score", descending=True),
        "cost": SortSpec("cost", descending=False),
        "start_date": SortSpec("start_date", descending=False),
        "credits_per_dollar": SortSpec("credits_per_dollar", descending=True),
    },
    browse_sort="score",
    derive=_derive_activity,
)

#: Every doc type by name (the reindex command walks this).
DOC_TYPES: dict[str, DocType] = {ACTIVITY.name: ACTIVITY}
