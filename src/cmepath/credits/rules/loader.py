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
from cmepath.credits.rules.boards import board_directory
from cmepath.credits.rules.spec import (
    NO_CONDITIONS,
    Anchor,
    AppliesTo,
    Conditions,
    Cycle,
    Deadline,
    FirstRenewal,
    Frequency,
    Kind,
    Regime,
    Requirement,
    Rounding,
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
        try:
            return self._constructor.construct_object(node, deep=True)
        except ValueError as exc:  # e.g. 2025-13-01: read as a date by YAML, then refused
            raise self.fail(node, f"invalid value '{getattr(node, 'value', '')}': {exc}") from None


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
            "licensed_before",
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
        licensed_before=m.get("licensed_before", _date, None),
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
            "by_date",
            "renewal_on_or_after",
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
        by_date=m.get("by_date", _date, None),
        renewal_on_or_after=m.get("renewal_on_or_after", _date, None),
    )


def _boards(ctx: _Ctx, node: Node) -> frozenset[str]:
    """Certifying-board codes on file in boards.yaml (satisfied_by_certification)."""
    if not isinstance(node, SequenceNode) or not node.value:
        raise ctx.fail(node, "satisfied_by_certification must be a non-empty list of boards")
    known = board_directory().boards
    out = []
    for item in node.value:
        code = _str(ctx, item)
        if code not in known:
            raise ctx.fail(
                item,
                f"satisfied_by_certification: unknown board '{code}' "
                f"(accepted: {', '.join(sorted(known))}; see credits/data/boards.yaml)",
            )
        out.append(code)
    return frozenset(out)


_FIRST_RENEWAL_FIELDS = (
    "no_hours_if_licensed_within_months",
    "hours_by_months_licensed",
    "prorate",
    "rounding",
    "requirements",
)


def _first_renewal(ctx: _Ctx, node: Node) -> tuple[FirstRenewal, list[str] | None, Node]:
    m = _Map(ctx, node, "first_renewal", _FIRST_RENEWAL_FIELDS)
    if not (
        m.has("no_hours_if_licensed_within_months")
        or m.has("hours_by_months_licensed")
        or m.has("prorate")
    ):
        raise ctx.fail(
            node,
            "first_renewal needs no_hours_if_licensed_within_months, hours_by_months_licensed "
            "or prorate",
        )
    steps: list[tuple[int, float]] = []
    if m.has("hours_by_months_licensed"):
        steps_node = m.items["hours_by_months_licensed"]
        if not isinstance(steps_node, SequenceNode) or not steps_node.value:
            raise ctx.fail(
                steps_node, "first_renewal.hours_by_months_licensed must be a non-empty list"
            )
        for item in steps_node.value:
            step = _Map(
                ctx, item, "first_renewal.hours_by_months_licensed", ("months_at_least", "hours")
            )
            months = step.req("months_at_least", _whole)
            if steps and months >= steps[-1][0]:
                raise ctx.fail(
                    item,
                    "first_renewal.hours_by_months_licensed: months_at_least must decrease "
                    "from one step to the next",
                )
            steps.append((months, step.req("hours", _num)))
    prorate = False
    if m.has("prorate"):
        prorate = m.req("prorate", _choice(("monthly",))) == "monthly"
    if m.has("rounding") and not prorate:
        raise ctx.fail(m.items["rounding"], "first_renewal.rounding is only for prorate: monthly")
    spec = FirstRenewal(
        no_hours_within_months=m.get("no_hours_if_licensed_within_months", _int, None),
        steps=tuple(steps),
        prorate=prorate,
        rounding=cast(Rounding, m.get("rounding", _choice(get_args(Rounding)), "none")),
    )
    targets = m.get("requirements", _str_list, None)
    return spec, targets, node


