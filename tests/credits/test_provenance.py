"""A provider-reported completion is the provider's statement: the learner cannot rewrite it.

Fields the provider reported (activity, title, provider, accreditor, date, credits, topics,
SA-CME/PI-CME) are read-only to the learner: a change is refused (422, ``forbidden_fields``)
naming the fields and saying to ask the provider; nothing is stored and the provenance stays.
Self-reported and imported completions stay editable.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from cmepath.core.errors import ValidationError
from cmepath.credits import services
from cmepath.credits.models import Completion


@pytest.fixture
def reported(provider_activity, clinician, today):
    """A completion the activity's provider reported for ``clinician``."""
    member, activity = provider_activity
    return services.completion_record(
        actor=member,
        user=clinician,
        data={"activity_id": activity.pk, "completed_on": today - timedelta(days=3)},
        credits={"ama_pra_1": 2},
    )


def _snapshot(completion: Completion) -> tuple:
    completion.refresh_from_db()
    return (
        completion.title,
        completion.provider,
        completion.accreditor,
        completion.completed_on,
        completion.topics,
        completion.sa_cme,
        completion.provenance,
        completion.credit_summary,
        sorted((c.credit_type, c.amount) for c in completion.credits.all()),
    )


@pytest.mark.parametrize(
    ("data", "credits", "fields"),
    [
        ({"title": "Something I did not do"}, None, ["title"]),
        ({"provider": "My own provider"}, None, ["provider"]),
        ({"accreditor": "ANCC"}, None, ["accreditor"]),
        ({}, {"ama_pra_1": 20}, ["credits"]),
        ({}, {"ama_pra_1": 2, "abim_moc": 2}, ["credits"]),
        ({"topics": ["opioid_prescribing"]}, None, ["topics"]),
        ({"sa_cme": True}, None, ["sa_cme"]),
        (
            {"title": "Renamed", "provider": "Other"},
            {"ama_pra_1": 1},
            ["credits", "provider", "title"],
        ),
    ],
)
def test_learner_cannot_change_what_the_provider_reported(
    reported, clinician, data, credits, fields
):
    # given a provider-reported completion in the learner's record
    before = _snapshot(reported)
    # when the learner changes a reported field
    with pytest.raises(ValidationError) as info:
        services.completion_update(actor=clinician, completion=reported, data=data, credits=credits)
    # then it is refused naming the read-only fields and how to correct them, and nothing changed
    assert info.value.code == "forbidden_fields"
    assert sorted(info.value.errors) == fields
    assert "ask" in info.value.message.lower() and "provider" in info.value.message.lower()
    assert _snapshot(reported) == before
    assert before[-3] == "provider_reported"


def test_resending_the_reported_values_is_not_a_change(reported, clinician):
    # given a client that sends the whole record back unchanged (as a PUT-style client does)
    before = _snapshot(reported)
    services.completion_update(
        actor=clinician,
        completion=reported,
        data={"title": reported.title, "completed_on": reported.completed_on},
        credits={"ama_pra_1": Decimal("2.00")},
    )
    # then nothing is refused and nothing changes
    assert _snapshot(reported) == before


def test_the_api_refuses_with_422_naming_the_fields(reported, clinician, token_for):
    api = Client(headers={"Authorization": f"Bearer {token_for(clinician)}"})
    url = f"/api/v1/me/completions/{reported.pk}"
    response = api.patch(
        url,
        json.dumps({"title": "Mine now", "credits": {"ama_pra_1": 50}}),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "forbidden_fields"
    assert sorted(body["errors"]) == ["credits", "title"]
    assert "provider" in body["message"]
    again = api.get(url).json()
    assert again["title"] == "Sepsis bundle"
    assert again["provenance"] == "provider_reported"
    assert again["credits"] == [{"credit_type": "ama_pra_1", "amount": "2.00"}]


def test_the_learner_may_still_delete_it(reported, clinician):
    services.completion_delete(actor=clinician, completion=reported)
    assert not Completion.objects.filter(pk=reported.pk).exists()


def test_the_history_page_says_how_to_correct_it(reported, clinician, client_for):
    page = client_for(clinician).get("/credits/completions/")
    assert page.status_code == 200
    assert b"ask the provider to correct it" in page.content


@pytest.mark.parametrize("provenance", ["self_reported", "imported"])
def test_own_completions_stay_editable(clinician, today, provenance):
    completion = services.completion_record(
        actor=clinician, data={"title": "Mine", "completed_on": today}, credits={"ama_pra_1": 1}
    )
    Completion.objects.filter(pk=completion.pk).update(provenance=provenance)
    completion.refresh_from_db()
    services.completion_update(
        actor=clinician, completion=completion, data={"title": "Renamed"}, credits={"ama_pra_1": 3}
    )
    completion.refresh_from_db()
    assert (completion.title, completion.credit_summary, completion.provenance) == (
        "Renamed",
        "ama_pra_1=3",
        provenance,
    )
