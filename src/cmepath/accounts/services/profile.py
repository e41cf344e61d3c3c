"""Writes on the professional profile: the profile itself, the NPI, NPI disputes, roles."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cmepath.accounts import policies
from cmepath.accounts.choices import PROFILE_EDITABLE, DisputeStatus, ErrorCode, NpiStatus
from cmepath.accounts.models import NpiDispute, Profile, User
from cmepath.accounts.npi import check_npi
from cmepath.accounts.nppes import RegistryError, match_profile
from cmepath.accounts.registry import get_registry
from cmepath.accounts.services.badge import badge_apply, badge_audit, profile_ensure
from cmepath.accounts.taxonomy import is_valid_code
from cmepath.core import zipdata
from cmepath.core.errors import (
    ConflictError,
    PermissionDeniedError,
    ValidationError,
)
from cmepath.core.services import audit_record, fields_apply, model_validate

PROFILE_FIELDS = frozenset(PROFILE_EDITABLE)
NAME_FIELDS = frozenset({"first_name", "last_name"})
#: NPI states that depend on the name: a new name makes them out of date.
NAME_DEPENDENT_NPI = frozenset({NpiStatus.MATCHED, NpiStatus.MISMATCH})


@transaction.atomic
def profile_update(*, actor: User, data: dict[str, Any]) -> Profile:
    """Update the actor's own profile; verification fields are never writable here."""
    profile = Profile.objects.select_for_update().filter(
        user=actor
    ).first() or Profile.objects.select_for_update().get(pk=profile_ensure(user=actor).pk)
    old_name = profile.full_name
    changed = fields_apply(profile, PROFILE_FIELDS, data)
    for code in [profile.primary_specialty, *(profile.specialties or [])]:
        if code and not is_valid_code(code):
            raise ValidationError(
                f"{code!r} is not a NUCC taxonomy code we know; pick a specialty from the list.",
                field="primary_specialty" if code == profile.primary_specialty else "specialties",
            )
    if "home_zip" in changed and profile.home_zip:
        profile.home_zip = profile.home_zip.strip()
        if zipdata.lookup(profile.home_zip) is None:
            raise ValidationError(
                f"{profile.home_zip[:10]!r} is not a US ZIP code we know (5 digits, e.g. 78701); "
                "leave it empty if you prefer.",
                field="home_zip",
            )
    if not changed:
        return profile
    # validate what changed: the other fields passed when they were written, and each
    # database check constraint costs a query (and a savepoint) to validate
    model_validate(profile, exclude=[f.name for f in Profile._meta.fields if f.name not in changed])
    detail: dict[str, Any] = {"fields": sorted(changed)}
    withdrawn = None
    if NAME_FIELDS & set(changed):
        detail["name"] = {"from": old_name, "to": profile.full_name}
        if profile.npi_status in NAME_DEPENDENT_NPI:
            # the registry matched the old name: a new name needs a new check (and frees the
            # NPI, so renaming to a registry entry and back does not keep a match)
            withdrawn = profile.npi_status
            profile.npi_status = NpiStatus.STALE
            profile.npi_detail = "Your name changed after the NPI check: check the NPI again."
    badge_action = badge_apply(profile)
    profile.save()
    audit_record(
        actor=actor,
        action="profile.update",
        target=profile,
        subject_user_id=actor.pk,
        detail=detail,
    )
    if withdrawn:
        audit_record(
            actor=actor,
            action="npi.withdraw",
            target=profile,
            subject_user_id=actor.pk,
            detail={"npi": profile.npi, "from": withdrawn, "cause": "name changed"},
        )
    badge_audit(actor=actor, profile=profile, action=badge_action, cause="profile.update")
    return profile


def _npi_taken_message() -> str:
    return (
        "This NPI is already matched to another account. If it is yours, open a dispute "
        "(on your profile page, or POST /api/v1/me/npi/disputes): an administrator decides."
    )


def _npi_claim_check(*, actor: User, npi: str) -> None:
    """Refuse an NPI another account holds, or one an admin released to someone else."""
    if Profile.objects.filter(npi=npi, npi_status=NpiStatus.MATCHED).exclude(user=actor).exists():
        raise ConflictError(_npi_taken_message(), field="npi", code=ErrorCode.NPI_TAKEN)
    released = (
        NpiDispute.objects.filter(npi=npi, status=DisputeStatus.UPHELD)
        .order_by("-decided_at")
        .values_list("user_id", flat=True)
        .first()
    )
    if released is not None and released != actor.pk:
        raise ConflictError(
            "An administrator assigned this NPI to another account after a dispute. "
            "Contact support if you think this is wrong.",
            field="npi",
            code=ErrorCode.NPI_RELEASED_TO_OTHER,
        )