def _whole(ctx: _Ctx, node: Node) -> int:
    value = ctx.value(node)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ctx.fail(node, "expected a whole number (0 or more)")
    return value


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
    "rolling_months",
    "satisfied_by_certification",
    "live_hours_min",
    "in_addition_to",
    "any_of",
    "completed_on_or_after",
)
#: An any_of alternative: hours and a window of its own (no topics' deadlines, no nesting).
_ALTERNATIVE_FIELDS = (
    "id",
    "label",
    "hours",
    "frequency",
    "credit_types",
    "topics",
    "exclude_topics",
    "rolling_years",
    "rolling_months",
    "live_hours_min",
    "note",
)
_ALTERNATIVE_FREQUENCIES = ("per_cycle", "rolling_years", "rolling_months")


def _alternatives(ctx: _Ctx, node: Node, parent: str) -> tuple[Requirement, ...]:
    if not isinstance(node, SequenceNode) or len(node.value) < 2:
        raise ctx.fail(node, "any_of must be a list of at least two alternatives")
    out: list[Requirement] = []
    for i, item in enumerate(node.value, start=1):
        m = _Map(ctx, item, "any_of alternative", _ALTERNATIVE_FIELDS)
        frequency = cast(
            Frequency, m.get("frequency", _choice(_ALTERNATIVE_FREQUENCIES), "per_cycle")
        )
        alt = Requirement(
            id=m.get("id", _str, f"{parent}.{i}"),
            label=m.req("label", _str),
            hours=m.req("hours", _num),
            frequency=frequency,
            credit_types=m.get("credit_types", _credit_types, None),
            topics=m.get("topics", _topics, frozenset()),
            exclude_topics=m.get("exclude_topics", _topics, frozenset()),
            rolling_years=m.get("rolling_years", _int, 0),
            rolling_months=m.get("rolling_months", _int, 0),
            live_hours_min=m.get("live_hours_min", _num, 0.0),
            note=m.get("note", _str, ""),
        )
        _check_window(ctx, item, m, alt)
        out.append(alt)
    return tuple(out)


def _check_window(ctx: _Ctx, node: Node, m: _Map, req: Requirement) -> None:
    if req.frequency == "rolling_years" and not m.has("rolling_years"):
        raise ctx.fail(node, "frequency rolling_years needs rolling_years: N")
    if req.frequency == "rolling_months" and not m.has("rolling_months"):
        raise ctx.fail(node, "frequency rolling_months needs rolling_months: N")
    if req.live_hours_min > req.hours + 1e-9:
        raise ctx.fail(
            m.items["live_hours_min"], "live_hours_min cannot exceed the requirement's hours"
        )


