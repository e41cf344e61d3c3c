"""Issue 12, defect 2: the NPI badge cannot be taken with public data or squatted.

A registry match alone is "NPI matched" and held by one account only; "Verified" also needs
an approved licence proof in the profile's name; any change to the name, the NPI or the
approved licence withdraws it; a second claimant gets a 409 and a dispute an admin decides.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from cmepath.accounts import services
from cmepath.accounts.models import Licence, NpiDispute, Profile
from cmepath.core.errors import ConflictError
from cmepath.core.models import AuditEvent
from tests.factories import LicenceFactory, UserFactory

pytestmark = pytest.mark.django_db

ADA_NPI = "1999000015"  # recorded registry: ADA DEMO, licences MA DEMO-10001 and NH DEMO-20002


def _as_ada(user, *, licence: bool = True) -> Licence | None:
    """Give ``user`` the registry entry's public name (and licence): what a squatter can do."""
    services.profile_update(actor=user, data={"first_name": "Ada", "last_name": "Demo"})
    if licence:
        return LicenceFactory(user=user, state="MA", licence_type="MD", number="DEMO-10001")
    return None


def _approve_proof(admin, user, licence, pdf_bytes):
    proof = services.proof_upload(actor=user, licence=licence, data=pdf_bytes, filename="l.pdf")
    return services.proof_decide(
        actor=admin,
        proof=proof,
        approve=True,
        reason="Name and number match the document",
        name_shown=Profile.objects.get(user=user).full_name,
    )


def _verified_ada(clinician, admin_user, pdf_bytes) -> Licence:
    licence = _as_ada(clinician)
    services.npi_submit(actor=clinician, npi=ADA_NPI)
    _approve_proof(admin_user, clinician, licence, pdf_bytes)
    assert Profile.objects.get(user=clinician).is_verified
    return licence


def _actions(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_user_id=user.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- public data gives "NPI matched", never "Verified" ----------------------------------


def test_public_name_licence_and_npi_give_npi_matched_not_verified(client, clinician, token_for):
    # given a squatter who copied a registry entry's public name and licence number
    _as_ada(clinician)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(clinician)}"}
    # when they submit that NPI through the API
    response = client.post(
        "/api/v1/me/npi", {"npi": ADA_NPI}, content_type="application/json", **auth
    )
    # then the registry matched, but the badge needs an approved proof as well
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["npi_status"], body["npi_matched"], body["verified"]) == ("matched", True, False)
    me = client.get("/api/v1/me", **auth).json()
    assert (me["npi_matched"], me["verified"]) == (True, False)


def test_a_proof_approved_under_another_name_does_not_verify(clinician, admin_user, pdf_bytes):
    # given a clinician whose own licence proof was approved under their own name
    services.profile_update(actor=clinician, data={"first_name": "Eve", "last_name": "Other"})
    own = LicenceFactory(user=clinician, state="MA", number="DEMO-10001")
    _approve_proof(admin_user, clinician, own, pdf_bytes)
    # when they take a registry entry's name and NPI
    _as_ada(clinician, licence=False)
    profile = services.npi_submit(actor=clinician, npi=ADA_NPI)
    # then the NPI matched but nothing verified the name on a document: no badge
    assert profile.npi_matched and not profile.is_verified
    assert profile.badge_label == "NPI matched"


def test_matched_npi_and_a_proof_in_the_same_name_verify_and_are_audited(
    clinician, admin_user, pdf_bytes
):
    licence = _as_ada(clinician)
    assert services.npi_submit(actor=clinician, npi=ADA_NPI).is_verified is False
    proof = _approve_proof(admin_user, clinician, licence, pdf_bytes)
    profile = Profile.objects.get(user=clinician)
    assert profile.is_verified and profile.badge_label == "Verified"
    assert proof.name_checked == "Ada Demo"
    assert _actions(clinician)[-2:] == ["proof.approve", "verification.grant"]
    grant = AuditEvent.objects.get(action="verification.grant", subject_user_id=clinician.pk)
    assert grant.actor_id == admin_user.pk and grant.detail["npi"] == ADA_NPI


