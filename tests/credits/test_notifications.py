"""Notifications: the clinician chooses deadline horizons and the weekly digest, reminders
respect the choice, the digest goes out once per ISO week, and the page and API show what was
sent (issue 13 item 9)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cmepath.core.errors import NotFoundError, ValidationError
from cmepath.credits import policies, services
from cmepath.credits.models import DigestSent, NotificationPreference, ReminderSent
from tests.factories import LicenceFactory

DEADLINE = date(2027, 6, 30)
URL = "/api/v1/me/notifications"


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


@pytest.fixture
def api(clinician, token_for):
    return Client(headers={"Authorization": f"Bearer {token_for(clinician)}"})


def _put(client, body):
    return client.put(URL, json.dumps(body), content_type="application/json")


def test_defaults_are_every_reminder_and_no_digest(clinician, api):
    body = api.get(URL).json()
    assert body["reminder_days"] == [90, 30, 7] and body["weekly_digest"] is False
    assert body["sent"] == []
    assert not NotificationPreference.objects.exists()  # reading writes nothing


def test_put_changes_the_preferences(clinician, api):
    response = _put(api, {"reminder_days": [7], "weekly_digest": True})
    assert response.status_code == 200
    assert response.json()["reminder_days"] == [7] and response.json()["weekly_digest"] is True
    pref = NotificationPreference.objects.get(user=clinician)
    assert (pref.remind_90_days, pref.remind_30_days, pref.remind_7_days) == (False, False, True)
    assert api.get(URL).json()["reminder_days"] == [7]


@pytest.mark.parametrize(
    ("body", "field", "needle"),
    [
        ({"reminder_days": [60], "weekly_digest": False}, "reminder_days", "90, 30, 7"),
        ({"reminder_days": ["30"], "weekly_digest": False}, "reminder_days", ""),
        ({"reminder_days": [30], "weekly_digest": "yes"}, "weekly_digest", ""),
        ({"reminder_days": [30]}, "weekly_digest", ""),
        ({"reminder_days": [30], "weekly_digest": True, "email": "x@y.z"}, "email", ""),
    ],
)
def test_bad_values_are_422_naming_the_field(clinician, api, body, field, needle):
    response = _put(api, body)
    assert response.status_code == 422
    payload = response.json()
    assert any(key.startswith(field) for key in payload["errors"]) or field in payload["message"]
    assert needle in payload["message"]
    assert not NotificationPreference.objects.exists()


def test_service_refuses_unknown_horizons(clinician):
    with pytest.raises(ValidationError, match="accepted: 90, 30, 7"):
        services.notification_preferences_update(
            actor=clinician, reminder_days=[14], weekly_digest=False
        )


def test_others_cannot_read_or_change_them(clinician, clinician_b, token_for):
    services.notification_preferences_update(actor=clinician, reminder_days=[], weekly_digest=True)
    pref = NotificationPreference.objects.get(user=clinician)
    with pytest.raises(NotFoundError):
        policies.notification_preferences.get(clinician_b, "view", pk=pref.pk)
    # clinician_b's API and page only ever show and change their own
    api_b = Client(headers={"Authorization": f"Bearer {token_for(clinician_b)}"})
    assert api_b.get(URL).json()["weekly_digest"] is False
    assert _put(api_b, {"reminder_days": [90], "weekly_digest": False}).status_code == 200
    pref.refresh_from_db()
    assert pref.weekly_digest is True and not pref.remind_90_days
    assert Client().get(URL).status_code == 401


def _remind(on, capture):
    with capture(execute=True):
        return services.reminder_send_due(on=on)


def test_a_turned_off_horizon_sends_nothing(due_clinician, django_capture_on_commit_callbacks):
    services.notification_preferences_update(
        actor=due_clinician, reminder_days=[90, 7], weekly_digest=False
    )
    # 20 days before: the 30-day reminder, which is off (no fall back to the 90-day one)
    assert _remind(DEADLINE - timedelta(days=20), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == [] and not ReminderSent.objects.exists()
    # the horizons left on still send
    assert _remind(DEADLINE - timedelta(days=45), django_capture_on_commit_callbacks) == 1
    assert set(ReminderSent.objects.values_list("days_before", flat=True)) == {90}


def test_no_reminders_at_all(due_clinician, django_capture_on_commit_callbacks):
    services.notification_preferences_update(
        actor=due_clinician, reminder_days=[], weekly_digest=False
    )
    for days in (80, 25, 5):
        assert _remind(DEADLINE - timedelta(days=days), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def _digest(on, capture):
    with capture(execute=True):
        return services.digest_send_weekly(on=on)


def test_digest_goes_out_once_per_week(due_clinician, django_capture_on_commit_callbacks):
    on = DEADLINE - timedelta(days=60)
    assert _digest(on, django_capture_on_commit_callbacks) == 0  # off by default
    services.notification_preferences_update(
        actor=due_clinician, reminder_days=[], weekly_digest=True
    )
    assert _digest(on, django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [due_clinician.email]
    assert "Texas" in message.body and DEADLINE.isoformat() in message.body
    assert "Due within 90 days" in message.body
    # again the same ISO week: nothing
    same_week = on + timedelta(days=(6 - on.weekday()))
    assert _digest(same_week, django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1
    # the next week: a new one
    assert _digest(same_week + timedelta(days=1), django_capture_on_commit_callbacks) == 1
    assert DigestSent.objects.filter(user=due_clinician).count() == 2


def test_digest_with_nothing_due_sends_nothing(due_clinician, django_capture_on_commit_callbacks):
    services.notification_preferences_update(
        actor=due_clinician, reminder_days=[], weekly_digest=True
    )
    assert _digest(DEADLINE - timedelta(days=200), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == [] and not DigestSent.objects.exists()


def test_digest_command(due_clinician, django_capture_on_commit_callbacks):
    services.notification_preferences_update(
        actor=due_clinician, reminder_days=[], weekly_digest=True
    )
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "credits", "digest", "--today", (DEADLINE - timedelta(days=10)).isoformat(), stdout=out
        )
    assert "sent 1 weekly digest" in out.getvalue() and len(mail.outbox) == 1


def test_page_saves_and_lists_what_was_sent(
    due_clinician, clinician_b, client_for, django_capture_on_commit_callbacks
):
    _remind(DEADLINE - timedelta(days=30), django_capture_on_commit_callbacks)
    client = client_for(due_clinician)
    url = reverse("credits:notifications")
    page = client.get(url).content.decode()
    assert "Deadline reminders" in page and "Weekly digest" in page
    assert "<legend" in page  # the horizons are one labelled group
    assert "Deadline reminder (30 days before)" in page
    assert "Texas" in page and "Jun 30, 2027" in page
    # saved through htmx: the form's partial comes back
    response = client.post(
        url, {"reminder_days": ["90"], "weekly_digest": "on"}, headers={"HX-Request": "true"}
    )
    assert (
        response.status_code == 200 and "Notification settings saved" in response.content.decode()
    )
    assert "<html" not in response.content.decode()
    pref = NotificationPreference.objects.get(user=due_clinician)
    assert pref.remind_90_days and not pref.remind_30_days and pref.weekly_digest
    # a bad value is a 422 with the field's message
    bad = client.post(url, {"reminder_days": ["60"]})
    assert bad.status_code == 422 and "60" in bad.content.decode()
    # someone else's page shows only their own (nothing sent)
    other = client_for(clinician_b).get(url).content.decode()
    assert "Deadline reminder (30 days" not in other and "Nothing sent yet" in other


def test_api_lists_what_was_sent(due_clinician, api, django_capture_on_commit_callbacks):
    _remind(DEADLINE - timedelta(days=7), django_capture_on_commit_callbacks)
    sent = api.get(URL).json()["sent"]
    assert sent and {s["days_before"] for s in sent} == {7}
    assert all(s["kind"] == "reminder" and s["regime_name"] for s in sent)
    assert all(s["requirement_label"] and s["deadline"] == DEADLINE.isoformat() for s in sent)


def test_unticking_everything_turns_everything_off(clinician, client_for):
    services.notification_preferences_update(
        actor=clinician, reminder_days=[90, 30, 7], weekly_digest=True
    )
    response = client_for(clinician).post(reverse("credits:notifications"), {})
    assert response.status_code == 200
    pref = NotificationPreference.objects.get(user=clinician)
    assert not (pref.remind_90_days or pref.remind_30_days or pref.remind_7_days)
    assert not pref.weekly_digest
