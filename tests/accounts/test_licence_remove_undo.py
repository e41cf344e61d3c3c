"""Removing a licence: confirm first (a page, no JavaScript needed), then "Licence
removed. Undo" for a short time; after it the removal stands."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cmepath.accounts.models import Licence
from cmepath.core.models import UndoEntry
from tests.factories import LicenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence(clinician):
    return LicenceFactory(user=clinician, state="TX", licence_type="NP", number="NP-1234")


def test_get_asks_to_confirm_and_removes_nothing(client_for, clinician, licence):
    response = client_for(clinician).get(reverse("accounts:licence_delete", args=[licence.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Remove this licence?" in html and "NP-1234" in html
    assert f'action="{reverse("accounts:licence_delete", args=[licence.pk])}"' in html
    assert "Cancel" in html
    assert Licence.objects.filter(pk=licence.pk).exists()


def test_the_list_links_to_the_confirmation_and_confirms_with_htmx(client_for, clinician, licence):
    html = client_for(clinician).get(reverse("accounts:licences")).content.decode()
    url = reverse("accounts:licence_delete", args=[licence.pk])
    assert f'href="{url}"' in html and f'hx-post="{url}"' in html and "hx-confirm=" in html


def test_remove_then_undo(client_for, clinician, licence):
    client = client_for(clinician)
    pk = licence.pk
    response = client.post(reverse("accounts:licence_delete", args=[licence.pk]))
    assert response.status_code == 302
    assert not Licence.objects.filter(pk=licence.pk).exists()

    page = client.get(reverse("accounts:licences")).content.decode()
    assert "Licence TX" in page and "removed." in page
    entry = UndoEntry.objects.get(user=clinician)
    undo_url = reverse("accounts:licence_undo", args=[entry.token])
    assert f'action="{undo_url}"' in page and ">Undo</button>" in page

    response = client.post(undo_url, follow=True)
    assert response.status_code == 200
    assert Licence.objects.filter(pk=pk, number="NP-1234").exists()
    assert "Licence restored." in response.content.decode()
    assert ">Undo</button>" not in response.content.decode()  # the offer is gone


def test_undo_after_the_time_is_refused_and_the_removal_stands(client_for, clinician, licence):
    client = client_for(clinician)
    client.post(reverse("accounts:licence_delete", args=[licence.pk]))
    entry = UndoEntry.objects.get(user=clinician)
    UndoEntry.objects.filter(pk=entry.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(reverse("accounts:licence_undo", args=[entry.token]), follow=True)
    assert "have passed; the deletion stands" in response.content.decode()
    assert not Licence.objects.filter(pk=licence.pk).exists()


def test_someone_else_cannot_undo(client_for, clinician, clinician_b, licence):
    client_for(clinician).post(reverse("accounts:licence_delete", args=[licence.pk]))
    entry = UndoEntry.objects.get(user=clinician)
    response = client_for(clinician_b).post(reverse("accounts:licence_undo", args=[entry.token]))
    assert response.status_code == 404
    assert not Licence.objects.filter(pk=licence.pk).exists()


def test_someone_else_cannot_see_the_confirmation(client_for, clinician_b, licence):
    response = client_for(clinician_b).get(reverse("accounts:licence_delete", args=[licence.pk]))
    assert response.status_code == 404


def test_licence_type_shows_its_label(client_for, clinician, licence):
    html = client_for(clinician).get(reverse("accounts:licences")).content.decode()
    assert '<td data-label="Type">NP</td>' not in html
