"""Load requirement rules from YAML, strictly.

Each file in ``credits/data/rules/*.yaml`` describes one regime. The loader composes the YAML
into nodes (not plain dicts) so every error can name the file and line: an unknown field, a
missing ``source_url``/``as_of``, an unknown credit type or topic, a wrong type. A rule that
cannot be traced to its source is refused, because requirements change and must be checkable.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, cast, get_args

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cmepath.core.vocabulary import CREDIT_TYPES, PROFESSIONS, TOPICS
from cmepath.credits.rules.spec import (
    Anchor,
    AppliesTo,
    Conditions,
    Cycle,
    Deadline,
    Frequency,
    Kind,
    Regime,
    Requirement,
    SourceQuality,
    Weighting,
)

RULES_DIR = Path(__file__).resolve().parent.parent / "data" / "rules"

T = TypeVar("T")


class RuleFileError(ValueError):
    """A rule file is malformed; the message names the file and line."""

    def __init__(self, path: str, line: int, message: str) -> None:
        self.path = path
        self.line = line
        super().__init__(f"{path}:{line}: {message}")


class _Ctx:
    """Where we are: the file name used in messages and a scalar constructor."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._constructor = yaml.SafeLoader("")

    def fail(self, node: Node, message: str) -> RuleFileError:
        return RuleFileError(self.path, node.start_mark.line + 1, message)

    def value(self, node: Node) -> Any:
        return self._constructor.construct_object(node, deep=True)


class _Map:
    """A YAML mapping node whose keys are checked against an allowed set."""

    def __init__(self, ctx: _Ctx, node: Node, what: str, allowed: Iterable[str]) -> None:
        if not isinstance(node, MappingNode):
            raise ctx.fail(node, f"{what} must be a mapping")
        self.ctx, self.node, self.what = ctx, node, what
        self.items: dict[str, Node] = {}
        allowed_set = set(allowed)
        for key_node, value_node in node.value:
            key = str(ctx.value(key_node))
            if key not in allowed_set:
                raise ctx.fail(
                    key_node,
                    f"unknown field '{key}' in {what} (allowed: {', '.join(sorted(allowed_set))})",
                )
            if key in self.items:
                raise ctx.fail(key_node, f"duplicate field '{key}' in {what}")
            self.items[key] = value_node

    def has(self, key: str) -> bool:
        return key in self.items

    def required(self, key: str) -> Node:
        if key not in self.items:
            raise self.ctx.fail(self.node, f"{self.what} is missing required field '{key}'")
        return self.items[key]

    def get(self, key: str, parse: Callable[[_Ctx, Node], T], default: T) -> T:
        return parse(self.ctx, self.items[key]) if key in self.items else default

    def req(self, key: str, parse: Callable[[_Ctx, Node], T]) -> T:
        return parse(self.ctx, self.required(key))


# -- scalar parsers ---------------------------------------------------------------------------


def _str(ctx: _Ctx, node: Node) -> str:
    value = ctx.value(node)
    if not isinstance(node, ScalarNode) or not isinstance(value, str) or not value.strip():
        raise ctx.fail(node, "expected a non-empty text value")
    return value.strip()


def _num(ctx: _Ctx, node: Node) -> float:
    value = ctx.value(node)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ctx.fail(node, "expected a non-negative number")
    return float(value)


def _int(ctx: _Ctx, node: Node) -> int:
    value = ctx.value(node)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ctx.fail(node, "expected a positive whole number")
    return value


def _bool(ctx: _Ctx, node: Node) -> bool:
    value = ctx.value(node)
    if not isinstance(value, bool):
        raise ctx.fail(node, "expected true or false")
    return value


def _date(ctx: _Ctx, node: Node) -> date:
    value = ctx.value(node)
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise ctx.fail(node, f"expected a date YYYY-MM-DD, got '{value}'") from None
    if not isinstance(value, date):
        raise ctx.fail(node, "expected a date YYYY-MM-DD")
    return value


