"""Writes on licences, board certifications and licence proofs (and their decisions)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cmepath.accounts import policies
from cmepath.accounts.choices import PROOF_ALLOWED_KINDS, ProofStatus
from cmepath.accounts.models import BoardCertification, Licence, LicenceProof, Profile, User
from cmepath.accounts.services.badge import badge_refresh, profile_ensure
from cmepath.core.errors import (
    ConflictError,
    PermissionDeniedError,
    ValidationError,
)
from cmepath.core.filecheck import UploadRejected, display_name, inspect_upload
from cmepath.core.services import audit_record, fields_apply, model_validate
from cmepath.core.uploads import max_upload_bytes, upload_row_save, upload_store

LICENCE_FIELDS = frozenset(
    {
        "state",
        "licence_type",
        "number",
        "issue_date",
        "expiry_date",
        "dea_registered",
        "dea_registration_date",
        "direct_patient_care",
    }
)
BOARD_CERT_FIELDS = frozenset({"board", "specialty", "cycle_start", "cycle_end"})


@transaction.atomic
def licence_create(*, actor: User, data: dict[str, Any]) -> Licence:
    licence = Licence(user=actor)
    fields_apply(licence, LICENCE_FIELDS, data)
    if Licence.objects.filter(
        user=actor, state=licence.state, licence_type=licence.licence_type, number=licence.number
    ).exists():
        raise ConflictError("You already recorded this licence.", field="number")
    model_validate(licence)
    try:
        with transaction.atomic():
            licence.save()
    except IntegrityError as exc:
        raise ConflictError("You already recorded this licence.", field="number") from exc
    audit_record(actor=actor, action="licence.create", target=licence, subject_user_id=actor.pk)
    return licence


@transaction.atomic
def licence_update(*, actor: User, licence: Licence, data: dict[str, Any]) -> Licence:
    policies.licences.require(actor, "change", licence)
    changed = fields_apply(licence, LICENCE_FIELDS, data)
    if changed:
        licence.verified = False  # a changed licence needs a fresh decision
    model_validate(licence)
    licence.save()
    audit_record(
        actor=actor,
        action="licence.update",
        target=licence,
        subject_user_id=licence.user_id,
        detail={"fields": sorted(changed)},
    )
    if changed:  # an approved licence that changed withdraws the badge until a new proof
        badge_refresh(actor=actor, user_id=licence.user_id, cause="licence.update")
    return licence


@transaction.atomic
def licence_delete(*, actor: User, licence: Licence) -> None:
    policies.licences.require(actor, "delete", licence)
    for proof in licence.proofs.all():
        proof.file.delete(save=False)
    audit_record(
        actor=actor, action="licence.delete", target=licence, subject_user_id=licence.user_id
    )
    user_id = licence.user_id
    licence.delete()
    badge_refresh(actor=actor, user_id=user_id, cause="licence.delete")


@transaction.atomic
def board_cert_create(*, actor: User, data: dict[str, Any]) -> BoardCertification:
    cert = BoardCertification(user=actor)
    fields_apply(cert, BOARD_CERT_FIELDS, data)
    model_validate(cert)
    cert.save()
    audit_record(actor=actor, action="boardcert.create", target=cert, subject_user_id=actor.pk)
    return cert


@transaction.atomic
def board_cert_update(
    *, actor: User, cert: BoardCertification, data: dict[str, Any]
) -> BoardCertification:
    policies.board_certifications.require(actor, "change", cert)
    fields_apply(cert, BOARD_CERT_FIELDS, data)
    model_validate(cert)
    cert.save()
    audit_record(actor=actor, action="boardcert.update", target=cert, subject_user_id=cert.user_id)
    return cert


@transaction.atomic
def board_cert_delete(*, actor: User, cert: BoardCertification) -> None:
    policies.board_certifications.require(actor, "delete", cert)
    audit_record(actor=actor, action="boardcert.delete", target=cert, subject_user_id=cert.user_id)
    cert.delete()


def proof_upload(*, actor: User, licence: Licence, data: bytes, filename: str) -> LicenceProof:
    """Validate by content, store under a random name, queue for admin review.

    The file is written first and the row second, inside one transaction; if the row
    fails the file is removed, and if the disk is full nothing is recorded.
    """
    policies.licences.require(actor, "change", licence)
    try:
        verdict = inspect_upload(
            data,
            filename,
            allowed=set(PROOF_ALLOWED_KINDS),
            max_bytes=max_upload_bytes(),
        )
    except UploadRejected as exc:
        raise ValidationError(exc.message, field="file", code=f"upload_{exc.code}") from exc
    proof = LicenceProof(
        user=actor,
        licence=licence,
        kind=verdict.kind,
        size=verdict.size,
        sha256=verdict.sha256,
        original_name=display_name(filename)[:200],
    )
    upload_store(proof.file, data, name="upload")
    upload_row_save(
        proof,
        proof.file,
        audit=lambda: audit_record(
            actor=actor,
            action="proof.upload",
            target=proof,
            subject_user_id=actor.pk,
            detail={"licence": licence.pk, "sha256": verdict.sha256, "size": verdict.size},
        ),
    )
    return proof


@transaction.atomic
def proof_decide(
    *,
    actor: User,
    proof: LicenceProof,
    approve: bool,
    reason: str,
    name_shown: str | None = None,
) -> LicenceProof:
    """An admin approves or rejects a proof, with a reason; both land in the audit log.

    Approving confirms the document shows the profile's current name, which is kept on the
    proof: the badge holds only while the profile carries that name. ``name_shown`` is the
    name the queue showed the admin; a rename since then refuses the decision.
    """
    if not policies.proofs.allows(actor, "decide", proof):
        raise PermissionDeniedError("Only administrators decide on licence proofs.")
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            "Give a reason for the decision; the clinician will see it.", field="reason"
        )
    proof = LicenceProof.objects.select_for_update().get(pk=proof.pk)
    if proof.status != ProofStatus.PENDING:
        raise ConflictError(f"This proof was already {proof.get_status_display().lower()}.")
    profile = Profile.objects.select_for_update().get(pk=profile_ensure(user=proof.user).pk)
    if approve and name_shown is not None and name_shown.strip() != profile.full_name:
        raise ConflictError(
            f"The clinician's name changed to '{profile.full_name}' since the queue was "
            "shown; check the document against the new name."
        )
    proof.status = ProofStatus.APPROVED if approve else ProofStatus.REJECTED
    proof.decided_by = actor
    proof.decided_at = timezone.now()
    proof.reason = reason[:500]
    proof.name_checked = profile.full_name if approve else ""
    proof.save()
    licence = proof.licence
    if approve:
        licence.verified = True
        licence.save(update_fields=["verified"])
    audit_record(
        actor=actor,
        action="proof.approve" if approve else "proof.reject",
        target=proof,
        subject_user_id=proof.user_id,
        detail={"reason": proof.reason, "licence": licence.pk, "name": proof.name_checked},
    )
    badge_refresh(actor=actor, user_id=proof.user_id, cause=f"proof.{proof.status}")
    return proof
