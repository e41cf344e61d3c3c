"""Measures and value sets as data: a strict YAML loader.

Unknown keys, missing keys and wrong types are errors that name the file and the line.
A measure refers to value sets by id; ``load_measure`` resolves them from the shipped
``data/valuesets/`` folder and from a ``valuesets/`` folder next to the measure file.
Pure Python; no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

KINDS = ("proportion", "mean")
COUNTS = ("orders", "patients")
PERIODS = ("week", "month", "quarter")
UNIT_COLUMNS = ("unit", "prescriber")
VALUE_COLUMNS = ("days_supply", "age")
SETTINGS = ("ambulatory", "emergency", "inpatient", "virtual", "home", "other")
CODE_SYSTEMS = ("icd10cm", "snomed", "rxnorm")


class MeasureSpecError(ValueError):
    """A measure or value-set file that does not follow the format (file and line given)."""


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Concept:
    system: str
    code: str | None  # exact code
    prefix: str | None  # every code starting with this (ICD-10-CM categories)
    display: str


@dataclass(frozen=True)
class ValueSet:
    id: str
    title: str
    as_of: date
    sources: tuple[Source, ...]
    concepts: tuple[Concept, ...]
    note: str = ""

    def codes(self, system: str) -> list[str]:
        return sorted({c.code for c in self.concepts if c.system == system and c.code})

    def prefixes(self, system: str) -> list[str]:
        return sorted({c.prefix for c in self.concepts if c.system == system and c.prefix})

    def systems(self) -> list[str]:
        return sorted({c.system for c in self.concepts})

    def matches(self, system: str | None, code: str | None) -> bool:
        """Plain-Python membership (for brute-force checks and tests)."""
        if system is None or code is None:
            return False
        return any(
            c.system == system
            and (c.code == code or (c.prefix is not None and code.startswith(c.prefix)))
            for c in self.concepts
        )


@dataclass(frozen=True)
class Filter:
    """Row conditions; every given part must hold."""

    diagnosis: ValueSet | None = None
    drug: ValueSet | None = None
    age_min: int | None = None
    age_max: int | None = None
    settings: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return (
            not (self.diagnosis or self.drug or self.settings)
            and self.age_min is None
            and self.age_max is None
        )


@dataclass(frozen=True)
class MeasureSpec:
    id: str
    title: str
    description: str
    kind: str
    count: str
    population: Filter
    numerator: Filter | None
    value_column: str | None
    unit: str
    period: str
    moore_level: int
    higher_is_better: bool
    sources: tuple[Source, ...]
    path: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def valuesets(self) -> list[ValueSet]:
        out: list[ValueSet] = []
        for f in (self.population, self.numerator):
            if f is None:
                continue
            out += [v for v in (f.diagnosis, f.drug) if v is not None]
        return out


# --- YAML with line numbers ---------------------------------------------------------------


@dataclass
class _Map:
    """A mapping read from YAML with the line of each key (1-based)."""

    where: str
    line: int
    values: dict[str, Any]
    lines: dict[str, int]

    def error(self, key: str | None, message: str) -> MeasureSpecError:
        line = self.lines.get(key, self.line) if key else self.line
        return MeasureSpecError(f"{self.where}:{line}: {message}")

    def check_keys(self, required: set[str], optional: set[str]) -> None:
        for key in self.values:
            if key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                raise self.error(key, f"unknown key {key!r} (allowed: {allowed})")
        for key in sorted(required):
            if key not in self.values:
                raise self.error(None, f"missing key {key!r}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.values.get(key, default)
        if value is None:
            raise self.error(None, f"missing key {key!r}")
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"{key!r} must be non-empty text")
        return value.strip()

    def choice(self, key: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.text(key, default)
        if value not in choices:
            raise self.error(key, f"{key!r} must be one of {', '.join(choices)} (got {value!r})")
        return value

    def integer(self, key: str, low: int, high: int, default: int | None = None) -> int:
        value = self.values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(key, f"{key!r} must be a whole number from {low} to {high}")
        return value

    def mapping(self, key: str) -> _Map:
        value = self.values.get(key)
        if not isinstance(value, _Map):
            raise self.error(key, f"{key!r} must be a mapping")
        return value

    def items(self, key: str) -> list[Any]:
        value = self.values.get(key)
        if not isinstance(value, list) or not value:
            raise self.error(key, f"{key!r} must be a non-empty list")
        return value


def _convert(node: yaml.Node, where: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        values: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise MeasureSpecError(f"{where}:{line}: keys must be text")
            if key in values:
                raise MeasureSpecError(f"{where}:{line}: duplicate key {key!r}")
            values[key] = _convert(value_node, where)
            lines[key] = line
        return _Map(where, node.start_mark.line + 1, values, lines)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(v, where) for v in node.value]
    constructor = yaml.SafeLoader("")
    return constructor.construct_object(node)


def _read(path: Path) -> _Map:
    where = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MeasureSpecError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise MeasureSpecError(f"{where}: not UTF-8 text") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise MeasureSpecError(
            f"{where}{line}: not valid YAML ({getattr(exc, 'problem', exc)})"
        ) from None
    if node is None:
        raise MeasureSpecError(f"{where}: the file is empty")
    root = _convert(node, where)
    if not isinstance(root, _Map):
        raise MeasureSpecError(f"{where}:1: the file must hold a mapping")
    return root


def _sources(m: _Map, key: str = "sources") -> tuple[Source, ...]:
    out = []
    for item in m.items(key):
        if not isinstance(item, _Map):
            raise m.error(key, "each source needs title and url")
        item.check_keys({"title", "url"}, set())
        url = item.text("url")
        if not re.match(r"https?://", url):
            raise item.error("url", "url must start with http:// or https://")
        out.append(Source(item.text("title"), url))
    return tuple(out)


# --- value sets ----------------------------------------------------------------------------

_CODE_FORMATS = {
    "icd10cm": re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$"),
    "snomed": re.compile(r"^[1-9][0-9]{5,17}$"),
    "rxnorm": re.compile(r"^[1-9][0-9]{0,8}$"),
}


def load_valueset(path: Path) -> ValueSet:
    m = _read(path)
    m.check_keys({"id", "title", "as_of", "sources", "concepts"}, {"note"})
    as_of = m.values["as_of"]
    if not isinstance(as_of, date):
        raise m.error("as_of", "'as_of' must be a date (YYYY-MM-DD)")
    concepts = []
    for item in m.items("concepts"):
        if not isinstance(item, _Map):
            raise m.error(
                "concepts", "each concept is a mapping with system, code or prefix, display"
            )
        item.check_keys({"system", "display"}, {"code", "prefix"})
        system = item.choice("system", CODE_SYSTEMS)
        code = str(item.values["code"]) if "code" in item.values else None
        prefix = str(item.values["prefix"]) if "prefix" in item.values else None
        if (code is None) == (prefix is None):
            raise item.error(None, "give exactly one of 'code' or 'prefix'")
        if code is not None and not _CODE_FORMATS[system].match(code):
            raise item.error("code", f"{code!r} is not a {system} code")
        if prefix is not None and system != "icd10cm":
            raise item.error("prefix", "prefixes are for ICD-10-CM categories only")
        concepts.append(Concept(system, code, prefix, item.text("display")))
    vs_id = m.text("id")
    if vs_id != path.stem:
        raise m.error("id", f"id {vs_id!r} must match the file name {path.stem!r}")
    return ValueSet(
        vs_id, m.text("title"), as_of, _sources(m), tuple(concepts), str(m.values.get("note", ""))
    )


def shipped_dir() -> Path:
    return Path(str(resources.files("cmepath.outcomes.measures").joinpath("data")))


def shipped_measures() -> list[Path]:
    return sorted(shipped_dir().glob("*.yaml"))


def _find_valueset(vs_id: str, near: Path) -> Path:
    for folder in (near.parent / "valuesets", shipped_dir() / "valuesets"):
        candidate = folder / f"{vs_id}.yaml"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(vs_id)


# --- measures ------------------------------------------------------------------------------


def _filter(m: _Map, key: str, near: Path, cache: dict[str, ValueSet]) -> Filter:
    f = m.mapping(key)
    f.check_keys(set(), {"diagnosis", "drug", "age", "setting"})
    if not f.values:
        raise f.error(None, f"{key!r} needs at least one of diagnosis, drug, age, setting")

    def vs(name: str) -> ValueSet | None:
        if name not in f.values:
            return None
        ref = f.text(name)
        if ref not in cache:
            try:
                cache[ref] = load_valueset(_find_valueset(ref, near))
            except FileNotFoundError:
                raise f.error(name, f"value set {ref!r} not found (looked in valuesets/)") from None
        return cache[ref]

    age_min = age_max = None
    if "age" in f.values:
        age = f.mapping("age")
        age.check_keys(set(), {"min", "max"})
        age_min = age.integer("min", 0, 120) if "min" in age.values else None
        age_max = age.integer("max", 0, 120) if "max" in age.values else None
        if age_min is not None and age_max is not None and age_min > age_max:
            raise age.error("min", "age min is above age max")
    settings: tuple[str, ...] = ()
    if "setting" in f.values:
        raw = f.values["setting"]
        values = raw if isinstance(raw, list) else [raw]
        for s in values:
            if s not in SETTINGS:
                raise f.error("setting", f"setting {s!r} is not one of {', '.join(SETTINGS)}")
        settings = tuple(values)
    return Filter(vs("diagnosis"), vs("drug"), age_min, age_max, settings)


def load_measure(path: str | Path) -> MeasureSpec:
    """Read and check one measure file; value sets are resolved and checked too."""
    path = Path(path)
    m = _read(path)
    m.check_keys(
        {"id", "title", "kind", "population", "group", "moore_level", "sources"},
        {"description", "count", "numerator", "value", "higher_is_better", "version"},
    )
    kind = m.choice("kind", KINDS)
    cache: dict[str, ValueSet] = {}
    population = _filter(m, "population", path, cache)
    numerator = None
    value_column = None
    if kind == "proportion":
        if "numerator" not in m.values:
            raise m.error(None, "a proportion measure needs a 'numerator'")
        if "value" in m.values:
            raise m.error("value", "'value' is for mean measures; a proportion has a 'numerator'")
        numerator = _filter(m, "numerator", path, cache)
    else:
        if "value" not in m.values:
            raise m.error(None, "a mean measure needs a 'value' (the column to average)")
        if "numerator" in m.values:
            raise m.error("numerator", "'numerator' is for proportion measures")
        value = m.mapping("value")
        value.check_keys({"column"}, set())
        value_column = value.choice("column", VALUE_COLUMNS)
    group = m.mapping("group")
    group.check_keys({"period"}, {"unit"})
    count = m.choice("count", COUNTS, "orders")
    if count == "patients" and kind == "mean":
        raise m.error("count", "a mean measure averages order values; use count: orders")
    higher = m.values.get("higher_is_better", True)
    if not isinstance(higher, bool):
        raise m.error("higher_is_better", "'higher_is_better' must be true or false")
    moore = m.integer("moore_level", 5, 6)
    return MeasureSpec(
        id=m.text("id"),
        title=m.text("title"),
        description=str(m.values.get("description", "")).strip(),
        kind=kind,
        count=count,
        population=population,
        numerator=numerator,
        value_column=value_column,
        unit=group.choice("unit", UNIT_COLUMNS, "unit"),
        period=group.choice("period", PERIODS),
        moore_level=moore,
        higher_is_better=higher,
        sources=_sources(m),
        path=str(path),
    )


def measure_by_id(measure_id: str) -> MeasureSpec:
    """A shipped measure by its id (the file name without .yaml)."""
    path = shipped_dir() / f"{measure_id}.yaml"
    if not re.fullmatch(r"[a-z0-9-]+", measure_id) or not path.is_file():
        raise MeasureSpecError(f"no shipped measure {measure_id!r}")
    return load_measure(path)
