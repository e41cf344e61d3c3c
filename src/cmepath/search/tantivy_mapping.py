"""How a :class:`~cmepath.search.schema.DocType` maps onto Tantivy, and the small query
builders the backend shares: field names and roles, the schema, the fingerprint stored
beside each index, range queries, and the clean-up of what a user typed.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import tantivy

from cmepath.search.base import MAX_PAGE_SIZE, MAX_QUERY_CHARS, MAX_RESULT_WINDOW
from cmepath.search.geo import Box
from cmepath.search.schema import DocType

#: Bump when the mapping from DocType to Tantivy schema changes; old indexes then ask for
#: a reindex instead of returning wrong results.
MAPPING_VERSION = 1

MSG_TRUNCATED = f"The search was shortened to its first {MAX_QUERY_CHARS} characters."


@dataclass(frozen=True, slots=True)
class Field:
    """How one DocType field maps onto the Tantivy schema."""

    name: str  # DocType name
    tname: str  # Tantivy field name
    role: str  # "id" | "text" | "facet" | "int" | "float"


def map_fields(doc_type: DocType) -> list[Field]:
    fields = [Field(doc_type.id_field, doc_type.id_field, "id")]
    for name in doc_type.text_fields:
        fields.append(Field(name, name, "text"))
    for name in doc_type.facet_fields:
        # A field that is also full text keeps its name for words; exact values get a suffix.
        tname = f"{name}_exact" if name in doc_type.text_fields else name
        fields.append(Field(name, tname, "facet"))
    for name, kind in doc_type.numeric_fields.items():
        fields.append(Field(name, name, kind))
    return fields


def is_stored(doc_type: DocType, f: Field) -> bool:
    """Whether a field's values come back with a hit (``stored_fields``)."""
    # A text+facet field is stored once, as its exact values.
    return f.name in doc_type.stored_fields and not (
        f.role == "text" and f.name in doc_type.facet_fields
    )


def _geo_fields(doc_type: DocType) -> tuple[str, ...]:
    return (doc_type.geo.lat, doc_type.geo.lon) if doc_type.geo is not None else ()


def build_schema(doc_type: DocType, fields: list[Field]) -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    geo = _geo_fields(doc_type)
    for f in fields:
        # A point is stored even when hits do not return it: the exact radius check reads it.
        stored = is_stored(doc_type, f) or f.name in geo
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


def fingerprint(doc_type: DocType, fields: list[Field]) -> str:
    """What the index was built with; a reader that finds another asks for a reindex."""
    geo = _geo_fields(doc_type)
    spec: dict[str, Any] = {
        "mapping_version": MAPPING_VERSION,
        "doc_type": doc_type.name,
        "fields": [
            [f.name, f.tname, f.role, f.name in doc_type.stored_fields or f.name in geo]
            for f in fields
        ],
    }
    if geo:  # only then: indexes of doc types without a point keep their fingerprint
        spec["geo"] = list(geo)
    return json.dumps(spec, sort_keys=True)


def range_query(
    schema: tantivy.Schema, spec: Field, low: float | None, high: float | None
) -> tantivy.Query | None:
    """An inclusive range on a numeric field; ``None`` when both sides are open."""
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


def box_queries(schema: tantivy.Schema, lat: Field, lon: Field, box: Box) -> list[tantivy.Query]:
    """Range queries keeping the points inside ``box`` (both must match). A box across the
    antimeridian has two longitude ranges, either of which may match."""
    lat_q = range_query(schema, lat, box.min_lat, box.max_lat)
    lon_qs = [range_query(schema, lon, low, high) for low, high in box.lon_ranges]
    ranges = [(tantivy.Occur.Should, q) for q in lon_qs if q is not None]
    lon_q = ranges[0][1] if len(ranges) == 1 else tantivy.Query.boolean_query(ranges)
    return [q for q in (lat_q, lon_q) if q is not None]


def clean_text(text: Any, notes: list[str]) -> str:
    text = "" if text is None else str(text)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.append(MSG_TRUNCATED)
    # Lone surrogates cannot cross into Rust; control characters only confuse the parser.
    text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(ch if ch.isprintable() else " " for ch in text)


def short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bucket_key(key: Any) -> str:
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)


def page_window(page: Any, page_size: Any, notes: list[str]) -> tuple[int, int]:
    """``(limit, offset)`` of a page, clamped to the page size and the result window."""
    try:
        size = max(1, min(int(page_size), MAX_PAGE_SIZE))
        number = max(1, int(page))
    except (TypeError, ValueError):
        size, number = 20, 1
    if number * size > MAX_RESULT_WINDOW:
        number = max(1, MAX_RESULT_WINDOW // size)
        notes.append(f"Results stop after {MAX_RESULT_WINDOW}; showing page {number}.")
    return size, (number - 1) * size
