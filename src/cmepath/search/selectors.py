"""What pages need around a search, for any doc type: a :class:`SearchQuery` from request
parameters, and the facet panel from a result.

``query_from_params`` never raises: a value it cannot use is dropped and named in the
notes the page shows above the results. Parameters:

- ``q``: the text; ``sort``: a sort the doc type offers (else best match); ``page`` (or
  the page a caller read with :func:`requested_page`, which explains a bad one in one
  note, and then clamps a page past the end with :func:`last_page` / :func:`past_end_note`);
- one repeated parameter per facet field (``?profession=MD&profession=NP``);
- the page's range parameters (``RangeParam``: ``cost_max=250`` is ``cost <= 250``);
- for doc types with a place, ``lat``, ``lon`` and ``km`` together make a radius.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from cmepath.search.base import (
    DISTANCE,
    MAX_RESULT_WINDOW,
    RELEVANCE,
    Radius,
    Range,
    SearchQuery,
)
from cmepath.search.schema import DocType

#: Values per facet field a request may filter on, and characters per value.
MAX_FILTER_VALUES = 50
MAX_FILTER_CHARS = 100
#: Pages beyond this are clamped (the engine stops at its result window anyway).
MAX_PAGE = 10_000
#: Facet values shown before "n more" (the rest wait in a <details>).
FACET_SHOWN = 12


@dataclass(frozen=True, slots=True)
class RangeParam:
    """A request parameter bounding a numeric field (``moore_min=4``: ``moore_level >= 4``).
    ``kind`` is how the parameter is read; a date becomes the ``yyyymmdd`` integer."""

    field: str
    side: Literal["min", "max"]
    kind: Literal["int", "float", "date"] = "float"

    def bound(self, value: Any) -> Range:
        number = int(value.strftime("%Y%m%d")) if self.kind == "date" else value
        return Range(min=number) if self.side == "min" else Range(max=number)


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query, the notes on what was ignored, and each range parameter's value as
    understood (``None`` when absent or ignored), for the page to show back."""

    query: SearchQuery
    notes: tuple[str, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)


def ranges_of(params: Mapping[str, RangeParam], values: Mapping[str, Any]) -> dict[str, Range]:
    """The ranges set by range parameters (two parameters on one field make one range)."""
    out: dict[str, Range] = {}
    for name, spec in params.items():
        value = values.get(name)
        if value is None:
            continue
        new = spec.bound(value)
        old = out.get(spec.field)
        out[spec.field] = (
            new
            if old is None
            else Range(
                min=new.min if new.min is not None else old.min,
                max=new.max if new.max is not None else old.max,
            )
        )
    return out


def query_from_params(
    doc_type: DocType,
    params: Mapping[str, Any],
    *,
    getlist: Callable[[str], list[Any]] | None = None,
    filters: Sequence[str] | None = None,
    ranges: Mapping[str, RangeParam] | None = None,
    facets: Sequence[str] = (),
    page_size: int = 20,
    page: int | None = None,
) -> ParsedQuery:
    """Turn request parameters into a query for ``doc_type``.

    ``getlist(name)`` returns every value of a repeated parameter (``QueryDict.getlist``);
    without it a list value in ``params`` is taken as the values. ``filters`` limits the
    facet fields read (default: all of the doc type's), ``ranges`` names the range
    parameters. ``page`` is a page the caller already read (:func:`requested_page`); without
    it ``params["page"]`` is read here. Notes come in this order: sort, page, ranges (in
    ``ranges`` order), radius.
    """
    notes: list[str] = []
    ranges = ranges or {}

    def many(name: str) -> list[str]:
        raw = getlist(name) if getlist else params.get(name, [])
        values = raw if isinstance(raw, list | tuple) else [raw]
        return [str(v)[:MAX_FILTER_CHARS] for v in values if v not in (None, "")][
            :MAX_FILTER_VALUES
        ]

    def number(name: str, kind: type) -> Any:
        raw = params.get(name)
        if raw in (None, ""):
            return None
        try:
            value = kind(str(raw))
        except (TypeError, ValueError):
            notes.append(f"{name}={str(raw)[:30]!r} is not a number and was ignored.")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            notes.append(f"{name} must be a finite number and was ignored.")
            return None
        return value

    def day(name: str) -> date | None:
        raw = params.get(name)
        if not raw:
            return None
        try:
            return date.fromisoformat(str(raw)[:10])
        except ValueError:
            notes.append(f"{name} must be a date (YYYY-MM-DD) and was ignored.")
            return None

    chosen = {name: many(name) for name in (doc_type.facet_fields if filters is None else filters)}
    sorts = {RELEVANCE, *doc_type.sorts, *([DISTANCE] if doc_type.geo else [])}
    sort = str(params.get("sort") or RELEVANCE)
    if sort not in sorts:
        notes.append(f"Unknown sort {sort[:30]!r}; sorted by best match.")
        sort = RELEVANCE
    if page is None:
        page = number("page", int) or 1
    values = {
        name: day(name)
        if spec.kind == "date"
        else number(name, int if spec.kind == "int" else float)
        for name, spec in ranges.items()
    }
    radius = None
    if doc_type.geo is not None:
        where = [number(name, float) for name in ("lat", "lon", "km")]
        if all(v is not None for v in where):
            radius = Radius(*where)
    query = SearchQuery(
        text=str(params.get("q") or ""),
        filters={k: v for k, v in chosen.items() if v},
        ranges=ranges_of(ranges, values),
        sort=sort,
        page=max(1, min(page, MAX_PAGE)),
        page_size=page_size,
        facets=list(facets),
        radius=radius,
    )
    return ParsedQuery(query=query, notes=tuple(notes), values=values)


