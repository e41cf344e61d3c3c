"""Who may see and change what: through the policy, the pages and the API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from cmepath.catalog import policies
from tests.catalog.factories import make_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(provider_a, provider_b):
    return make_activity(provider_a, title="Mine"), make_activity(provider_b, title="Theirs")


def test_anonymous_sees_published_only(pair, provider_a):
    draft = make_activity(provider_a, status="draft")
    visible = set(policies.activities.visible(AnonymousUser(), "view"))
    assert set(pair) <= visible and draft not in visible
    assert not policies.activities.allows(AnonymousUser(), "change", pair[0])
    assert policies.activities.visible(AnonymousUser(), "change").count() == 0


def test_member_changes_own_provider_only(pair, provider_user):
    mine, theirs = pair
    assert policies.activities.allows(provider_user, "change", mine)
    assert not policies.activities.allows(provider_user, "change", theirs)
    assert list(policies.activities.visible(provider_user, "change")) == [mine]


def test_view_visibility_does_not_repeat_rows_for_multi_member_providers(
    provider_a, provider_user, clinician
):
    provider_a.members.add(clinician)
    make_activity(provider_a)
    assert policies.activities.visible(provider_user, "view").count() == 1


def test_admin_changes_everything(pair, admin_user):
    assert all(policies.activities.allows(admin_user, "change", a) for a in pair)


def test_page_edit_of_another_providers_activity_is_404(client_for, pair, provider_user):
    c = client_for(provider_user)
    mine, theirs = pair
    assert c.get(f"/catalog/activities/{mine.pk}/edit/").status_code == 200
    assert c.get(f"/catalog/activities/{theirs.pk}/edit/").status_code == 404
    r = c.post(f"/catalog/activities/{theirs.pk}/edit/", {"title": "Hijacked"})
    assert r.status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


def test_api_patch_of_another_providers_activity_is_404(client_for, pair, provider_user):
    c = client_for(provider_user)
    mine, theirs = pair
    r = c.patch(
        f"/api/v1/activities/{theirs.pk}", {"title": "Hijacked"}, content_type="application/json"
    )
    assert r.status_code == 404
    r = c.patch(
        f"/api/v1/activities/{mine.pk}",
        {"title": "Renamed", "cost": "20"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["title"] == "Renamed"


def test_import_page_of_another_provider_is_404(client_for, provider_b, provider_user):
    assert (
        client_for(provider_user).get(f"/catalog/provider/{provider_b.pk}/import/").status_code
        == 404
    )


def test_anonymous_reads_pages_but_cannot_edit(client, pair):
    assert client.get(f"/catalog/activities/{pair[0].pk}/").status_code == 200
    assert client.get(f"/catalog/activities/{pair[0].pk}/edit/").status_code == 302  # to sign in


def test_wishlists_are_personal_even_for_admins(clinician, admin_user, pair):
    from cmepath.catalog.models import WishlistItem

    item = WishlistItem.objects.create(user=clinician, activity=pair[0])
    assert list(policies.wishlist.visible(clinician)) == [item]
    assert policies.wishlist.allows(clinician, "delete", item)
    assert not policies.wishlist.visible(admin_user).exists()
    assert not policies.wishlist.allows(admin_user, "view", item)
    assert not policies.wishlist.visible(None).exists()


def test_only_members_and_admins_import_for_a_provider(
    provider_a, provider_user, clinician, admin_user
):
    assert policies.providers.allows(None, "view", provider_a)
    assert policies.providers.allows(provider_user, "import", provider_a)
    assert policies.providers.allows(admin_user, "import", provider_a)
    assert not policies.providers.allows(clinician, "import", provider_a)
    assert list(policies.providers.visible(provider_user, "import")) == [provider_a]
    assert not policies.providers.visible(clinician, "change").exists()
