"""Completions: recording, validation (nothing stored on bad input), provenance, CSV import."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from cmepath.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from cmepath.credits import services
from cmepath.credits.choices import Provenance
from cmepath.credits.models import Completion, CompletionCredit
from tests.factories import UserFactory


def _data(today, **extra):
    return {
        "title": "Safe opioid prescribing",
        "provider": "Example CME",
        "accreditor": "ACCME",
        "completed_on": today - timedelta(days=3),
        "topics": ["opioid_prescribing"],
        **extra,
    }


def test_completion_record_stores_credits_topics_and_provenance(clinician, today):
    # Given a clinician; when they log an external activity with two credit types
    completion = services.completion_record(
        actor=clinician, data=_data(today), credits={"ama_pra_1": "2", "abim_moc": 2}
    )
    # Then the completion, its credits and its provenance are stored
    completion.refresh_from_db()
    assert completion.provenance == Provenance.SELF_REPORTED
    assert completion.topics == ["opioid_prescribing"]
    assert {c.credit_type: c.amount for c in completion.credits.all()} == {
        "ama_pra_1": Decimal("2.00"),
        "abim_moc": Decimal("2.00"),
    }


@pytest.mark.parametrize(
    ("credits", "data_extra", "code"),
    [
        ({"ama_pra_9": 2}, {}, "unknown_credit_type"),
        ({"ama_pra_1": 0}, {}, "validation_error"),
        ({"ama_pra_1": -1}, {}, "validation_error"),
        ({}, {}, "validation_error"),
        ({"ama_pra_1": 1}, {"topics": ["astrology"]}, "unknown_topic"),
        ({"ama_pra_1": 1}, {"completed_on": "FUTURE"}, "future_date"),
    ],
)
def test_bad_completions_store_nothing(clinician, today, credits, data_extra, code):
    if data_extra.get("completed_on") == "FUTURE":
        data_extra = {"completed_on": today + timedelta(days=1)}
    with pytest.raises(ValidationError) as info:
        services.completion_record(
            actor=clinician, data=_data(today, **data_extra), credits=credits
        )
    assert info.value.code == code
    assert info.value.message
    assert Completion.objects.count() == 0
    assert CompletionCredit.objects.count() == 0


def test_unknown_fields_are_refused(clinician, today):
    with pytest.raises(ValidationError) as info:
        services.completion_record(
            actor=clinician,
            data=_data(today, provenance="provider_reported"),
            credits={"ama_pra_1": 1},
        )
    assert info.value.code == "forbidden_fields"


def _activity(amount="2.0", credit_type="ama_pra_1", members=()):
    from cmepath.catalog.models import Activity, CreditDesignation, Provider

    provider = Provider.objects.create(
        name=f"Provider {Provider.objects.count()}", accreditor="accme"
    )
    provider.members.add(*members)
    activity = Activity.objects.create(
        provider=provider,
        provider_activity_id="A1",
        title="Catalog activity",
        format="course",
        delivery="online",
        start_date="2025-01-01",
        end_date="2025-12-31",
        topics=["pain_management"],
    )
    CreditDesignation.objects.create(
        activity=activity, credit_type=credit_type, amount=Decimal(amount)
    )
    return activity


def test_catalog_activity_fills_details_and_caps_credits(clinician, today):
    activity = _activity("2.0")
    completion = services.completion_record(
        actor=clinician,
        data={"activity_id": activity.pk, "completed_on": today - timedelta(days=1)},
        credits={"ama_pra_1": 2},
    )
    assert (completion.title, completion.provider, completion.topics) == (
        "Catalog activity",
        activity.provider.name,
        ["pain_management"],
    )
    # Credits above the activity's maximum: a clear message, nothing stored
    with pytest.raises(ValidationError) as info:
        services.completion_record(
            actor=clinician,
            data={"activity_id": activity.pk, "completed_on": today - timedelta(days=1)},
            credits={"ama_pra_1": "2.5"},
        )
    assert info.value.code == "credits_above_maximum"
    assert "2.5" in info.value.message and "2" in info.value.message
    with pytest.raises(ValidationError) as info:
        services.completion_record(
            actor=clinician,
            data={"activity_id": activity.pk, "completed_on": today - timedelta(days=1)},
            credits={"ancc": 1},
        )
    assert info.value.code == "credit_not_designated"
    assert Completion.objects.count() == 1


def test_provider_reports_a_completion_for_a_learner(clinician, today):
    provider_user = UserFactory(role="provider")
    activity = _activity(members=[provider_user])
    completion = services.completion_record(
        actor=provider_user,
        user=clinician,
        data={"activity_id": activity.pk, "completed_on": today - timedelta(days=2)},
        credits={"ama_pra_1": 1},
    )
    assert completion.user == clinician
    assert completion.provenance == Provenance.PROVIDER_REPORTED
    assert completion.reported_by == provider_user


def test_strangers_cannot_report_completions(clinician, clinician_b, today):
    activity = _activity()
    with pytest.raises(NotFoundError):
        services.completion_record(
            actor=clinician_b,
            user=clinician,
            data={"activity_id": activity.pk, "completed_on": today},
            credits={"ama_pra_1": 1},
        )
    assert Completion.objects.count() == 0


def test_update_and_delete_go_through_the_policy(clinician, clinician_b, today):
    completion = services.completion_record(
        actor=clinician, data=_data(today), credits={"ama_pra_1": 2}
    )
    services.completion_update(
        actor=clinician,
        completion=completion,
        data={"title": "Renamed"},
        credits={"ama_pra_1": 1.5},
    )
    completion.refresh_from_db()
    assert completion.title == "Renamed"
    assert [str(c.amount) for c in completion.credits.all()] == ["1.50"]
    with pytest.raises(PermissionDeniedError):
        services.completion_delete(actor=clinician_b, completion=completion)
    services.completion_delete(actor=clinician, completion=completion)
    assert not Completion.objects.exists()


def test_csv_import_creates_imported_completions(clinician):
    text = (
        "title,completed_on,credits,provider,topics,kinds\n"
        "Opioids 101,2025-03-01,ama_pra_1=2; abim_moc=2,Example,opioid_prescribing,\n"
        "QI project,2025-04-01,nccpa_pi=10,Example,,pi_cme\n"
    )
    report = services.completion_import_csv(actor=clinician, data=text)
    assert report.created == 2
    rows = list(Completion.objects.order_by("completed_on"))
    assert [r.provenance for r in rows] == [Provenance.IMPORTED, Provenance.IMPORTED]
    assert rows[1].pi_cme is True
    assert {c.credit_type for c in rows[0].credits.all()} == {"ama_pra_1", "abim_moc"}


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("title,completed_on\nX,2025-01-01\n", "missing column(s): credits"),
        (
            "title,completed_on,credits,colour\nX,2025-01-01,ama_pra_1=1,red\n",
            "unknown column(s): colour",
        ),
        (
            "title,completed_on,credits\nGood,2025-01-01,ama_pra_1=1\nBad,2025-13-01,ama_pra_1=1\n",
            "line 3",
        ),
        ("title,completed_on,credits\nBad,2025-01-01,made_up=1\n", "Unknown credit type"),
        ("title,completed_on,credits\nBad,2999-01-01,ama_pra_1=1\n", "future"),
    ],
)
def test_bad_csv_imports_nothing(clinician, text, needle):
    with pytest.raises(ValidationError) as info:
        services.completion_import_csv(actor=clinician, data=text)
    assert needle in info.value.message
    assert Completion.objects.count() == 0
