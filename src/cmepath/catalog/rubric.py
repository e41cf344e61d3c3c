"""Value score of a CME activity: five factors, each 0 to 1 with a one-line reason,
combined into 0 to 100 by configurable weights. Pure: no Django, no I/O.

The factors are what the evidence says clinicians should select on. Sources are cited by
section of the project's ``reference/standards.md`` and restated in ``docs/catalog-score.md``:

``outcome_tracking`` (default weight 30)
    Effective outcome level ``L`` = the highest of: the Moore level at which outcomes are
    evaluated (1 participation, 2 satisfaction, 3 knowledge (3a/3b count as 3),
    4 competence, 5 performance, 6 patient health, 7 community health; Moore et al.,
    JCEHP 2009, standards 2.3); 4 if PARS says changes were evaluated (the PARS
    "evaluated" flag maps to levels 4-6, standards 2.1/2.3); 5 if the activity has a
    performance-improvement component (PI CME re-measures practice, standards 2.4).
    Value = ``LEVEL_VALUE[L]`` = 0, .05, .10, .25, .55, .75, .90, 1.0 for L = 0..7. Below
    level 4, an activity designed to change competence, performance or patient outcomes but
    not measuring it gains 0.05 per declared target (at most 0.15, so never more than a
    measured level 4).

``commercial_independence`` (default weight 25)
    ACCME Standards for Integrity and Independence and the PARS commercial-support record
    (source, monetary or in-kind, amount; standards 2.5, 2.1). No support: 1.0. With
    support: start at 0.7 if every item is in-kind, else 0.5; minus 0.05 for each source
    after the first (at most 0.2); minus ``0.2 * min(1, monetary total / 50,000 USD)``;
    floored at 0. Without a disclosure summary for learners the value is multiplied by 0.8
    (disclosure to learners is required, standards 2.5).

``interprofessional`` (default weight 15)
    Joint Accreditation IPCE credit, for activities "planned by and for the healthcare
    team" (standards 2.6): 1.0. Designed as interprofessional without IPCE credit: 0.5,
    plus 0.1 per audience profession beyond the first (at most 0.8). Not designed as
    interprofessional but open to several professions: 0.3. Otherwise 0.

``career_applicability`` (default weight 20)
    Against the goal's competency set (case-insensitive): ``min(1, matched / min(3, |goal|))``,
    so covering three goal competencies (or the whole goal, if smaller) is full marks;
    the plan solver, not one activity, has to cover a whole goal. No goal given (or an
    empty one): neutral 0.5.

``accreditation`` (default weight 10)
    1.0 when an accreditor is named and the accreditation is valid, else 0.

``total = 100 * sum(weight * value) / sum(weight)``, rounded to one decimal. Weights are a
:class:`Weights` value (validated: finite, non-negative, positive sum), so a deployment or
a user can reweight without touching the formulas.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Literal

SupportKind = Literal["monetary", "in_kind"]
ChangeTarget = Literal["competence", "performance", "patient_outcomes"]

CHANGE_TARGETS: frozenset[str] = frozenset({"competence", "performance", "patient_outcomes"})

#: Value of each effective outcome level 0..7 (0 = nothing measured).
LEVEL_VALUE: tuple[float, ...] = (0.0, 0.05, 0.10, 0.25, 0.55, 0.75, 0.90, 1.0)
LEVEL_NAMES: tuple[str, ...] = (
    "none",
    "participation",
    "satisfaction",
    "knowledge",
    "competence",
    "performance in practice",
    "patient health",
    "community health",
)
MONETARY_SCALE_USD = 50_000.0


@dataclass(frozen=True, slots=True)
class CommercialSupport:
    """One PARS commercial-support entry."""

    source: str
    kind: SupportKind
    amount: float

    def __post_init__(self) -> None:
        if self.kind not in ("monetary", "in_kind"):
            raise ValueError(
                f"commercial support kind must be monetary or in_kind, not {self.kind!r}"
            )
        if not math.isfinite(self.amount) or self.amount < 0:
            raise ValueError(
                f"commercial support amount must be a non-negative number, not {self.amount!r}"
            )


@dataclass(frozen=True, slots=True)
class ActivityFacts:
    """What the rubric needs to know about one activity (a service fills it from rows).

    ``moore_level`` is the highest Moore level at which outcomes are evaluated (1..7);
    use :func:`parse_moore_level` for "3a"/"3b". ``commercial_support`` empty means none.
    """

    accreditor: str | None = None
    accreditation_valid: bool = False
    commercial_support: tuple[CommercialSupport, ...] = ()
    designed_to_change: frozenset[str] = frozenset()
    outcomes_evaluated: bool = False
    moore_level: int | None = None
    interprofessional: bool = False
    ipce_credit: bool = False
    professions: frozenset[str] = frozenset()
    competencies: frozenset[str] = frozenset()
    pi_component: bool = False
    disclosure_summary: bool = True

    def __post_init__(self) -> None:
        if self.moore_level is not None and not 1 <= self.moore_level <= 7:
            raise ValueError(f"moore_level must be 1..7 or None, not {self.moore_level!r}")
        unknown = set(self.designed_to_change) - CHANGE_TARGETS
        if unknown:
            raise ValueError(f"designed_to_change has unknown targets: {sorted(unknown)}")


@dataclass(frozen=True, slots=True)
class Weights:
    """Relative weight of each factor; only the ratios matter."""

    outcome_tracking: float = 30.0
    commercial_independence: float = 25.0
    interprofessional: float = 15.0
    career_applicability: float = 20.0
    accreditation: float = 10.0

    def __post_init__(self) -> None:
        values = self.as_dict()
        for key, value in values.items():
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"weight {key} must be a finite number >= 0, not {value!r}")
        if sum(values.values()) <= 0:
            raise ValueError("at least one weight must be positive")

    def as_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True, slots=True)
class Factor:
    """One line of "why this score": ``points`` is this factor's share of the total."""

    key: str
    label: str
    value: float
    weight: float
    reason: str
    points: float = 0.0


