"""What every parser yields, and the one error that makes a whole file unusable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cmepath.catalog.choices import ErrorCode
from cmepath.core.errors import ValidationError


class ImportFileError(ValidationError):
    """The whole file is unusable; nothing was imported."""

    code = ErrorCode.IMPORT_FILE_UNUSABLE


@dataclass(frozen=True, slots=True)
class ParsedRow:
    line: int
    data: dict[str, Any] | None
    error: str | None = None


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM); anything else makes the file unusable."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"The file is not UTF-8 text (bad byte on line {line}); save it as UTF-8 and retry."
        ) from None
