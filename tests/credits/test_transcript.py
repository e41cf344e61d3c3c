"""Transcripts (CSV escaping, PDF) and share links (expiring, revocable, unguessable, read-only)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cmepath.core.errors import NotFoundError, ValidationError
from cmepath.credits import services
from cmepath.credits.models import ShareLink
from cmepath.credits.transcripts import safe_cell
from tests.credits.factories import CompletionFactory
from tests.factories import LicenceFactory


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Plain title", "Plain title"),
        ("", ""),
    ],
)
def test_safe_cell(cell, expected):
    assert safe_cell(cell) == expected


def test_csv_escapes_formula_cells(clinician, today):
    CompletionFactory(
        user=clinician,
        title="=cmd|' /C calc'!A0",
        provider="@evil",
        completed_on=today,
        credits={"ama_pra_1": 1},
    )
    CompletionFactory(
        user=clinician,
        title="-Safe title",
        provider="+plus",
        completed_on=today,
        credits={"ama_pra_1": 2},
    )
    rows = list(csv.reader(io.StringIO(services.transcript_csv(user=clinician))))
    assert rows[0][:3] == ["Completed on", "Activity", "Provider"]
    cells = [cell for row in rows[1:] for cell in row]
    assert all(not c.startswith(("=", "+", "-", "@")) for c in cells)
    assert (
        "'=cmd|' /C calc'!A0" in cells
        and "'@evil" in cells
        and "'-Safe title" in cells
        and "'+plus" in cells
    )


def test_pdf_transcript_parses(clinician, today):
    from pypdf import PdfReader

    LicenceFactory(user=clinician, state="CA", expiry_date=today + timedelta(days=300))
    CompletionFactory(
        user=clinician,
        title="Pain management update",
        completed_on=today - timedelta(days=10),
        credits={"ama_pra_1": 12},
        topics=["pain_management"],
    )
    data = services.transcript_pdf(user=clinician, regime_id="ca-md")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert data.startswith(b"%PDF")
    assert "Pain management update" in text
    assert "California" in text


def test_transcript_for_a_regime_that_does_not_apply(clinician):
    with pytest.raises(ValidationError):
        services.transcript_csv(user=clinician, regime_id="ny-md")


def test_transcript_downloads(clinician, client_for):
    client = client_for(clinician)
    csv_response = client.get(reverse("credits:transcript_csv"))
    assert csv_response.status_code == 200 and csv_response["Content-Type"].startswith("text/csv")
    assert csv_response["Content-Disposition"].startswith("attachment")
    pdf_response = client.get(reverse("credits:transcript_pdf"))
    assert pdf_response.status_code == 200 and pdf_response.content.startswith(b"%PDF")


def test_share_link_token_is_shown_once_and_stored_hashed(clinician):
    link, raw = services.share_link_create(actor=clinician, label="Medical staff office")
    assert len(raw) >= 40
    assert raw not in link.token_hash and link.token_hash == services.share_token_hash(raw)
    assert not ShareLink.objects.filter(token_hash=raw).exists()
    other, raw2 = services.share_link_create(actor=clinician, label="Board")
    assert raw2 != raw


def test_shared_page_is_read_only_and_public(clinician, client, today):
    CompletionFactory(
        user=clinician, title="Implicit bias in care", completed_on=today, credits={"ama_pra_1": 2}
    )
    _, raw = services.share_link_create(actor=clinician, label="HR")
    url = reverse("credits:shared", args=[raw])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Implicit bias in care" in body
    assert "<form" not in body.split("</header>", 1)[1]  # nothing to submit
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "no-referrer"
    assert client.post(url).status_code == 405
    assert client.get(reverse("credits:shared_pdf", args=[raw])).content.startswith(b"%PDF")
    link = ShareLink.objects.get()
    assert link.view_count == 2 and link.last_viewed_at is not None


def test_share_link_expires(clinician, client):
    _, raw = services.share_link_create(actor=clinician, label="HR", days=1)
    url = reverse("credits:shared", args=[raw])
    assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert client.get(url).status_code == 404
        with pytest.raises(NotFoundError):
            services.share_link_resolve(raw=raw)


def test_share_link_revocation(clinician, clinician_b, client):
    link, raw = services.share_link_create(actor=clinician, label="HR")
    from cmepath.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        services.share_link_revoke(actor=clinician_b, link=link)
    services.share_link_revoke(actor=clinician, link=link)
    assert client.get(reverse("credits:shared", args=[raw])).status_code == 404


@pytest.mark.parametrize("token", ["x", "A" * 43, "../../etc/passwd"])
def test_guessed_tokens_open_nothing(clinician, client, token):
    services.share_link_create(actor=clinician, label="HR")
    assert client.get(f"/credits/shared/{token}/").status_code == 404


def test_share_link_page_creates_and_revokes(clinician, client_for):
    client = client_for(clinician)
    response = client.post(
        reverse("credits:share_links"), {"label": "Credentialing", "regime_id": "", "days": 30}
    )
    assert response.status_code == 200
    assert "/credits/shared/" in response.content.decode()
    link = ShareLink.objects.get()
    assert client.post(reverse("credits:share_link_revoke", args=[link.pk])).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_shared_certificates_follow_the_link(clinician, client, today):
    from tests.credits.certgen import ama_classic

    cert = services.certificate_upload(actor=clinician, data=ama_classic().pdf, filename="c.pdf")
    services.completion_record(
        actor=clinician,
        data={"title": "T", "completed_on": today},
        credits={"ama_pra_1": 1},
        certificate=cert,
    )
    link, raw = services.share_link_create(actor=clinician, label="HR")
    url = reverse("credits:shared_certificate", args=[raw, cert.pk])
    assert client.get(url).status_code == 200
    services.share_link_revoke(actor=clinician, link=link)
    assert client.get(url).status_code == 404
