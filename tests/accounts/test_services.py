"""Identity services against the real database: validation, atomicity, audit."""

from __future__ import annotations

from datetime import date

import pytest

from cmepath.accounts import services
from cmepath.accounts.models import Licence, LicenceProof, Profile
from cmepath.core.errors import ConflictError, PermissionDeniedError, ValidationError
from cmepath.core.models import AuditEvent
from cmepath.core.services import audit_verify
from tests.factories import LicenceFactory

pytestmark = pytest.mark.django_db


def test_profile_update_saves_allowed_fields_and_audits(clinician):
    profile = services.profile_update(
        actor=clinician,
        data={"first_name": "Rosa", "profession": "NP", "primary_specialty": "363LF0000X"},
    )
    assert (profile.first_name, profile.profession, profile.primary_specialty) == (
        "Rosa",
        "NP",
        "363LF0000X",
    )
    assert (
        AuditEvent.objects.filter(action="profile.update", subject_user_id=clinician.pk).count()
        == 1
    )


def test_profile_update_without_a_change_writes_and_audits_nothing(clinician):
    services.profile_update(actor=clinician, data={"first_name": "Rosa"})
    stamp = Profile.objects.get(user=clinician).updated_at
    services.profile_update(actor=clinician, data={"first_name": "Rosa"})
    assert Profile.objects.get(user=clinician).updated_at == stamp
    assert (
        AuditEvent.objects.filter(action="profile.update", subject_user_id=clinician.pk).count()
        == 1
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("share_patients_65_plus", 150), ("birth_month", 13), ("paid_cme_days", -1)],
)
def test_profile_update_checks_the_database_constraints_of_what_changed(clinician, field, value):
    with pytest.raises(ValidationError) as err:
        services.profile_update(actor=clinician, data={field: value, "first_name": "Rosa"})
    assert err.value.errors
    assert Profile.objects.get(user=clinician).first_name == ""


@pytest.mark.parametrize(
    "field", ["verified_at", "npi_status", "npi", "user", "role", "is_staff", "api_tokens_allowed"]
)
def test_profile_update_refuses_privileged_fields(clinician, field):
    with pytest.raises(ValidationError) as err:
        services.profile_update(actor=clinician, data={field: True, "first_name": "X"})
    assert field in err.value.errors
    profile = Profile.objects.get(user=clinician)
    assert profile.first_name == "" and profile.verified_at is None


def test_profile_update_refuses_unknown_specialty_code(clinician):
    with pytest.raises(ValidationError, match="NUCC"):
        services.profile_update(actor=clinician, data={"primary_specialty": "999Z00000X"})


def test_licence_expiry_before_issue_is_refused_and_nothing_saved(clinician):
    with pytest.raises(ValidationError) as err:
        services.licence_create(
            actor=clinician,
            data={
                "state": "CA",
                "licence_type": "MD",
                "number": "A1",
                "issue_date": date(2024, 1, 1),
                "expiry_date": date(2023, 1, 1),
            },
        )
    assert "expiry" in str(err.value.errors).lower() or "issue" in str(err.value.errors).lower()
    assert Licence.objects.count() == 0
    assert not AuditEvent.objects.filter(action="licence.create").exists()


def test_duplicate_licence_is_a_conflict(clinician):
    data = {
        "state": "TX",
        "licence_type": "MD",
        "number": "Q1",
        "issue_date": date(2020, 1, 1),
        "expiry_date": date(2026, 12, 31),
    }
    services.licence_create(actor=clinician, data=data)
    with pytest.raises(ConflictError):
        services.licence_create(actor=clinician, data=data)
    assert Licence.objects.filter(user=clinician).count() == 1


def test_invalid_npi_says_why_and_saves_nothing(clinician):
    with pytest.raises(ValidationError) as err:
        services.npi_submit(actor=clinician, npi="1234567890")
    assert "check digit" in err.value.message.lower()
    assert Profile.objects.get(user=clinician).npi == ""


def test_npi_matching_registry_record_is_npi_matched_but_not_verified(clinician):
    services.profile_update(actor=clinician, data={"first_name": "Ada", "last_name": "Demo"})
    profile = services.npi_submit(actor=clinician, npi="1999000015")
    assert profile.npi_status == "matched" and profile.npi_matched
    assert not profile.is_verified and profile.badge_label == "NPI matched"


def test_npi_with_other_name_is_a_mismatch_and_not_verified(clinician):
    services.profile_update(actor=clinician, data={"first_name": "Someone", "last_name": "Else"})
    profile = services.npi_submit(actor=clinician, npi="1999000015")
    assert profile.npi_status == "mismatch"
    assert not profile.is_verified


def test_npi_not_in_registry(clinician):
    profile = services.npi_submit(actor=clinician, npi="1999000056")
    assert profile.npi_status == "not_found"
    assert not profile.is_verified


def test_proof_upload_stores_random_name_and_queues(clinician, pdf_bytes):
    licence = LicenceFactory(user=clinician)
    proof = services.proof_upload(
        actor=clinician, licence=licence, data=pdf_bytes, filename="../../my licence.pdf"
    )
    assert proof.status == "pending"
    assert proof.file.name.startswith("proofs/") and "licence" not in proof.file.name
    assert proof.original_name == "my licence.pdf"
    assert proof.file.storage.exists(proof.file.name)


