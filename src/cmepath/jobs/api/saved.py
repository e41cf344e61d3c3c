"""Saved job searches: list, save, delete."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Schema, Status
from pydantic import Field

from cmepath.core.api import actor
from cmepath.core.schemas import StrictSchema as Strict
from cmepath.jobs import selectors, services
from cmepath.jobs.api._common import _require_clinician, router
from cmepath.jobs.models import SavedSearch
from cmepath.jobs.policies import SavedSearchPolicy


class SavedSearchIn(Strict):
    name: str = Field(..., min_length=1, max_length=120)
    query: str = Field(
        "", max_length=2000, description="The search's query string, e.g. 'profession=NP&state=TX'."
    )
    frequency: Literal["daily", "weekly"] = "weekly"


class SavedSearchOut(Schema):
    id: int
    name: str
    query: str
    frequency: str
    alerts: bool
    last_sent_at: Any


@router.get("/me/saved-searches", response=list[SavedSearchOut], summary="My saved job searches")
def saved_list(request: HttpRequest) -> list[SavedSearch]:
    return list(selectors.saved_searches_for(actor=actor(request)))


@router.post(
    "/me/saved-searches",
    response={201: SavedSearchOut},
    summary="Save a job search with e-mail alerts of new vacancies",
)
def saved_create(request: HttpRequest, payload: SavedSearchIn) -> Status[SavedSearch]:
    user = actor(request)
    _require_clinician(user)
    saved = services.saved_search_create(
        actor=user, name=payload.name, query=payload.query, frequency=payload.frequency
    )
    return Status(201, saved)


@router.delete(
    "/me/saved-searches/{saved_id}", response={204: None}, summary="Delete a saved search"
)
def saved_delete(request: HttpRequest, saved_id: int) -> Status[None]:
    user = actor(request)
    saved = SavedSearchPolicy().get(user, "delete", pk=saved_id)
    services.saved_search_delete(actor=user, saved=saved)
    return Status(204, None)
