"""Types shared by API schemas: input types and the search facet count."""

from __future__ import annotations

import re
import types
import typing
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from ninja import Schema
from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date_only(value: Any) -> Any:
    """Accept dates only as ``YYYY-MM-DD`` (or a date): Pydantic's lax mode would read 0 as 1970-01-01."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        return value.strip()
    raise ValueError("use a date written as YYYY-MM-DD")


class FacetCountOut(BaseModel):
    """One value of a search facet and how many results carry it (catalog, jobs, hub).
    A plain pydantic model: the views hand dicts, and ninja's Schema (built to read ORM
    objects) ran its getter for each of several hundred facet counts."""

    value: str
    count: int


#: A calendar date that must be written ``YYYY-MM-DD`` in JSON bodies and query strings.
IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]


def _leaf_types(annotation: Any) -> tuple[set[type], Any]:
    """The scalar types a field accepts, and the annotation of its items (list or dict
    values) if it is a container."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _leaf_types(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        leaves: set[type] = set()
        item = None
        for arg in typing.get_args(annotation):
            arg_leaves, arg_item = _leaf_types(arg)
            leaves |= arg_leaves
            item = item or arg_item
        return leaves, item
    if origin in (list, tuple, set):
        return {list}, typing.get_args(annotation)[0]
    if origin is dict:
        return {dict}, typing.get_args(annotation)[1]
    if origin is typing.Literal:
        return {type(a) for a in typing.get_args(annotation)}, None
    return ({annotation} if isinstance(annotation, type) else set()), None


def _json_type_error(annotation: Any, value: Any) -> str | None:
    """What Pydantic's lax mode would coerce but the JSON schema forbids: true for a
    number, 1 or "yes" for a boolean, "5" for an integer."""
    leaves, item = _leaf_types(annotation)
    if value is None or not leaves:
        return None
    if isinstance(value, bool):
        if bool in leaves:
            return None
        return ("a number" if leaves & {int, float, Decimal} else "text") + ", not true/false"
    if bool in leaves and not (leaves - {bool, type(None)}):
        return "true or false"
    if (
        isinstance(value, str)
        and int in leaves
        and not (leaves & {str, Decimal, date, float})
        and not any(isinstance(t, type) and issubclass(t, Enum) for t in leaves)
    ):
        return "a number, not text"
    if isinstance(value, list) and item is not None:
        return next((e for e in (_json_type_error(item, v) for v in value) if e), None)
    if isinstance(value, dict) and item is not None:
        return next((e for e in (_json_type_error(item, v) for v in value.values()) if e), None)
    return None


class StrictSchema(Schema):
    """Base of every API input schema: an unknown field is a 422, never silently ignored
    (so role, verification or ownership fields cannot be smuggled in), and a value of the
    wrong JSON type is a 422 too (Pydantic's lax mode would read true as 1 or "yes" as true)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _json_types(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name, field in cls.model_fields.items():
                key = field.alias or name
                if key in data:
                    problem = _json_type_error(field.annotation, data[key])
                    if problem:
                        raise ValueError(f"{key}: expected {problem}")
        return data
