"""Writes on identity: profiles, licences, certifications, proofs, verification, tokens.

Pages, the API, the CLI and tasks all call these functions, so they behave the same.
Each is keyword-only and atomic; each decision that matters lands in the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cmepath.core.errors import (
    ConflictError,
    PermissionDeniedError,
    ValidationError,
)
from cmepath.core.filecheck import UploadRejected, display_name, inspect_upload
from cmepath.core.services import audit_record, fields_apply, model_validate
from cmepath.core.uploads import max_upload_bytes, upload_row_save, upload_store

from . import policies
from .choices import PROFILE_EDITABLE, PROOF_ALLOWED_KINDS, ErrorCode, NpiStatus, ProofStatus
from .models import ApiToken, BoardCertification, Licence, LicenceProof, Profile, User
from .npi import check_npi
from .registry import get_registry
from .taxonomy import is_valid_code

#: What a clinician may change on their profile (the form shows them in this order).
PROFILE_FIELDS = frozenset(PROFILE_EDITABLE)
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
def profile_ensure(*, user: User) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(*, actor: User, data: dict[str, Any]) -> Profile:
    """Update the actor's own profile; verification fields are never writable here."""
    profile = Profile.objects.select_for_update().filter(
        user=actor
    ).first() or Profile.objects.select_for_update().get(pk=profile_ensure(user=actor).pk)
    changed = fields_apply(profile, PROFILE_FIELDS, data)
    for code in [profile.primary_specialty, *(profile.specialties or [])]:
        if code and not is_valid_code(code):
            raise ValidationError(
                f"{code!r} is not a NUCC taxonomy code we know; pick a specialty from the list.",
                field="primary_specialty" if code == profile.primary_specialty else "specialties",
            )
    if not changed:
        return profile
    # validate what changed: the other fields passed when they were written, and each
    # database check constraint costs a query (and a savepoint) to validate
    model_validate(profile, exclude=[f.name for f in Profile._meta.fields if f.name not in changed])
    profile.save()
    audit_record(
        actor=actor,
        action="profile.update",
        target=profile,
        subject_user_id=actor.pk,
        detail={"fields": sorted(changed)},
    )
    return profile


@transaction.atomic
def npi_submit(*, actor: User, npi: str) -> Profile:
    """Check an NPI's format and check digit, then match it against the NPI Registry."""
    result = check_npi(npi)
    if not result.valid:
        raise ValidationError(
            result.reason or "This is not a valid NPI.", field="npi", code=ErrorCode.NPI_INVALID
        )
    profile = Profile.objects.select_for_update().get(pk=profile_ensure(user=actor).pk)
    taken = Profile.objects.filter(npi=result.normalized, npi_status=NpiStatus.MATCHED).exclude(
        pk=profile.pk
    )
    if taken.exists():
        raise ConflictError(
            "This NPI is already verified on another account. Contact support if it is yours.",
            field="npi",
        )
    profile.npi = result.normalized
    profile.npi_checked_at = timezone.now()
    from .nppes import RegistryError

    try:
        record = get_registry().lookup(result.normalized)
    except RegistryError as exc:
        raise ValidationError(
            "The NPI Registry could not be reached to confirm this number; nothing was changed. Try again later.",
            field="npi",
            code=ErrorCode.REGISTRY_UNAVAILABLE,
        ) from exc
    if record is None:
        profile.npi_status = NpiStatus.NOT_FOUND
        profile.npi_detail = "The NPI Registry has no record for this number."
    else:
        from .nppes import match_profile

        licence = profile.user.licences.order_by("-expiry_date").first()
        match = match_profile(
            record,
            first_name=profile.first_name,
            last_name=profile.last_name,
            license_state=licence.state if licence else None,
            license_number=licence.number if licence else None,
        )
        profile.npi_status = NpiStatus.MATCHED if match.matched else NpiStatus.MISMATCH
        profile.npi_detail = "; ".join(match.reasons)[:255]
    profile.save()
    audit_record(
        actor=actor,
        action="npi.check",
        target=profile,
        subject_user_id=actor.pk,
        detail={"npi": profile.npi, "status": profile.npi_status},
    )
    return profile


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
    return licence


@transaction.atomic
def licence_delete(*, actor: User, licence: Licence) -> None:
    policies.licences.require(actor, "delete", licence)
    for proof in licence.proofs.all():
        proof.file.delete(save=False)
    audit_record(
        actor=actor, action="licence.delete", target=licence, subject_user_id=licence.user_id
    )
    licence.delete()


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
def proof_decide(*, actor: User, proof: LicenceProof, approve: bool, reason: str) -> LicenceProof:
    """An admin approves or rejects a proof, with a reason; both land in the audit log."""
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
    proof.status = ProofStatus.APPROVED if approve else ProofStatus.REJECTED
    proof.decided_by = actor
    proof.decided_at = timezone.now()
    proof.reason = reason[:500]
    proof.save()
    licence = proof.licence
    if approve:
        licence.verified = True
        licence.save(update_fields=["verified"])
        profile = profile_ensure(user=proof.user)
        profile.admin_verified = True
        profile.admin_verified_at = proof.decided_at
        profile.save(update_fields=["admin_verified", "admin_verified_at"])
    audit_record(
        actor=actor,
        action="proof.approve" if approve else "proof.reject",
        target=proof,
        subject_user_id=proof.user_id,
        detail={"reason": proof.reason, "licence": licence.pk},
    )
    return proof


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal access token; the raw secret is returned once, never stored."""
    name = name.strip()
    if not name:
        raise ValidationError(
            "Name the token after the integration that will use it.", field="name"
        )
    if ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= 20:
        raise ValidationError(
            "You have 20 active tokens; revoke one you no longer use first.", field="name"
        )
    raw = "cmp_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name[:80], prefix=raw[:12], token_hash=_hash_token(raw)
    )
    audit_record(actor=actor, action="token.create", target=token, subject_user_id=actor.pk)
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    policies.tokens.require(actor, "delete", token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="token.revoke", target=token, subject_user_id=actor.pk)
    return token


def token_authenticate(raw: str) -> User | None:
    """The user behind an active token, or None. Touches ``last_used_at`` at most hourly."""
    if not raw.startswith("cmp_") or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 3600:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def user_set_role(*, actor: User, user: User, role: str) -> User:
    """Only admins change roles (never the users themselves)."""
    from cmepath.core.policy import is_admin
    from cmepath.core.roles import Role

    if not is_admin(actor):
        raise PermissionDeniedError("Only administrators change roles.")
    if role not in Role.values:
        raise ValidationError(
            f"Unknown role {role!r}; choose one of {', '.join(Role.values)}.", field="role"
        )
    old = user.role
    user.role = role
    user.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="user.role",
        target=user,
        subject_user_id=user.pk,
        detail={"from": old, "to": role},
    )
    return user
