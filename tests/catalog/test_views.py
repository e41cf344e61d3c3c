"""Catalog pages: full page vs htmx partial, pinned query counts, the provider area."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cmepath.catalog import services
from cmepath.catalog.models import Activity, WishlistItem
from tests.catalog.factories import ProviderFactory, make_activity

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def indexed(provider_a):
    acts = [
        make_activity(provider_a, title=f"Sepsis course {i}", topics=["sepsis"], cost=10 * i)
        for i in range(5)
    ]
    acts.append(
        make_activity(ProviderFactory(), title="Opioid safety", topics=["opioid_prescribing"])
    )
    services.activity_index_rebuild()
    return acts


def assert_no_inline_style_or_script(html: str) -> None:
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_search_page_full_and_partial(client, indexed):
    full = client.get("/catalog/", {"q": "sepsis"})
    assert full.status_code == 200
    html = full.content.decode()
    assert "<html" in html and 'hx-get="/catalog/"' in html and 'hx-push-url="true"' in html
    assert html.count('class="card activity-card"') == 5
    assert_no_inline_style_or_script(html)
    part = client.get("/catalog/", {"q": "sepsis", "profession": "MD"}, headers=HX)
    body = part.content.decode()
    assert "<html" not in body and body.lstrip().startswith('<div id="catalog-results"')
    assert "HX-Request" in part["Vary"]


def test_facet_counts_and_checked_values_render(client, indexed):
    html = client.get("/catalog/", {"topics": "sepsis"}).content.decode()
    assert re.search(
        r'name="topics" value="sepsis" checked> <span>Sepsis</span> <span class="facet-count">5</span>',
        html,
    )


def test_bad_input_on_the_search_page_never_errors(client, indexed):
    r = client.get(
        "/catalog/",
        {"q": '"((( title:', "sort": "nope", "page": "x", "cost_max": "inf", "moore_min": "9"},
    )
    assert r.status_code == 200
    assert "Unknown sort" in r.content.decode()


def test_search_page_query_count_is_pinned(
    client_for, clinician, indexed, django_assert_max_num_queries
):
    c = client_for(clinician)
    c.get("/catalog/")  # warm the session
    # + the engine profile, licences and certifications ("does not count for your licence")
    with django_assert_max_num_queries(8):
        r = c.get("/catalog/", {"q": "sepsis"})
    assert r.status_code == 200


def test_activity_page_shows_why_this_score(client, indexed):
    activity = indexed[0]
    html = client.get(f"/catalog/activities/{activity.pk}/").content.decode()
    assert "Why this score" in html
    for factor in activity.score_breakdown["factors"]:
        assert factor["reason"] in html
    assert "AMA PRA Category 1 Credit" in html
    assert_no_inline_style_or_script(html)


def test_wishlist_toggle_plain_and_htmx(client_for, clinician, indexed):
    c = client_for(clinician)
    pk = indexed[0].pk
    r = c.post(
        f"/catalog/activities/{pk}/wishlist/", {"action": "add", "next": "https://evil.example/"}
    )
    assert r.status_code == 302 and r["Location"] == f"/catalog/activities/{pk}/"
    assert WishlistItem.objects.filter(user=clinician, activity_id=pk).exists()
    r = c.post(f"/catalog/activities/{pk}/wishlist/", {"action": "remove"}, headers=HX)
    assert (
        r.status_code == 200
        and "Save to wishlist" in r.content.decode()
        and "<html" not in r.content.decode()
    )
    assert not WishlistItem.objects.exists()
    c.post(f"/catalog/activities/{pk}/wishlist/", {"action": "add"})
    assert indexed[0].title in c.get("/catalog/wishlist/").content.decode()


def test_provider_creates_and_edits_an_activity(client_for, provider_a, provider_user):
    c = client_for(provider_user)
    form = {
        "title": "Team sepsis drill",
        "status": "published",
        "format": "course",
        "delivery": "live",
        "start_date": "2027-04-01",
        "end_date": "2027-04-01",
        "state": "MA",
        "city": "Boston",
        "cost": "0",
        "credits": "ama_pra_1:2; ipce:2",
        "professions": ["MD", "RN"],
        "topics": ["sepsis"],
        "rems": "none",
        "interprofessional": "on",
        "commercial_support": "",
    }
    r = c.post(f"/catalog/provider/{provider_a.pk}/activities/new/", form)
    assert r.status_code == 302
    activity = Activity.objects.get(title="Team sepsis drill")
    assert activity.credit_types == ["ama_pra_1", "ipce"] and activity.interprofessional
    page = c.get(f"/catalog/activities/{activity.pk}/edit/").content.decode()
    assert "ama_pra_1:2; ipce:2" in page
    r = c.post(f"/catalog/activities/{activity.pk}/edit/", {**form, "credits": "ama_pra_1:-2"})
    assert r.status_code == 422 and "must not be negative" in r.content.decode()
    r = c.post(
        f"/catalog/activities/{activity.pk}/outcomes/",
        {
            "period_start": "2025-01-01",
            "period_end": "2025-02-01",
            "learners": "30",
            "moore_level": "6",
            "summary": "Time to antibiotics fell.",
        },
    )
    assert r.status_code == 302
    activity.refresh_from_db()
    assert activity.moore_level == 6


def test_import_upload_reports_row_errors(client_for, provider_a, provider_user):
    c = client_for(provider_user)
    text = (
        "provider_activity_id,title,format,delivery,start_date,end_date,credits\n"
        "U1,Good,course,online,2027-01-01,2027-01-01,ama_pra_1:1\n"
        "U2,Bad,course,online,2027-01-01,2027-01-01,nope:1\n"
    )
    r = c.post(
        f"/catalog/provider/{provider_a.pk}/import/",
        {"file": SimpleUploadedFile("acts.csv", text.encode())},
    )
    assert r.status_code == 302
    page = c.get(r["Location"]).content.decode()
    assert "unknown credit type" in page and "<td>3</td>" in page
    assert Activity.objects.filter(provider=provider_a).count() == 1


def test_import_upload_of_an_unusable_file_shows_the_reason(client_for, provider_a, provider_user):
    r = client_for(provider_user).post(
        f"/catalog/provider/{provider_a.pk}/import/",
        {"file": SimpleUploadedFile("a.json", b"{not json")},
    )
    assert r.status_code == 422 and "not valid JSON" in r.content.decode()


def test_provider_home_lists_own_activities(client_for, provider_a, provider_user, provider_b):
    make_activity(provider_a, title="Ours")
    make_activity(provider_b, title="Other")
    html = client_for(provider_user).get("/catalog/provider/").content.decode()
    assert "Ours" in html and "Other" not in html


def test_import_upload_over_the_platform_limit_is_refused_next_to_the_file(
    client_for, provider_a, provider_user, settings
):
    settings.CMEPATH_MAX_UPLOAD_BYTES = 1024
    r = client_for(provider_user).post(
        f"/catalog/provider/{provider_a.pk}/import/",
        {"file": SimpleUploadedFile("big.csv", b"x" * 2048)},
    )
    html = r.content.decode()
    assert r.status_code == 422
    assert "The file is larger than 1 KiB; split it, or ask an admin to use the CLI." in html
    assert not Activity.objects.exists()