def _str_list(ctx: _Ctx, node: Node) -> list[str]:
    if isinstance(node, ScalarNode):
        return [_str(ctx, node)]
    if not isinstance(node, SequenceNode):
        raise ctx.fail(node, "expected a list")
    return [_str(ctx, item) for item in node.value]


def _vocab_set(mapping: Any, what: str) -> Callable[[_Ctx, Node], frozenset[str]]:
    def parse(ctx: _Ctx, node: Node) -> frozenset[str]:
        if not isinstance(node, SequenceNode | ScalarNode):
            raise ctx.fail(node, "expected a list")
        items = node.value if isinstance(node, SequenceNode) else [node]
        out = []
        for item in items:
            code = _str(ctx, item)
            if code not in mapping:
                raise ctx.fail(item, f"unknown {what} '{code}' (see core/data/vocabulary.yaml)")
            out.append(code)
        return frozenset(out)

    return parse


_credit_types = _vocab_set(CREDIT_TYPES, "credit type")
_topics = _vocab_set(TOPICS, "topic")
_professions = _vocab_set(PROFESSIONS, "profession")


def _free_set(ctx: _Ctx, node: Node) -> frozenset[str]:
    return frozenset(_str_list(ctx, node))


def _choice(options: tuple[str, ...]) -> Callable[[_Ctx, Node], str]:
    def parse(ctx: _Ctx, node: Node) -> str:
        value = _str(ctx, node)
        if value not in options:
            raise ctx.fail(node, f"'{value}' is not one of {', '.join(options)}")
        return value

    return parse


# -- structure parsers ------------------------------------------------------------------------


def _cycle(ctx: _Ctx, node: Node) -> Cycle:
    m = _Map(ctx, node, "cycle", ("length_months", "anchor", "fixed_end"))
    anchor = cast(Anchor, m.req("anchor", _choice(get_args(Anchor))))
    fixed_end = m.get("fixed_end", _date, None)
    if anchor == "fixed" and fixed_end is None:
        raise ctx.fail(node, "cycle with anchor 'fixed' needs fixed_end (one known cycle end)")
    length = m.get("length_months", _int, 0)
    if anchor != "none" and length == 0:
        raise ctx.fail(node, "cycle is missing required field 'length_months'")
    return Cycle(length_months=length, anchor=anchor, fixed_end=fixed_end)


def _applies_to(ctx: _Ctx, node: Node) -> AppliesTo:
    m = _Map(ctx, node, "applies_to", ("professions", "licence_state", "board"))
    return AppliesTo(
        professions=m.req("professions", _professions),
        licence_state=m.get("licence_state", _str, None),
        board=m.get("board", _str, None),
    )


def _conditions(ctx: _Ctx, node: Node) -> Conditions:
    m = _Map(
        ctx,
        node,
        "conditions",
        (
            "dea_registered",
            "direct_patient_care",
            "patients_65_plus_share_over",
            "specialties_any",
            "specialties_none",
            "endorsements_any",
            "renewal_number_min",
            "renewal_number_max",
            "licensed_on_or_after",
            "board_specialties_none",
        ),
    )
    return Conditions(
        dea_registered=m.get("dea_registered", _bool, None),
        direct_patient_care=m.get("direct_patient_care", _bool, None),
        patients_65_plus_share_over=m.get("patients_65_plus_share_over", _num, None),
        specialties_any=m.get("specialties_any", _free_set, frozenset()),
        specialties_none=m.get("specialties_none", _free_set, frozenset()),
        endorsements_any=m.get("endorsements_any", _free_set, frozenset()),
        renewal_number_min=m.get("renewal_number_min", _int, None),
        renewal_number_max=m.get("renewal_number_max", _int, None),
        licensed_on_or_after=m.get("licensed_on_or_after", _date, None),
        board_specialties_none=m.get("board_specialties_none", _free_set, frozenset()),
    )


