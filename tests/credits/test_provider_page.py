"""The provider's page for reporting learners' completions of its activities."""

from __future__ import annotations

import pytest
from django.test import Client

from cmepath.credits.models import Completion

PASSWORD = "correct horse battery staple"


@pytest.fixture
def setup(provider_activity):
    member, activity = provider_activity
    client = Client()
    client.force_login(member)
    return member, activity, client


def _url(activity):
    return f"/credits/provider/activities/{activity.pk}/completions/"


def test_provider_reports_a_completion_and_sees_it_listed(setup, clinician, today):
    member, activity, client = setup
    page = client.get(_url(activity))
    assert page.status_code == 200
    assert b"AMA PRA Category 1" in page.content and b"up to 2" in page.content
    response = client.post(
        _url(activity),
        {
            "learner_email": clinician.email.upper(),
            "completed_on": today.isoformat(),
            "credit_type": "ama_pra_1",
            "amount": "1.5",
        },
    )
    assert response.status_code == 302
    completion = Completion.objects.get()
    assert (completion.user, completion.reported_by, completion.provenance) == (
        clinician,
        member,
        "provider_reported",
    )
    listed = client.get(_url(activity))
    assert clinician.email.encode() in listed.content and b"1.5" in listed.content


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        # An unknown learner email is no longer refused with "no account" (that told a provider
        # who has an account: issue 12 item 14); tests/outcomes/test_invitations.py checks the
        # provider page answers the same either way.
        ({"amount": "3"}, 422, b"2"),  # above the designation
        (
            {"credit_type": "ancc"},
            422,
            b"Select a valid choice",
        ),  # not designated for this activity
        ({"completed_on": "2026-13-40"}, 422, b"Enter a valid date"),
        ({"completed_on": "2024-12-31"}, 422, b"before the activity starts"),
    ],
)
def test_bad_reports_are_refused_with_a_reason_and_nothing_saved(
    setup, clinician, today, change, status, message
):
    _, activity, client = setup
    body = {
        "learner_email": clinician.email,
        "completed_on": today.isoformat(),
        "credit_type": "ama_pra_1",
        "amount": "1",
        **change,
    }
    response = client.post(_url(activity), body)
    assert response.status_code == status
    assert message in response.content
    assert not Completion.objects.exists()


def test_only_the_providers_members_may_report(setup, clinician, admin_user, today):
    _, activity, _ = setup
    for user in (clinician, admin_user):
        other = Client()
        other.force_login(user)
        assert other.get(_url(activity)).status_code == 404
        body = {
            "learner_email": clinician.email,
            "completed_on": today.isoformat(),
            "credit_type": "ama_pra_1",
            "amount": "1",
        }
        assert other.post(_url(activity), body).status_code == 404
    assert not Completion.objects.exists()
