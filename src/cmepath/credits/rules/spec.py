"""Compiled rule definitions: what a rule file says, after the loader has checked it.

One :class:`Regime` per rule file (a state licence, a board, a certification, a federal
rule), holding its :class:`Requirement` list. Everything the engine needs per evaluation
(credit-type sets, topic sets, proportional hours) is resolved here once, at load time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Anchor = Literal["expiry", "birth_month", "fixed", "certification", "none"]
Kind = Literal["licence", "board", "certification", "federal"]
Frequency = Literal["per_cycle", "every_n_cycles", "one_time", "rolling_years", "rolling_months"]
#: How a prorated first-renewal figure is rounded ("none": kept to two decimals).
Rounding = Literal["none", "down", "up", "nearest"]
#: ``secondary``: no primary text (board page, statute, code) was found for the main figures;
#: they rest on secondary summaries (CE vendors, societies), as the file's notes say.
SourceQuality = Literal["primary", "secondary"]


@dataclass(frozen=True, slots=True)
class Cycle:
    length_months: int
    anchor: Anchor
    fixed_end: date | None = None  # anchor "fixed": one known cycle end; others step by length


@dataclass(frozen=True, slots=True)
class AppliesTo:
    professions: frozenset[str]
    licence_state: str | None = None  # kind licence
    board: str | None = None  # kind board / certification


@dataclass(frozen=True, slots=True)
class Conditions:
    """When a requirement applies; each unmet condition yields a not-applicable reason."""

    dea_registered: bool | None = None
    direct_patient_care: bool | None = None
    patients_65_plus_share_over: float | None = None
    specialties_any: frozenset[str] = frozenset()
    specialties_none: frozenset[str] = frozenset()
    endorsements_any: frozenset[str] = frozenset()
    renewal_number_min: int | None = None
    renewal_number_max: int | None = None
    licensed_on_or_after: date | None = None
    licensed_before: date | None = None  # issue date unknown: assumed established (applies)
    board_specialties_none: frozenset[str] = frozenset()  # exemption by board certification


#: The conditions of a requirement that has none (shared, so the engine can skip them by
#: identity: ``req.conditions is NO_CONDITIONS``).
NO_CONDITIONS = Conditions()


@dataclass(frozen=True, slots=True)
class Deadline:
    """Deadline of a one-time requirement; the earliest of the given parts applies."""

    by_renewal: int | None = None
    within_years_of_licensure: int | None = None
    at_licensure: bool = False
    dea_renewal_on_or_after: date | None = None
    dea_renewal_months: int = 36
    #: A fixed date; binds licences issued before it (and those whose issue date is unknown).
    by_date: date | None = None
    #: The licence's first renewal (cycle end) on or after this date.
    renewal_on_or_after: date | None = None


@dataclass(frozen=True, slots=True)
class FirstRenewal:
    """Reduced hours at the first renewal of a licence issued inside the current cycle.

    ``months`` licensed is the whole months from the licence's issue date to the cycle end.
    ``no_hours_within_months``: fewer months than that, no hours. ``steps``: (months at least,
    hours), largest first; the first step reached gives the hours. ``prorate``: hours x months
    / cycle months, rounded as ``rounding`` says. The checks apply in that order.
    """

    no_hours_within_months: int | None = None
    steps: tuple[tuple[int, float], ...] = ()
    prorate: bool = False
    rounding: Rounding = "none"


@dataclass(frozen=True, slots=True)
class Weighting:
    """Regime-specific weighting: matched hours count ``factor`` times (first ``cap`` hours)."""

    kinds: frozenset[str]
    credit_types: frozenset[str]
    factor: float
    cap_hours: float | None = None
    label: str = ""


@dataclass(frozen=True, slots=True)
class Requirement:
    id: str
    label: str
    hours: float  # hours needed (for a proportional rule: resolved from the base)
    frequency: Frequency = "per_cycle"
    credit_types: frozenset[str] | None = None  # None: every credit type counts
    topics: frozenset[str] = frozenset()  # any of these; empty: any topic
    exclude_topics: frozenset[str] = frozenset()
    every_n_cycles: int = 1
    first_due_renewal: int = 1
    rolling_years: int = 0
    deadline: Deadline | None = None
    conditions: Conditions = NO_CONDITIONS
    carry_forward_max: float = 0.0
    weighted: bool = True
    proportion_of: str | None = None
    proportion_share: float = 0.0
    note: str = ""
    rolling_months: int = 0
    #: Met by a current certification from one of these boards (a BoardCert whose cycle end
    #: is on or after the evaluation date).
    satisfied_by_certification: frozenset[str] = frozenset()
    #: At least this many of the counted hours from completions of kind ``live``.
    live_hours_min: float = 0.0
    #: Hours counted here do not also count toward these requirements (same regime).
    in_addition_to: tuple[str, ...] = ()
    #: Alternatives: met when any one is met (hours and windows of their own).
    any_of: tuple[Requirement, ...] = ()
    #: One-time requirements: only completions on or after this date count.
    completed_on_or_after: date | None = None
    #: Resolved from the regime's ``first_renewal`` (requirements it reduces).
    first_renewal: FirstRenewal | None = None


@dataclass(frozen=True, slots=True)
class Regime:
    id: str
    name: str
    jurisdiction: str
    kind: Kind
    applies_to: AppliesTo
    cycle: Cycle
    requirements: tuple[Requirement, ...]
    sources: tuple[str, ...]
    as_of: date
    weighting: tuple[Weighting, ...] = ()
    cure_period_days: int = 0
    exempt_first_renewal: bool = False
    satisfied_by_certification: frozenset[str] = frozenset()  # as declared (resolved per req)
    first_renewal: FirstRenewal | None = None  # as declared (resolved per requirement)
    notes: str = ""
    path: str = ""
    source_quality: SourceQuality = "primary"

    @property
    def has_in_addition_to(self) -> bool:
        return any(r.in_addition_to for r in self.requirements)

    @property
    def source_url(self) -> str:
        return self.sources[0]
