"""Catalog test data. Activities go through the service so derived fields (score, credits) are real."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import factory

from cmepath.catalog.models import Activity, Provider

_ids = itertools.count(1)
#: The factory's activities run on two days some months ahead of today (relative, so the
#: catalog's "hide ended activities" default never hides them as the calendar moves on).
START = datetime.now(UTC).date() + timedelta(days=90)
END = START + timedelta(days=1)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Provider {n}")
    accreditor = "ACCME"
    accreditation_valid = True


def activity_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "provider_activity_id": f"T-{next(_ids):05d}",
        "title": "Opioid prescribing update",
        "description": "Safer opioid prescribing for primary care.",
        "format": "course",
        "delivery": "online",
        "start_date": START,
        "end_date": END,
        "cost": 100,
        "credits": "ama_pra_1:8; ancc:8",
        "professions": ["MD", "NP"],
        "topics": ["opioid_prescribing", "pain_management"],
        "competencies": ["clinical"],
        "disclosure_summary": "Nothing to disclose.",
    }
    data.update(overrides)
    return data


def make_activity(provider: Provider | None = None, **overrides: Any) -> Activity:
    from cmepath.catalog.services import activity_create

    provider = provider or ProviderFactory()
    return activity_create(actor=None, provider=provider, data=activity_data(**overrides))
