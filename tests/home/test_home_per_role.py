"""Issue 13 item 3: each role's home says what that person acts on next.

Clinician: verification, the next deadline with a countdown, the top gaps each with a
catalog search that would close it, recent completions (query count pinned). Provider:
activities, completions to report, the value-score distribution. Employer and editor: what
they act on today (the editor: the hub's review queue) and, for the employer, what is
coming, without links to pages that do not exist. The account
menu holds profile, security and API tokens; no menu item leads to a placeholder.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from cmepath.accounts.choices import NpiStatus
from cmepath.accounts.models import Profile
from cmepath.catalog.models import Activity
from cmepath.credits.rules import default_rules
from cmepath.credits.selectors import today
from cmepath.home import selectors
from tests.catalog.factories import ProviderFactory, make_activity
from tests.credits.factories import CompletionFactory
from tests.factories import LicenceFactory, UserFactory

pytestmark = pytest.mark.django_db

CA_TOTAL = "50 h AMA PRA Category 1 every 2 years"
CA_PAIN = "One-time 12 h pain management and care of the terminally ill"


def _links(body: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"#]+)', body)]


def _main(body: str) -> str:
    return body[body.index("<main") : body.index("</main>")]


@pytest.fixture
def ca_physician(clinician):
    """An MD with a California licence expiring in 60 days and a few AMA PRA credits."""
    Profile.objects.filter(user=clinician).update(profession="MD", first_name="Ana")
    LicenceFactory(
        user=clinician, state="CA", licence_type="MD", expiry_date=today() + timedelta(days=60)
    )
    return clinician


# -- clinician ----------------------------------------------------------------------------------


def _pain_course_done(user):
    """California's one-time pain course, which a licence issued in 2015 (the factory's
    date) owed by its first renewal: done, the renewal's own deadline comes next."""
    CompletionFactory(
        user=user,
        completed_on=today() - timedelta(days=3),
        topics=["pain_management", "end_of_life_care"],
        credits={"ama_pra_1": 12},
    )


def test_clinician_sees_the_next_deadline_with_a_countdown(ca_physician, client_for):
    _pain_course_done(ca_physician)
    body = client_for(ca_physician).get("/").content.decode()
    deadline = body[body.index('data-testid="next-deadline"') :]
    assert "California physician (MD) licence" in deadline[:600]
    assert 'data-testid="countdown">in 60 days<' in deadline


def test_an_expired_licence_counts_the_days_overdue(clinician, client_for):
    Profile.objects.filter(user=clinician).update(profession="MD")
    LicenceFactory(
        user=clinician, state="CA", licence_type="MD", expiry_date=today() - timedelta(days=5)
    )
    _pain_course_done(clinician)
    context = selectors.clinician_home(user=clinician)
    assert context["next_deadline"].days_left == -5
    body = client_for(clinician).get("/").content.decode()
    assert 'data-testid="countdown">5 days overdue<' in body


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (0, "due today"),
        (1, "in 1 day"),
        (12, "in 12 days"),
        (-1, "1 day overdue"),
        (-30, "30 days overdue"),
    ],
)
def test_countdown_wording(days, text):
    assert selectors.countdown(days) == text


def test_top_three_gaps_each_search_the_catalog_for_what_closes_it(ca_physician, client_for):
    # given a California MD with 7 of 50 hours
    for i in range(7):
        CompletionFactory(user=ca_physician, completed_on=today() - timedelta(days=i + 1))
    # when the home page is read
    context = selectors.clinician_home(user=ca_physician)
    body = client_for(ca_physician).get("/").content.decode()
    # then at most three open requirements, nearest (or most overdue) deadline first
    gaps = context["gaps"]
    assert 1 <= len(gaps) <= 3 and body.count('data-testid="gap"') == len(gaps)
    assert context["open_count"] >= len(gaps)
    deadlines = [g.deadline for g in gaps if g.deadline]
    assert deadlines == sorted(deadlines)
    total = next(g for g in gaps if g.label == CA_TOTAL)
    assert (total.hours_counted, total.hours_missing, total.days_left) == (7.0, 43.0, 60)
    assert "43 to go" in body
    # and each "Find CME" link filters the catalog by the requirement's topics and credit types
    specs = {(r.id, q.id): q for r in default_rules() for q in r.requirements}
    for gap in gaps:
        spec = next(
            q for (rid, _), q in specs.items() if rid == gap.regime_id and q.label == gap.label
        )
        params = parse_qs(urlsplit(gap.find_url).query)
        assert urlsplit(gap.find_url).path == reverse("catalog:search")
        assert sorted(params.get("topics", [])) == sorted(spec.topics)
        assert sorted(params.get("credit_type", [])) == sorted(spec.credit_types or ())
        assert gap.find_url in _links(body)
    # the links also carry the clinician's profession, the deadline and the gap itself
    total_params = parse_qs(urlsplit(total.find_url).query)
    assert total_params["credit_type"] == ["ama_pra_1"]
    assert total_params["profession"] == ["MD"]
    assert total_params["gap"] == [f"{total.regime_id}:total"]
    pain = next(g for g in gaps if g.label == CA_PAIN)
    pain_params = parse_qs(urlsplit(pain.find_url).query)
    assert pain_params["topics"] == ["end_of_life_care", "pain_management"]
    assert pain_params["credit_type"] == ["ama_pra_1"]