def requested_page(raw: Any) -> tuple[int, str | None]:
    """The page a request asks for (``?page=``), and the one note that explains why page 1
    is shown instead when it is not a page number (``0``, ``-1``, ``abc``). Pages beyond
    :data:`MAX_PAGE` come back as they are: :func:`last_page` clamps them once the total
    is known."""
    if raw in (None, ""):
        return 1, None
    text = str(raw).strip()
    if re.fullmatch(r"[0-9]{1,30}", text) and int(text) >= 1:
        return int(text), None
    shown = text if re.fullmatch(r"-?[0-9]{1,30}", text) else repr(text[:30])
    return 1, f"Page {shown} does not exist; showing page 1."


def last_page(total: int, page_size: int) -> int:
    """The last page a result of ``total`` matches has (1 when empty), within the engine's
    result window."""
    size = max(1, page_size)
    return max(1, min(math.ceil(total / size), MAX_RESULT_WINDOW // size))


def past_end_note(page: int, last: int) -> str:
    """The one note shown when a page past the end is replaced by the last page."""
    return f"Page {page} is past the end; showing page {last} of {last}."


#: Words a suggestion may correct: letters only, at least this long, at most this many.
SUGGEST_MIN_CHARS = 4
SUGGEST_MAX_WORDS = 20
_OPERATORS = frozenset({"and", "or", "not"})


def suggest_text(text: str, words: Collection[str], *, cutoff: float = 0.8) -> str | None:
    """``text`` with each word the vocabulary ``words`` (lower case) lacks replaced by its
    nearest word in it (``difflib``, similarity at least ``cutoff``), or None when nothing
    changes. Only plain words are touched: phrases, ``-exclusions``, ``field:value`` and
    operators stay as typed."""
    changed = False
    out: list[str] = []
    for n, token in enumerate(re.split(r"(\s+)", text)):
        word = token.casefold()
        if (
            n // 2 < SUGGEST_MAX_WORDS
            and word.isalpha()
            and len(word) >= SUGGEST_MIN_CHARS
            and word not in words
            and word not in _OPERATORS
        ):
            near = difflib.get_close_matches(word, words, n=1, cutoff=cutoff)
            if near:
                out.append(near[0])
                changed = True
                continue
        out.append(token)
    return "".join(out).strip() if changed else None


@dataclass(frozen=True, slots=True)
class FacetGroup:
    """One facet field's boxes: the first ``FACET_SHOWN`` values, then the rest."""

    name: str
    label: str
    shown: list[dict[str, Any]]
    more: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class FacetPanel:
    """What ``search/partials/facets.html`` renders. ``controls`` names a template with the
    page's own filters (ranges, selects), shown above the facet boxes."""

    groups: list[FacetGroup]
    css_class: str = "search-facets"
    controls: str | None = None


def facet_groups(
    doc_type: DocType,
    counts: Mapping[str, Sequence[tuple[str, int]]],
    chosen: Mapping[str, Sequence[str]],
    names: Sequence[str],
) -> list[FacetGroup]:
    """The facet boxes of a result, in ``names`` order: counted values, most frequent
    first, then chosen values the result no longer has (so they can be unticked).
    Numeric facets are skipped (a page shows them as its own controls); yes/no facets
    (``DocType.flag_facets``) offer their "yes" box only."""
    groups = []
    for name in names:
        if name not in doc_type.facet_fields:
            continue
        picked = set(chosen.get(name, ()))
        found = dict(counts.get(name, []))
        values = [*found, *sorted(picked - set(found))]
        options = [
            {
                "value": v,
                "label": doc_type.value_label(name, v),
                "count": found.get(v, 0),
                "checked": v in picked,
            }
            for v in values
        ]
        if name in doc_type.flag_facets:
            options = [o for o in options if o["value"] == "yes"]
        if options:
            groups.append(
                FacetGroup(name, doc_type.label(name), options[:FACET_SHOWN], options[FACET_SHOWN:])
            )
    return groups
