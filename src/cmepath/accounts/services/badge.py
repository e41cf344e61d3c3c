"""The verified badge: granted when the NPI matched and a proof in the profile's name was
approved; withdrawn by any change to the name, the NPI or an approved licence."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from cmepath.accounts.choices import NpiStatus, ProofStatus
from cmepath.accounts.models import LicenceProof, Profile, User
from cmepath.accounts.nppes import same_name
from cmepath.core.services import audit_record


def badge_eligible(profile: Profile) -> bool:
    """NPI matched, and an approved proof of a still-verified licence in the profile's name.

    The registry is public data: anyone can type a clinician's name and NPI. The proof is
    what an administrator checked against a document, for the name the profile had then.
    """
    if profile.npi_status != NpiStatus.MATCHED or not profile.full_name:
        return False
    names = LicenceProof.objects.filter(
        user_id=profile.user_id, status=ProofStatus.APPROVED, licence__verified=True
    ).values_list("name_checked", flat=True)
    return any(same_name(name, profile.full_name) for name in names)


def badge_apply(profile: Profile) -> str | None:
    """Set ``verified_at`` from the profile as it now is (not saved); the audit action, if any."""
    eligible = badge_eligible(profile)
    if eligible and profile.verified_at is None:
        profile.verified_at = timezone.now()
        return "verification.grant"
    if not eligible and profile.verified_at is not None:
        profile.verified_at = None
        return "verification.withdraw"
    return None


def badge_audit(*, actor: Any, profile: Profile, action: str | None, cause: str) -> None:
    if action:
        audit_record(
            actor=actor,
            action=action,
            target=profile,
            subject_user_id=profile.user_id,
            detail={"cause": cause, "npi": profile.npi},
        )


@transaction.atomic
def badge_refresh(*, actor: Any, user_id: int, cause: str) -> Profile:
    """Grant or withdraw the badge after a change to a licence or a proof decision."""
    profile, _ = Profile.objects.get_or_create(user_id=user_id)
    profile = Profile.objects.select_for_update().get(pk=profile.pk)
    action = badge_apply(profile)
    if action:
        profile.save(update_fields=["verified_at", "updated_at"])
        badge_audit(actor=actor, profile=profile, action=action, cause=cause)
    return profile


@transaction.atomic
def profile_ensure(*, user: User) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile
