"""Migration 0002 on existing data: one match per NPI, proofs bound to a name only when it
did not change after the approval, the badge recomputed, old tokens kept with an expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("accounts", "0001_initial")]
AFTER = [("accounts", "0002_verification_tokens_disputes")]


@pytest.fixture
def migrated_back(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state([*BEFORE, ("core", "0002_audit_append_only")]).apps
    # back to the latest migration of every app (not only 0002: later migrations, and the
    # apps that depend on accounts, must be there for the tests that run after this one)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _audit(apps, n: int, **fields):
    audit_event = apps.get_model("core", "AuditEvent")
    return audit_event.objects.create(prev_hash="0" * 64, hash=f"{n:064d}", **fields)


def test_existing_data_is_brought_to_the_new_rules(migrated_back):
    apps = migrated_back
    user_model = apps.get_model("accounts", "User")
    profile_model = apps.get_model("accounts", "Profile")
    licence_model = apps.get_model("accounts", "Licence")
    proof_model = apps.get_model("accounts", "LicenceProof")
    token_model = apps.get_model("accounts", "ApiToken")
    now = timezone.now()

    def clinician(email, first, last, npi, checked_days_ago):
        user = user_model.objects.create(email=email, password="!")
        profile_model.objects.create(
            user=user,
            first_name=first,
            last_name=last,
            npi=npi,
            npi_status="matched",
            npi_checked_at=now - timedelta(days=checked_days_ago),
            admin_verified=True,
        )
        licence = licence_model.objects.create(
            user=user,
            state="MA",
            licence_type="MD",
            number=f"N-{email}",
            issue_date=now.date() - timedelta(days=3000),
            expiry_date=now.date() + timedelta(days=300),
            verified=True,
        )
        proof = proof_model.objects.create(
            user=user,
            licence=licence,
            file="proofs/x.pdf",
            kind="pdf",
            original_name="x.pdf",
            size=1,
            sha256="0" * 64,
            status="approved",
            decided_at=now - timedelta(days=10),
        )
        return user, proof

    # given: the real Ada matched first and was approved; a squatter matched the same NPI
    # later; a third clinician renamed after her approval
    ada, ada_proof = clinician("ada@x.test", "Ada", "Demo", "1999000015", 30)
    squatter, _ = clinician("eve@x.test", "Ada", "Demo", "1999000015", 5)
    renamed, renamed_proof = clinician("jo@x.test", "José", "Démo-Núñez", "1999000023", 20)
    _audit(
        apps,
        1,
        action="profile.update",
        subject_user_id=renamed.pk,
        detail={"fields": ["first_name"]},
        created_at=now - timedelta(days=2),
    )
    token_model.objects.create(
        user=ada, name="old", prefix="cmp_x", token_hash="h" * 64, created_at=now
    )

    # when the migration runs
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    profiles = {p.user_id: p for p in apps.get_model("accounts", "Profile").objects.all()}
    proofs = {p.pk: p for p in apps.get_model("accounts", "LicenceProof").objects.all()}

    # then the earliest match keeps the NPI and the later one must check again
    assert profiles[ada.pk].npi_status == "matched"
    assert profiles[squatter.pk].npi_status == "stale"
    # the proof approved under an unchanged name carries it; the renamed one does not count
    assert proofs[ada_proof.pk].name_checked == "Ada Demo"
    assert proofs[renamed_proof.pk].name_checked == ""
    # the badge: only Ada (NPI matched and a proof in her name)
    assert profiles[ada.pk].verified_at is not None
    assert profiles[squatter.pk].verified_at is None
    assert profiles[renamed.pk].verified_at is None
    # the old token keeps its power and gets an expiry 90 days out
    token = apps.get_model("accounts", "ApiToken").objects.get()
    assert token.scope == "write"
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=5)
    # and the changes to people's records are audited as the system
    audit_event = apps.get_model("core", "AuditEvent")
    assert audit_event.objects.filter(
        action="npi.withdraw", subject_user_id=squatter.pk, actor_label="system"
    ).exists()
    assert audit_event.objects.filter(action="verification.grant", subject_user_id=ada.pk).exists()
