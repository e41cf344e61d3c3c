"""The badge beside its .json: a page for people (achievement, clinician, issue date, credits,
source, live verification) for the owner only, like the .json download."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from cmepath.credits import services
from cmepath.credits.models import BadgeStatus
from tests.credits.factories import CompletionFactory


@pytest.fixture
def completion(clinician, today):
    from cmepath.accounts.models import Profile

    Profile.objects.filter(user=clinician).update(first_name="Ana", last_name="Reyes")
    return CompletionFactory(
        user=clinician,
        title="Opioid prescribing essentials",
        completed_on=today - timedelta(days=3),
        credits={"ama_pra_1": 3},
    )


def test_owner_sees_the_badge_in_words_with_a_live_check(clinician, client_for, completion):
    response = client_for(clinician).get(reverse("credits:badge", args=[completion.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Opioid prescribing essentials" in body and "Ana Reyes" in body
    assert "3 AMA PRA Category 1 Credit" in body and "ama_pra_1" not in body
    assert "Valid" in body and "not revoked" in body
    assert "Self-reported" in body  # entered by the clinician: said so
    assert reverse("credits:completion_badge", args=[completion.pk]) in body
    assert reverse("api:badge_verify") in body  # how a third party checks it
    row = BadgeStatus.objects.get(completion=completion)
    assert row.credential_id in body


def test_the_page_reports_what_the_verifier_reports(clinician, completion):
    page = services.badge_page(actor=clinician, completion=completion)
    assert page.valid and page.signature_ok and not page.revoked and not page.expired
    document = services.badge_issue(actor=clinician, completion=completion)
    assert document["id"] == page.credential_id  # the same credential as the download
    assert services.badge_verify(document=document).valid


def test_provider_reported_badge_reads_as_reported_by_the_provider(
    clinician, client_for, provider_activity, today
):
    member, activity = provider_activity
    completion = services.completion_record(
        actor=member,
        user=clinician,
        data={"activity_id": activity.pk, "completed_on": today - timedelta(days=1)},
        credits={"ama_pra_1": 2},
    )
    body = client_for(clinician).get(reverse("credits:badge", args=[completion.pk])).content
    assert b"Reported by the provider" in body and b"Self-reported:" not in body


def test_the_json_downloads_as_an_attachment(clinician, client_for, completion):
    response = client_for(clinician).get(reverse("credits:completion_badge", args=[completion.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (f'attachment; filename="badge-{completion.pk}.json"')
    assert "OpenBadgeCredential" in json.loads(response.content)["type"]


def test_others_cannot_see_the_badge_page(clinician_b, client_for, client, completion):
    url = reverse("credits:badge", args=[completion.pk])
    assert client_for(clinician_b).get(url).status_code == 404
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert not BadgeStatus.objects.exists()  # nothing was issued for them
