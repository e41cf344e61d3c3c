"""Live CE hours from the database: the FL, NY and NC pharmacist minimums of live hours count
completions marked live, on the dashboard (selectors) and in check-all (batch) alike.

A Florida pharmacist (licensed long ago, so the 30 h biennial rule applies; at least 10 h of
it live, FAC 64B16-26.103) with 30 h of home study is unmet on live hours; 10 h marked live
by any write path (the form, the API, a CSV import, a provider's report of a live activity)
meets it.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cmepath.accounts.models import Profile
from cmepath.credits import batch, selectors, services, transcripts
from cmepath.credits.inputs import KINDS, brief_inputs_for_user
from cmepath.credits.models import Completion, EvaluationSnapshot
from tests.credits.factories import CompletionFactory
from tests.factories import LicenceFactory, UserFactory

REGIME, REQUIREMENT = "fl-pharmd", "total"


@pytest.fixture
def pharmacist(db, today):
    """A Florida pharmacist with 30 h of home-study ACPE hours in the current biennium
    (Oct 2025 - Sep 2027): enough hours, none live."""
    user = UserFactory(role="clinician")
    Profile.objects.filter(user=user).update(profession="PharmD")
    LicenceFactory(
        user=user,
        state="FL",
        licence_type="PharmD",
        issue_date=date(2010, 1, 1),
        expiry_date=date(2027, 9, 30),
        dea_registered=False,
    )
    first = max(date(2025, 10, 1), today - timedelta(days=60))
    for i in range(5):
        CompletionFactory(user=user, completed_on=first + timedelta(days=i), credits={"acpe": 6})
    return user


def _dashboard_requirement(user, as_of):
    for regime in selectors.dashboard(actor=user, as_of=as_of)["regimes"]:
        if regime.regime_id == REGIME:
            for req in regime.requirements:
                if req.id == REQUIREMENT:
                    return req
    raise AssertionError(f"{REGIME}/{REQUIREMENT} is not on the dashboard")


def _batch_requirement(user, as_of):
    services.evaluation_run_all(as_of=as_of)
    snapshot = EvaluationSnapshot.objects.get(user=user)
    (regime,) = [r for r in snapshot.result["regimes"] if r["regime_id"] == REGIME]
    (req,) = [q for q in regime["requirements"] if q["id"] == REQUIREMENT]
    return snapshot, req


def _assert_paths_agree(user, as_of) -> str:
    """The dashboard's, the full live evaluation's and check-all's answers are the same;
    returns the requirement's status."""
    shown = _dashboard_requirement(user, as_of)
    snapshot, stored = _batch_requirement(user, as_of)
    full, _ = selectors.evaluation_compute(user=user, as_of=as_of)
    assert snapshot.result == batch.snapshot_json(full)
    assert (stored["status"], stored["hours_counted"]) == (shown.status, shown.hours_counted)
    return shown.status


def _live_completion(user, today, hours=10):
    return CompletionFactory(
        user=user, completed_on=today - timedelta(days=1), credits={"acpe": hours}, live=True
    )


def test_enough_hours_but_none_live_is_unmet_on_both_paths(pharmacist, today):
    shown = _dashboard_requirement(pharmacist, today)
    assert shown.hours_counted == 30 and shown.status != "met"
    assert "10 live h still needed" in shown.explanation
    assert _assert_paths_agree(pharmacist, today) == shown.status


def test_ten_live_hours_meet_it_on_both_paths(pharmacist, today):
    _live_completion(pharmacist, today)
    shown = _dashboard_requirement(pharmacist, today)
    assert shown.status == "met", shown.explanation
    assert _assert_paths_agree(pharmacist, today) == "met"


def test_nine_live_hours_do_not(pharmacist, today):
    _live_completion(pharmacist, today, hours=9)
    shown = _dashboard_requirement(pharmacist, today)
    assert shown.status != "met" and "1 live h still needed" in shown.explanation
    assert _assert_paths_agree(pharmacist, today) == shown.status


@pytest.mark.parametrize(
    ("sa", "pi", "live"), [(a, b, c) for a in (0, 1) for b in (0, 1) for c in (0, 1)]
)
def test_every_flag_combination_reaches_the_engine_the_same_way(pharmacist, today, sa, pi, live):
    c = CompletionFactory(
        user=pharmacist,
        completed_on=today,
        credits={"acpe": 1},
        sa_cme=bool(sa),
        pi_cme=bool(pi),
        live=bool(live),
    )
    expected = {k for k, on in (("sa_cme", sa), ("pi_cme", pi), ("live", live)) if on}
    assert KINDS[sa, pi, live] == expected == c.kinds
    (_, loaded), *_ = batch.load_range(pharmacist.pk, pharmacist.pk)
    assert {x.id: x.kinds for x in loaded}[str(c.pk)] == expected
    _, brief, _ = brief_inputs_for_user(pharmacist)
    assert {x.id: x.kinds for x in brief}[str(c.pk)] == expected


# -- each write path marks a completion live ------------------------------------------------


def test_form_post_with_the_live_box(pharmacist, client_for, today):
    client = client_for(pharmacist)
    page = client.get(reverse("credits:completion_new")).content.decode()
    assert "Live activity (in person or real-time webinar)" in page
    assert "Some boards require a minimum of live hours." in page
    response = client.post(
        reverse("credits:completion_new"),
        {
            "title": "Pharmacy grand rounds",
            "completed_on": (today - timedelta(days=1)).isoformat(),
            "credit_type": "acpe",
            "amount": "10",
            "live": "on",
        },
    )
    assert response.status_code == 302
    assert Completion.objects.get(title="Pharmacy grand rounds").live is True
    assert _assert_paths_agree(pharmacist, today) == "met"


