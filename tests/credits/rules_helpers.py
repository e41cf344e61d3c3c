"""Small builders shared by the credits engine tests (plain functions, no Django)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from cmepath.credits.rules import (
    BoardCert,
    ClinicianProfile,
    Completion,
    Evaluation,
    Licence,
    RegimeResult,
    RequirementResult,
)


def licence(state: str, profession: str = "MD", **kw: object) -> Licence:
    defaults: dict[str, object] = {"issue_date": date(2010, 1, 1), "expiry_date": date(2027, 1, 31)}
    defaults.update(kw)
    return Licence(state=state, profession=profession, **defaults)  # type: ignore[arg-type]


def profile(*licences: Licence, profession: str = "MD", **kw: object) -> ClinicianProfile:
    return ClinicianProfile(profession=profession, licences=tuple(licences), **kw)  # type: ignore[arg-type]


def done(
    cid: str,
    on: date,
    hours: float,
    *topics: str,
    credit: str = "ama_pra_1",
    kinds: Iterable[str] = (),
    extra: dict[str, float] | None = None,
) -> Completion:
    credits = {credit: hours, **(extra or {})}
    return Completion(
        id=cid,
        title=f"activity {cid}",
        completed_on=on,
        credits=credits,
        topics=frozenset(topics),
        kinds=frozenset(kinds),
    )


def regime(evaluation: Evaluation, regime_id: str) -> RegimeResult:
    for r in evaluation.regimes:
        if r.regime_id == regime_id:
            return r
    raise AssertionError(f"{regime_id} not in {[r.regime_id for r in evaluation.regimes]}")


def req(evaluation: Evaluation, regime_id: str, requirement_id: str) -> RequirementResult:
    for r in regime(evaluation, regime_id).requirements:
        if r.id == requirement_id:
            return r
    raise AssertionError(f"{requirement_id} not in {regime_id}")


__all__ = ["BoardCert", "done", "licence", "profile", "regime", "req"]
