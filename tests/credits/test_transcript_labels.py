"""What others read: the transcript PDF and CSV (and the share page) use labels, say who the
clinician is, mark self-reported completions, and carry a verification URL that opens the
same record without signing in (issue 13 item 5)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from cmepath.credits import services
from cmepath.credits.choices import MAX_ACTIVE_SHARE_LINKS
from cmepath.credits.models import ShareLink
from cmepath.credits.transcripts import CSV_HEADER
from tests.credits.factories import CompletionFactory
from tests.factories import LicenceFactory

URL = re.compile(r"https?://\S+?/credits/shared/[A-Za-z0-9_-]+/")
RAW_CODES = ("ama_pra_1", "not_applicable", "at_risk", "not_covered", "self_reported")


@pytest.fixture
def record(clinician, provider_activity, today):
    """A California MD with a name, an NPI, one self-reported and one provider-reported
    completion inside the cycle."""
    from cmepath.accounts.models import Profile

    Profile.objects.filter(user=clinician).update(
        first_name="Ana", last_name="Reyes", npi="1234567893"
    )
    clinician.refresh_from_db()
    LicenceFactory(
        user=clinician, state="CA", number="A998877", expiry_date=today + timedelta(days=300)
    )
    CompletionFactory(
        user=clinician,
        title="Pain management update",
        completed_on=today - timedelta(days=10),
        credits={"ama_pra_1": 12},
        topics=["pain_management"],
    )
    member, activity = provider_activity
    services.completion_record(
        actor=member,
        user=clinician,
        data={"activity_id": activity.pk, "completed_on": today - timedelta(days=20)},
        credits={"ama_pra_1": 2},
    )
    return clinician


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())  # table cells wrap: compare words, not lines


def _download(client: Client, name: str, **params: str) -> bytes:
    response = client.get(reverse(name), params)
    assert response.status_code == 200, response.content[:300]
    return response.content


def test_pdf_reads_in_labels_and_names_the_clinician(record, client_for):
    text = _pdf_text(_download(client_for(record), "credits:transcript_pdf"))
    # credit types, statuses and regimes in words
    assert "AMA PRA Category 1 Credit" in text
    assert "California" in text
    assert any(word in text for word in ("On track", "Due within 90 days", "Overdue", "Met"))
    for code in RAW_CODES:
        assert code not in text, code
    # totals by credit type: 12 self-reported + 2 provider-reported
    assert "Totals by credit type" in text and "14" in text
    # who it is of
    assert "Ana Reyes" in text and "1234567893" in text and "A998877" in text
    # where each completion came from
    assert "Self-reported" in text and "Verified: reported by the provider" in text
    assert "Verified by cmepath on" in text


def test_pdf_verification_url_opens_the_same_record(record, client_for):
    text = _pdf_text(_download(client_for(record), "credits:transcript_pdf"))
    found = URL.search(text)
    assert found, text
    # a verifier, not signed in, opens it and sees the same record
    page = Client().get(found.group(0))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Pain management update" in body and "Sepsis bundle" in body
    assert "Ana Reyes" in body and "A998877" in body
    # the owner sees the link on the share-links page and can revoke it
    link = ShareLink.objects.get(user=record, purpose=ShareLink.Purpose.TRANSCRIPT)
    assert "transcript download" in link.label
    listing = client_for(record).get(reverse("credits:share_links")).content.decode()
    assert link.label in listing
    services.share_link_revoke(actor=record, link=link)
    assert Client().get(found.group(0)).status_code == 404


def test_downloads_on_one_day_reuse_one_link_per_scope(record, client_for):
    client = client_for(record)
    first = URL.search(_pdf_text(_download(client, "credits:transcript_pdf")))
    second = URL.search(_pdf_text(_download(client, "credits:transcript_pdf")))
    assert first and second and first.group(0) == second.group(0)
    rows = list(csv.DictReader(io.StringIO(_download(client, "credits:transcript_csv").decode())))
    assert {r["Verification URL"] for r in rows} == {first.group(0)}
    _download(client, "credits:transcript_pdf", regime="ca-md")
    assert ShareLink.objects.filter(purpose=ShareLink.Purpose.TRANSCRIPT).count() == 2


def test_transcript_links_do_not_use_up_the_owners_links(record):
    for n in range(MAX_ACTIVE_SHARE_LINKS):
        services.share_link_create(actor=record, label=f"Board {n}")
    link, raw = services.share_link_for_transcript(actor=record)
    assert link.purpose == ShareLink.Purpose.TRANSCRIPT and services.share_link_resolve(raw=raw)


def test_csv_has_human_headers_labels_and_codes_apart(record, client_for):
    text = _download(client_for(record), "credits:transcript_csv").decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_HEADER
    by_title = {r["Activity"]: r for r in csv.DictReader(io.StringIO(text))}
    mine, reported = by_title["Pain management update"], by_title["Sepsis bundle"]
    assert mine["Credits"] == "12 AMA PRA Category 1 Credit"
    assert mine["Source"] == "Self-reported" and mine["Verified"] == "No"
    assert reported["Source"].startswith("Verified") and reported["Verified"] == "Yes"
    assert mine["Topics"] == "Pain management" or "pain" in mine["Topics"].lower()
    # codes only in the machine columns
    assert mine["Credit codes"] == "ama_pra_1=12" and mine["Source code"] == "self_reported"
    assert mine["Topic codes"] == "pain_management"
    people_columns = CSV_HEADER[: CSV_HEADER.index("Credit codes")]
    for row in by_title.values():
        for column in people_columns:
            assert not any(code in row[column] for code in RAW_CODES), (column, row[column])
    assert mine["Clinician"] == "Ana Reyes" and mine["NPI"] == "1234567893"
    assert "A998877" in mine["Licences"] and mine["Verification URL"].startswith("http")


def test_share_page_labels_self_reported_and_verified(record, client):
    _, raw = services.share_link_create(actor=record, label="Employer")
    body = client.get(reverse("credits:shared", args=[raw])).content.decode()
    assert "Self-reported" in body and "Verified" in body
    assert "Totals by credit type" in body
    assert "Ana Reyes" in body and "1234567893" in body and "A998877" in body
    for code in RAW_CODES:
        assert f">{code}<" not in body


def test_shared_pdf_names_its_own_link(record, client):
    _, raw = services.share_link_create(actor=record, label="Board")
    content = client.get(reverse("credits:shared_pdf", args=[raw])).content
    found = URL.search(_pdf_text(content))
    assert found and found.group(0).endswith(f"/credits/shared/{raw}/")
    # no new link was made for it
    assert not ShareLink.objects.filter(purpose=ShareLink.Purpose.TRANSCRIPT).exists()
