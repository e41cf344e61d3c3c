"""NUCC Health Care Provider Taxonomy codes for individual clinicians.

Pure and typed (no Django import). The data is a curated subset shipped in
``data/nucc_taxonomy.csv``; its source and version are in ``data/nucc_taxonomy.SOURCE.md``.

A taxonomy code is 10 characters: 4 characters of provider type and classification, 5 of
area of specialization (``00000`` when there is none), and a literal ``X``
(e.g. ``207Q00000X`` Family Medicine, ``207RC0000X`` Internal Medicine / Cardiovascular
Disease).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

TAXONOMY_CODE_RE = re.compile(r"^[0-9]{3}[0-9A-Z]{6}X$")
PROFESSION_HINTS = frozenset({"MD/DO", "PA", "NP", "RN", "PharmD"})
_COLUMNS = (
    "code",
    "grouping",
    "classification",
    "specialization",
    "display_name",
    "profession_hint",
)


class TaxonomyDataError(ValueError):
    """The shipped taxonomy CSV is malformed (a packaging bug, not a user error)."""


@dataclass(frozen=True, slots=True)
class TaxonomyCode:
    """One NUCC taxonomy code, with our display name and profession hint."""

    code: str
    grouping: str
    classification: str
    specialization: str
    display_name: str
    profession_hint: str


def is_well_formed(code: str) -> bool:
    """True when ``code`` has the NUCC shape (10 characters ending in X), known or not."""
    return bool(TAXONOMY_CODE_RE.fullmatch(code))


def _data_lines(text: str) -> Iterator[str]:
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            yield line


def parse_taxonomy_csv(text: str) -> dict[str, TaxonomyCode]:
    """Parse the CSV text (``#`` comment lines allowed), validating every row."""
    reader = csv.DictReader(_data_lines(text))
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        raise TaxonomyDataError(f"expected columns {_COLUMNS}, got {reader.fieldnames}")
    codes: dict[str, TaxonomyCode] = {}
    for row in reader:
        entry = TaxonomyCode(**{name: (row[name] or "").strip() for name in _COLUMNS})
        if not is_well_formed(entry.code):
            raise TaxonomyDataError(f"malformed taxonomy code {entry.code!r}")
        if entry.code in codes:
            raise TaxonomyDataError(f"duplicate taxonomy code {entry.code}")
        if entry.profession_hint not in PROFESSION_HINTS:
            raise TaxonomyDataError(
                f"{entry.code}: unknown profession_hint {entry.profession_hint!r}"
            )
        if not (entry.grouping and entry.classification and entry.display_name):
            raise TaxonomyDataError(
                f"{entry.code}: grouping, classification and display_name are required"
            )
        codes[entry.code] = entry
    return codes


@cache
def load_taxonomy() -> dict[str, TaxonomyCode]:
    """All shipped codes, keyed by code (read once per process).

    Treat the result as read-only: it is shared by every caller.
    """
    text = (
        resources.files("cmepath.accounts")
        .joinpath("data", "nucc_taxonomy.csv")
        .read_text(encoding="utf-8")
    )
    return parse_taxonomy_csv(text)


def get(code: str) -> TaxonomyCode | None:
    """The entry for ``code`` (case and surrounding spaces ignored), or None."""
    return load_taxonomy().get(code.strip().upper())


def is_valid_code(code: str) -> bool:
    """True when ``code`` is well formed and is one of the shipped codes."""
    normalized = code.strip().upper()
    return is_well_formed(normalized) and normalized in load_taxonomy()


def choices(profession_hint: str | None = None) -> list[tuple[str, str]]:
    """``(code, label)`` pairs for a form select, sorted by label.

    Labels read "Internal Medicine: Cardiovascular Disease (207RC0000X)"; pass
    ``profession_hint`` ("NP", "MD/DO", ...) to show one profession only.
    """
    entries = [
        entry
        for entry in load_taxonomy().values()
        if profession_hint is None or entry.profession_hint == profession_hint
    ]
    entries.sort(key=lambda entry: (entry.display_name.casefold(), entry.code))
    return [(entry.code, f"{entry.display_name} ({entry.code})") for entry in entries]
