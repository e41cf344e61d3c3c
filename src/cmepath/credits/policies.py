"""Permission policies of the credits app: one per model (core.policy).

Completions, certificates and share links are the clinician's own: owners act on them;
admins may view (support) but not change. Certificates are served only to their owner
(and, as part of a transcript, to the holders of a live share link: see the views).
Share links are strictly personal, like API tokens.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from cmepath.core.policy import Policy, role_of

from .choices import Provenance
from .models import Certificate, Completion, ShareLink


class CompletionPolicy(Policy[Completion]):
    """Owners act on their completions; ``"reported"``: the provider-reported completions of
    the activities whose provider the user is a member of (what the provider itself entered)."""

    model = Completion

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[Completion]:
        if action != "reported":
            return super().visible(user, action)
        from cmepath.catalog import policies as catalog_policies

        mine = catalog_policies.activities.visible(user, "report").values(
            "pk"
        )  # the catalog's rule
        return Completion.objects.filter(
            provenance=Provenance.PROVIDER_REPORTED, activity_id__in=mine
        )


class CertificatePolicy(Policy[Certificate]):
    """Only the owner downloads a certificate (health-adjacent documents: no admin browse)."""

    model = Certificate

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[Certificate]:
        if role_of(user) is None:
            return Certificate.objects.none()
        return Certificate.objects.filter(user=user)

    def allows(self, user: Any, action: str, obj: Certificate) -> bool:
        return role_of(user) is not None and obj.user_id == user.pk


class ShareLinkPolicy(Policy[ShareLink]):
    model = ShareLink

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[ShareLink]:
        if role_of(user) is None:
            return ShareLink.objects.none()
        return ShareLink.objects.filter(user=user)

    def allows(self, user: Any, action: str, obj: ShareLink) -> bool:
        return role_of(user) is not None and obj.user_id == user.pk


completions = CompletionPolicy()
certificates = CertificatePolicy()
share_links = ShareLinkPolicy()
