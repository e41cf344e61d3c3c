"""Permission policies of the credits app: one per model (core.policy).

Completions are the clinician's own: owners act on them; admins may view (support) but
not change. Certificates and share links are strictly personal (``core.policy.OwnerPolicy``,
no admin view either): certificates are served only to their owner (and, as part of a
transcript, to the holders of a live share link: see the views); share links are like API
tokens. Notification preferences are strictly personal too.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from cmepath.core.policy import OwnerPolicy, Policy

from .choices import Provenance
from .models import Certificate, Completion, NotificationPreference, ShareLink


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


class CertificatePolicy(OwnerPolicy[Certificate]):
    """Only the owner downloads a certificate (health-adjacent documents: no admin browse)."""

    model = Certificate


class ShareLinkPolicy(OwnerPolicy[ShareLink]):
    """A share link is its owner's alone, like an API token."""

    model = ShareLink


class NotificationPreferencePolicy(OwnerPolicy[NotificationPreference]):
    """Which reminders a clinician gets is theirs alone (no admin view: nothing to support)."""

    model = NotificationPreference


completions = CompletionPolicy()
certificates = CertificatePolicy()
share_links = ShareLinkPolicy()
notification_preferences = NotificationPreferencePolicy()
