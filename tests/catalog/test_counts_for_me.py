"""The catalog says what counts for the signed-in clinician (issue 13 item 1): the ``ends_by``
date filter, the banner of a "Find CME for this" search (``?gap=``), "closes 2 of 43 h" on each
result, "does not count for your California MD licence: no AMA PRA Category 1 Credit" on
cards, the activity page and the wishlist; none of it for anyone else, never a 500 for a bad
``gap``, and a query count that does not grow with the number of results."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cmepath.accounts.models import Profile
from cmepath.catalog import selectors as catalog_selectors
from cmepath.catalog.services import activity_index_rebuild, wishlist_add
from cmepath.credits.selectors import today
from tests.catalog.factories import make_activity
from tests.credits.factories import CompletionFactory
from tests.factories import LicenceFactory, UserFactory

pytestmark = pytest.mark.django_db

GAP = "ca-md:total"
NO_AMA = "Does not count for your California MD licence: no AMA PRA Category 1 Credit"


def _text(body: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


def _cards(body: str) -> dict[str, str]:
    """Each result card's text by its title."""
    out = {}
    for card in re.findall(r'<li class="card activity-card">(.*?)</li>', body, re.S):
        title = unescape(re.search(r"<h3><a [^>]*>(.*?)</a>", card, re.S).group(1))
        out[title] = _text(card)
    return out


@pytest.fixture
def ca_md(clinician):
    """An MD with a California licence expiring in 60 days and 7 h of AMA PRA 1: 43 h to go."""
    Profile.objects.filter(user=clinician).update(profession="MD")
    LicenceFactory(
        user=clinician,
        state="CA",
        licence_type="MD",
        expiry_date=today() + timedelta(days=60),
        dea_registered=False,
    )
    CompletionFactory(
        user=clinician, completed_on=today() - timedelta(days=30), credits={"ama_pra_1": 7}
    )
    return clinician


@pytest.fixture
def deadline(ca_md):
    from cmepath.credits import selectors

    return selectors.requirements_accept(actor=ca_md).gaps[GAP].deadline


@pytest.fixture
def catalog(provider_a, deadline):
    """Activities for MDs and NPs ending before the deadline (two count), one after it."""
    soon = today() + timedelta(days=20)
    acts = {
        "ama": make_activity(
            provider_a,
            title="Sepsis update",
            credits="ama_pra_1:2; ancc:2",
            start_date=soon,
            end_date=soon,
        ),
        "big": make_activity(
            provider_a,
            title="Internal medicine board review",
            credits="ama_pra_1:60",
            start_date=soon,
            end_date=soon,
        ),
        "nursing": make_activity(
            provider_a,
            title="Wound care for nurses",
            credits="ancc:8",
            start_date=soon,
            end_date=soon,
        ),
        "late": make_activity(
            provider_a,
            title="Late summer symposium",
            credits="ama_pra_1:10",
            start_date=deadline + timedelta(days=5),
            end_date=deadline + timedelta(days=6),
        ),
    }
    activity_index_rebuild()
    return acts


def _search_url(deadline, **extra: str) -> str:
    params = {"profession": "MD", "credit_type": "", "ends_by": deadline.isoformat(), **extra}
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    return f"{reverse('catalog:search')}?{query}"


def test_ends_by_is_a_real_filter_shown_and_removable(ca_md, catalog, deadline, client_for):
    body = client_for(ca_md).get(_search_url(deadline)).content.decode()
    cards = _cards(body)
    assert set(cards) == {
        "Sepsis update",
        "Internal medicine board review",
        "Wound care for nurses",
    }
    label = f"ends by {deadline:%b} {deadline.day}, {deadline.year}"
    assert label in _text(body)
    assert f'name="ends_by" value="{deadline.isoformat()}"' in body
    remove = re.search(r'data-testid="ends-by-chip".*?href="\?([^"]*)"', body, re.S).group(1)
    assert "ends_by" not in unescape(remove)
    lifted = client_for(ca_md).get(f"{reverse('catalog:search')}?{unescape(remove)}")
    assert "Late summer symposium" in _cards(lifted.content.decode())
    # the filter itself, through the selector: end_date <= deadline (and not ended)
    found = catalog_selectors.catalog_search(actor=ca_md, params={"ends_by": deadline.isoformat()})
    assert found.query.ranges["end_date"].max == catalog_selectors.yyyymmdd(deadline)


def test_a_bad_ends_by_is_named_and_ignored(ca_md, catalog, client_for):
    response = client_for(ca_md).get(f"{reverse('catalog:search')}?ends_by=someday")
    assert response.status_code == 200
    assert "ends_by must be a date (YYYY-MM-DD) and was ignored." in response.content.decode()


def test_the_gap_banner_and_what_each_result_closes(ca_md, catalog, deadline, client_for):
    body = client_for(ca_md).get(_search_url(deadline, gap=GAP)).content.decode()
    banner = _text(re.search(r'data-testid="gap-banner".*?</section>', body, re.S).group(0))
    assert (
        "Closing: 50 h AMA PRA Category 1 every 2 years for your California MD licence,"
        f" 43 h still needed by {deadline:%b} {deadline.day}, {deadline.year}"
    ) in banner
    cards = _cards(body)
    assert "closes 2 of 43 h" in cards["Sepsis update"]
    assert "closes 43 of 43 h" in cards["Internal medicine board review"]
    assert (
        "does not count toward this requirement: no AMA PRA Category 1 Credit"
        in cards["Wound care for nurses"]
    )
    assert NO_AMA in cards["Wound care for nurses"]
    assert "Does not count" not in cards["Sepsis update"]
    # the gap rides along with every filter change (a hidden field of the search form)
    assert f'<input type="hidden" name="gap" value="{GAP}">' in body
    assert "ama_pra_1" not in _text(body)  # labels, never codes


