"""Who a clinician checks with when no rule covers a credential.

The licensing body of each jurisdiction per profession, the national certifying boards and
the DEA, with their sites where known: ``credits/data/boards.yaml`` (its sources and as-of
date are in the file). Pure Python; read and checked once per process.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

BOARDS_FILE = Path(__file__).resolve().parent.parent / "data" / "boards.yaml"

#: Which of a jurisdiction's bodies licenses a profession: the first one it lists.
BODY_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "MD": ("medical",),
        "DO": ("osteopathic", "medical"),
        "PA": ("physician_assistant", "medical"),
        "NP": ("nursing",),
        "RN": ("nursing",),
        "PharmD": ("pharmacy",),
    }
)
_BODY_FIELDS = frozenset(key for keys in BODY_KEYS.values() for key in keys)


class BoardsFileError(ValueError):
    """``boards.yaml`` is malformed (a packaging bug, not a user error)."""


@dataclass(frozen=True, slots=True)
class Authority:
    """A licensing body or certifying board: its name and, when known, its site."""

    name: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class BoardDirectory:
    sources: tuple[str, ...]
    as_of: date
    jurisdictions: Mapping[str, Mapping[str, Authority]]
    boards: Mapping[str, Authority]
    dea: Authority

    def licensing_body(self, state: str, profession: str) -> Authority | None:
        """The body that licenses ``profession`` in ``state``, or None when not on file."""
        bodies = self.jurisdictions.get(state)
        if not bodies:
            return None
        for key in BODY_KEYS.get(profession, ()):
            found = bodies.get(key)
            if found is not None:
                return found
        return None

    def certifying_board(self, code: str) -> Authority | None:
        return self.boards.get(code)


def _authority(raw: Any, where: str) -> Authority:
    if not isinstance(raw, Mapping) or set(raw) - {"name", "url"} or not raw.get("name"):
        raise BoardsFileError(f"{where}: expected {{name: ..., url: ...}} (url optional)")
    url = str(raw.get("url", ""))
    if url and not url.startswith("https://"):
        raise BoardsFileError(f"{where}: url must start with https://")
    return Authority(name=str(raw["name"]), url=url)


def parse_boards(data: Any, path: str = "boards.yaml") -> BoardDirectory:
    """Check and build the directory from the YAML document's data."""
    allowed = {"sources", "as_of", "jurisdictions", "boards", "dea"}
    if not isinstance(data, Mapping) or set(data) != allowed:
        raise BoardsFileError(f"{path}: needs exactly the keys {', '.join(sorted(allowed))}")
    sources = data["sources"]
    if not isinstance(sources, list) or not sources:
        raise BoardsFileError(f"{path}: sources must be a non-empty list")
    as_of = data["as_of"]
    if not isinstance(as_of, date):
        raise BoardsFileError(f"{path}: as_of must be a date YYYY-MM-DD")
    jurisdictions: dict[str, Mapping[str, Authority]] = {}
    raw_jurisdictions = data["jurisdictions"]
    if not isinstance(raw_jurisdictions, Mapping):
        raise BoardsFileError(f"{path}: jurisdictions must be a mapping")
    for state, bodies in raw_jurisdictions.items():
        if not isinstance(bodies, Mapping) or not bodies:
            raise BoardsFileError(f"{path}: jurisdictions.{state} must be a mapping")
        unknown = set(bodies) - _BODY_FIELDS
        if unknown:
            raise BoardsFileError(
                f"{path}: jurisdictions.{state}: unknown bodies {sorted(unknown)} "
                f"(allowed: {', '.join(sorted(_BODY_FIELDS))})"
            )
        jurisdictions[str(state)] = MappingProxyType(
            {
                str(key): _authority(raw, f"{path}: jurisdictions.{state}.{key}")
                for key, raw in bodies.items()
            }
        )
    raw_boards = data["boards"]
    if not isinstance(raw_boards, Mapping):
        raise BoardsFileError(f"{path}: boards must be a mapping")
    boards = {
        str(code): _authority(raw, f"{path}: boards.{code}") for code, raw in raw_boards.items()
    }
    return BoardDirectory(
        sources=tuple(str(s) for s in sources),
        as_of=as_of,
        jurisdictions=MappingProxyType(jurisdictions),
        boards=MappingProxyType(boards),
        dea=_authority(data["dea"], f"{path}: dea"),
    )


@functools.cache
def board_directory() -> BoardDirectory:
    """The shipped directory, read once per process."""
    return parse_boards(
        yaml.safe_load(BOARDS_FILE.read_text(encoding="utf-8")), path=BOARDS_FILE.name
    )