@dataclass(frozen=True, slots=True)
class ScoreBreakdown:
    total: float
    factors: tuple[Factor, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, object]:
        """Plain data for the API."""
        return {
            "total": self.total,
            "factors": [
                {
                    "key": f.key,
                    "label": f.label,
                    "value": f.value,
                    "weight": f.weight,
                    "points": f.points,
                    "reason": f.reason,
                }
                for f in self.factors
            ],
        }


def parse_moore_level(value: int | str | None) -> int | None:
    """``"3a"``/``"3b"`` -> 3, ``"5"`` -> 5, blank -> None; out of range raises ValueError."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    if text in ("3a", "3b"):
        return 3
    level = int(text)
    if not 1 <= level <= 7:
        raise ValueError(f"Moore level must be 1..7, not {value!r}")
    return level


def score(
    facts: ActivityFacts,
    goal_competencies: frozenset[str] | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> ScoreBreakdown:
    """Score one activity, optionally against a career goal's competencies."""
    raw = (
        ("outcome_tracking", "Outcome tracking", *_outcome_tracking(facts)),
        ("commercial_independence", "Commercial independence", *_independence(facts)),
        ("interprofessional", "Interprofessional design", *_interprofessional(facts)),
        ("career_applicability", "Career applicability", *_career(facts, goal_competencies)),
        ("accreditation", "Valid accreditation", *_accreditation(facts)),
    )
    w = weights.as_dict()
    weight_sum = sum(w.values())
    factors = tuple(
        Factor(
            key=key,
            label=label,
            value=round(value, 4),
            weight=w[key],
            reason=reason,
            points=round(100.0 * w[key] * value / weight_sum, 1),
        )
        for key, label, value, reason in raw
    )
    total = 100.0 * sum(w[key] * value for key, _, value, _ in raw) / weight_sum
    return ScoreBreakdown(total=round(min(100.0, max(0.0, total)), 1), factors=factors)


