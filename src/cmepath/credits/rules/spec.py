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
Frequency = Literal["per_cycle", "every_n_cycles", "one_time", "rolling_years"]
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
    board_specialties_none: frozenset[str] = frozenset()  # exemption by board certification


@dataclass(frozen=True, slots=True)
class Deadline:
    """Deadline of a one-time requirement; the earliest of the given parts applies."""

    by_renewal: int | None = None
    within_years_of_licensure: int | None = None
    at_licensure: bool = False
    dea_renewal_on_or_after: date | None = None
    dea_renewal_months: int = 36


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
    conditions: Conditions = Conditions()
    carry_forward_max: float = 0.0
    weighted: bool = True
    proportion_of: str | None = None
    proportion_share: float = 0.0
    note: str = ""


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
    notes: str = ""
    path: str = ""
    source_quality: SourceQuality = "primary"

    @property
    def source_url(self) -> str:
        return self.sources[0]
