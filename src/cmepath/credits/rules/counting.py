"""How many hours an activity (not yet taken) would count toward a requirement.

The same rule the engine applies to a completion (``engine._count``): the activity's
largest credit among the requirement's accepted credit types (every type when the rule
names none), provided it carries one of the requirement's topics (any topic when the rule
names none) and none of its excluded topics. Regime weighting is left out: this is what an
activity counts at face value. Pure: the catalog's "closes 2 of 12 h" labels, the gap
filters and the planner all call it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cmepath.credits.rules.spec import Requirement


def hours_toward(req: Requirement, credits: Mapping[str, float], topics: Iterable[str]) -> float:
    """Hours an activity with ``credits`` (credit type -> amount) and ``topics`` would count
    toward ``req``; 0.0 when it does not count."""
    tagged = frozenset(topics)
    if req.topics and req.topics.isdisjoint(tagged):
        return 0.0
    if req.exclude_topics and not req.exclude_topics.isdisjoint(tagged):
        return 0.0
    best = 0.0
    for credit_type, value in credits.items():
        if value > best and (req.credit_types is None or credit_type in req.credit_types):
            best = value
    return best


def accepted_types(req: Requirement) -> frozenset[str] | None:
    """The credit types ``req`` accepts (None: every type)."""
    return req.credit_types