def test_proof_whose_content_is_not_its_extension_is_refused(clinician, png_bytes):
    licence = LicenceFactory(user=clinician)
    with pytest.raises(ValidationError) as err:
        services.proof_upload(actor=clinician, licence=licence, data=png_bytes, filename="scan.pdf")
    assert err.value.field == "file"
    assert LicenceProof.objects.count() == 0


def test_oversized_proof_is_refused(clinician, pdf_bytes):
    licence = LicenceFactory(user=clinician)
    big = pdf_bytes + b"%" + b"0" * (10 * 1024 * 1024)
    with pytest.raises(ValidationError, match="10"):
        services.proof_upload(actor=clinician, licence=licence, data=big, filename="big.pdf")
    assert LicenceProof.objects.count() == 0


def test_proof_upload_on_someone_elses_licence_is_refused(clinician, clinician_b, pdf_bytes):
    licence = LicenceFactory(user=clinician_b)
    with pytest.raises(PermissionDeniedError):
        services.proof_upload(actor=clinician, licence=licence, data=pdf_bytes, filename="x.pdf")


def test_admin_approval_verifies_the_licence_and_is_audited(clinician, admin_user, pdf_bytes):
    licence = LicenceFactory(user=clinician)
    proof = services.proof_upload(
        actor=clinician, licence=licence, data=pdf_bytes, filename="l.pdf"
    )
    services.proof_decide(
        actor=admin_user, proof=proof, approve=True, reason="Matches the state board lookup"
    )
    licence.refresh_from_db()
    assert licence.verified
    # an approved proof alone is not the badge: the NPI must match too
    assert not Profile.objects.get(user=clinician).is_verified
    event = AuditEvent.objects.get(action="proof.approve")
    assert event.actor_id == admin_user.pk and event.detail["reason"].startswith("Matches")
    with pytest.raises(ConflictError):
        services.proof_decide(actor=admin_user, proof=proof, approve=False, reason="again")


def test_rejection_needs_a_reason_and_leaves_unverified(clinician, admin_user, pdf_bytes):
    licence = LicenceFactory(user=clinician)
    proof = services.proof_upload(
        actor=clinician, licence=licence, data=pdf_bytes, filename="l.pdf"
    )
    with pytest.raises(ValidationError, match="reason"):
        services.proof_decide(actor=admin_user, proof=proof, approve=False, reason="  ")
    services.proof_decide(actor=admin_user, proof=proof, approve=False, reason="Blurry scan")
    assert not Profile.objects.get(user=clinician).is_verified


def test_clinician_cannot_decide(clinician, pdf_bytes):
    licence = LicenceFactory(user=clinician)
    proof = services.proof_upload(
        actor=clinician, licence=licence, data=pdf_bytes, filename="l.pdf"
    )
    with pytest.raises(PermissionDeniedError):
        services.proof_decide(actor=clinician, proof=proof, approve=True, reason="self-approval")


def test_tokens_are_stored_hashed_and_revocable(clinician):
    token, raw = services.token_create(actor=clinician, name="EHR sync", scope="read")
    assert raw not in token.token_hash and token.token_hash != raw
    assert services.token_authenticate(raw) == clinician
    services.token_revoke(actor=clinician, token=token)
    assert services.token_authenticate(raw) is None


def test_only_admin_changes_roles(clinician, clinician_b, admin_user):
    with pytest.raises(PermissionDeniedError):
        services.user_set_role(actor=clinician, user=clinician_b, role="admin")
    services.user_set_role(actor=admin_user, user=clinician_b, role="employer")
    clinician_b.refresh_from_db()
    assert clinician_b.role == "employer"


def test_audit_chain_verifies_and_database_refuses_changes(clinician):
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    services.profile_update(actor=clinician, data={"first_name": "A"})
    services.profile_update(actor=clinician, data={"first_name": "B"})
    assert audit_verify()[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'forged'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.count() == 2


def test_audit_tampering_is_detected(clinician):
    from django.db import connection

    services.profile_update(actor=clinician, data={"first_name": "A"})
    services.profile_update(actor=clinician, data={"first_name": "B"})
    first = AuditEvent.objects.order_by("id").first()
    # An attacker with database superpowers drops the guard and edits a row.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
        else:
            cursor.execute(
                "SET LOCAL session_replication_role = replica"
            )  # superuser: triggers off
        cursor.execute("UPDATE core_auditevent SET action = 'forged' WHERE id = %s", [first.pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")
    ok, _, problem = audit_verify()
    assert not ok and str(first.pk) in problem


def test_clinician_home_lists_licences_by_state_and_counts_pending_proofs(
    clinician, client_for, pdf_bytes
):
    texas = LicenceFactory(user=clinician, state="TX", number="TX-9")
    LicenceFactory(user=clinician, state="CA", number="CA-1")
    services.proof_upload(actor=clinician, licence=texas, data=pdf_bytes, filename="proof.pdf")
    html = client_for(clinician).get("/").content.decode()
    assert html.index("CA-1") < html.index("TX-9")  # the licence ordering (state, type), as before
    assert "1 proof waiting for review" in html
