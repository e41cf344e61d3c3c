"""Everything served under a share link belongs to the link's owner and to its scope.

A link scoped to one regime shows that regime's current cycle; certificate ids are
sequential, so a certificate download is checked against the rows the link shows (owner,
regime, cycle), not only against the owner. The PDF shows the same rows as the page.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse

from cmepath.credits import services
from cmepath.credits.models import Certificate
from tests.credits import certgen
from tests.factories import LicenceFactory


def _with_certificate(user, *, title, completed_on, topics=()):
    cert = services.certificate_upload(actor=user, data=certgen.ama_classic().pdf, filename="c.pdf")
    services.completion_record(
        actor=user,
        data={"title": title, "completed_on": completed_on, "topics": list(topics)},
        credits={"ama_pra_1": 1},
        certificate=cert,
    )
    cert.refresh_from_db()
    return cert


@pytest.fixture
def record(clinician, today):
    """A California MD (24-month cycle ending at expiry) with a certificate inside the current
    cycle, one from an earlier cycle that counts toward nothing, and one not yet attached."""
    LicenceFactory(user=clinician, state="CA", expiry_date=today + timedelta(days=300))
    inside = _with_certificate(
        clinician, title="Inside the cycle", completed_on=today - timedelta(days=30)
    )
    old = _with_certificate(
        clinician, title="Earlier cycle only", completed_on=today - timedelta(days=3 * 365)
    )
    orphan = services.certificate_upload(
        actor=clinician, data=certgen.ama_classic().pdf, filename="o.pdf"
    )
    return {"inside": inside, "old": old, "orphan": orphan}


def _cert_url(raw: str, cert: Certificate) -> str:
    return reverse("credits:shared_certificate", args=[raw, cert.pk])


def test_a_regime_link_serves_only_certificates_of_its_rows(clinician, client, record):
    # given a link scoped to the California regime
    _, raw = services.share_link_create(actor=clinician, label="CA board", regime_id="ca-md")
    # then the page lists the current cycle's completion and not the earlier one
    page = client.get(reverse("credits:shared", args=[raw]))
    assert page.status_code == 200
    assert b"Inside the cycle" in page.content and b"Earlier cycle only" not in page.content
    # and only the certificate on that row downloads; the out-of-scope one is 404
    assert client.get(_cert_url(raw, record["inside"])).status_code == 200
    assert client.get(_cert_url(raw, record["old"])).status_code == 404
    assert client.get(_cert_url(raw, record["orphan"])).status_code == 404


def test_an_all_regimes_link_serves_every_attached_certificate(clinician, client, record):
    _, raw = services.share_link_create(actor=clinician, label="HR")
    assert client.get(_cert_url(raw, record["inside"])).status_code == 200
    assert client.get(_cert_url(raw, record["old"])).status_code == 200
    assert client.get(_cert_url(raw, record["orphan"])).status_code == 404


def test_a_link_never_serves_another_persons_certificate(
    clinician, clinician_b, client, record, today
):
    # given another clinician's certificate inside the same regime and cycle
    LicenceFactory(user=clinician_b, state="CA", expiry_date=today + timedelta(days=300))
    theirs = _with_certificate(clinician_b, title="Theirs", completed_on=today - timedelta(days=5))
    for regime in ("", "ca-md"):
        _, raw = services.share_link_create(actor=clinician, label="HR", regime_id=regime)
        assert client.get(_cert_url(raw, theirs)).status_code == 404


def test_the_shared_pdf_shows_the_rows_of_the_page_whatever_the_query(clinician, client, record):
    from pypdf import PdfReader

    _, raw = services.share_link_create(actor=clinician, label="CA board", regime_id="ca-md")
    old_day = (record["old"].completion.completed_on + timedelta(days=1)).isoformat()
    # when the viewer asks for the PDF as of a day in the earlier cycle
    response = client.get(reverse("credits:shared_pdf", args=[raw]) + f"?as_of={old_day}")
    # then it is still today's transcript of the link's scope
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Inside the cycle" in text
    assert "Earlier cycle only" not in text


def test_the_share_page_reads_in_words_not_codes(clinician, client, record):
    # what a board or employer reads: status and credit-type labels, regime names
    _, raw = services.share_link_create(actor=clinician, label="Employer")
    body = client.get(reverse("credits:shared", args=[raw])).content.decode()
    assert "AMA PRA Category 1" in body and "1 ama_pra_1" not in body
    assert ">ca-md<" not in body and "ca-md;" not in body
    for code in ("unmet", "at_risk", "not_applicable"):
        assert f">{code}<" not in body
    assert any(w in body for w in ("Met<", "On track<", "Due within 90 days<", "Overdue<"))
