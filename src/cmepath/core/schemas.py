"""Input types shared by API schemas."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date_only(value: Any) -> Any:
    """Accept dates only as ``YYYY-MM-DD`` (or a date): Pydantic's lax mode would read 0 as 1970-01-01."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        return value.strip()
    raise ValueError("use a date written as YYYY-MM-DD")


#: A calendar date that must be written ``YYYY-MM-DD`` in JSON bodies and query strings.
IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]


class StrictSchema(Schema):
    """Base of every API input schema: an unknown field is a 422, never silently ignored
    (so role, verification or ownership fields cannot be smuggled in)."""

    model_config = ConfigDict(extra="forbid")