def test_proof_order_does_not_matter_npi_after_approval_verifies(clinician, admin_user, pdf_bytes):
    licence = _as_ada(clinician)
    _approve_proof(admin_user, clinician, licence, pdf_bytes)
    assert not Profile.objects.get(user=clinician).is_verified
    assert services.npi_submit(actor=clinician, npi=ADA_NPI).is_verified


# --- any change withdraws the badge ------------------------------------------------------


def _rename(user, licence):
    services.profile_update(actor=user, data={"first_name": "Adaline"})


def _other_npi(user, licence):
    services.npi_submit(actor=user, npi="1999000023")  # another person's registry entry


def _licence_number(user, licence):
    services.licence_update(actor=user, licence=licence, data={"number": "DEMO-10002"})


def _licence_expiry(user, licence):
    services.licence_update(actor=user, licence=licence, data={"expiry_date": date(2028, 1, 1)})


def _licence_removed(user, licence):
    services.licence_delete(actor=user, licence=licence)


@pytest.mark.parametrize(
    "change", [_rename, _other_npi, _licence_number, _licence_expiry, _licence_removed]
)
def test_any_change_to_name_npi_or_approved_licence_withdraws_the_badge(
    clinician, admin_user, pdf_bytes, change
):
    # given a verified clinician
    licence = _verified_ada(clinician, admin_user, pdf_bytes)
    # when the name, the NPI or the approved licence changes
    change(clinician, licence)
    # then the badge is gone until it is checked again, and the withdrawal is audited
    profile = Profile.objects.get(user=clinician)
    assert not profile.is_verified and profile.verified_at is None
    withdraw = AuditEvent.objects.filter(
        action="verification.withdraw", subject_user_id=clinician.pk
    )
    assert withdraw.count() == 1


def test_renaming_withdraws_the_match_and_renaming_back_does_not_restore_it(clinician):
    # given a squatter who matched a registry entry under its name
    _as_ada(clinician)
    services.npi_submit(actor=clinician, npi=ADA_NPI)
    # when they rename back to their own name, and then to the entry's name again
    services.profile_update(actor=clinician, data={"first_name": "Mallory", "last_name": "X"})
    assert Profile.objects.get(user=clinician).npi_status == "stale"
    services.profile_update(actor=clinician, data={"first_name": "Ada", "last_name": "Demo"})
    # then nothing is matched until the NPI is checked again
    profile = Profile.objects.get(user=clinician)
    assert profile.npi_status == "stale" and not profile.npi_matched
    # and the renames are in the audit log with the names
    renames = AuditEvent.objects.filter(action="profile.update", subject_user_id=clinician.pk)
    assert [e.detail["name"]["to"] for e in renames.order_by("id")][-2:] == [
        "Mallory X",
        "Ada Demo",
    ]
    withdraw = AuditEvent.objects.get(action="npi.withdraw", subject_user_id=clinician.pk)
    assert withdraw.detail == {"npi": ADA_NPI, "from": "matched", "cause": "name changed"}


def test_the_real_owner_can_match_once_the_squatter_renamed(clinician, clinician_b):
    _as_ada(clinician)
    services.npi_submit(actor=clinician, npi=ADA_NPI)
    services.profile_update(actor=clinician, data={"first_name": "Mallory"})
    _as_ada(clinician_b, licence=False)
    assert services.npi_submit(actor=clinician_b, npi=ADA_NPI).npi_matched


def test_a_verified_clinician_who_renames_back_needs_a_new_check_then_is_verified_again(
    clinician, admin_user, pdf_bytes
):
    _verified_ada(clinician, admin_user, pdf_bytes)
    services.profile_update(actor=clinician, data={"first_name": "Adaline"})
    services.profile_update(actor=clinician, data={"first_name": "Ada"})
    assert not Profile.objects.get(user=clinician).is_verified
    # the proof was approved for "Ada Demo": a new registry check restores the badge
    assert services.npi_submit(actor=clinician, npi=ADA_NPI).is_verified