def test_find_cme_links_speak_the_catalog_search_parameters():
    # the catalog's own parser reads the link back into the filters it was built from
    url = selectors.find_cme_url(
        topics=["pain_management", "end_of_life_care", "not_a_topic"],
        credit_types=["ama_pra_1", "aoa_1a"],
    )
    from cmepath.catalog.selectors import activity_query

    query = QueryDict(urlsplit(url).query)
    parsed = activity_query(query, query.getlist)
    assert parsed.notes == ()
    assert parsed.query.filters == {
        "topics": ["end_of_life_care", "pain_management"],
        "credit_type": ["ama_pra_1", "aoa_1a"],
    }
    assert selectors.find_cme_url() == reverse("catalog:search")


def test_a_requirement_set_all_met_says_so(clinician, client_for):
    Profile.objects.filter(user=clinician).update(profession="MD")
    LicenceFactory(
        user=clinician,
        state="TX",
        licence_type="MD",
        expiry_date=today() + timedelta(days=300),
        dea_registered=False,
    )
    context = selectors.clinician_home(user=clinician)
    if context["gaps"]:  # Texas has mandated topics: only the shape is checked here
        assert all(g.status in {"unmet", "at_risk"} for g in context["gaps"])
    body = client_for(clinician).get("/").content.decode()
    assert 'data-testid="next-deadline"' in body


def test_without_licences_the_home_says_what_to_add(clinician, client_for):
    body = client_for(clinician).get("/").content.decode()
    # "No requirement applies yet" read as "nothing due" (issue 17): the home says what to add.
    assert "lists no licence, board certification or DEA registration yet" in body
    assert reverse("accounts:licences") in body


def test_recent_completions_are_the_five_newest(clinician, client_for):
    for i in range(7):
        CompletionFactory(
            user=clinician, title=f"Course {i}", completed_on=today() - timedelta(days=i + 1)
        )
    body = client_for(clinician).get("/").content.decode()
    recent = body[body.index('data-testid="recent-completions"') :]
    recent = recent[: recent.index("</ul>")]
    assert [f"Course {i}" in recent for i in range(7)] == [True] * 5 + [False] * 2
    assert "All 7 completions" in body


@pytest.mark.parametrize(
    ("status", "verified", "badge", "testid"),
    [
        (NpiStatus.NONE, False, "Not verified yet", "unverified-badge"),
        (NpiStatus.MATCHED, False, "NPI matched", "unverified-badge"),
        (NpiStatus.MATCHED, True, "✔ Verified", "verified-badge"),
    ],
)
def test_verification_status_tells_npi_matched_from_verified(
    clinician, client_for, status, verified, badge, testid
):
    Profile.objects.filter(user=clinician).update(
        npi="1999000015" if status == NpiStatus.MATCHED else "",
        npi_status=status,
        verified_at=timezone.now() if verified else None,
    )
    body = client_for(clinician).get("/").content.decode()
    assert f'data-testid="{testid}">{badge}<' in body


def test_clinician_home_query_count_is_pinned(
    ca_physician, client_for, django_assert_max_num_queries, django_assert_num_queries
):
    """The home evaluates the record live: a fixed number of queries, whatever its size."""
    client = client_for(ca_physician)
    CompletionFactory(user=ca_physician, completed_on=today() - timedelta(days=1))
    client.get("/")  # warm the per-process rule index
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200
    for i in range(150):
        CompletionFactory(user=ca_physician, completed_on=today() - timedelta(days=i % 700 + 1))
    LicenceFactory(
        user=ca_physician, state="TX", licence_type="MD", expiry_date=today() + timedelta(days=90)
    )
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/")
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        client.get("/")


# -- provider -----------------------------------------------------------------------------------


@pytest.fixture
def provider_member(db):
    member = UserFactory(role="provider")
    provider = ProviderFactory(name="Alpha CME")
    provider.members.add(member)
    return member, provider


