"""Pay-transparency laws: which states make a salary range mandatory in a job posting.

Pure (no Django import): the vacancy validator, the importer and the demo generator all ask
:func:`laws_requiring_range` the same question. The facts live in
``data/pay_transparency.yaml`` with their statute citations and sources; the file is read and
checked once per process, and a malformed entry raises :class:`ValueError` naming the file.

The board reads the laws conservatively: a vacancy located in, or open (remote) to, any listed
state needs a minimum and a maximum salary once that state's law is in force, whatever the
employer's size. ``min_employees`` and ``covers_remote`` are kept for display and for a later,
finer rule; they do not relax the requirement here.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from cmepath.core.vocabulary import STATES

DATA_FILE = Path(__file__).with_name("data") / "pay_transparency.yaml"

_REQUIRED = ("name", "citation", "in_force", "min_employees", "covers_remote", "sources")


@dataclass(frozen=True, slots=True)
class PayLaw:
    """One state's salary-range posting law."""

    state: str
    name: str
    citation: str
    in_force: dt.date
    min_employees: int | None
    covers_remote: bool
    url: str

    @property
    def state_name(self) -> str:
        """The jurisdiction's name ("Colorado", "District of Columbia")."""
        term = STATES.get(self.state)
        return term.label if term else self.state

    def in_force_on(self, day: dt.date) -> bool:
        return self.in_force <= day


def _fail(path: Path, where: str, problem: str) -> ValueError:
    return ValueError(f"{path.name}: {where}: {problem}")


def _parse_law(path: Path, state: Any, raw: Any) -> PayLaw:
    where = f"laws.{state}"
    if not isinstance(state, str) or state not in STATES:
        raise _fail(path, where, "key must be a known two-letter state code")
    if not isinstance(raw, dict):
        raise _fail(path, where, "must be a mapping")
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise _fail(path, where, f"missing {', '.join(missing)}")
    name, citation = raw["name"], raw["citation"]
    if not isinstance(name, str) or not name.strip():
        raise _fail(path, where, "name must be a non-empty string")
    if not isinstance(citation, str) or not citation.strip():
        raise _fail(path, where, "citation must be a non-empty string")
    in_force = raw["in_force"]
    if isinstance(in_force, dt.datetime) or not isinstance(in_force, dt.date):
        raise _fail(path, where, "in_force must be a date (YYYY-MM-DD)")
    minimum = raw["min_employees"]
    if minimum is not None and (
        isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1
    ):
        raise _fail(path, where, "min_employees must be a positive integer or null")
    if not isinstance(raw["covers_remote"], bool):
        raise _fail(path, where, "covers_remote must be true or false")
    sources = raw["sources"]
    if (
        not isinstance(sources, list)
        or not sources
        or not all(
            isinstance(url, str) and url.startswith(("http://", "https://")) for url in sources
        )
    ):
        raise _fail(path, where, "sources must be a non-empty list of http(s) URLs")
    return PayLaw(
        state=state,
        name=name.strip(),
        citation=citation.strip(),
        in_force=in_force,
        min_employees=minimum,
        covers_remote=raw["covers_remote"],
        url=sources[0],
    )


def parse_laws(text: str, path: Path = DATA_FILE) -> Mapping[str, PayLaw]:
    """Parse and check the YAML text (``path`` only names the file in error messages)."""
    raw = yaml.safe_load(text)
    if not isinstance(raw, dict):
        raise ValueError(f"{path.name}: top level must be a mapping")
    for key in ("source_note", "as_of", "laws"):
        if key not in raw:
            raise ValueError(f"{path.name}: missing top-level '{key}'")
    laws = raw["laws"]
    if not isinstance(laws, dict) or not laws:
        raise ValueError(f"{path.name}: 'laws' must be a non-empty mapping of state codes")
    return MappingProxyType(
        {law.state: law for law in (_parse_law(path, k, v) for k, v in laws.items())}
    )


@functools.cache
def load_laws(path: Path = DATA_FILE) -> Mapping[str, PayLaw]:
    """All laws by state code (read once per process; the mapping is read-only)."""
    return parse_laws(path.read_text(encoding="utf-8"), path)


def laws_requiring_range(states: Iterable[str], on: dt.date) -> list[PayLaw]:
    """The laws in force on ``on`` for any of ``states`` (a vacancy's state or its remote
    states), sorted by state code. Unknown or unlisted states simply contribute nothing."""
    laws = load_laws()
    wanted = {str(state).strip().upper() for state in states}
    return sorted(
        (laws[code] for code in wanted if code in laws and laws[code].in_force_on(on)),
        key=lambda law: law.state,
    )


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def message(laws: Sequence[PayLaw]) -> str:
    """What to tell the employer when a required range is missing ("" when no law applies).

    >>> message([load_laws()["CO"]])  # doctest: +NORMALIZE_WHITESPACE
    "A pay range is required: Colorado's Equal Pay for Equal Work Act (C.R.S. 8-5-201(2))
    requires a salary range in every posting for a job in or open to that state. Add a minimum
    and maximum salary."
    """
    if not laws:
        return ""
    named = [f"{law.state_name}'s {law.name} ({law.citation})" for law in laws]
    verb, place = ("requires", "that state") if len(laws) == 1 else ("require", "those states")
    return (
        f"A pay range is required: {_join(named)} {verb} a salary range in every posting for a "
        f"job in or open to {place}. Add a minimum and maximum salary."
    )
