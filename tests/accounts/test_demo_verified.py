"""The demo still shows a verified clinician, through the real path (NPI match + proof)."""

from __future__ import annotations

import pytest

from cmepath.accounts.models import LicenceProof, Profile
from cmepath.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_demo_clinician_is_verified_the_real_way_and_a_second_run_changes_nothing(client):
    from cmepath.demo.services import CLINICIANS, demo_accounts_load

    # when the demo accounts are loaded
    demo_accounts_load()
    # then the first clinician is verified: NPI matched and her synthetic proof approved
    ada = Profile.objects.get(user__email=CLINICIANS[0].email)
    assert ada.npi == "1999000015" and ada.npi_matched and ada.is_verified
    proof = LicenceProof.objects.get(user=ada.user)
    assert (proof.status, proof.name_checked) == ("approved", "Ada Demo")
    # and the others are not
    others = Profile.objects.filter(user__email__in=[c.email for c in CLINICIANS[1:]])
    assert others.count() == len(CLINICIANS) - 1
    assert not any(p.is_verified for p in others)
    # when it runs again nothing changes (no second proof, no new audit rows)
    events = AuditEvent.objects.count()
    demo_accounts_load()
    ada.refresh_from_db()
    assert ada.is_verified and ada.npi == "1999000015"
    assert LicenceProof.objects.filter(user=ada.user).count() == 1
    assert AuditEvent.objects.count() == events
    # and her home page shows the badge
    client.force_login(ada.user)
    assert 'data-testid="verified-badge"' in client.get("/").content.decode()
