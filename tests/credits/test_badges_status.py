"""Badge revocation: the W3C Bitstring Status List the platform publishes, and the bits it
flips when a completion is deleted or corrected."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

import pytest
from django.test import Client

from cmepath.core.models import AuditEvent
from cmepath.credits import badges, services
from cmepath.credits.models import BadgeStatus, Completion
from cmepath.credits.services.badging import platform_key
from tests.credits.factories import CompletionFactory

SPEC_EXAMPLE = json.loads(
    (Path(__file__).parent / "data" / "bitstring_status_list_example.json").read_text()
)


def _bits(status_list: dict) -> bytes:
    """Decode encodedList independently of the engine: multibase 'u' + base64url + GZIP."""
    encoded = status_list["credentialSubject"]["encodedList"]
    assert encoded[0] == "u"
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def _bit(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def _status_list() -> dict:
    response = Client().get("/api/v1/badges/status")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def completion(clinician, today):
    return CompletionFactory(
        user=clinician, title="Sepsis", completed_on=today, credits={"ama_pra_1": 2}
    )


def test_status_list_is_a_signed_bitstring_status_list_credential(db):
    # When anyone fetches the list, signed in or not
    response = Client().get("/api/v1/badges/status")
    # Then it is a BitstringStatusListCredential for revocation, at least 16 KiB, signed by
    # the platform's key
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+ld+json"
    assert "max-age=300" in response["Cache-Control"]
    document = json.loads(response.content)
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["id"] == "http://testserver/api/v1/badges/status"
    assert document["issuer"] == badges.did_key(platform_key().public_key())
    subject = document["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    assert subject["id"] == f"{document['id']}#list"
    assert _bits(document) == bytes(16384)
    checks = badges.verify_proofs(document, badges.did_key_resolver)
    assert [c.valid for c in checks] == [True]
    assert checks[0].verification_method == badges.verification_method(platform_key().public_key())


def test_the_specs_example_list_decodes():
    bits = badges.decode_status_list(SPEC_EXAMPLE["encodedList"])
    assert len(bits) == SPEC_EXAMPLE["bytes"] and not any(bits)


def test_bit_order_and_size():
    bits = badges.status_list_bits([0, 9, 131071], size_bits=badges.status_list_size(131071))
    assert len(bits) == 16384
    assert bits[0] == 0x80 and bits[1] == 0x40 and bits[-1] == 0x01
    assert badges.decode_status_list(badges.encode_status_list(bits)) == bits
    assert badges.status_list_size(None) == 131072
    assert badges.status_list_size(131072) == 262144


def test_deleting_a_completion_revokes_its_badge(clinician, completion):
    # Given a badge that verifies
    badge = services.badge_issue(actor=clinician, completion=completion)
    assert services.badge_verify(document=badge).valid
    index = int(badge["credentialStatus"]["statusListIndex"])
    assert not _bit(_bits(_status_list()), index)
    # When the completion is deleted
    services.completion_delete(actor=clinician, completion=completion)
    # Then its bit is set in the published list and the badge no longer verifies
    assert _bit(_bits(_status_list()), index)
    result = services.badge_verify(document=badge)
    assert not result.valid
    assert result.reason.startswith("revoked")
    assert result.facts["status"] == "revoked"
    row = BadgeStatus.objects.get(credential_id=badge["id"])
    assert row.revoked_reason == "completion_deleted" and row.revoked_at is not None
    event = AuditEvent.objects.filter(action="badge.revoke").get()
    assert event.detail == {"credentials": [badge["id"]], "reason": "completion_deleted"}


def test_correcting_a_completion_revokes_its_badge(clinician, completion, today):
    badge = services.badge_issue(actor=clinician, completion=completion)
    # An update that leaves the claim as it was revokes nothing
    services.completion_update(
        actor=clinician, completion=completion, data={"sa_cme": True}, credits={"ama_pra_1": 2}
    )
    assert services.badge_verify(document=badge).valid
    # A correction of the credits does
    services.completion_update(
        actor=clinician, completion=completion, data={}, credits={"ama_pra_1": 1}
    )
    result = services.badge_verify(document=badge)
    assert not result.valid and result.reason.startswith("revoked")
    assert BadgeStatus.objects.get(credential_id=badge["id"]).revoked_reason == (
        "completion_corrected"
    )
    # and the corrected completion exports as a new badge, with a new id and bit, that verifies
    again = services.badge_issue(actor=clinician, completion=completion)
    assert again["id"] != badge["id"]
    assert services.badge_verify(document=again).valid
    assert again["credentialSubject"]["achievement"]["creditsAvailable"] == 1.0


def test_a_title_correction_revokes(clinician, completion):
    badge = services.badge_issue(actor=clinician, completion=completion)
    services.completion_update(actor=clinician, completion=completion, data={"title": "Sepsis 2"})
    assert not services.badge_verify(document=badge).valid


def test_exporting_again_keeps_the_credential_and_its_bit(clinician, completion):
    first = services.badge_issue(actor=clinician, completion=completion)
    second = services.badge_issue(actor=clinician, completion=completion)
    assert first["id"] == second["id"]
    assert first["credentialStatus"] == second["credentialStatus"]
    assert BadgeStatus.objects.count() == 1


def test_a_completion_removed_any_other_way_revokes_too(clinician, completion):
    # e.g. the account's deletion cascades to its completions without the service
    badge = services.badge_issue(actor=clinician, completion=completion)
    Completion.objects.filter(pk=completion.pk).delete()
    result = services.badge_verify(document=badge)
    assert not result.valid and result.reason.startswith("revoked")


def test_a_status_list_that_is_not_the_platforms_is_refused(clinician, completion):
    from datetime import UTC, datetime

    badge = services.badge_issue(actor=clinician, completion=completion)
    unsigned = {k: v for k, v in badge.items() if k != "proof"}
    unsigned["credentialStatus"] = {
        **badge["credentialStatus"],
        "statusListCredential": "https://status.example/lists/1",
    }
    resigned = badges.sign(unsigned, platform_key(), created=datetime.now(UTC))
    result = services.badge_verify(document=resigned)
    assert not result.valid and "not this platform's" in result.reason


def test_indexes_are_random_and_unique(clinician, today):
    indexes = set()
    for n in range(12):
        completion = CompletionFactory(user=clinician, completed_on=today, title=f"A{n}")
        badge = services.badge_issue(actor=clinician, completion=completion)
        indexes.add(int(badge["credentialStatus"]["statusListIndex"]))
    assert len(indexes) == 12
    assert all(0 <= i < 131072 for i in indexes)
    assert sorted(indexes) != list(range(min(indexes), min(indexes) + 12))
