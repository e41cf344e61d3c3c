"""Inputs and outputs of the requirement-rules engine: plain frozen dataclasses.

A service turns database rows into these, calls :func:`evaluate`, and stores or renders the
:class:`Evaluation`. Nothing here knows about Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Status = Literal["met", "at_risk", "unmet", "not_applicable"]
STATUSES: tuple[Status, ...] = ("met", "at_risk", "unmet", "not_applicable")
#: A credential's status: its regimes' worst status, or ``not_covered`` when no rule applies.
CredentialStatus = Literal["met", "at_risk", "unmet", "not_applicable", "not_covered"]
CredentialKind = Literal["licence", "board_certification", "dea_registration"]


@dataclass(frozen=True, slots=True)
class Licence:
    """One state licence (or registration) the clinician holds."""

    state: str  # two-letter code, e.g. "CA"
    profession: str  # licence type: MD, DO, RN, NP, PA, PharmD
    number: str = ""
    issue_date: date | None = None
    expiry_date: date | None = None
    dea_registered: bool = False  # holds a DEA registration used under this licence
    direct_patient_care: bool = True
    endorsements: frozenset[str] = frozenset()  # e.g. "advanced_practice_pharmacist"


@dataclass(frozen=True, slots=True)
class BoardCert:
    """A board certification or national certification with its current CME cycle."""

    board: str  # ABIM, NCCPA, AANPCB, ...
    specialty: str = ""
    cycle_start: date | None = None
    cycle_end: date | None = None


@dataclass(frozen=True, slots=True)
class ClinicianProfile:
    profession: str
    date_of_first_licensure: date | None = None
    birth_date: date | None = None
    licences: tuple[Licence, ...] = ()
    board_certifications: tuple[BoardCert, ...] = ()
    dea_registration_date: date | None = None
    patients_65_plus_share: float | None = None
    specialties: frozenset[str] = frozenset()
    id: str = ""

    @property
    def dea_registered(self) -> bool:
        return self.dea_registration_date is not None or any(
            lic.dea_registered for lic in self.licences
        )


@dataclass(frozen=True, slots=True)
class Completion:
    """A finished activity with the credits it earned, by credit type."""

    id: str
    title: str
    completed_on: date
    credits: Mapping[str, float]
    topics: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()  # flags such as "pi_cme", "sa_cme"


@dataclass(frozen=True, slots=True)
class RequirementResult:
    id: str
    label: str
    status: Status
    hours_counted: float
    hours_needed: float
    deadline: date | None
    counted_completion_ids: tuple[str, ...]
    explanation: str
    reason_not_applicable: str = ""


@dataclass(frozen=True, slots=True)
class RegimeResult:
    regime_id: str
    name: str
    kind: str
    source_url: str
    as_of: date
    cycle_start: date | None
    cycle_end: date | None
    deadline: date | None
    requirements: tuple[RequirementResult, ...]
    cure_until: date | None = None  # last day of a cure period after the deadline, if any
    renewal_number: int | None = None
    sources: tuple[str, ...] = field(default=())

    @property
    def status(self) -> Status:
        """The worst requirement status (unmet > at_risk > met); not_applicable if all are."""
        found = {r.status for r in self.requirements}
        worst_first: tuple[Status, ...] = ("unmet", "at_risk", "met")
        for status in worst_first:
            if status in found:
                return status
        return "not_applicable"


@dataclass(frozen=True, slots=True)
class CredentialResult:
    """One licence, board certification or DEA registration of the profile, and its rules.

    Every credential gets one, so none is silently left out: ``regime_ids`` are the regimes
    that cover it and ``status`` their worst status; with no regime, ``status`` is
    ``not_covered`` and ``authority`` / ``authority_url`` say whom to check with (when known).
    """

    kind: CredentialKind
    code: str  # licence: state code; board certification: board code; DEA: "DEA"
    profession: str  # licence type; for the others the profile's profession
    label: str  # "Texas RN licence", "ABIM certification (internal medicine)"
    status: CredentialStatus
    regime_ids: tuple[str, ...]
    explanation: str
    authority: str = ""  # the licensing body or certifying board on file, if any
    authority_url: str = ""
    check_with: str = (
        ""  # not covered: the authority, or a description ("licensing board in Texas")
    )


@dataclass(frozen=True, slots=True)
class Evaluation:
    as_of: date
    regimes: tuple[RegimeResult, ...]
    profile_id: str = ""
    credentials: tuple[CredentialResult, ...] = ()

    @property
    def not_covered(self) -> tuple[CredentialResult, ...]:
        """The credentials no shipped rule covers (shown as "not covered yet")."""
        return tuple(c for c in self.credentials if c.status == "not_covered")
