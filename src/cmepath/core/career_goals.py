"""Career-goal templates: ``core/data/career_goals.yaml``, read and checked once per process.

The catalog's value score reads a goal's core competencies and aliases
(``catalog.choices.CAREER_GOALS`` is built from here); the career planner reads its targets in
hours per competency, horizon, practice-improvement minimum, recommended formats and the
external credential (``planner.goals``). Pure Python: no Django import.

Every problem in the file raises :class:`CareerGoalFileError` naming the file and the field
(``career_goals.yaml: goals.cmo.targets.leadrship: unknown competency code ...``).
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from cmepath.core.vocabulary import COMPETENCIES, PROFESSIONS

DATA_FILE = Path(__file__).with_name("data") / "career_goals.yaml"

_GOAL_FIELDS = frozenset(
    {
        "label",
        "professions",
        "aliases",
        "competencies",
        "frameworks",
        "horizon_months",
        "horizon_basis",
        "recurring",
        "targets",
        "pi_per_12_months",
        "formats",
        "credential",
        "sources",
        "as_of",
    }
)
_OPTIONAL = frozenset({"recurring", "credential"})
_FRAMEWORK_FIELDS = frozenset({"name", "domains", "source"})
_CREDENTIAL_FIELDS = frozenset({"name", "source", "verify", "note", "requirements"})
_REQUIREMENT_FIELDS = frozenset({"text", "verify"})


class CareerGoalFileError(ValueError):
    """The career-goals file cannot be used; the message names the file and the field."""


@dataclass(frozen=True, slots=True)
class Framework:
    """A competency framework a goal draws on: its name and domain NAMES (never statements)."""

    name: str
    domains: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class CredentialRequirement:
    """One published requirement of an external credential, in our words; ``verify``: the
    source may be out of date, check with the credentialing body."""

    text: str
    verify: bool = False


@dataclass(frozen=True, slots=True)
class Credential:
    name: str
    source: str
    requirements: tuple[CredentialRequirement, ...]
    verify: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class CareerGoalTemplate:
    """One career goal as data. ``targets`` are hours per competency code over
    ``horizon_months``; ``competencies`` (a subset of the targets' codes, in order) are the
    goal's core competencies the catalog's value score weighs."""

    key: str
    label: str
    professions: tuple[str, ...]
    aliases: tuple[str, ...]
    competencies: tuple[str, ...]
    frameworks: tuple[Framework, ...]
    horizon_months: int
    horizon_basis: str
    targets: Mapping[str, float]
    pi_per_12_months: int
    formats: tuple[str, ...]
    sources: tuple[str, ...]
    as_of: date
    credential: Credential | None = None
    recurring: bool = False

    @property
    def total_hours(self) -> float:
        return float(sum(self.targets.values()))


def _fail(path: Path, where: str, message: str) -> CareerGoalFileError:
    return CareerGoalFileError(f"{path.name}: {where}: {message}")


def _check_fields(
    path: Path,
    raw: Any,
    where: str,
    allowed: frozenset[str],
    optional: Collection[str] = (),
) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise _fail(path, where, "expected a mapping")
    for key in raw:
        if key not in allowed:
            near = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise _fail(path, f"{where}.{key}", f"unknown field{hint}")
    for key in sorted(allowed - set(optional)):
        if key not in raw or raw[key] in (None, "", [], {}):
            raise _fail(path, f"{where}.{key}", "missing (required)")
    return raw


def _text(path: Path, value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, where, "expected non-empty text")
    return value.strip()


def _texts(path: Path, value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(path, where, "expected a non-empty list")
    return tuple(_text(path, v, f"{where}[{i}]") for i, v in enumerate(value))


def _url(path: Path, value: Any, where: str) -> str:
    text = _text(path, value, where)
    if not text.startswith(("http://", "https://")):
        raise _fail(path, where, f"'{text}' is not a source URL (http:// or https://)")
    return text


def _code(path: Path, value: Any, accepted: Mapping[str, Any], what: str, where: str) -> str:
    code = _text(path, value, where)
    if code not in accepted:
        near = difflib.get_close_matches(code, list(accepted), n=2, cutoff=0.5)
        hint = f"did you mean {', '.join(near)}?" if near else f"known: {', '.join(accepted)}"
        raise _fail(path, where, f"unknown {what} code '{code}': {hint}")
    return code


def _bool(path: Path, value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, where, "expected true or false")
    return value


def _as_of(path: Path, value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _fail(path, where, f"'{value}' is not a date (YYYY-MM-DD)") from None


def _credential(path: Path, raw: Any, where: str) -> Credential:
    c = _check_fields(path, raw, where, _CREDENTIAL_FIELDS, optional=("note", "verify"))
    reqs = c["requirements"]
    if not isinstance(reqs, list) or not reqs:
        raise _fail(path, f"{where}.requirements", "expected a non-empty list")
    requirements = []
    for i, r in enumerate(reqs):
        rw = f"{where}.requirements[{i}]"
        rd = _check_fields(path, r, rw, _REQUIREMENT_FIELDS, optional=("verify",))
        requirements.append(
            CredentialRequirement(
                text=_text(path, rd["text"], f"{rw}.text"),
                verify=_bool(path, rd.get("verify", False), f"{rw}.verify"),
            )
        )
    return Credential(
        name=_text(path, c["name"], f"{where}.name"),
        source=_url(path, c["source"], f"{where}.source"),
        requirements=tuple(requirements),
        verify=_bool(path, c.get("verify", False), f"{where}.verify"),
        note=_text(path, c["note"], f"{where}.note") if c.get("note") else "",
    )


def _goal(path: Path, key: str, raw: Any) -> CareerGoalTemplate:
    where = f"goals.{key}"
    g = _check_fields(path, raw, where, _GOAL_FIELDS, optional=_OPTIONAL)
    targets_raw = g["targets"]
    if not isinstance(targets_raw, Mapping) or not targets_raw:
        raise _fail(path, f"{where}.targets", "expected a mapping of competency code to hours")
    targets: dict[str, float] = {}
    for code, hours in targets_raw.items():
        tw = f"{where}.targets.{code}"
        _code(path, code, COMPETENCIES, "competency", tw)
        if isinstance(hours, bool) or not isinstance(hours, int | float) or hours <= 0:
            raise _fail(path, tw, f"expected a positive number of hours, not {hours!r}")
        targets[str(code)] = float(hours)
    competencies = tuple(
        _code(path, c, COMPETENCIES, "competency", f"{where}.competencies[{i}]")
        for i, c in enumerate(_texts(path, g["competencies"], f"{where}.competencies"))
    )
    missing = [c for c in competencies if c not in targets]
    if missing:
        raise _fail(path, f"{where}.competencies", f"{', '.join(missing)} has no hours in targets")
    frameworks_raw = g["frameworks"]
    if not isinstance(frameworks_raw, list) or not frameworks_raw:
        raise _fail(path, f"{where}.frameworks", "expected a non-empty list")
    frameworks = []
    for i, f in enumerate(frameworks_raw):
        fw = f"{where}.frameworks[{i}]"
        fd = _check_fields(path, f, fw, _FRAMEWORK_FIELDS)
        frameworks.append(
            Framework(
                name=_text(path, fd["name"], f"{fw}.name"),
                domains=_texts(path, fd["domains"], f"{fw}.domains"),
                source=_url(path, fd["source"], f"{fw}.source"),
            )
        )
    horizon = g["horizon_months"]
    if isinstance(horizon, bool) or not isinstance(horizon, int) or not 1 <= horizon <= 120:
        raise _fail(path, f"{where}.horizon_months", "expected whole months from 1 to 120")
    pi = g["pi_per_12_months"]
    if isinstance(pi, bool) or not isinstance(pi, int) or pi < 1:
        raise _fail(path, f"{where}.pi_per_12_months", "expected a whole number of at least 1")
    professions = tuple(
        _code(path, p, PROFESSIONS, "profession", f"{where}.professions[{i}]")
        for i, p in enumerate(_texts(path, g["professions"], f"{where}.professions"))
    )
    return CareerGoalTemplate(
        key=key,
        label=_text(path, g["label"], f"{where}.label"),
        professions=professions,
        aliases=tuple(a.casefold() for a in _texts(path, g["aliases"], f"{where}.aliases")),
        competencies=competencies,
        frameworks=tuple(frameworks),
        horizon_months=horizon,
        horizon_basis=_text(path, g["horizon_basis"], f"{where}.horizon_basis"),
        targets=MappingProxyType(targets),
        pi_per_12_months=pi,
        formats=_texts(path, g["formats"], f"{where}.formats"),
        sources=tuple(
            _url(path, s, f"{where}.sources[{i}]")
            for i, s in enumerate(_texts(path, g["sources"], f"{where}.sources"))
        ),
        as_of=_as_of(path, g["as_of"], f"{where}.as_of"),
        credential=(
            _credential(path, g["credential"], f"{where}.credential")
            if g.get("credential") is not None
            else None
        ),
        recurring=_bool(path, g.get("recurring", False), f"{where}.recurring"),
    )


def parse_career_goals(text: str, path: Path = DATA_FILE) -> Mapping[str, CareerGoalTemplate]:
    """Check the YAML ``text`` (named ``path`` in messages); goals in file order."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _fail(path, "file", f"not valid YAML ({exc})") from None
    top = _check_fields(path, raw, "top level", frozenset({"source_url", "as_of", "goals"}))
    _url(path, top["source_url"], "source_url")
    _as_of(path, top["as_of"], "as_of")
    goals = top["goals"]
    if not isinstance(goals, Mapping):
        raise _fail(path, "goals", "expected a mapping of goal key to goal")
    out: dict[str, CareerGoalTemplate] = {}
    for key, body in goals.items():
        if not isinstance(key, str) or not key.replace("_", "").isalnum() or key != key.lower():
            raise _fail(path, f"goals.{key}", "a goal key is lower-case letters, digits and _")
        out[key] = _goal(path, key, body)
    return MappingProxyType(out)


@functools.cache
def load_career_goals(path: Path = DATA_FILE) -> Mapping[str, CareerGoalTemplate]:
    """The goal templates of ``path`` (cached: the file is package data), in file order."""
    return parse_career_goals(path.read_text(encoding="utf-8"), path)


def goal_template(key: str) -> CareerGoalTemplate:
    """The template ``key`` names; ``KeyError`` with the accepted keys and a near match."""
    goals = load_career_goals()
    if key in goals:
        return goals[key]
    near = difflib.get_close_matches(key, list(goals), n=1, cutoff=0.5)
    hint = f"did you mean '{near[0]}'? " if near else ""
    raise KeyError(f"unknown career goal '{key}': {hint}accepted: {', '.join(goals)}")
