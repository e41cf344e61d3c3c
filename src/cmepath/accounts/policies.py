"""Permission policies of the accounts app: one per model (core.policy)."""

from __future__ import annotations

from typing import Any

from django.db import models

from cmepath.core.policy import OwnerPolicy, Policy, is_admin

from .models import ApiToken, BoardCertification, Licence, LicenceProof, NpiDispute, Profile


class ProfilePolicy(Policy[Profile]):
    model = Profile


class LicencePolicy(Policy[Licence]):
    model = Licence


class BoardCertificationPolicy(Policy[BoardCertification]):
    model = BoardCertification


class LicenceProofPolicy(Policy[LicenceProof]):
    """Owners see their proofs; admins see all and are the only ones who decide."""

    model = LicenceProof
    actions = frozenset({"view", "change", "delete", "decide"})

    def allows(self, user: Any, action: str, obj: LicenceProof) -> bool:
        if action == "decide":
            return is_admin(user)
        return super().allows(user, action, obj)

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[LicenceProof]:
        if action == "decide":
            qs = LicenceProof.objects.all()
            return qs if is_admin(user) else qs.none()
        return super().visible(user, action)


class NpiDisputePolicy(Policy[NpiDispute]):
    """Claimants see their disputes; admins see all and are the only ones who decide."""

    model = NpiDispute
    actions = frozenset({"view", "decide"})

    def allows(self, user: Any, action: str, obj: NpiDispute) -> bool:
        if action == "decide":
            return is_admin(user)
        return super().allows(user, action, obj)

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[NpiDispute]:
        if action == "decide":
            qs = NpiDispute.objects.all()
            return qs if is_admin(user) else qs.none()
        return super().visible(user, action)


class ApiTokenPolicy(OwnerPolicy[ApiToken]):
    """Tokens are strictly personal: not even admins read another user's tokens."""

    model = ApiToken


profiles = ProfilePolicy()
licences = LicencePolicy()
board_certifications = BoardCertificationPolicy()
proofs = LicenceProofPolicy()
npi_disputes = NpiDisputePolicy()
tokens = ApiTokenPolicy()
