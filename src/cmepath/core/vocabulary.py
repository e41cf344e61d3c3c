"""The one shared vocabulary: credit types, topics, competencies, professions, US states.

Catalog (credit designations, activity topics) and credits (requirement rules, completions)
both speak these codes, so a topic named in a rule file is the same topic a provider tags an
activity with. The data lives in ``core/data/vocabulary.yaml`` (with its source and as-of
date) and is read once per process. Pure Python: no Django import, so the rules engine can
use it.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

DATA_FILE = Path(__file__).with_name("data") / "vocabulary.yaml"


@dataclass(frozen=True, slots=True)
class Term:
    """One code in the vocabulary, with its human label and optional attributes."""

    code: str
    label: str
    body: str = ""  # accrediting body (credit types)
    unit: str = ""  # credit / contact hour / point (credit types)
    mandated: bool = False  # topic named by at least one requirement rule


@dataclass(frozen=True, slots=True)
class Vocabulary:
    source_url: str
    as_of: str
    credit_types: Mapping[str, Term]
    topics: Mapping[str, Term]
    competencies: Mapping[str, Term]
    professions: Mapping[str, Term]
    states: Mapping[str, Term]


def _terms(raw: Any, section: str) -> Mapping[str, Term]:
    if not isinstance(raw, dict) or not raw:
        raise ValueError(f"{DATA_FILE.name}: section '{section}' must be a non-empty mapping")
    out: dict[str, Term] = {}
    for code, attrs in raw.items():
        if not isinstance(attrs, dict) or "label" not in attrs:
            raise ValueError(f"{DATA_FILE.name}: {section}.{code} needs a label")
        unknown = set(attrs) - {"label", "body", "unit", "mandated"}
        if unknown:
            raise ValueError(
                f"{DATA_FILE.name}: {section}.{code}: unknown field(s) {sorted(unknown)}"
            )
        out[str(code)] = Term(
            code=str(code),
            label=str(attrs["label"]),
            body=str(attrs.get("body", "")),
            unit=str(attrs.get("unit", "")),
            mandated=bool(attrs.get("mandated", False)),
        )
    return MappingProxyType(out)


@functools.cache
def load_vocabulary(path: Path = DATA_FILE) -> Vocabulary:
    """Read and check the vocabulary file (cached: the file is package data)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or "source_url" not in raw or "as_of" not in raw:
        raise ValueError(f"{path.name}: needs source_url and as_of")
    return Vocabulary(
        source_url=str(raw["source_url"]),
        as_of=str(raw["as_of"]),
        credit_types=_terms(raw.get("credit_types"), "credit_types"),
        topics=_terms(raw.get("topics"), "topics"),
        competencies=_terms(raw.get("competencies"), "competencies"),
        professions=_terms(raw.get("professions"), "professions"),
        states=_terms(raw.get("states"), "states"),
    )


_VOCAB = load_vocabulary()

CREDIT_TYPES: Mapping[str, Term] = _VOCAB.credit_types
TOPICS: Mapping[str, Term] = _VOCAB.topics
MANDATED_TOPICS: Mapping[str, Term] = MappingProxyType(
    {code: term for code, term in TOPICS.items() if term.mandated}
)
COMPETENCIES: Mapping[str, Term] = _VOCAB.competencies
PROFESSIONS: Mapping[str, Term] = _VOCAB.professions
#: Licensing jurisdictions (USPS codes): the 50 states, DC and Puerto Rico.
STATES: Mapping[str, Term] = _VOCAB.states
SOURCE_URL: str = _VOCAB.source_url
AS_OF: str = _VOCAB.as_of


def choices(mapping: Mapping[str, Term]) -> list[tuple[str, str]]:
    """Django-style ``choices`` for a vocabulary section, in file order."""
    return [(code, term.label) for code, term in mapping.items()]


def credit_label(code: str) -> str:
    """A credit type's label, or the code itself when the vocabulary does not know it."""
    term = CREDIT_TYPES.get(code)
    return term.label if term else code


def _check(code: str, mapping: Mapping[str, Term], what: str) -> str:
    if code in mapping:
        return code
    near = difflib.get_close_matches(str(code), list(mapping), n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(near)}?" if near else f"known: {', '.join(mapping)}"
    raise ValueError(f"unknown {what} '{code}': {hint}")


def validate_credit_type(code: str) -> str:
    """Return ``code`` if it is a known credit type, else raise ValueError naming near options."""
    return _check(code, CREDIT_TYPES, "credit type")


def validate_topic(code: str) -> str:
    """Return ``code`` if it is a known topic, else raise ValueError naming near options."""
    return _check(code, TOPICS, "topic")


def validate_profession(code: str) -> str:
    """Return ``code`` if it is a known profession, else raise ValueError naming near options."""
    return _check(code, PROFESSIONS, "profession")


def validate_state(code: str) -> str:
    """Return ``code`` if it is a known state code, else raise ValueError naming near options."""
    return _check(code, STATES, "state")
