"""Issue 17 item 1 on every surface: a licence or certification without a rule shows on the
dashboard, the transcript (PDF and shared page) and the API as "not covered yet" with whom to
check with, next to the covered ones."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse

from cmepath.accounts.models import Profile
from cmepath.credits import selectors, services
from tests.factories import BoardCertificationFactory, LicenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed_clinician(clinician, today):
    """An RN with a Texas licence of a type no rule covers, an Ohio MD licence (covered) and
    a board certification of board "other" (never covered)."""
    Profile.objects.filter(user=clinician).update(profession="RN")
    LicenceFactory(user=clinician, state="TX", licence_type="other", dea_registered=False)
    LicenceFactory(
        user=clinician,
        state="OH",
        licence_type="MD",
        expiry_date=today + timedelta(days=300),
        dea_registered=False,
    )
    BoardCertificationFactory(user=clinician, board="other", specialty="Wound care")
    return clinician


def test_dashboard_lists_every_credential_with_not_covered_ones_in_plain_sight(
    mixed_clinician, client_for, django_assert_max_num_queries
):
    client = client_for(mixed_clinician)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("credits:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "No requirement applies yet" not in body
    assert body.count('<tr class="credential-') == 3
    assert "Texas licence (other type)" in body and "Ohio MD licence" in body
    assert "other certification (wound care)" in body
    assert body.count('data-status="not_covered">Not covered yet</span>') == 2
    assert "check with the licensing board in Texas" in body
    assert "2 not covered yet" in body
    assert '<a href="#regime-oh-md">Ohio' in body and 'id="regime-oh-md"' in body
    assert '">oh-md</a>' not in body  # the rule set's name, not its id
    assert reverse("credits:coverage") in body


def test_a_credential_reads_like_its_rule_card(mixed_clinician, client_for):
    """The credentials table, the summary and the rule cards use the same words: a licence
    shows the status of its most pressing rule set (issue 13 item 4), never the engine's
    "Not met" next to an "On track" card."""
    import re

    body = client_for(mixed_clinician).get(reverse("credits:dashboard")).content.decode()
    row = re.search(
        r'<tr class="credential-[a-z_]+"><th scope="row">Ohio MD licence</th>\s*'
        r'<td><span class="badge ([a-z]*)" data-status="([a-z_]+)">([^<]+)</span>',
        body,
    )
    card = re.search(
        r'<h2 id="regime-oh-md">[^<]+</h2>\s*<span class="badge ([a-z]*)" '
        r'data-status="[a-z_]+">([^<]+)</span>',
        body,
    )
    assert row and card
    assert (row.group(1), row.group(3)) == card.groups()  # colour and words
    assert row.group(2) in ("overdue", "due_soon", "on_track", "met")
    assert "Not met" not in body and "At risk" not in body


def test_api_evaluation_lists_every_credential(mixed_clinician, client_for):
    data = client_for(mixed_clinician).get("/api/v1/me/evaluation").json()
    statuses = {c["label"]: c["status"] for c in data["credentials"]}
    assert statuses["Texas licence (other type)"] == "not_covered"
    assert statuses["other certification (wound care)"] == "not_covered"
    assert statuses["Ohio MD licence"] in ("met", "at_risk", "unmet")
    texas = next(c for c in data["credentials"] if c["code"] == "TX")
    assert texas["explanation"] == "not covered yet: check with the licensing board in Texas"
    assert texas["regime_ids"] == [] and texas["kind"] == "licence"


def test_transcript_pdf_and_shared_page_list_not_covered_credentials(
    mixed_clinician, client, today
):
    from pypdf import PdfReader

    data = selectors.transcript_data(user=mixed_clinician)
    assert [c["status"] for c in data.credentials].count("not_covered") == 2
    pdf = services.transcript_pdf(user=mixed_clinician)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Licences, certifications and registrations" in text
    assert "Texas licence (other type)" in text
    # the PDF writes it as a sentence ("Not covered yet: check with the ... Texas.")
    assert "Not covered yet: check with the licensing board in Texas" in text

    _, raw = services.share_link_create(actor=mixed_clinician, label="HR")
    body = client.get(reverse("credits:shared", args=[raw])).content.decode()
    assert "Texas licence (other type)" in body
    assert "Not covered yet: check with the licensing board in Texas." in body


def test_a_regime_transcript_lists_only_the_credentials_it_covers(mixed_clinician):
    data = selectors.transcript_data(user=mixed_clinician, regime_id="oh-md")
    assert [c["label"] for c in data.credentials] == ["Ohio MD licence"]


def test_the_dashboard_writes_dates_as_the_pages_do(mixed_clinician, today):
    """The engine explains in ISO dates (the API and the CLI keep them); the page says
    "due Jun 30, 2027", and counted completions carry the same form."""
    import re

    view = selectors.dashboard(actor=mixed_clinician, as_of=today)
    texts = [
        t
        for regime in view["regimes"]
        for req in regime.requirements
        for t in (req.explanation, req.reason_not_applicable)
    ]
    assert texts and not any(re.search(r"\b\d{4}-\d{2}-\d{2}\b", t) for t in texts)
    assert any(re.search(r"\b[A-Z][a-z]{2} \d{1,2}, \d{4}\b", t) for t in texts)
    assert selectors.page_dates("due 2027-06-30 (205 days)") == "due Jun 30, 2027 (205 days)"
