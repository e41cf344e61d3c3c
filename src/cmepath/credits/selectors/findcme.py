""" "Find CME for this": the catalog search that closes one open requirement (its topics,
credit types, the clinician's profession, the last day an activity may end, the ``gap``
it is measured against).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from cmepath.core.vocabulary import CREDIT_TYPES, TOPICS
from cmepath.credits import batch
from cmepath.credits.rules import (
    RegimeResult,
    Requirement,
    RequirementResult,
)

# -- what the clinician's requirements accept (gaps lead to CME) --------------------------------
#
# The dashboard and the home page link each open requirement to the catalog search that closes
# it; the catalog then says, per result, how much of that gap an activity would close and, for
# activities that count toward none of the clinician's rules, why not. One live evaluation (the
# dashboard's four queries) per page, whatever the number of results; the counting itself is
# the engine's rule (``rules.counting.hours_toward``) over plain data.

#: Requirement statuses that are still open (a "gap").
OPEN_STATUSES = frozenset({"unmet", "at_risk"})


@functools.cache
def _specs() -> dict[tuple[str, str], Requirement]:
    """(regime id, requirement id) -> the rule's requirement (the evaluation carries only the
    outcome; the topics and credit types it accepts are the rule's). Built once per process
    from the compiled default rules."""
    return {(r.id, q.id): q for r in batch.rule_index().rules for q in r.requirements}


def requirement_spec(regime_id: str, requirement_id: str) -> Requirement | None:
    return _specs().get((regime_id, requirement_id))


def find_cme_url(
    *,
    topics: Iterable[str] = (),
    credit_types: Iterable[str] | None = None,
    profession: str = "",
    ends_by: date | None = None,
    gap: str = "",
) -> str:
    """The catalog search for activities that close a requirement: any of its topics, any of
    the credit types it accepts (the search ORs values within a filter and ANDs across them),
    the clinician's profession, activities ending on or before ``ends_by`` and the ``gap``
    the results are measured against; delivery is left open. Codes the catalog does not know
    are left out rather than make the search come back empty."""
    params = [("topics", t) for t in sorted(set(topics)) if t in TOPICS]
    params += [("credit_type", c) for c in sorted(set(credit_types or ())) if c in CREDIT_TYPES]
    if profession and profession != "other":
        params.append(("profession", profession))
    if ends_by is not None:
        params.append(("ends_by", ends_by.isoformat()))
    if gap:
        params.append(("gap", gap))
    base = reverse("catalog:search")
    return f"{base}?{urlencode(params)}" if params else base


def gap_key(regime_id: str, requirement_id: str) -> str:
    """The ``gap`` parameter naming one requirement: ``<regime id>:<requirement id>``."""
    return f"{regime_id}:{requirement_id}"


def gap_ends_by(deadline: date | None, cure_until: date | None, as_of: date) -> date | None:
    """The last day an activity may end and still close the gap: the deadline, or once it
    has passed the end of a cure period still running; None when neither lies ahead."""
    if deadline is not None and deadline >= as_of:
        return deadline
    if cure_until is not None and cure_until >= as_of:
        return cure_until
    return None


def gap_find_url(
    regime: RegimeResult, req: RequirementResult, *, profession: str, as_of: date
) -> str:
    """ "Find CME for this": the catalog search that closes ``req`` of ``regime``."""
    spec = requirement_spec(regime.regime_id, req.id)
    return find_cme_url(
        topics=spec.topics if spec else (),
        credit_types=spec.credit_types if spec else None,
        profession=profession,
        ends_by=gap_ends_by(req.deadline or regime.deadline, regime.cure_until, as_of),
        gap=gap_key(regime.regime_id, req.id),
    )
