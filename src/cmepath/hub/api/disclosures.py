"""A clinician's disclosures of financial relationships and their signed statements."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Status
from pydantic import BaseModel, Field

from cmepath.core.api import actor
from cmepath.core.schemas import IsoDate
from cmepath.core.schemas import StrictSchema as Strict
from cmepath.hub import disclosures, selectors, services
from cmepath.hub.api._common import router
from cmepath.hub.api.articles import DisclosureViewOut, _view
from cmepath.hub.models import Disclosure, DisclosureStatement


class DisclosureIn(Strict):
    company: str = Field(..., min_length=1, max_length=200)
    nature: str = Field(..., max_length=16, description="employee, researcher, consultant, ...")
    start_date: IsoDate
    end_date: IsoDate | None = None
    ineligible: bool = True
    paid_to: Literal["author", "institution"] = "author"


class DisclosureOut(BaseModel):
    id: int
    company: str
    ineligible: bool
    nature: str
    paid_to: str
    start_date: date
    end_date: date | None


class StatementIn(Strict):
    none_to_disclose: bool
    mitigation: str = Field("", max_length=4000)


class StatementOut(BaseModel):
    id: int
    declared_on: date
    none_to_disclose: bool
    mitigation: str


class MyDisclosuresOut(BaseModel):
    relationships: list[DisclosureOut]
    statement: StatementOut | None
    statement_current: bool
    accme: DisclosureViewOut
    icmje: DisclosureViewOut


def _disclosure(d: Disclosure) -> dict[str, Any]:
    return {
        "id": d.pk,
        "company": d.company,
        "ineligible": d.ineligible,
        "nature": d.nature,
        "paid_to": d.paid_to,
        "start_date": d.start_date,
        "end_date": d.end_date,
    }


def _statement(s: DisclosureStatement) -> dict[str, Any]:
    return {
        "id": s.pk,
        "declared_on": s.declared_on,
        "none_to_disclose": s.none_to_disclose,
        "mitigation": s.mitigation,
    }


@router.get(
    "/me/disclosures",
    response=MyDisclosuresOut,
    summary="My relationship rows, my latest statement, and the ACCME and ICMJE views readers get",
)
def hub_disclosure_list(request: HttpRequest) -> dict[str, Any]:
    user = actor(request)
    today = selectors.today()
    rows = list(selectors.disclosures_for(actor=user))
    latest = selectors.statements_for(actor=user).first()
    plain = selectors.relationships(rows)
    return {
        "relationships": [_disclosure(d) for d in rows],
        "statement": _statement(latest) if latest else None,
        "statement_current": disclosures.statement_current(
            disclosures.Statement(latest.declared_on, latest.none_to_disclose, latest.mitigation)
            if latest
            else None,
            today,
        ),
        "accme": _view(disclosures.accme_view(plain, as_of=today)),
        "icmje": _view(disclosures.icmje_view(plain, as_of=today)),
    }


@router.post(
    "/me/disclosures",
    response={201: DisclosureOut},
    summary="Record a financial relationship (ACCME Standard 3 terms: no minimum amount)",
)
def hub_disclosure_add(request: HttpRequest, payload: DisclosureIn) -> Status[dict[str, Any]]:
    user = actor(request)
    row = services.disclosure_add(actor=user, **payload.model_dump())
    return Status(201, _disclosure(row))


@router.post(
    "/me/disclosure-statements",
    response={201: StatementOut},
    summary="Declare that my rows are all my relationships of the last 24 months (or none)",
)
def hub_statement_declare(request: HttpRequest, payload: StatementIn) -> Status[dict[str, Any]]:
    user = actor(request)
    statement = services.statement_declare(
        actor=user, none_to_disclose=payload.none_to_disclose, mitigation=payload.mitigation
    )
    return Status(201, _statement(statement))