def test_a_decision_on_a_name_the_admin_did_not_see_is_refused(clinician, admin_user, pdf_bytes):
    licence = _as_ada(clinician)
    proof = services.proof_upload(
        actor=clinician, licence=licence, data=pdf_bytes, filename="l.pdf"
    )
    services.profile_update(actor=clinician, data={"first_name": "Eve"})  # after the queue loaded
    with pytest.raises(ConflictError, match="name changed"):
        services.proof_decide(
            actor=admin_user, proof=proof, approve=True, reason="ok", name_shown="Ada Demo"
        )
    assert Licence.objects.get(pk=licence.pk).verified is False


# --- one account per NPI ----------------------------------------------------------------


def test_second_account_gets_a_409_that_says_how_to_dispute(client, clinician, clinician_b):
    # given one account matched the NPI
    _as_ada(clinician, licence=False)
    services.npi_submit(actor=clinician, npi=ADA_NPI)
    # when a second account with the same public name posts it
    _as_ada(clinician_b, licence=False)
    _, raw = services.token_create(actor=clinician_b, name="t")
    response = client.post(
        "/api/v1/me/npi",
        {"npi": ADA_NPI},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    # then it is a conflict with a machine code and the way forward
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "npi_taken"
    assert "dispute" in body["message"] and "/api/v1/me/npi/disputes" in body["message"]
    assert Profile.objects.get(user=clinician_b).npi == ""


def test_the_database_refuses_a_second_match_of_one_npi(clinician, clinician_b):
    _as_ada(clinician, licence=False)
    services.npi_submit(actor=clinician, npi=ADA_NPI)
    with pytest.raises(IntegrityError), transaction.atomic():
        Profile.objects.filter(user=clinician_b).update(npi=ADA_NPI, npi_status="matched")


def test_mismatches_of_one_npi_do_not_collide(clinician, clinician_b):
    for user in (clinician, clinician_b):
        services.profile_update(actor=user, data={"first_name": "Not", "last_name": "Ada"})
        assert services.npi_submit(actor=user, npi=ADA_NPI).npi_status == "mismatch"


# --- the dispute path -------------------------------------------------------------------


def test_dispute_from_the_409_to_the_admin_queue_and_an_upheld_decision(
    client_for, clinician, clinician_b, admin_user
):
    # given a squatter holds the match
    _as_ada(clinician, licence=False)
    services.npi_submit(actor=clinician, npi=ADA_NPI)
    # when the real Ada submits it on her profile page, she gets the 409 and a dispute form
    _as_ada(clinician_b, licence=False)
    ada = client_for(clinician_b)
    page = ada.post(reverse("accounts:npi_submit"), {"npi": ADA_NPI})
    assert page.status_code == 409
    assert b'data-testid="dispute-form"' in page.content
    assert b"already matched to another account" in page.content
    # and opens a dispute from it
    opened = ada.post(
        reverse("accounts:npi_dispute"), {"npi": ADA_NPI, "statement": "This is my NPI."}
    )
    assert opened.status_code == 302
    dispute = NpiDispute.objects.get(user=clinician_b)
    assert (dispute.npi, dispute.holder_id, dispute.status) == (ADA_NPI, clinician.pk, "open")
    # then it shows in the admin verification queue with both accounts
    admin = client_for(admin_user)
    queue = admin.get(reverse("accounts:verification_queue")).content.decode()
    assert 'data-testid="dispute"' in queue
    assert clinician_b.email in queue and clinician.email in queue and "This is my NPI." in queue
    # when the admin upholds it
    decided = admin.post(
        reverse("accounts:npi_dispute_decide", args=[dispute.pk]),
        {"decision": "uphold", "reason": "Driver's licence matches the registry"},
    )
    assert decided.status_code == 302
    # then the squatter's match is withdrawn and the NPI is reserved for the claimant
    holder = Profile.objects.get(user=clinician)
    assert holder.npi_status == "withdrawn" and "Driver's licence" in holder.npi_detail
    with pytest.raises(ConflictError) as err:
        services.npi_submit(actor=clinician, npi=ADA_NPI)
    assert err.value.code == "npi_released_to_other"
    assert services.npi_submit(actor=clinician_b, npi=ADA_NPI).npi_matched
    # and each step is in the audit log
    assert "npi.dispute.open" in _actions(clinician_b)
    assert "npi.dispute.uphold" in _actions(clinician_b)
    assert "npi.withdraw" in _actions(clinician)
    assert (
        admin.get(reverse("accounts:verification_queue")).content.count(b'data-testid="dispute"')
        == 0
    )


def test_a_dismissed_dispute_changes_nothing(clinician, clinician_b, admin_user):
    _as_ada(clinician, licence=False)
    services.npi_submit(actor=clinician, npi=ADA_NPI)
    dispute = services.npi_dispute_open(actor=clinician_b, npi=ADA_NPI, statement="mine")
    services.npi_dispute_decide(actor=admin_user, dispute=dispute, uphold=False, reason="No proof")
    assert Profile.objects.get(user=clinician).npi_matched
    assert NpiDispute.objects.get(pk=dispute.pk).status == "dismissed"
    assert AuditEvent.objects.filter(action="npi.dispute.dismiss").count() == 1


def test_only_admins_decide_disputes(clinician, clinician_b, client_for):
    _as_ada(clinician, licence=False)
    services.npi_submit(actor=clinician, npi=ADA_NPI)
    dispute = services.npi_dispute_open(actor=clinician_b, npi=ADA_NPI)
    response = client_for(clinician_b).post(
        reverse("accounts:npi_dispute_decide", args=[dispute.pk]),
        {"decision": "uphold", "reason": "self-service"},
    )
    assert response.status_code == 404
    assert NpiDispute.objects.get(pk=dispute.pk).status == "open"


def test_dispute_api(client, clinician, clinician_b):
    _, raw = services.token_create(actor=clinician_b, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def post():
        return client.post(
            "/api/v1/me/npi/disputes",
            {"npi": ADA_NPI, "statement": "mine"},
            content_type="application/json",
            **auth,
        )

    # nobody holds it yet: nothing to dispute
    assert post().status_code == 422
    _as_ada(clinician, licence=False)
    services.npi_submit(actor=clinician, npi=ADA_NPI)
    created = post()
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "open" and created.json()["npi"] == ADA_NPI
    assert post().status_code == 409  # one open dispute per claim


# --- what the pages show ----------------------------------------------------------------


def test_home_and_profile_show_npi_matched_then_verified(
    client_for, clinician, admin_user, pdf_bytes
):
    licence = _as_ada(clinician)
    services.npi_submit(actor=clinician, npi=ADA_NPI)
    c = client_for(clinician)
    home = c.get("/").content.decode()
    assert 'data-testid="unverified-badge"' in home and 'data-testid="verified-badge"' not in home
    assert "NPI matched" in home
    profile = c.get(reverse("accounts:profile")).content.decode()
    assert 'data-testid="profile-badge">NPI matched<' in profile
    _approve_proof(admin_user, clinician, licence, pdf_bytes)
    home = c.get("/").content.decode()
    assert 'data-testid="verified-badge"' in home
    profile = c.get(reverse("accounts:profile")).content.decode()
    assert 'data-testid="profile-badge">✔ Verified<' in profile


def test_admin_queue_shows_the_name_an_approval_binds(client_for, clinician, admin_user, pdf_bytes):
    licence = _as_ada(clinician)
    services.proof_upload(actor=clinician, licence=licence, data=pdf_bytes, filename="l.pdf")
    queue = client_for(admin_user).get(reverse("accounts:verification_queue")).content.decode()
    assert 'data-testid="proof-name">Ada Demo<' in queue
    assert 'name="name_shown" value="Ada Demo"' in queue


def test_other_users_are_not_affected_by_a_withdrawal(clinician, admin_user, pdf_bytes):
    other = UserFactory()
    services.profile_update(actor=other, data={"first_name": "José", "last_name": "Démo-Núñez"})
    services.npi_submit(actor=other, npi="1999000023")
    _verified_ada(clinician, admin_user, pdf_bytes)
    services.profile_update(actor=clinician, data={"first_name": "X"})
    assert Profile.objects.get(user=other).npi_matched