# ------------------------------------------------------------------------ factors


def _outcome_tracking(facts: ActivityFacts) -> tuple[float, str]:
    level = facts.moore_level or 0
    why = f"outcomes evaluated at Moore level {level} ({LEVEL_NAMES[level]})" if level else ""
    if facts.outcomes_evaluated and level < 4:
        level, why = 4, "changes in competence, performance or patient outcomes evaluated (PARS)"
    if facts.pi_component and level < 5:
        level, why = 5, "performance-improvement component re-measures practice (Moore level 5)"
    value = LEVEL_VALUE[level]
    if level < 4 and facts.designed_to_change:
        targets = sorted(facts.designed_to_change)
        value += min(0.15, 0.05 * len(targets))
        designed = ", ".join(t.replace("_", " ") for t in targets)
        why = (why + "; " if why else "") + f"designed to change {designed} but not measured"
    if not why:
        why = "no outcome measurement reported"
    return min(1.0, value), _sentence(why)


def _independence(facts: ActivityFacts) -> tuple[float, str]:
    support = facts.commercial_support
    if not support:
        value, why = 1.0, "no commercial support"
    else:
        in_kind_only = all(s.kind == "in_kind" for s in support)
        sources = len({s.source.strip().lower() for s in support} or {""})
        monetary = sum(s.amount for s in support if s.kind == "monetary")
        value = 0.7 if in_kind_only else 0.5
        value -= min(0.2, 0.05 * (len(support) - 1))
        value -= 0.2 * min(1.0, monetary / MONETARY_SCALE_USD)
        value = max(0.0, value)
        kind = "in-kind only" if in_kind_only else f"${monetary:,.0f} monetary"
        why = f"commercial support from {sources} source{'s' if sources != 1 else ''} ({kind})"
    if not facts.disclosure_summary:
        value *= 0.8
        why += "; no disclosure summary for learners"
    return value, _sentence(why)


def _interprofessional(facts: ActivityFacts) -> tuple[float, str]:
    n = len(facts.professions)
    if facts.ipce_credit:
        return (
            1.0,
            "Awards IPCE credit: planned by and for the healthcare team (Joint Accreditation).",
        )
    if facts.interprofessional:
        value = min(0.8, 0.5 + 0.1 * max(0, n - 1))
        return (
            value,
            f"Designed as interprofessional for {n} profession{'s' if n != 1 else ''}, without IPCE credit.",
        )
    if n >= 2:
        return 0.3, f"Open to {n} professions but not designed as interprofessional."
    return 0.0, "Single-profession audience."


def _career(facts: ActivityFacts, goal: frozenset[str] | None) -> tuple[float, str]:
    wanted = _normalise(goal or ())
    if not wanted:
        return 0.5, "No goal given."
    offered = _normalise(facts.competencies)
    matched = sorted(wanted & offered)
    value = min(1.0, len(matched) / min(3, len(wanted)))
    if not matched:
        return 0.0, f"Covers none of the {len(wanted)} goal competencies."
    names = ", ".join(matched[:3]) + ("…" if len(matched) > 3 else "")
    return value, f"Covers {len(matched)} of {len(wanted)} goal competencies: {names}."


def _accreditation(facts: ActivityFacts) -> tuple[float, str]:
    accreditor = (facts.accreditor or "").strip()
    if not accreditor:
        return 0.0, "No accreditor named."
    if not facts.accreditation_valid:
        return 0.0, f"Accreditation by {accreditor} is not valid or not verified."
    return 1.0, f"Accredited by {accreditor}; accreditation valid."


def _normalise(items: Iterable[str]) -> set[str]:
    return {" ".join(s.split()).lower() for s in items if s and s.strip()}


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."