def test_provider_home_counts_activities_and_drafts(provider_member, client_for):
    member, provider = provider_member
    make_activity(provider)
    make_activity(provider, title="Sepsis update")
    make_activity(provider, title="Draft course", status="draft")
    make_activity(ProviderFactory(name="Someone else"))  # not theirs
    body = client_for(member).get("/").content.decode()
    counts = body[body.index('data-testid="activity-counts"') :]
    counts = counts[: counts.index("</dl>")]
    assert re.search(r"<dt>Activities</dt><dd>3\b", counts)
    assert "<dt>Published</dt><dd>2</dd>" in counts
    assert "<dt>Drafts</dt><dd>1" in counts
    assert reverse("catalog:activity_create", args=[provider.pk]) in body


def test_provider_home_lists_completions_to_report(provider_member, client_for):
    member, provider = provider_member
    ran = make_activity(
        provider,
        title="Ran last month",
        start_date=today() - timedelta(days=40),
        end_date=today() - timedelta(days=30),
    )
    make_activity(provider, title="Starts next year")  # 90 days ahead in the factory data
    make_activity(
        provider,
        title="Draft that ran",
        status="draft",
        start_date=today() - timedelta(days=40),
        end_date=today() - timedelta(days=30),
    )
    learner = UserFactory(role="clinician")
    CompletionFactory(user=learner, activity_id=ran.pk, provenance="provider_reported")
    CompletionFactory(user=learner, activity_id=ran.pk)  # self-reported: not the provider's
    summary = selectors.provider_home(actor=member)["summaries"][0]
    assert [(a.title, a.reported) for a in summary.to_report] == [("Ran last month", 1)]
    body = client_for(member).get("/").content.decode()
    assert reverse("credits:provider_completions", args=[ran.pk]) in body


def test_provider_home_shows_the_score_distribution_in_plain_html(
    provider_member, client_for, django_assert_max_num_queries
):
    member, provider = provider_member
    make_activity(provider)
    make_activity(provider, moore_level=6, outcomes_evaluated=True, interprofessional=True)
    make_activity(provider, commercial_support="Acme Pharma:monetary:40000")
    make_activity(provider, status="draft")  # drafts are not in the distribution
    scores = list(
        Activity.objects.filter(provider=provider, status="published").values_list(
            "value_score", flat=True
        )
    )
    expected = [sum(1 for s in scores if lo <= s < hi) for lo, hi, _ in selectors.SCORE_BANDS]
    client = client_for(member)
    with django_assert_max_num_queries(10):
        body = client.get("/").content.decode()
    summary = selectors.provider_home(actor=member)["summaries"][0]
    assert [b.count for b in summary.bands] == expected and sum(expected) == 3
    assert body.count('data-testid="score-band"') == len(selectors.SCORE_BANDS)
    for count in expected:
        assert f'value="{count}"' in body
    assert "style=" not in _main(body) and "<script" not in _main(body)


def test_provider_without_an_organisation_is_told_what_to_do(client_for):
    member = UserFactory(role="provider")
    body = client_for(member).get("/").content.decode()
    assert "not a member of any CME provider yet" in body


# -- employer and editor ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["employer", "editor"])
def test_employer_and_editor_get_what_they_can_do_today(role, client_for, totp_user):
    user = totp_user(role)
    client = client_for(user)
    body = client.get("/").content.decode()
    assert "What you can do today" in body
    # the employer's team features are not built; the editor's hub is (issue 13)
    assert ("Coming" in body) == (role == "employer")
    assert "not built yet" not in body or role == "employer"
    assert "will appear" not in body
    # every link on their home and in their menus answers, none to a page that is not built
    for href in sorted(set(_links(body))):
        if not href.startswith("/") or href.startswith("/static/"):
            continue
        assert client.get(href).status_code == 200, href


# -- navigation ---------------------------------------------------------------------------------


def _menu(body: str, label: str) -> list[str]:
    nav = body[body.index(f'<nav aria-label="{label}">') :]
    nav = nav[: nav.index("</nav>")]
    return re.findall(r">([^<>]+)</a>", nav)


@pytest.mark.parametrize("role", ["clinician", "employer", "provider", "editor", "admin"])
def test_api_tokens_live_in_the_account_menu(role, client_for, totp_user):
    user = (
        totp_user(role, is_staff=role == "admin")
        if role in {"editor", "admin"}
        else UserFactory(role=role)
    )
    client = client_for(user)
    body = client.get("/").content.decode()
    main, account = _menu(body, "Main"), _menu(body, "Account")
    assert "API tokens" not in main and "API tokens" in account
    assert "Security" in account
    assert ("Profile" in account) == (role == "clinician")
    # no menu item leads anywhere but a working page
    urls = re.findall(r'<li><a href="([^"]+)"', body)
    for url in urls:
        assert client.get(url).status_code == 200, url
    # the account menu opens itself on its own pages
    tokens = client.get(reverse("accounts:tokens")).content.decode()
    assert '<details class="account-menu" open>' in tokens
