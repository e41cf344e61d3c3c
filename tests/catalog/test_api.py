"""``/api/v1/activities``: filters, facets, sorts, forgiving input, detail with the score."""

from __future__ import annotations

import pytest

from cmepath.catalog import services
from tests.catalog.factories import ProviderFactory, make_activity

pytestmark = pytest.mark.django_db
URL = "/api/v1/activities"


@pytest.fixture
def catalog(db):
    ja = ProviderFactory(name="Team Ed", accreditor="JA")
    accme = ProviderFactory(name="Doc Ed", accreditor="ACCME")
    acts = {
        "sepsis": make_activity(
            accme,
            title="Sepsis recognition",
            topics=["sepsis"],
            cost=0,
            professions=["MD"],
            credits="ama_pra_1:2",
            start_date="2027-05-01",
            end_date="2027-05-01",
        ),
        "opioid": make_activity(
            ja,
            title="Opioid prescribing for the team",
            topics=["opioid_prescribing"],
            cost=300,
            professions=["MD", "NP", "RN"],
            credits="ama_pra_1:4; ancc:4; ipce:4",
            interprofessional=True,
            moore_level=5,
            outcomes_evaluated=True,
            start_date="2027-02-01",
            end_date="2027-02-01",
        ),
        "bias": make_activity(
            accme,
            title="Implicit bias essentials",
            topics=["implicit_bias"],
            cost=50,
            professions=["NP"],
            credits="aanp:1",
            commercial_support="Acme:monetary:10000",
            start_date="2027-03-01",
            end_date="2027-03-01",
        ),
        "draft": make_activity(accme, title="Sepsis draft", topics=["sepsis"], status="draft"),
    }
    services.activity_index_rebuild()
    return acts


def ids(response):
    return [r["id"] for r in response.json()["results"]]


def test_anonymous_list_with_facets(client, catalog):
    r = client.get(URL)
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 3 and body["message"] is None
    assert {f["value"]: f["count"] for f in body["facets"]["profession"]} == {
        "MD": 2,
        "NP": 2,
        "RN": 1,
    }
    assert {f["value"]: f["count"] for f in body["facets"]["cost_range"]} == {
        "free": 1,
        "1-99": 1,
        "250-499": 1,
    }
    assert catalog["draft"].pk not in ids(r)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "sepsis"}, ["sepsis"]),
        ({"profession": ["NP"]}, ["opioid", "bias"]),
        ({"profession": ["NP", "MD"], "interprofessional": "yes"}, ["opioid"]),
        ({"no_commercial_support": "yes", "cost_max": 100}, ["sepsis"]),
        ({"moore_min": 5}, ["opioid"]),
        ({"credit_type": "aanp"}, ["bias"]),
        ({"mandated_topic": "implicit_bias"}, ["bias"]),
        ({"accreditor": "JA"}, ["opioid"]),
        ({"starts_after": "2027-04-01"}, ["sepsis"]),
        ({"ends_by": "2027-03-01"}, ["opioid", "bias"]),
    ],
)
def test_filters(client, catalog, params, expected):
    r = client.get(URL, params)
    assert r.status_code == 200
    assert sorted(ids(r)) == sorted(catalog[k].pk for k in expected)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("cost", ["sepsis", "bias", "opioid"]),
        ("start_date", ["opioid", "bias", "sepsis"]),
    ],
)
def test_sorts(client, catalog, sort, expected):
    assert ids(client.get(URL, {"sort": sort})) == [catalog[k].pk for k in expected]


def test_score_sort_is_descending(client, catalog):
    scores = [r["value_score"] for r in client.get(URL, {"sort": "score"}).json()["results"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "q",
    ['"unterminated', "title:", "AND OR NOT", "(((", "x" * 5000, "\x00\t🙂", "foo:bar", "*", "-"],
)
def test_any_query_text_answers_200(client, catalog, q):
    r = client.get(URL, {"q": q})
    assert r.status_code == 200
    body = r.json()
    if body["total"] == 0:
        assert body["message"]


def test_invalid_utf8_and_lone_surrogates_in_the_query_string_answer_200(client, catalog):
    r = client.get(URL, QUERY_STRING="q=%00%ED%A0%80%FF%F0%9F%99%82&profession=%FF")
    assert r.status_code == 200


def test_unknown_sort_is_422_with_a_message(client, catalog):
    r = client.get(URL, {"sort": "cheapest"})
    assert r.status_code == 422
    assert r.json()["message"].startswith("sort:")


def test_list_query_count_is_pinned(client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        r = client.get(URL, {"q": "opioid OR sepsis OR bias"})
    assert r.json()["total"] == 3


def test_detail_has_the_score_breakdown(client, catalog):
    r = client.get(f"{URL}/{catalog['opioid'].pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["score"]["total"] == body["value_score"]
    assert [f["key"] for f in body["score"]["factors"]] == [
        "outcome_tracking",
        "commercial_independence",
        "interprofessional",
        "career_applicability",
        "accreditation",
    ]
    assert {c["credit_type"] for c in body["credits"]} == {"ama_pra_1", "ancc", "ipce"}
    assert body["provider"]["name"] == "Team Ed"


def test_draft_is_404_for_anonymous_but_visible_to_a_member(
    client, client_for, catalog, provider_user
):
    draft = catalog["draft"]
    assert client.get(f"{URL}/{draft.pk}").status_code == 404
    draft.provider.members.add(provider_user)
    assert client_for(provider_user).get(f"{URL}/{draft.pk}").status_code == 200


def test_member_creates_and_non_member_cannot(
    client, client_for, provider_a, provider_b, provider_user
):
    payload = {
        "provider_id": provider_a.pk,
        "title": "New",
        "format": "course",
        "delivery": "online",
        "start_date": "2027-01-01",
        "end_date": "2027-01-01",
        "credits": [{"credit_type": "ama_pra_1", "amount": "1.5"}],
    }
    c = client_for(provider_user)
    r = c.post(URL, payload, content_type="application/json")
    assert r.status_code == 201 and r.json()["credits"][0]["amount"] == "1.50"
    r = c.post(URL, {**payload, "provider_id": provider_b.pk}, content_type="application/json")
    assert r.status_code == 404
    assert client.post(URL, payload, content_type="application/json").status_code == 401


def test_invalid_activity_is_422_with_the_field(client_for, provider_a, provider_user):
    payload = {
        "provider_id": provider_a.pk,
        "title": "New",
        "format": "course",
        "delivery": "online",
        "start_date": "2027-01-02",
        "end_date": "2027-01-01",
        "cost": "-1",
    }
    r = client_for(provider_user).post(URL, payload, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["message"].startswith("cost")


def test_wishlist_api(client_for, clinician, catalog):
    c = client_for(clinician)
    pk = catalog["sepsis"].pk
    assert c.put(f"/api/v1/me/wishlist/{pk}").status_code == 204
    assert [i["activity"]["id"] for i in c.get("/api/v1/me/wishlist").json()] == [pk]
    assert c.put(f"/api/v1/me/wishlist/{catalog['draft'].pk}").status_code == 404
    assert c.delete(f"/api/v1/me/wishlist/{pk}").status_code == 204
    assert c.get("/api/v1/me/wishlist").json() == []