def _requirement(ctx: _Ctx, node: Node) -> tuple[Requirement, Node]:
    m = _Map(ctx, node, "requirement", _REQUIREMENT_FIELDS)
    frequency = cast(Frequency, m.get("frequency", _choice(get_args(Frequency)), "per_cycle"))
    req_id = m.req("id", _str)
    any_of: tuple[Requirement, ...] = ()
    if m.has("any_of"):
        any_of = _alternatives(ctx, m.items["any_of"], req_id)
        for key in (
            "hours",
            "proportion",
            "credit_types",
            "topics",
            "exclude_topics",
            "live_hours_min",
        ):
            if m.has(key):
                raise ctx.fail(
                    m.items[key],
                    f"a requirement with any_of takes its {key} from each alternative, not '{key}'",
                )
        if frequency != "per_cycle":
            raise ctx.fail(
                node, "a requirement with any_of has per-alternative windows: drop frequency"
            )
    proportion_of, share = None, 0.0
    if m.has("proportion"):
        p = _Map(ctx, m.items["proportion"], "proportion", ("of", "share"))
        proportion_of, share = p.req("of", _str), p.req("share", _num)
        if m.has("hours"):
            raise ctx.fail(node, "a requirement has either hours or proportion, not both")
    union_types: frozenset[str] | None = None
    union_topics: frozenset[str] = frozenset()
    if any_of:  # the parent reads as its alternatives' union (catalog, planner, labels)
        hours = min(alt.hours for alt in any_of)
        if all(alt.credit_types is not None for alt in any_of):
            union_types = frozenset(t for alt in any_of for t in alt.credit_types or ())
        if all(alt.topics for alt in any_of):
            union_topics = frozenset(t for alt in any_of for t in alt.topics)
    else:
        hours = m.req("hours", _num) if proportion_of is None else 0.0
    req = Requirement(
        id=req_id,
        label=m.req("label", _str),
        hours=hours,
        frequency=frequency,
        credit_types=union_types if any_of else m.get("credit_types", _credit_types, None),
        topics=union_topics if any_of else m.get("topics", _topics, frozenset()),
        exclude_topics=m.get("exclude_topics", _topics, frozenset()),
        every_n_cycles=m.get("every_n_cycles", _int, 1),
        first_due_renewal=m.get("first_due_renewal", _int, 1),
        rolling_years=m.get("rolling_years", _int, 0),
        deadline=m.get("deadline", _deadline, None),
        conditions=m.get("conditions", _conditions, NO_CONDITIONS),
        carry_forward_max=m.get("carry_forward_max", _num, 0.0),
        weighted=m.get("weighted", _bool, True),
        proportion_of=proportion_of,
        proportion_share=share,
        note=m.get("note", _str, ""),
        rolling_months=m.get("rolling_months", _int, 0),
        satisfied_by_certification=m.get("satisfied_by_certification", _boards, frozenset()),
        live_hours_min=m.get("live_hours_min", _num, 0.0),
        in_addition_to=tuple(m.get("in_addition_to", _str_list, [])),
        any_of=any_of,
        completed_on_or_after=m.get("completed_on_or_after", _date, None),
    )
    if frequency == "every_n_cycles" and not m.has("every_n_cycles"):
        raise ctx.fail(node, "frequency every_n_cycles needs every_n_cycles: N")
    if not any_of:
        _check_window(ctx, node, m, req)
    if frequency != "one_time" and req.deadline is not None:
        raise ctx.fail(
            node, "deadline is only for frequency one_time (cycles end at the cycle end)"
        )
    if frequency != "one_time" and req.completed_on_or_after is not None:
        raise ctx.fail(
            m.items["completed_on_or_after"],
            "completed_on_or_after is only for frequency one_time",
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
    "satisfied_by_certification",
    "first_renewal",
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
        for other in req.in_addition_to:
            target = by_id.get(other)
            if other == req.id or target is None or target.any_of:
                raise ctx.fail(
                    node,
                    f"in_addition_to '{other}' must name another hours requirement of this "
                    "rule file (not an any_of)",
                )
        requirements.append(req)

    # Regime-wide features, resolved onto the requirements they change.
    no_boards: frozenset[str] = frozenset()
    regime_certs = m.get("satisfied_by_certification", _boards, no_boards)
    if regime_certs:  # every requirement without topics (mandated topics stay due)
        requirements = [
            replace(r, satisfied_by_certification=regime_certs)
            if not r.topics and not r.satisfied_by_certification
            else r
            for r in requirements
        ]
    first_renewal: FirstRenewal | None = None
    if m.has("first_renewal"):
        first_renewal, targets, fr_node = _first_renewal(ctx, m.items["first_renewal"])
        if targets is None:
            targets = [r.id for r in requirements if not r.topics and not r.any_of]
        for wanted in targets:
            named = by_id.get(wanted)
            if named is None or named.any_of:
                raise ctx.fail(
                    fr_node,
                    f"first_renewal.requirements: '{wanted}' is not an hours requirement "
                    "of this rule file",
                )
        if first_renewal.steps and len(targets) != 1:
            raise ctx.fail(
                fr_node,
                "first_renewal.hours_by_months_licensed gives hours for one requirement: "
                f"name it in first_renewal.requirements (now: {', '.join(targets) or 'none'})",
            )
        chosen = set(targets)
        requirements = [
            replace(r, first_renewal=first_renewal) if r.id in chosen else r for r in requirements
        ]

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
        satisfied_by_certification=regime_certs,
        first_renewal=first_renewal,
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
