"""The compliance dashboard: every regime with progress, deadline and explanation, in at
most 10 queries with 200 completions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from cmepath.accounts.models import Profile
from tests.factories import BoardCertificationFactory, LicenceFactory


@pytest.fixture
def busy_clinician(clinician, make_completions, today):
    Profile.objects.filter(user=clinician).update(
        profession="MD", first_name="Ana", last_name="Lopez"
    )
    LicenceFactory(
        user=clinician,
        state="CA",
        licence_type="MD",
        expiry_date=today + timedelta(days=400),
        dea_registration_date=today - timedelta(days=800),
    )
    LicenceFactory(
        user=clinician, state="TX", licence_type="MD", expiry_date=today + timedelta(days=60)
    )
    BoardCertificationFactory(
        user=clinician,
        board="ABIM",
        cycle_start=today - timedelta(days=700),
        cycle_end=today + timedelta(days=1000),
    )
    make_completions(clinician, 150, credit_type="ama_pra_1", amount=1)
    make_completions(clinician, 50, credit_type="abim_moc", amount=2, topics=["opioid_prescribing"])
    return clinician


def test_dashboard_pins_queries_with_200_completions(
    busy_clinician, client_for, django_assert_max_num_queries
):
    client = client_for(busy_clinician)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("credits:dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Medical Board of California" in body or "California" in body
    assert "Texas" in body
    assert "ABIM" in body
    assert body.count("<progress") >= 5
    assert "style=" not in body and "<script>" not in body


def test_dashboard_shows_status_deadline_and_explanation(busy_clinician, client_for):
    body = client_for(busy_clinician).get(reverse("credits:dashboard")).content.decode()
    # Texas licence expires in 60 days: deadline shown, with its days left
    assert "in 60 days" in body
    assert re.search(r'data-status="(met|at_risk|unmet)"', body)
    assert "counted completion" in body
    assert "hours" in body.lower()


def test_dashboard_as_of_in_the_future_is_refused(clinician, client_for, today):
    response = client_for(clinician).get(
        reverse("credits:dashboard") + f"?as_of={today + timedelta(days=2)}"
    )
    assert response.status_code == 422


def test_dashboard_without_licences_says_what_to_do(clinician, client_for):
    body = client_for(clinician).get(reverse("credits:dashboard")).content.decode()
    # issue 17: "No requirement applies yet" is gone; the page says what is missing instead.
    assert "No requirement applies yet" not in body
    assert "Your profile lists no licence, board certification or DEA registration yet" in body


def test_history_lists_completions(busy_clinician, client_for, django_assert_max_num_queries):
    client = client_for(busy_clinician)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("credits:history"))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") >= 200
