"""What an employer sees of an applicant: the profile summary and fit, never licence numbers,
unless the applicant attached a transcript link; then that transcript, while it is active."""

from __future__ import annotations

import pytest

from cmepath.credits.services import share_link_create, share_link_revoke
from cmepath.jobs.services import application_create
from tests.factories import LicenceFactory, UserFactory
from tests.jobs.factories import make_employer, make_vacancy

pytestmark = pytest.mark.django_db


def test_the_transcript_is_shown_only_when_attached_and_active(client_for):
    recruiter = UserFactory(role="employer")
    vacancy = make_vacancy(make_employer(member=recruiter))
    plain, sharing = UserFactory(), UserFactory()
    LicenceFactory(user=plain, number="PLAIN-1234")
    LicenceFactory(user=sharing, number="SHARED-5678")
    first = application_create(actor=plain, vacancy=vacancy)
    link, _ = share_link_create(actor=sharing, label="Hill Country Health")
    second = application_create(actor=sharing, vacancy=vacancy, share_link=link)
    c = client_for(recruiter)

    page = c.get(f"/jobs/applications/{first.pk}/").content.decode()
    assert "PLAIN-1234" not in page and "Not shared" in page
    assert c.get(f"/jobs/applications/{first.pk}/transcript/").status_code == 404

    page = c.get(f"/jobs/applications/{second.pk}/").content.decode()
    assert "open the transcript" in page and "SHARED-5678" not in page
    transcript = c.get(f"/jobs/applications/{second.pk}/transcript/")
    assert transcript.status_code == 200
    assert transcript["Cache-Control"] == "no-store"
    assert "licence" in transcript.content.decode().lower()

    share_link_revoke(actor=sharing, link=link)
    assert c.get(f"/jobs/applications/{second.pk}/transcript/").status_code == 404
    # the applicant, another employer and another clinician never get it
    assert client_for(sharing).get(f"/jobs/applications/{second.pk}/transcript/").status_code == 404
    other = UserFactory(role="employer")
    make_employer(member=other)
    assert client_for(other).get(f"/jobs/applications/{second.pk}/transcript/").status_code == 404


def test_applying_with_someone_elses_link_is_refused():
    vacancy = make_vacancy()
    owner, other = UserFactory(), UserFactory()
    link, _ = share_link_create(actor=owner, label="x")
    from cmepath.core.errors import ValidationError

    with pytest.raises(ValidationError, match="not yours"):
        application_create(actor=other, vacancy=vacancy, share_link=link)
