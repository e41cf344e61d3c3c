"""Certificate upload: a generated corpus in six layouts pre-fills the form; hostile PDFs are
refused with a clear message and nothing is stored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cmepath.core.errors import ValidationError
from cmepath.credits import selectors, services
from cmepath.credits.models import Certificate
from cmepath.credits.prefill import parse_certificate_text
from tests.credits import certgen

CORPUS = certgen.corpus()


def test_corpus_has_at_least_five_layouts():
    assert len({s.layout for s in CORPUS}) >= 5


@pytest.mark.parametrize("sample", CORPUS, ids=lambda s: s.layout)
def test_upload_prefills_title_date_amount_and_type(clinician, sample):
    cert = services.certificate_upload(
        actor=clinician, data=sample.pdf, filename=f"{sample.layout}.pdf"
    )
    initial = selectors.certificate_prefill(certificate=cert)
    assert initial["title"] == sample.title
    assert initial["completed_on"] == sample.completed_on
    assert float(initial["amount"]) == sample.amount
    assert initial["credit_type"] == sample.credit_type


def test_stored_under_a_random_name_with_hash(clinician):
    sample = CORPUS[0]
    cert = services.certificate_upload(
        actor=clinician, data=sample.pdf, filename="../../evil name.pdf"
    )
    assert cert.original_name == "evil name.pdf"
    name = cert.file.name.rsplit("/", 1)[-1]
    assert len(name) == len("0" * 32 + ".pdf") and "evil" not in cert.file.name
    import hashlib

    assert cert.sha256 == hashlib.sha256(sample.pdf).hexdigest()


@pytest.mark.parametrize(
    ("make", "code", "needle"),
    [
        (certgen.encrypted_pdf, "upload_encrypted", "password"),
        (certgen.truncated_pdf, "upload_unparseable", "damaged"),
        (certgen.javascript_pdf, "upload_active_content", "JavaScript"),
        (certgen.oversized_pdf, "upload_too_large", "10 MiB"),
    ],
)
def test_hostile_pdfs_are_refused_and_nothing_is_stored(clinician, make, code, needle, settings):
    import os

    before = set()
    for root, _, files in os.walk(settings.MEDIA_ROOT):
        before |= {os.path.join(root, f) for f in files}
    with pytest.raises(ValidationError) as info:
        services.certificate_upload(actor=clinician, data=make(), filename="certificate.pdf")
    assert info.value.code == code
    assert needle.lower() in info.value.message.lower()
    assert Certificate.objects.count() == 0
    after = set()
    for root, _, files in os.walk(settings.MEDIA_ROOT):
        after |= {os.path.join(root, f) for f in files}
    assert after == before


def test_a_png_named_pdf_is_refused(clinician, png_bytes):
    with pytest.raises(ValidationError):
        services.certificate_upload(actor=clinician, data=png_bytes, filename="certificate.pdf")
    assert Certificate.objects.count() == 0


def test_page_flow_upload_then_prefilled_form_then_save(clinician, client_for):
    client = client_for(clinician)
    sample = CORPUS[1]
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("credits:certificate_upload"),
        {"file": SimpleUploadedFile("cert.pdf", sample.pdf, content_type="application/pdf")},
    )
    assert response.status_code == 302
    form_page = client.get(response["Location"])
    body = form_page.content.decode()
    assert sample.title in body and sample.completed_on.isoformat() in body
    cert = Certificate.objects.get()
    saved = client.post(
        reverse("credits:completion_new"),
        {
            "title": sample.title,
            "completed_on": sample.completed_on.isoformat(),
            "credit_type": sample.credit_type,
            "amount": str(sample.amount),
            "certificate": cert.pk,
        },
    )
    assert saved.status_code == 302
    cert.refresh_from_db()
    assert cert.completion is not None and cert.completion.title == sample.title


def test_page_upload_of_a_bad_pdf_shows_the_reason(clinician, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(clinician).post(
        reverse("credits:certificate_upload"),
        {
            "file": SimpleUploadedFile(
                "cert.pdf", certgen.javascript_pdf(), content_type="application/pdf"
            )
        },
    )
    assert response.status_code == 422
    assert "JavaScript" in response.content.decode()
    assert Certificate.objects.count() == 0


def test_certificates_are_served_only_to_their_owner(clinician, clinician_b, client_for):
    cert = services.certificate_upload(actor=clinician, data=CORPUS[0].pdf, filename="c.pdf")
    own = client_for(clinician).get(reverse("credits:certificate_download", args=[cert.pk]))
    assert own.status_code == 200
    assert own["Content-Disposition"].startswith("attachment")
    assert b"".join(own.streaming_content).startswith(b"%PDF")
    assert (
        client_for(clinician_b)
        .get(reverse("credits:certificate_download", args=[cert.pk]))
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Date of completion: 5 March 2026\nAMA PRA Category 1 Credits: 1.25",
            ("2026-03-05", 1.25, "ama_pra_1"),
        ),
        ("Completed on 2026-01-31. 0.75 ANCC contact hours awarded.", ("2026-01-31", 0.75, "ancc")),
        ("no useful text here", (None, None, None)),
    ],
)
def test_parser_on_loose_text(text, expected):
    found = parse_certificate_text(text)
    got = (
        found.completed_on.isoformat() if found.completed_on else None,
        found.amount,
        found.credit_type,
    )
    assert got == expected