def test_the_htmx_partial_carries_the_banner_and_notes(ca_md, catalog, deadline, client_for):
    response = client_for(ca_md).get(_search_url(deadline, gap=GAP), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="catalog-results"') or "catalog-results" in body[:200]
    assert 'data-testid="gap-banner"' in body
    assert "closes 2 of 43 h" in body


@pytest.mark.parametrize("gap", ["tx-np:total", "ca-md:nope", "<script>x</script>", ":"])
def test_a_gap_that_is_not_yours_says_so(ca_md, catalog, deadline, client_for, gap):
    other = UserFactory(role="clinician")
    Profile.objects.filter(user=other).update(profession="NP")
    LicenceFactory(user=other, state="TX", licence_type="NP", dea_registered=False)
    response = client_for(ca_md).get(reverse("catalog:search"), {"gap": gap})
    assert response.status_code == 200
    body = response.content.decode()
    assert "is not one of your open requirements" in _text(body)
    assert "<script>x" not in body
    assert "Texas" not in _text(body)
    assert "closes " not in _text(body)


def test_anonymous_visitors_and_providers_see_none_of_it(
    ca_md, catalog, deadline, client, provider_user, client_for
):
    for who in (client, client_for(provider_user)):
        body = who.get(_search_url(deadline, gap=GAP)).content.decode()
        assert "gap-banner" not in body
        assert "closes " not in body
        assert "Does not count" not in body
        assert 'name="gap"' not in body
        page = who.get(reverse("catalog:activity", args=[catalog["nursing"].pk]))
        assert "Does not count" not in page.content.decode()


def test_does_not_count_on_the_activity_page_and_the_wishlist(ca_md, catalog, client_for):
    c = client_for(ca_md)
    body = c.get(reverse("catalog:activity", args=[catalog["nursing"].pk])).content.decode()
    assert f"{NO_AMA}." in _text(body)
    counted = c.get(reverse("catalog:activity", args=[catalog["ama"].pk])).content.decode()
    assert "Does not count" not in counted
    assert "Counts toward your open requirements" in counted
    assert "50 h AMA PRA Category 1 every 2 years (California MD licence): up to 2 h" in _text(
        counted
    )
    wishlist_add(actor=ca_md, activity=catalog["nursing"])
    wishlist_add(actor=ca_md, activity=catalog["ama"])
    saved = c.get(reverse("catalog:wishlist")).content.decode()
    assert NO_AMA in _text(saved)
    assert "Counts toward: 50 h AMA PRA Category 1 every 2 years" in _text(saved)


def test_a_clinician_without_rules_sees_no_does_not_count(catalog, client_for):
    newcomer = UserFactory(role="clinician")
    body = client_for(newcomer).get(reverse("catalog:search")).content.decode()
    assert "Does not count" not in body


def test_query_count_does_not_grow_with_the_results(ca_md, provider_a, deadline, client_for):
    """Twenty cards cost the queries of two: one evaluation and one designation query per
    page, not one per card (nor per regime x card)."""
    soon = today() + timedelta(days=20)
    c = client_for(ca_md)
    make_activity(provider_a, title="First", credits="ama_pra_1:1", start_date=soon, end_date=soon)
    make_activity(provider_a, title="Second", credits="ancc:1", start_date=soon, end_date=soon)
    activity_index_rebuild()
    url = _search_url(deadline, gap=GAP)
    c.get(url)  # warm caches (rule index, templates, session)
    with CaptureQueriesContext(connection) as two:
        body = c.get(url).content.decode()
    assert len(_cards(body)) == 2
    for n in range(18):
        make_activity(
            provider_a,
            title=f"More {n}",
            credits="ama_pra_1:1" if n % 2 else "ancc:2",
            start_date=soon,
            end_date=soon,
        )
    activity_index_rebuild()
    with CaptureQueriesContext(connection) as twenty:
        body = c.get(url).content.decode()
    assert len(_cards(body)) == 20
    assert body.count("closes 1 of 43 h") == 10
    assert len(twenty.captured_queries) == len(two.captured_queries)
    designation_queries = [
        q["sql"] for q in twenty.captured_queries if "catalog_creditdesignation" in q["sql"]
    ]
    assert len(designation_queries) == 1


def test_without_a_gap_the_search_reads_no_completions_nor_designations(ca_md, catalog, client_for):
    """ "Does not count" needs what the rules accept (profile, licences, certifications), not
    what was done nor how much each activity gives."""
    c = client_for(ca_md)
    c.get(reverse("catalog:search"))
    with CaptureQueriesContext(connection) as ctx:
        body = c.get(reverse("catalog:search")).content.decode()
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "credits_completion" not in sql
    assert "catalog_creditdesignation" not in sql
    cards = _cards(body)
    assert NO_AMA in cards["Wound care for nurses"]
    assert "Does not count" not in cards["Sepsis update"]
    assert "closes " not in body
