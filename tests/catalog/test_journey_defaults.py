"""The catalog knows who is looking (issue 13 item 2): profession and date defaults that can
be lifted, "ended" labels, "soonest" from today, the career goal in the value score, "did
you mean" and page clamping. Dates are relative to today (UTC), as the page's are."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from cmepath.accounts.models import Profile
from cmepath.catalog import selectors, services
from cmepath.catalog.choices import CAREER_GOALS, career_goal
from cmepath.catalog.search_docs import ACTIVITY, NEVER_ENDS, SUGGEST_WORDS
from cmepath.search.selectors import requested_page, suggest_text
from tests.catalog.factories import make_activity
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
ENDED_BADGE = '<span class="badge warn">Ended</span>'
PROFESSION_MARKER = '<input type="hidden" name="profession" value="">'


@pytest.fixture
def np_clinician(db):
    user = UserFactory(role="clinician")
    Profile.objects.filter(user=user).update(
        profession="NP", career_goal="Quality improvement lead"
    )
    return user


@pytest.fixture
def opioid(provider_a):
    """Four opioid activities: for NPs in a month, for MDs in ten days, one running (began
    three days ago, ends in three) and one that ended two months ago."""
    today = selectors.today_utc()

    def days(n: int):
        return today + timedelta(days=n)

    acts = {
        "np": make_activity(
            provider_a,
            title="Opioid safety for nurse practitioners",
            professions=["NP"],
            competencies=["quality_patient_safety", "leadership"],
            start_date=days(30),
            end_date=days(31),
        ),
        "md": make_activity(
            provider_a,
            title="Opioid tapering for physicians",
            professions=["MD"],
            start_date=days(10),
            end_date=days(10),
        ),
        "running": make_activity(
            provider_a,
            title="Opioid prescribing series",
            professions=["NP", "MD"],
            start_date=days(-3),
            end_date=days(3),
        ),
        "ended": make_activity(
            provider_a,
            title="Opioid stewardship last season",
            professions=["NP", "MD"],
            start_date=days(-60),
            end_date=days(-1),
        ),
    }
    services.activity_index_rebuild()
    return acts


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)


def page_html(client, **params) -> str:
    r = client.get("/catalog/", params)
    assert r.status_code == 200
    return r.content.decode()


# ---------------------------------------------------------------- anonymous visitors


def test_anonymous_gets_no_profession_default_but_ended_are_hidden(client, opioid):
    html = page_html(client, q="opioid", sort="start_date")
    assert titles(html) == [
        "Opioid tapering for physicians",
        "Opioid safety for nurse practitioners",
    ]
    assert "from your profile" not in html and PROFESSION_MARKER not in html
    assert "Current and upcoming dates" in html
    assert re.search(
        r'<a href="\?q=opioid&amp;sort=start_date&amp;ended=show">Show ended activities</a>', html
    )
    assert ENDED_BADGE not in html


def test_best_match_keeps_running_activities_and_soonest_starts_today(client, opioid):
    best = titles(page_html(client, q="opioid"))
    assert "Opioid prescribing series" in best  # running: not ended
    assert "Opioid stewardship last season" not in best
    soonest = titles(page_html(client, q="opioid", sort="start_date"))
    assert "Opioid prescribing series" not in soonest  # began before today


def test_ended_activities_are_shown_when_asked_and_labelled_ended(client, opioid):
    html = page_html(client, q="opioid", sort="start_date", ended="show")
    assert titles(html) == [
        "Opioid stewardship last season",
        "Opioid prescribing series",
        "Opioid tapering for physicians",
        "Opioid safety for nurse practitioners",
    ]
    cards = html.split('<li class="card activity-card">')[1:]
    assert [ENDED_BADGE in c for c in cards] == [True, False, False, False]
    assert '<input type="checkbox" id="ended" name="ended" value="show" checked>' in html
    assert "Current and upcoming dates" not in html  # no default left to lift
    hidden = page_html(client, q="opioid", ended="hide")
    assert "Opioid stewardship last season" not in titles(hidden)
    assert "Current and upcoming dates" not in hidden  # explicit, not a default


def test_an_explicit_date_filter_replaces_the_date_default(client, opioid):
    since = (selectors.today_utc() - timedelta(days=90)).isoformat()
    html = page_html(client, q="opioid", starts_after=since)
    assert "Opioid stewardship last season" in titles(html) and ENDED_BADGE in html


def test_the_ended_page_lists_ended_activity_detail_as_ended(client, opioid):
    ended = client.get(f"/catalog/activities/{opioid['ended'].pk}/").content.decode()
    assert ENDED_BADGE in ended
    upcoming = client.get(f"/catalog/activities/{opioid['md'].pk}/").content.decode()
    assert ENDED_BADGE not in upcoming


# ---------------------------------------------------------------- a signed-in NP


def test_signed_in_np_sees_their_profession_by_default(client_for, np_clinician, opioid):
    c = client_for(np_clinician)
    html = page_html(c, q="opioid")
    assert sorted(titles(html)) == [
        "Opioid prescribing series",
        "Opioid safety for nurse practitioners",
    ]
    assert '<input type="checkbox" name="profession" value="NP" checked>' in html
    assert '<span class="badge">Nurse practitioner (NP), from your profile</span>' in html
    assert '<a href="?q=opioid&amp;profession=">All professions</a>' in html
    assert PROFESSION_MARKER in html  # unticking NP then sends profession= (all)


def test_all_professions_lifts_the_default_and_an_explicit_choice_wins(
    client_for, np_clinician, opioid
):
    c = client_for(np_clinician)
    every = page_html(c, q="opioid", profession="")
    assert len(titles(every)) == 3 and "from your profile" not in every
    md = page_html(c, q="opioid", profession="MD")
    assert sorted(titles(md)) == ["Opioid prescribing series", "Opioid tapering for physicians"]
    assert "from your profile" not in md


def test_the_defaults_come_back_with_the_htmx_partial(client_for, np_clinician, opioid):
    r = client_for(np_clinician).get("/catalog/", {"q": "opioid"}, headers=HX)
    body = r.content.decode()
    assert "<html" not in body and "from your profile" in body and PROFESSION_MARKER in body


def test_other_roles_get_no_profession_default(client_for, provider_user, opioid):
    html = page_html(client_for(provider_user), q="opioid")
    assert len(titles(html)) == 3 and "from your profile" not in html


def test_search_page_with_defaults_keeps_its_query_count(
    client_for, np_clinician, opioid, django_assert_max_num_queries
):
    c = client_for(np_clinician)
    c.get("/catalog/")  # warm the session
    # session, user, profile, activities, wishlist; engine profile, licences, certifications
    with django_assert_max_num_queries(8):
        assert c.get("/catalog/", {"q": "opioid", "sort": "start_date"}).status_code == 200
    with django_assert_max_num_queries(8):
        assert c.get("/catalog/", {"q": "opiod", "page": "9"}).status_code == 200


# ---------------------------------------------------------------- career goal


def test_the_score_uses_the_profile_career_goal(client_for, np_clinician, opioid):
    activity = opioid["np"]
    html = client_for(np_clinician).get(f"/catalog/activities/{activity.pk}/").content.decode()
    assert "for your goal: Quality and patient-safety lead" in html
    assert "Covers 2 of 3 goal competencies: leadership, quality and patient safety." in html
    assert "quality_patient_safety" not in html and "quality_lead" not in html
    # career fit 2/3 instead of the stored neutral 0.5, at weight 20 out of 100
    assert f"Value score {activity.value_score + 20 * (2 / 3 - 0.5):.1f}" in html


def test_a_goal_in_the_request_wins_over_the_profile(client_for, np_clinician, opioid):
    c = client_for(np_clinician)
    pk = opioid["np"].pk
    html = c.get(f"/catalog/activities/{pk}/", {"goal": "educator"}).content.decode()
    assert "for your goal: Clinical educator" in html
    assert "Covers none of the 3 goal competencies." in html
    unknown = c.get(f"/catalog/activities/{pk}/", {"goal": "astronaut"}).content.decode()
    assert "names no goal or competency we know" in unknown
    assert "for your goal: Quality and patient-safety lead" in unknown  # the profile's


def test_without_a_goal_the_stored_score_is_shown(client, client_for, opioid):
    activity = opioid["np"]
    anon = client.get(f"/catalog/activities/{activity.pk}/").content.decode()
    assert "No goal given." in anon and f"Value score {activity.value_score:.1f}" in anon
    assert "for your goal" not in anon
    no_goal = client_for(UserFactory(role="clinician")).get(f"/catalog/activities/{activity.pk}/")
    assert "Set a career goal in your profile" in no_goal.content.decode()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Quality improvement lead", "quality_lead"),
        ("Department chief", "department_chief"),
        ("Chief Nursing Officer", "nurse_leader"),
        ("chief medical information officer", "informaticist"),
        ("cmo", "cmo"),
        ("Clinical educator", "educator"),
    ],
)
def test_free_text_career_goals_are_read_as_templates(text, key):
    assert career_goal(text) is CAREER_GOALS[key]


def test_a_goal_naming_competencies_only_uses_them_and_nonsense_is_none():
    goal = career_goal("Leadership and finance")
    assert goal is not None and goal.competencies == ("leadership", "finance")
    assert goal.label == "Leadership and finance"
    assert career_goal("be happier") is None and career_goal("  ") is None


# ---------------------------------------------------------------- did you mean


def test_a_typo_suggests_the_nearest_term_as_a_link(client, opioid):
    html = page_html(client, q="opiod")
    assert titles(html) == []
    assert 'Did you mean <a href="?q=opioid">opioid</a>?' in html
    assert len(titles(page_html(client, q="opioid"))) == 3
    assert "Did you mean" not in page_html(client, q="opioid")


def test_no_suggestion_when_the_correction_finds_nothing_more(client, opioid):
    assert "Did you mean" not in page_html(client, q="sepss")  # "sepsis": no such activity


def test_suggest_text_corrects_plain_words_only():
    assert suggest_text("opiod", SUGGEST_WORDS) == "opioid"
    assert suggest_text("Opiod  prescrbing", SUGGEST_WORDS) == "opioid  prescribing"
    assert suggest_text('"opiod" -sepsis title:opiod', SUGGEST_WORDS) is None
    assert suggest_text("sepsis OR ethics", SUGGEST_WORDS) is None


# ---------------------------------------------------------------- pages


@pytest.fixture
def sepsis_pages(provider_a):
    soon = selectors.today_utc() + timedelta(days=20)
    for i in range(21):  # two pages of 20
        make_activity(provider_a, title=f"Sepsis {i}", start_date=soon, end_date=soon)
    services.activity_index_rebuild()


def test_a_page_past_the_end_shows_the_last_page_with_one_message(client, sepsis_pages):
    html = page_html(client, q="sepsis", page="999")
    assert html.count("Page 999 is past the end; showing page 2 of 2.") == 1
    assert "Results stop after" not in html  # the engine's window note is not repeated
    assert len(titles(html)) == 1 and "Page 2 of 2" in html
    assert '<a href="?q=sepsis&amp;page=1" rel="prev">Previous</a>' in html


@pytest.mark.parametrize(("raw", "shown"), [("0", "0"), ("-1", "-1"), ("abc", "'abc'")])
def test_a_page_that_is_not_a_page_number_shows_page_one_with_one_message(
    client, sepsis_pages, raw, shown
):
    html = unescape(page_html(client, q="sepsis", page=raw))
    assert html.count(f"Page {shown} does not exist; showing page 1.") == 1
    assert "is not a number" not in html
    assert len(titles(html)) == 20 and "Page 1 of 2" in html


def test_requested_page_reads_numbers_only():
    assert requested_page("3") == (3, None) and requested_page(None) == (1, None)
    assert requested_page("2.5") == (1, "Page '2.5' does not exist; showing page 1.")


def test_the_api_keeps_its_own_paging(client, sepsis_pages):
    """The API refuses pages below 1 (422) and answers a page past the end as asked, with
    no results, rather than clamping it: a client sees ``pages`` and decides."""
    assert client.get("/api/v1/activities", {"page": 0}).status_code == 422
    body = client.get("/api/v1/activities", {"q": "sepsis", "page": 3}).json()
    assert (body["page"], body["pages"], body["results"]) == (3, 2, [])


# ---------------------------------------------------------------- the index


def test_documents_carry_an_end_date_and_undated_ones_never_end(opioid):
    doc = ACTIVITY.prepare({"id": "1", "start_date": 20270301})
    assert doc["end_date"] == 20270301
    assert ACTIVITY.prepare({"id": "2"})["end_date"] == NEVER_ENDS
    assert (
        ACTIVITY.prepare({"id": "3", "start_date": 20270301, "end_date": 20270305})["end_date"]
        == 20270305
    )


def test_activity_page_with_a_career_goal_keeps_its_query_count(
    client_for, np_clinician, opioid, django_assert_max_num_queries
):
    c = client_for(np_clinician)
    c.get("/catalog/")  # warm the session
    # session, user, activity, designations, support, cohorts, profile, wishlist, can-edit;
    # engine profile, licences, certifications, completions (what it counts toward for you)
    with django_assert_max_num_queries(13):
        r = c.get(f"/catalog/activities/{opioid['np'].pk}/")
    assert "for your goal" in r.content.decode()


def test_a_clinician_of_another_profession_gets_no_profession_default(client_for, opioid):
    user = UserFactory(role="clinician")
    Profile.objects.filter(user=user).update(profession="other")
    html = page_html(client_for(user), q="opioid")
    assert len(titles(html)) == 3 and "from your profile" not in html
