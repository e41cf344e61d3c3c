"""Writes of evaluations: one clinician's stored snapshot, and the ``check-all`` batch.

Evaluating live without storing anything is a read: ``selectors.evaluation_compute``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from cmepath.core.progress import Progress, no_progress
from cmepath.core.services import audit_record
from cmepath.credits import batch
from cmepath.credits.models import EvaluationSnapshot
from cmepath.credits.selectors import evaluation_compute, today


@transaction.atomic
def evaluation_run(*, user: Any, as_of: date | None = None) -> EvaluationSnapshot:
    """Evaluate one clinician now and store the snapshot dashboards and teams read."""
    as_of = as_of or today()
    evaluation, _ = evaluation_compute(user=user, as_of=as_of)
    status, deadline, regimes, unmet = batch.summarise(evaluation)
    snapshot, _ = EvaluationSnapshot.objects.update_or_create(
        user=user,
        defaults={
            "as_of": as_of,
            "computed_at": timezone.now(),
            "status": status,
            "next_deadline": deadline,
            "regimes": regimes,
            "unmet": unmet,
            "result": batch.snapshot_json(evaluation),
        },
    )
    return snapshot


def evaluation_run_all(
    *,
    as_of: date | None = None,
    workers: int | None = None,
    progress: Progress = no_progress,
) -> dict[str, Any]:
    """Evaluate every active clinician on ``as_of`` (default today), store the snapshots and
    return the counts (``cmepath credits check-all``, the nightly task).

    Not one transaction: the batch commits one range of clinicians at a time, so a long
    run neither holds a write lock for minutes nor loses finished ranges; running it
    again upserts the same snapshots.
    """
    result = batch.check_all(as_of=as_of or today(), workers=workers, progress=progress)
    audit_record(actor=None, action="credits.check_all", detail=result)
    return result
