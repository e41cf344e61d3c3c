"""Reminders: 90, 30 and 7 days before a deadline with unmet requirements; never twice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from cmepath.credits import selectors, services
from cmepath.credits.models import ReminderSent
from tests.factories import LicenceFactory

DEADLINE = date(2027, 6, 30)


@pytest.fixture
def due_clinician(clinician):
    # A Texas licence expiring on DEADLINE, with no CME logged: everything is unmet.
    LicenceFactory(
        user=clinician,
        state="TX",
        licence_type="MD",
        issue_date=date(2010, 1, 1),
        expiry_date=DEADLINE,
    )
    return clinician


def _send(on, capture):
    with capture(execute=True):
        return services.reminder_send_due(on=on)


@pytest.mark.parametrize(
    ("days_before", "bucket"), [(90, 90), (30, 30), (7, 7), (45, 90), (20, 30), (1, 7)]
)
def test_reminder_sent_at_each_threshold(
    due_clinician, django_capture_on_commit_callbacks, days_before, bucket
):
    sent = _send(DEADLINE - timedelta(days=days_before), django_capture_on_commit_callbacks)
    assert sent == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [due_clinician.email]
    assert "Texas" in message.body and DEADLINE.isoformat() in message.body
    assert set(ReminderSent.objects.values_list("days_before", flat=True)) == {bucket}


def test_no_reminder_outside_the_windows(due_clinician, django_capture_on_commit_callbacks):
    assert _send(DEADLINE - timedelta(days=120), django_capture_on_commit_callbacks) == 0
    assert _send(DEADLINE + timedelta(days=1), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_running_twice_sends_nothing_twice(due_clinician, django_capture_on_commit_callbacks):
    on = DEADLINE - timedelta(days=30)
    assert _send(on, django_capture_on_commit_callbacks) == 1
    assert _send(on, django_capture_on_commit_callbacks) == 0
    assert (
        _send(on + timedelta(days=1), django_capture_on_commit_callbacks) == 0
    )  # same 30-day window
    assert len(mail.outbox) == 1
    # The 7-day reminder is a new one
    assert _send(DEADLINE - timedelta(days=7), django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 2


def test_met_requirements_get_no_reminder(due_clinician, django_capture_on_commit_callbacks):
    from tests.credits.factories import CompletionFactory

    on = DEADLINE - timedelta(days=30)
    CompletionFactory(
        user=due_clinician,
        title="Everything",
        completed_on=on - timedelta(days=5),
        topics=[
            "ethics",
            "pain_management",
            "opioid_prescribing",
            "human_trafficking",
            "controlled_substances",
            "end_of_life_care",
        ],
        credits={"ama_pra_1": 200},
    )
    _send(on, django_capture_on_commit_callbacks)
    reminded = set(ReminderSent.objects.values_list("requirement_id", flat=True))
    evaluation, _ = selectors.evaluation_compute(user=due_clinician, as_of=on)
    met = {r.id for regime in evaluation.regimes for r in regime.requirements if r.status == "met"}
    assert met and not (met & reminded)


def test_send_reminders_command(due_clinician, django_capture_on_commit_callbacks):
    from io import StringIO

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "credits",
            "send-reminders",
            "--today",
            (DEADLINE - timedelta(days=7)).isoformat(),
            stdout=out,
        )
    assert "sent 1 reminder email" in out.getvalue()
    assert len(mail.outbox) == 1
