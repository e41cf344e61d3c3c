"""The transcript's data (its rows, regimes and credentials, what each completion counted
toward) for the page, CSV and PDF (rendered by ``credits.transcripts``), and what a share
link shows: the shared transcript and its certificates, nothing else.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cmepath.core.errors import NotFoundError, ValidationError
from cmepath.credits import transcripts
from cmepath.credits.choices import ErrorCode
from cmepath.credits.models import (
    Certificate,
    ShareLink,
)
from cmepath.credits.rules import evaluation_to_json
from cmepath.credits.selectors.evaluation import evaluation_compute
from cmepath.credits.selectors.records import today


def _owner_name(user: Any) -> str:
    profile = getattr(user, "profile", None)
    name = profile.full_name if profile is not None else ""
    return name or user.email


def transcript_data(
    *, user: Any, regime_id: str = "", as_of: date | None = None
) -> transcripts.TranscriptData:
    """The completions of one regime's current cycle (or all completions) with the status."""
    as_of = as_of or today()
    evaluation, rows = evaluation_compute(user=user, as_of=as_of)
    evaluation_json = evaluation_to_json(evaluation)
    regimes = [
        r for r in evaluation_json["regimes"] if not regime_id or r["regime_id"] == regime_id
    ]
    # Every licence, certification and registration (for one regime: those it covers), so
    # one without a rule shows as "not covered yet" rather than not at all.
    credentials = [
        c for c in evaluation_json["credentials"] if not regime_id or regime_id in c["regime_ids"]
    ]
    if regime_id and not regimes:
        raise ValidationError(
            f"No regime {regime_id!r} applies to this record.",
            field="regime",
            code=ErrorCode.UNKNOWN_REGIME,
        )
    counted: dict[str, list[str]] = {}
    for regime in regimes:
        for req in regime["requirements"]:
            for cid in req["counted_completion_ids"]:
                counted.setdefault(cid, []).append(f"{regime['regime_id']}: {req['label']}")
    start = end = None
    if regime_id:
        start = date.fromisoformat(regimes[0]["cycle_start"]) if regimes[0]["cycle_start"] else None
        end = date.fromisoformat(regimes[0]["cycle_end"]) if regimes[0]["cycle_end"] else None
    certificates: dict[str, list[int]] = {}
    for cert_id, completion_id in Certificate.objects.filter(
        user=user, completion__isnull=False
    ).values_list("pk", "completion_id"):
        certificates.setdefault(str(completion_id), []).append(cert_id)
    lines = []
    for cid, c in sorted(rows.items(), key=lambda item: (item[1].completed_on, item[1].pk)):
        if c.completed_on > as_of:
            continue
        if (
            regime_id
            and (start and c.completed_on < start or end and c.completed_on > end)
            and cid not in counted
        ):
            continue
        lines.append(
            transcripts.TranscriptLine(
                completed_on=c.completed_on,
                title=c.title,
                provider=c.provider,
                accreditor=c.accreditor,
                credits={cc.credit_type: float(cc.amount) for cc in c.credits.all()},
                topics=list(c.topics or []),
                provenance=c.get_provenance_display(),
                counted_toward=counted.get(cid, []),
                certificate_ids=certificates.get(cid, []),
                live=c.live,
            )
        )
    scope = regimes[0]["name"] if regime_id else "All regimes"
    return transcripts.TranscriptData(
        owner=_owner_name(user),
        as_of=as_of,
        scope=scope,
        regimes=regimes,
        lines=lines,
        cycle_start=start,
        cycle_end=end,
        credentials=credentials,
    )


def shared_transcript(*, link: ShareLink) -> transcripts.TranscriptData:
    """What a share link shows: its owner's transcript in its scope (all regimes, or one
    regime's current cycle), as of today. The page, its PDF and its certificates all come
    from these rows, so nothing outside the scope is reachable through the link."""
    return transcript_data(user=link.user, regime_id=link.regime_id)


def shared_certificate(*, link: ShareLink, certificate_id: int) -> Certificate:
    """A certificate on one of the rows the link shows; any other id (another person's, one
    outside the link's regime or cycle, one not attached) is "not found"."""
    shown = {cid for line in shared_transcript(link=link).lines for cid in line.certificate_ids}
    cert = (
        Certificate.objects.filter(
            pk=certificate_id, user=link.user_id, completion__user=link.user_id
        ).first()
        if certificate_id in shown
        else None
    )
    if cert is None:
        raise NotFoundError("Not found.")
    return cert


def transcript_csv(*, user: Any, regime_id: str = "", as_of: date | None = None) -> str:
    return transcripts.to_csv(transcript_data(user=user, regime_id=regime_id, as_of=as_of))


def transcript_pdf(*, user: Any, regime_id: str = "", as_of: date | None = None) -> bytes:
    return transcripts.to_pdf(transcript_data(user=user, regime_id=regime_id, as_of=as_of))
