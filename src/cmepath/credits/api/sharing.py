"""Transcript share links: list, create (the token shown once), revoke."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Schema, Status
from pydantic import Field

from cmepath.core.api import actor
from cmepath.core.schemas import StrictSchema as Strict
from cmepath.credits import policies, selectors, services
from cmepath.credits.api._common import router
from cmepath.credits.models import ShareLink


class ShareLinkOut(Schema):
    id: int
    label: str
    prefix: str
    regime_id: str
    expires_at: datetime
    revoked_at: datetime | None
    created_at: datetime
    last_viewed_at: datetime | None
    view_count: int


class ShareLinkIn(Strict):
    label: str = Field(..., min_length=1, max_length=120)
    regime_id: str = Field("", max_length=64)
    days: int = Field(30, ge=1, le=365)


class ShareLinkCreatedOut(ShareLinkOut):
    token: str
    url: str


@router.get("/me/share-links", response=list[ShareLinkOut], summary="My transcript share links")
def share_link_list(request: HttpRequest) -> Any:
    return selectors.share_links_for(actor=actor(request))


@router.post(
    "/me/share-links",
    response={201: ShareLinkCreatedOut},
    summary="Create a read-only transcript link (the token is shown once)",
)
def share_link_create(request: HttpRequest, payload: ShareLinkIn) -> Status[dict[str, Any]]:
    from django.urls import reverse

    link, raw = services.share_link_create(
        actor=actor(request), label=payload.label, regime_id=payload.regime_id, days=payload.days
    )
    out = {f: getattr(link, f) for f in ShareLinkOut.model_fields if f != "id"}
    return Status(
        201,
        {
            **out,
            "id": link.pk,
            "token": raw,
            "url": request.build_absolute_uri(reverse("credits:shared", args=[raw])),
        },
    )


@router.delete("/me/share-links/{link_id}", response={204: None}, summary="Revoke a share link")
def share_link_revoke(request: HttpRequest, link_id: int) -> Status[None]:
    user = actor(request)
    link: ShareLink = policies.share_links.get(user, "delete", pk=link_id)
    services.share_link_revoke(actor=user, link=link)
    return Status(204, None)