@transaction.atomic
def npi_submit(*, actor: User, npi: str) -> Profile:
    """Check an NPI's format and check digit, then match it against the NPI Registry.

    A match is "NPI matched", held by one account only (a partial unique index, so two
    accounts posting one NPI at once cannot both win); the badge needs a proof as well.
    """
    result = check_npi(npi)
    if not result.valid:
        raise ValidationError(
            result.reason or "This is not a valid NPI.", field="npi", code=ErrorCode.NPI_INVALID
        )
    profile = Profile.objects.select_for_update().get(pk=profile_ensure(user=actor).pk)
    _npi_claim_check(actor=actor, npi=result.normalized)
    previous = {"previous_npi": profile.npi, "previous_status": profile.npi_status}
    try:
        record = get_registry().lookup(result.normalized)
    except RegistryError as exc:
        raise ValidationError(
            "The NPI Registry could not be reached to confirm this number; nothing was changed. Try again later.",
            field="npi",
            code=ErrorCode.REGISTRY_UNAVAILABLE,
        ) from exc
    profile.npi = result.normalized
    profile.npi_checked_at = timezone.now()
    if record is None:
        profile.npi_status = NpiStatus.NOT_FOUND
        profile.npi_detail = "The NPI Registry has no record for this number."
    else:
        licence = profile.user.licences.order_by("-expiry_date", "pk").first()
        match = match_profile(
            record,
            first_name=profile.first_name,
            last_name=profile.last_name,
            license_state=licence.state if licence else None,
            license_number=licence.number if licence else None,
        )
        profile.npi_status = NpiStatus.MATCHED if match.matched else NpiStatus.MISMATCH
        profile.npi_detail = "; ".join(match.reasons)[:255]
    badge_action = badge_apply(profile)
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as exc:  # another account matched it since the check above
        raise ConflictError(_npi_taken_message(), field="npi", code=ErrorCode.NPI_TAKEN) from exc
    audit_record(
        actor=actor,
        action="npi.check",
        target=profile,
        subject_user_id=actor.pk,
        detail={"npi": profile.npi, "status": profile.npi_status, **previous},
    )
    badge_audit(actor=actor, profile=profile, action=badge_action, cause="npi.check")
    return profile


@transaction.atomic
def npi_dispute_open(*, actor: User, npi: str, statement: str = "") -> NpiDispute:
    """The second claimant of an NPI asks an administrator to decide who holds it."""
    result = check_npi(npi)
    if not result.valid:
        raise ValidationError(
            result.reason or "This is not a valid NPI.", field="npi", code=ErrorCode.NPI_INVALID
        )
    holder = (
        Profile.objects.filter(npi=result.normalized, npi_status=NpiStatus.MATCHED)
        .exclude(user=actor)
        .values_list("user_id", flat=True)
        .first()
    )
    if holder is None:
        raise ValidationError(
            "No other account holds this NPI: submit it on your profile instead.", field="npi"
        )
    if NpiDispute.objects.filter(
        user=actor, npi=result.normalized, status=DisputeStatus.OPEN
    ).exists():
        raise ConflictError(
            "You already opened a dispute for this NPI; an administrator will decide it.",
            field="npi",
        )
    dispute = NpiDispute(
        user=actor, npi=result.normalized, holder_id=holder, statement=statement.strip()[:1000]
    )
    try:
        with transaction.atomic():
            dispute.save()
    except IntegrityError as exc:
        raise ConflictError(
            "You already opened a dispute for this NPI; an administrator will decide it.",
            field="npi",
        ) from exc
    audit_record(
        actor=actor,
        action="npi.dispute.open",
        target=dispute,
        subject_user_id=actor.pk,
        detail={"npi": dispute.npi, "holder": holder},
    )
    return dispute


@transaction.atomic
def npi_dispute_decide(
    *, actor: User, dispute: NpiDispute, uphold: bool, reason: str
) -> NpiDispute:
    """An admin upholds a dispute (the holder's match is withdrawn and the NPI reserved for the
    claimant, who submits it again) or dismisses it; always with a reason, always audited."""
    if not policies.npi_disputes.allows(actor, "decide", dispute):
        raise PermissionDeniedError("Only administrators decide NPI disputes.")
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            "Give a reason for the decision; both clinicians will see it.", field="reason"
        )
    dispute = NpiDispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != DisputeStatus.OPEN:
        raise ConflictError(f"This dispute was already {dispute.get_status_display().lower()}.")
    dispute.status = DisputeStatus.UPHELD if uphold else DisputeStatus.DISMISSED
    dispute.decided_by = actor
    dispute.decided_at = timezone.now()
    dispute.reason = reason[:500]
    dispute.save()
    if uphold:
        holder = (
            Profile.objects.select_for_update()
            .filter(npi=dispute.npi, npi_status=NpiStatus.MATCHED)
            .exclude(user_id=dispute.user_id)
            .first()
        )
        if holder is not None:
            holder.npi_status = NpiStatus.WITHDRAWN
            holder.npi_detail = f"Withdrawn by an administrator after a dispute: {reason}"[:255]
            badge_action = badge_apply(holder)
            holder.save()
            audit_record(
                actor=actor,
                action="npi.withdraw",
                target=holder,
                subject_user_id=holder.user_id,
                detail={"npi": dispute.npi, "from": NpiStatus.MATCHED, "dispute": dispute.pk},
            )
            badge_audit(actor=actor, profile=holder, action=badge_action, cause="npi.dispute")
    audit_record(
        actor=actor,
        action="npi.dispute.uphold" if uphold else "npi.dispute.dismiss",
        target=dispute,
        subject_user_id=dispute.user_id,
        detail={"npi": dispute.npi, "reason": dispute.reason, "holder": dispute.holder_id},
    )
    return dispute


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
