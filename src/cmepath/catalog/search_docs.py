"""The catalog's searchable documents: the ACTIVITY doc type and how rows become documents.

``SEARCH_DOCS`` is collected by the search app (``search/registry.py``): the reindex
command streams every published activity through :func:`activity_documents`, and the index
task asks :func:`activity_documents_for` about the activities a service just changed.
Importable without Django set up (the search benchmarks use ``ACTIVITY`` alone): the models
are imported where rows are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from cmepath.core.progress import Progress, no_progress
from cmepath.core.vocabulary import (
    COMPETENCIES,
    CREDIT_TYPES,
    MANDATED_TOPICS,
    PROFESSIONS,
    TOPICS,
)
from cmepath.search.registry import DocSource
from cmepath.search.schema import DocType, SortSpec

from .choices import Accreditor, ActivityFormat, Delivery

if TYPE_CHECKING:
    from .models import Activity

#: Cost buckets for the cost-range facet: (label, lowest cost included, highest excluded).
COST_RANGES: tuple[tuple[str, float, float], ...] = (
    ("free", 0.0, 0.005),
    ("1-99", 0.005, 100.0),
    ("100-249", 100.0, 250.0),
    ("250-499", 250.0, 500.0),
    ("500-999", 500.0, 1000.0),
    ("1000+", 1000.0, float("inf")),
)
#: Documents streamed between two progress reports of a rebuild.
PROGRESS_EVERY = 1000
#: ``end_date`` of a document without dates (an enduring material that never ends).
NEVER_ENDS = 99991231


def cost_range(cost: float) -> str:
    """Bucket label for a cost in US dollars (cents round into the cheaper bucket)."""
    for label, low, high in COST_RANGES:
        if low <= cost < high:
            return label
    return "free"  # negative costs do not occur; treat them as free rather than fail


def credits_per_dollar(credits: float, cost: float) -> float:
    """Credits per dollar, with cost floored at one dollar so free activities rank first
    by their credits instead of dividing by zero."""
    return round(credits / max(cost, 1.0), 6)


def _derive_activity(doc: dict[str, Any]) -> dict[str, Any]:
    # An activity ends on its end date, else its start date; one without dates never ends
    # (so "hide ended activities", ``end_date >= today``, keeps it).
    if doc.get("end_date") is None:
        doc["end_date"] = doc.get("start_date") or NEVER_ENDS
    cost = doc.get("cost")
    if cost is not None:
        doc.setdefault("cost_range", cost_range(float(cost)))
        credits = doc.get("credits")
        if credits is not None:
            doc.setdefault("credits_per_dollar", credits_per_dollar(float(credits), float(cost)))
    return doc


ACTIVITY = DocType(
    name="activity",
    text_fields=("title", "description", "topics"),
    facet_fields=(
        "topics",
        "profession",
        "specialty",
        "credit_type",
        "format",
        "delivery",
        "state",
        "cost_range",
        "mandated_topic",
        "accreditor",
        "moc",
        "interprofessional",
        "no_commercial_support",
    ),
    numeric_fields={
        "moore_level": "int",
        "value_score": "float",
        "cost": "float",
        "start_date": "int",  # yyyymmdd
        "end_date": "int",  # yyyymmdd; the start date if none, NEVER_ENDS without dates
        "credits": "float",
        "credits_per_dollar": "float",
    },
    stored_fields=("id", "title", "value_score", "cost", "start_date", "credits"),
    single_valued=frozenset(
        {
            "format",
            "delivery",
            "cost_range",
            "accreditor",
            "moc",
            "interprofessional",
            "no_commercial_support",
        }
    ),
    boosts={"title": 3.0, "topics": 2.0, "description": 1.0},
    sorts={
        "score": SortSpec("value_score", descending=True),
        "cost": SortSpec("cost", descending=False),
        "start_date": SortSpec("start_date", descending=False),
        "credits_per_dollar": SortSpec("credits_per_dollar", descending=True),
    },
    browse_sort="score",
    derive=_derive_activity,
    facet_labels={
        "profession": "Profession",
        "credit_type": "Credit type",
        "topics": "Topic",
        "mandated_topic": "Mandated topic",
        "format": "Format",
        "delivery": "Delivery",
        "state": "State",
        "cost_range": "Cost (USD)",
        "accreditor": "Accreditor",
        "moore_level": "Outcomes measured at Moore level",
        "interprofessional": "Interprofessional",
        "no_commercial_support": "No commercial support",
        "moc": "Counts for MOC",
    },
    value_labels={
        "profession": {k: t.label for k, t in PROFESSIONS.items()},
        "credit_type": {k: t.label for k, t in CREDIT_TYPES.items()},
        "topics": {k: t.label for k, t in TOPICS.items()},
        "mandated_topic": {k: t.label for k, t in TOPICS.items()},
        "format": dict(ActivityFormat.choices),
        "delivery": dict(Delivery.choices),
        "accreditor": {k: str(v).split(" (")[0] for k, v in Accreditor.choices},
        "interprofessional": {"yes": "Yes", "no": "No"},
        "no_commercial_support": {"yes": "Yes", "no": "No (supported)"},
        "moc": {"yes": "Yes", "no": "No"},
    },
    flag_facets=frozenset({"interprofessional", "no_commercial_support", "moc"}),
)


def _label_words(labels: Iterable[str]) -> frozenset[str]:
    return frozenset(w for label in labels for w in re.findall(r"[a-z]{3,}", label.casefold()))


#: Words a typo is corrected to ("opiod" -> "opioid"): those of the shared vocabulary's
#: topic, competency and credit-type labels and of the formats, as the index spells them.
SUGGEST_WORDS: frozenset[str] = _label_words(
    [
        *(t.label for t in TOPICS.values()),
        *(c.replace("_", " ") for c in TOPICS),
        *(t.label for t in COMPETENCIES.values()),
        *(t.label for t in CREDIT_TYPES.values()),
        *(str(label) for _, label in ActivityFormat.choices),
    ]
)


def activity_document(activity: Activity) -> dict[str, Any]:
    """The ACTIVITY document of a row; needs ``provider`` loaded."""
    return {
        "id": str(activity.pk),
        "title": activity.title,
        "description": activity.description,
        "topics": list(activity.topics),
        "profession": list(activity.professions),
        "specialty": list(activity.specialties),
        "credit_type": list(activity.credit_types),
        "format": activity.format,
        "delivery": activity.delivery,
        "state": activity.state or None,
        "mandated_topic": [t for t in activity.topics if t in MANDATED_TOPICS],
        "accreditor": activity.provider.accreditor or None,
        "moc": bool(activity.moc_boards),
        "interprofessional": activity.interprofessional,
        "no_commercial_support": not activity.has_commercial_support,
        "moore_level": activity.moore_level,
        "value_score": activity.value_score,
        "cost": float(activity.cost),
        "start_date": int(activity.start_date.strftime("%Y%m%d")),
        "end_date": int(activity.end_date.strftime("%Y%m%d")),
        "credits": activity.credits,
    }


def _searchable() -> Any:
    from .choices import ActivityStatus
    from .models import Activity

    return Activity.objects.filter(status=ActivityStatus.PUBLISHED).select_related("provider")


def activity_documents(progress: Progress = no_progress) -> Iterator[dict[str, Any]]:
    """Every published activity as a document, streamed in id order, reporting progress
    every thousand documents."""
    qs = _searchable().order_by("pk")
    total = qs.count()
    for n, activity in enumerate(qs.iterator(chunk_size=2000), start=1):
        yield activity_document(activity)
        if n % PROGRESS_EVERY == 0 or n == total:
            progress(ACTIVITY.name, n, total)


def activity_documents_for(ids: Sequence[str]) -> list[dict[str, Any]]:
    """The documents of those of these activities that are published."""
    pks = [int(i) for i in ids if str(i).isdigit()]
    return [activity_document(a) for a in _searchable().filter(pk__in=pks)]


SEARCH_DOCS = (
    DocSource(ACTIVITY, documents=activity_documents, documents_for=activity_documents_for),
)