def _deadline(ctx: _Ctx, node: Node) -> Deadline:
    m = _Map(
        ctx,
        node,
        "deadline",
        (
            "by_renewal",
            "within_years_of_licensure",
            "at_licensure",
            "dea_renewal_on_or_after",
            "dea_renewal_months",
        ),
    )
    if not m.items:
        raise ctx.fail(node, "deadline needs at least one of its fields")
    return Deadline(
        by_renewal=m.get("by_renewal", _int, None),
        within_years_of_licensure=m.get("within_years_of_licensure", _int, None),
        at_licensure=m.get("at_licensure", _bool, False),
        dea_renewal_on_or_after=m.get("dea_renewal_on_or_after", _date, None),
        dea_renewal_months=m.get("dea_renewal_months", _int, 36),
    )


def _weighting(ctx: _Ctx, node: Node) -> tuple[Weighting, ...]:
    if not isinstance(node, SequenceNode):
        raise ctx.fail(node, "weighting must be a list")
    out = []
    for item in node.value:
        m = _Map(ctx, item, "weighting", ("label", "kinds", "credit_types", "factor", "cap_hours"))
        if not m.has("kinds") and not m.has("credit_types"):
            raise ctx.fail(item, "weighting needs kinds or credit_types to match completions")
        out.append(
            Weighting(
                label=m.get("label", _str, ""),
                kinds=m.get("kinds", _free_set, frozenset()),
                credit_types=m.get("credit_types", _credit_types, frozenset()),
                factor=m.req("factor", _num),
                cap_hours=m.get("cap_hours", _num, None),
            )
        )
    return tuple(out)


_REQUIREMENT_FIELDS = (
    "id",
    "label",
    "hours",
    "frequency",
    "credit_types",
    "topics",
    "exclude_topics",
    "every_n_cycles",
    "first_due_renewal",
    "rolling_years",
    "deadline",
    "conditions",
    "carry_forward_max",
    "weighted",
    "proportion",
    "note",
)


def _requirement(ctx: _Ctx, node: Node) -> tuple[Requirement, Node]:
    m = _Map(ctx, node, "requirement", _REQUIREMENT_FIELDS)
    frequency = cast(Frequency, m.get("frequency", _choice(get_args(Frequency)), "per_cycle"))
    proportion_of, share = None, 0.0
    if m.has("proportion"):
        p = _Map(ctx, m.items["proportion"], "proportion", ("of", "share"))
        proportion_of, share = p.req("of", _str), p.req("share", _num)
        if m.has("hours"):
            raise ctx.fail(node, "a requirement has either hours or proportion, not both")
    hours = m.req("hours", _num) if proportion_of is None else 0.0
    req = Requirement(
        id=m.req("id", _str),
        label=m.req("label", _str),
        hours=hours,
        frequency=frequency,
        credit_types=m.get("credit_types", _credit_types, None),
        topics=m.get("topics", _topics, frozenset()),
        exclude_topics=m.get("exclude_topics", _topics, frozenset()),
        every_n_cycles=m.get("every_n_cycles", _int, 1),
        first_due_renewal=m.get("first_due_renewal", _int, 1),
        rolling_years=m.get("rolling_years", _int, 0),
        deadline=m.get("deadline", _deadline, None),
        conditions=m.get("conditions", _conditions, Conditions()),
        carry_forward_max=m.get("carry_forward_max", _num, 0.0),
        weighted=m.get("weighted", _bool, True),
        proportion_of=proportion_of,
        proportion_share=share,
        note=m.get("note", _str, ""),
    )
    if frequency == "every_n_cycles" and not m.has("every_n_cycles"):
        raise ctx.fail(node, "frequency every_n_cycles needs every_n_cycles: N")
    if frequency == "rolling_years" and not m.has("rolling_years"):
        raise ctx.fail(node, "frequency rolling_years needs rolling_years: N")
    if frequency != "one_time" and req.deadline is not None:
        raise ctx.fail(
            node, "deadline is only for frequency one_time (cycles end at the cycle end)"
        )
    return req, node


