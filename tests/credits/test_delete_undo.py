"""Deleting a completion and revoking a share link confirm first and can be undone for a
short time; after the time the action stands; nobody else can undo it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cmepath.core.models import UndoEntry
from cmepath.credits.models import Completion, ShareLink
from cmepath.credits.services import share_link_create
from tests.credits.factories import CompletionFactory

pytestmark = pytest.mark.django_db


def test_delete_completion_confirms_then_undo_puts_it_back(client_for, clinician):
    done = CompletionFactory(user=clinician, title="Sepsis bundle update")
    credits_before = sorted(done.credits.values_list("credit_type", "amount"))
    c = client_for(clinician)
    page = c.get(f"/credits/completions/{done.pk}/delete/")
    assert page.status_code == 200 and "Delete this completion?" in page.content.decode()
    assert Completion.objects.filter(pk=done.pk).exists()  # a GET only asks
    c.post(f"/credits/completions/{done.pk}/delete/")
    assert not Completion.objects.filter(pk=done.pk).exists()
    history = c.get("/credits/completions/").content.decode()
    assert "“Sepsis bundle update” removed." in history and "Undo" in history
    entry = UndoEntry.objects.get(kind="completion.delete")
    c.post(f"/credits/completions/undo/{entry.token}/")
    back = Completion.objects.get(pk=done.pk)
    assert back.title == "Sepsis bundle update"
    assert sorted(back.credits.values_list("credit_type", "amount")) == credits_before


def test_undo_after_the_time_is_refused_and_others_cannot_undo(client_for, clinician, clinician_b):
    done = CompletionFactory(user=clinician)
    client_for(clinician).post(f"/credits/completions/{done.pk}/delete/")
    entry = UndoEntry.objects.get(kind="completion.delete")
    client_for(clinician_b).post(f"/credits/completions/undo/{entry.token}/")
    assert not Completion.objects.filter(pk=done.pk).exists()  # not hers to undo
    UndoEntry.objects.filter(pk=entry.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    r = client_for(clinician).post(f"/credits/completions/undo/{entry.token}/", follow=True)
    assert not Completion.objects.filter(pk=done.pk).exists()
    assert "stands" in r.content.decode()


def test_revoke_share_link_confirms_then_undo_reopens_it(client, client_for, clinician):
    link, raw = share_link_create(actor=clinician, label="Credentialing office")
    c = client_for(clinician)
    assert "Revoke this share link?" in c.get(f"/credits/share/{link.pk}/revoke/").content.decode()
    c.post(f"/credits/share/{link.pk}/revoke/")
    assert client.get(f"/credits/shared/{raw}/").status_code == 404  # stops opening at once
    entry = UndoEntry.objects.get(kind="sharelink.revoke")
    c.post(f"/credits/share/undo/{entry.token}/")
    assert ShareLink.objects.get(pk=link.pk).revoked_at is None
    assert client.get(f"/credits/shared/{raw}/").status_code == 200
