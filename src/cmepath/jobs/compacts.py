"""Interstate licensure compacts (``data/compacts.yaml``): which states take part and
whether a multistate licence lets a clinician practise there. Pure (no Django)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).with_name("data") / "compacts.yaml"


@dataclass(frozen=True, slots=True)
class Compact:
    code: str
    name: str
    professions: frozenset[str]
    grants_practice: bool
    states: frozenset[str]
    sources: tuple[str, ...]


@functools.cache
def compacts() -> dict[str, Compact]:
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or "as_of" not in raw or not isinstance(raw.get("compacts"), dict):
        raise ValueError(f"{DATA_FILE.name}: needs as_of and compacts")
    out: dict[str, Compact] = {}
    for code, entry in raw["compacts"].items():
        if not entry.get("sources") or not entry.get("states"):
            raise ValueError(f"{DATA_FILE.name}: {code} needs sources and states")
        out[code] = Compact(
            code=code,
            name=str(entry["name"]),
            professions=frozenset(entry["professions"]),
            grants_practice=bool(entry["grants_practice"]),
            states=frozenset(entry["states"]),
            sources=tuple(entry["sources"]),
        )
    return out


def practice_states(profession: str) -> frozenset[str]:
    """States where one multistate licence of ``profession`` allows practice (NLC for RNs;
    empty for professions whose compact is only a licensing pathway)."""
    found: set[str] = set()
    for compact in compacts().values():
        if compact.grants_practice and profession in compact.professions:
            found |= compact.states
    return frozenset(found)


def compact_for(profession: str) -> Compact | None:
    """The compact that concerns ``profession`` (the first listed), if any."""
    return next((c for c in compacts().values() if profession in c.professions), None)