_REGIME_FIELDS = (
    "id",
    "name",
    "jurisdiction",
    "kind",
    "applies_to",
    "cycle",
    "requirements",
    "source_url",
    "sources",
    "as_of",
    "notes",
    "weighting",
    "cure_period_days",
    "exempt_first_renewal",
    "source_quality",
)


def parse_rule_text(text: str, path: str) -> Regime:
    """Parse one rule file's text; ``path`` is only used in messages."""
    ctx = _Ctx(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        raise RuleFileError(path, line, f"invalid YAML: {exc.problem}") from None
    if root is None:
        raise RuleFileError(path, 1, "empty rule file")
    m = _Map(ctx, root, "rule file", _REGIME_FIELDS)
    sources: list[str] = []
    if m.has("source_url"):
        sources.append(m.req("source_url", _str))
    if m.has("sources"):
        sources.extend(m.req("sources", _str_list))
    if not sources:
        raise ctx.fail(root, "rule file needs source_url (or sources): where the rule comes from")
    if not m.has("as_of"):
        raise ctx.fail(root, "rule file needs as_of: the date the source was checked")
    kind = cast(Kind, m.req("kind", _choice(get_args(Kind))))
    applies_to = m.req("applies_to", _applies_to)
    if kind == "licence" and applies_to.licence_state is None:
        raise ctx.fail(m.items["applies_to"], "a licence rule needs applies_to.licence_state")
    if kind in ("board", "certification") and applies_to.board is None:
        raise ctx.fail(m.items["applies_to"], f"a {kind} rule needs applies_to.board")

    req_node = m.required("requirements")
    if not isinstance(req_node, SequenceNode) or not req_node.value:
        raise ctx.fail(req_node, "requirements must be a non-empty list")
    parsed = [_requirement(ctx, item) for item in req_node.value]
    by_id: dict[str, Requirement] = {}
    for req, node in parsed:
        if req.id in by_id:
            raise ctx.fail(node, f"duplicate requirement id '{req.id}'")
        by_id[req.id] = req
    requirements = []
    for req, node in parsed:
        if req.proportion_of is not None:
            base = by_id.get(req.proportion_of)
            if base is None or base.proportion_of is not None:
                raise ctx.fail(
                    node, f"proportion.of '{req.proportion_of}' must name an hours requirement"
                )
            req = replace(req, hours=round(base.hours * req.proportion_share, 4))
        requirements.append(req)

    return Regime(
        id=m.req("id", _str),
        name=m.req("name", _str),
        jurisdiction=m.req("jurisdiction", _str),
        kind=kind,
        applies_to=applies_to,
        cycle=m.req("cycle", _cycle),
        requirements=tuple(requirements),
        sources=tuple(sources),
        as_of=m.req("as_of", _date),
        weighting=m.get("weighting", _weighting, ()),
        cure_period_days=m.get("cure_period_days", lambda c, n: int(_num(c, n)), 0),
        exempt_first_renewal=m.get("exempt_first_renewal", _bool, False),
        notes=m.get("notes", _str, ""),
        path=path,
        source_quality=cast(
            SourceQuality,
            m.get("source_quality", _choice(get_args(SourceQuality)), "primary"),
        ),
    )


def load_rule_file(path: Path) -> Regime:
    return parse_rule_text(path.read_text(encoding="utf-8"), path.name)


def load_rules(directory: Path | None = None) -> tuple[Regime, ...]:
    """Load every ``*.yaml`` rule in ``directory`` (default: the shipped rules), sorted by id."""
    folder = directory or RULES_DIR
    regimes = [load_rule_file(p) for p in sorted(folder.glob("*.yaml"))]
    seen: dict[str, str] = {}
    for regime in regimes:
        if regime.id in seen:
            raise RuleFileError(
                regime.path, 1, f"regime id '{regime.id}' also used in {seen[regime.id]}"
            )
        seen[regime.id] = regime.path
    return tuple(sorted(regimes, key=lambda r: r.id))


@functools.cache
def default_rules() -> tuple[Regime, ...]:
    """The shipped rules, loaded once per process."""
    return load_rules()
