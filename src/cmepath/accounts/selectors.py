"""Reads on identity, always through the policies."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from . import policies
from .choices import DisputeStatus, NpiStatus, ProofStatus
from .models import ApiToken, BoardCertification, Licence, LicenceProof, NpiDispute, Profile, User
from .npi import check_npi


def profile_for(*, user: User) -> Profile:
    """The user's profile; created on first use (the write path only runs once per user)."""
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    from .services import profile_ensure

    return profile_ensure(user=user)


def active_user_by_email(email: str) -> User | None:
    """The active account with this email (case-insensitive), or None."""
    return User.objects.filter(email__iexact=email.strip(), is_active=True).first()


def licences_for(*, actor: Any) -> QuerySet[Licence]:
    return policies.licences.visible(actor).filter(user=actor).prefetch_related("proofs")


def board_certs_for(*, actor: Any) -> QuerySet[BoardCertification]:
    return policies.board_certifications.visible(actor).filter(user=actor)


def verification_queue(*, actor: Any) -> QuerySet[LicenceProof]:
    return (
        policies.proofs.visible(actor, "decide")
        .filter(status=ProofStatus.PENDING)
        .select_related("user__profile", "licence")
        .order_by("uploaded_at")
    )


def dispute_queue(*, actor: Any) -> QuerySet[NpiDispute]:
    """Open NPI disputes, oldest first, with both accounts' profiles (admins only)."""
    return (
        policies.npi_disputes.visible(actor, "decide")
        .filter(status=DisputeStatus.OPEN)
        .select_related("user__profile", "holder__profile")
        .order_by("created_at")
    )


def disputes_for(*, actor: Any) -> QuerySet[NpiDispute]:
    """The disputes the signed-in user opened, newest first."""
    return policies.npi_disputes.visible(actor).filter(user=actor).order_by("-created_at")


def npi_held_elsewhere(*, actor: Any, npi: str) -> bool:
    """Whether another account holds this NPI as matched (the page then offers a dispute)."""

    result = check_npi(npi)
    return (
        result.valid
        and Profile.objects.filter(npi=result.normalized, npi_status=NpiStatus.MATCHED)
        .exclude(user=actor)
        .exists()
    )


def tokens_for(*, actor: Any) -> QuerySet[ApiToken]:
    return policies.tokens.visible(actor)


def verification_summary(*, user: User) -> dict[str, Any]:
    """What the clinician home shows: badge, NPI state, licences and their proofs.

    ``verified`` is the full badge (NPI matched and a proof approved in the profile's name);
    ``npi_matched`` alone is the registry match, shown as "NPI matched", never as verified.
    """
    profile = profile_for(user=user)
    # the proofs are only counted: one query with the count, not a second one for the proofs
    # (Meta.ordering does not apply to an aggregating query: it is restated here)
    licences = list(
        Licence.objects.filter(user=user)
        .order_by("state", "licence_type")
        .annotate(pending=Count("proofs", filter=Q(proofs__status=ProofStatus.PENDING)))
    )
    pending = sum(lic.pending for lic in licences)
    return {
        "profile": profile,
        "licences": licences,
        "pending_proofs": pending,
        "verified": profile.is_verified,
        "npi_matched": profile.npi_matched,
        "badge": profile.badge_label,
    }