def test_api_create_and_patch(pharmacist, token_for, today):
    api = Client(headers={"Authorization": f"Bearer {token_for(pharmacist)}"})
    body = {
        "title": "Live webinar",
        "completed_on": (today - timedelta(days=1)).isoformat(),
        "credits": {"acpe": 10},
    }
    created = api.post("/api/v1/me/completions", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["live"] is False
    assert _dashboard_requirement(pharmacist, today).status != "met"
    cid = created.json()["id"]
    patched = api.patch(
        f"/api/v1/me/completions/{cid}", json.dumps({"live": True}), content_type="application/json"
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["live"] is True
    assert api.get(f"/api/v1/me/completions/{cid}").json()["live"] is True
    assert _assert_paths_agree(pharmacist, today) == "met"
    refused = api.patch(
        f"/api/v1/me/completions/{cid}",
        json.dumps({"live": "maybe"}),
        content_type="application/json",
    )
    assert refused.status_code == 422 and "live" in refused.content.decode()


def test_csv_import_kind_live(pharmacist, client_for, today, token_for):
    api = Client(headers={"Authorization": f"Bearer {token_for(pharmacist)}"})
    day = (today - timedelta(days=1)).isoformat()
    text = f"title,completed_on,credits,kinds\nSeminar,{day},acpe=10,live;sa_cme\n"
    response = api.post(
        "/api/v1/me/completions/import",
        {"file": SimpleUploadedFile("c.csv", text.encode(), content_type="text/csv")},
    )
    assert response.status_code == 201, response.content
    imported = Completion.objects.get(title="Seminar")
    assert (imported.live, imported.sa_cme, imported.pi_cme) == (True, True, False)
    assert _assert_paths_agree(pharmacist, today) == "met"


def test_csv_import_refuses_an_unknown_kind_naming_the_accepted_ones(pharmacist, token_for, today):
    api = Client(headers={"Authorization": f"Bearer {token_for(pharmacist)}"})
    text = f"title,completed_on,credits,kinds\nSeminar,{today.isoformat()},acpe=10,in_person\n"
    response = api.post(
        "/api/v1/me/completions/import",
        {"file": SimpleUploadedFile("c.csv", text.encode(), content_type="text/csv")},
    )
    assert response.status_code == 422
    message = response.content.decode()
    assert "in_person" in message and "live, pi_cme, sa_cme" in message
    assert not Completion.objects.filter(title="Seminar").exists()


@pytest.fixture
def live_activity(provider_activity):
    """The provider's activity, held live and designated 10 ACPE hours."""
    from cmepath.catalog.models import CreditDesignation

    member, activity = provider_activity
    activity.delivery = "live"
    activity.save(update_fields=["delivery"])
    CreditDesignation.objects.create(activity=activity, credit_type="acpe", amount=10)
    return member, activity


@pytest.mark.parametrize(
    ("delivery", "live"), [("live", True), ("hybrid", True), ("online", False)]
)
def test_provider_api_report_takes_live_from_the_delivery(
    pharmacist, live_activity, token_for, today, delivery, live
):
    member, activity = live_activity
    activity.delivery = delivery
    activity.save(update_fields=["delivery"])
    api = Client(headers={"Authorization": f"Bearer {token_for(member)}"})
    body = {
        "learner_email": pharmacist.email,
        "completed_on": (today - timedelta(days=1)).isoformat(),
        "credits": {"acpe": 10},
    }
    response = api.post(
        f"/api/v1/activities/{activity.pk}/completions",
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    reported = Completion.objects.get(pk=response.json()["id"])
    assert (reported.provenance, reported.live) == ("provider_reported", live)
    status = _assert_paths_agree(pharmacist, today)
    assert (status == "met") is live


def test_provider_page_report_of_a_live_activity(pharmacist, live_activity, client_for, today):
    member, activity = live_activity
    response = client_for(member).post(
        f"/credits/provider/activities/{activity.pk}/completions/",
        {
            "learner_email": pharmacist.email,
            "completed_on": (today - timedelta(days=1)).isoformat(),
            "credit_type": "acpe",
            "amount": "10",
        },
    )
    assert response.status_code == 302
    assert Completion.objects.get(user=pharmacist, activity_id=activity.pk).live is True
    assert _assert_paths_agree(pharmacist, today) == "met"


@pytest.mark.parametrize(
    ("delivery", "live"), [("live", True), ("hybrid", True), ("online", False)]
)
def test_activity_prefill_sets_live_from_the_delivery(pharmacist, live_activity, delivery, live):
    _, activity = live_activity
    activity.delivery = delivery
    activity.save(update_fields=["delivery"])
    assert selectors.activity_prefill(actor=pharmacist, activity_id=activity.pk)["live"] is live


def test_transcript_marks_live_rows(pharmacist, today):
    _live_completion(pharmacist, today)
    text = selectors.transcript_csv(user=pharmacist, as_of=today)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(transcripts.CSV_HEADER)
    assert sorted(r["Live"] for r in rows) == ["No"] * 5 + ["Yes"]
    data = selectors.transcript_data(user=pharmacist, as_of=today)
    lines = transcripts.view(data).lines
    assert sorted(x.credits_live_text.endswith("(live)") for x in lines) == [False] * 5 + [True]
