"""The demo data reads like a real practice: the demo physician is mostly on track (the
one-time trainings done, only current-cycle gaps open), her saved plan is feasible, catalog
titles name their topics, and every work queue has something in it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cmepath.accounts.models import User
from cmepath.catalog.demo import ANCHOR, catalog_demo_load, topic_phrase
from cmepath.catalog.models import Activity
from cmepath.core.vocabulary import TOPICS
from cmepath.credits.demo import credits_demo_load
from cmepath.credits.selectors import evaluation_compute
from cmepath.demo.services import (
    CLINICIANS,
    demo_accounts_load,
    pending_demo_load,
    planner_demo_load,
)

pytestmark = pytest.mark.django_db

ADA = CLINICIANS[0].email
#: A day the demo is looked at: the week the demo catalog is anchored on.
AS_OF = ANCHOR + timedelta(days=6)


@pytest.fixture
def ada(db):
    demo_accounts_load()
    credits_demo_load(emails=[ADA])
    return User.objects.get(email=ADA)


def test_the_demo_physician_is_an_internist_with_her_board(ada):
    assert ada.profile.primary_specialty == "207R00000X"  # NUCC: Internal Medicine
    assert list(ada.board_certifications.values_list("board", "specialty")) == [
        ("ABIM", "Internal Medicine")
    ]


@pytest.mark.parametrize("as_of", [AS_OF, AS_OF + timedelta(days=180)])
def test_no_requirement_of_the_demo_physician_is_overdue_by_more_than_a_year(ada, as_of):
    evaluation, _ = evaluation_compute(user=ada, as_of=as_of)
    open_rows = [
        (regime.regime_id, req.id, req.deadline)
        for regime in evaluation.regimes
        for req in regime.requirements
        if req.status in ("unmet", "at_risk")
    ]
    assert all(
        deadline is None or deadline >= as_of - timedelta(days=365) for _, _, deadline in open_rows
    ), open_rows
    # the one-time trainings a long-licensed physician has done are met
    met = {
        (regime.regime_id, req.id)
        for regime in evaluation.regimes
        for req in regime.requirements
        if req.status == "met"
    }
    assert {
        ("ca-md", "pain_management_one_time"),
        ("dea-mate", "mate_training"),
        ("ma-md", "end_of_life"),
        ("tx-md", "total"),
        ("abim-moc", "points"),
    } <= met


def test_the_demo_physician_has_one_or_two_gaps_due_in_the_coming_months(ada):
    evaluation, _ = evaluation_compute(user=ada, as_of=AS_OF)
    open_rows = {
        (regime.regime_id, req.id): req.deadline
        for regime in evaluation.regimes
        for req in regime.requirements
        if req.status in ("unmet", "at_risk")
    }
    # the 50 h of the June 2027 renewals (California and Massachusetts count the same
    # hours) and Massachusetts' 2 credits on the Board's regulations
    assert open_rows == {
        ("ca-md", "total"): date(2027, 6, 30),
        ("ma-md", "total"): date(2027, 6, 30),
        ("ma-md", "board_regulations"): date(2027, 6, 30),
    }


def test_the_demo_plan_is_feasible_and_closes_her_gaps(ada):
    catalog_demo_load(reindex=False)
    assert planner_demo_load(as_of=AS_OF) == 1
    plan = ada.cme_plans.get()
    assert plan.goal_key == "department_chief"
    assert (plan.budget, plan.days) == (4000, 5)  # her profile's allowance and paid days
    assert plan.status in ("optimal", "within_gap"), plan.result.get("explanation")
    needs = plan.result["needs"]
    assert {n["key"] for n in needs} == {"ca-md:total", "ma-md:total", "ma-md:board_regulations"}
    assert all(n["planned"] >= n["target"] for n in needs)
    assert planner_demo_load(as_of=AS_OF) == 0  # kept on a second run


def _words(text: str) -> str:
    return " ".join(text.casefold().split())


def test_catalog_demo_titles_name_their_topics(db):
    catalog_demo_load(n=400, reindex=False)
    generated = Activity.objects.filter(provider_activity_id__startswith="DEMO-")
    assert generated.count() > 400  # the generated rows and the mandated-topic webinars
    for activity in generated:
        assert activity.topics, activity.title
        for code in activity.topics:
            assert _words(TOPICS[code].label) in _words(activity.title), (
                activity.title,
                activity.topics,
            )
        # a label keeps its own capitals inside a title
        assert "california board" not in activity.title


def test_topic_phrase_keeps_acronyms_and_names():
    assert topic_phrase(["sepsis", "infection_control"]) == "Sepsis and infection control"
    assert topic_phrase(["cardiology", "hiv_aids"]) == "Cardiology and HIV/AIDS"
    assert topic_phrase(["ethics", "dementia"]) == (
        "Medical ethics and professional responsibility; Alzheimer's disease and dementia"
    )


def test_every_mandated_topic_has_a_low_cost_session_in_the_coming_months(db):
    from cmepath.core.vocabulary import MANDATED_TOPICS

    catalog_demo_load(n=0, reindex=False)
    soon = Activity.objects.filter(
        provider_activity_id__startswith="DEMO-WEB-",
        start_date__gte=AS_OF,
        end_date__lte=AS_OF + timedelta(days=180),
        cost__lte=50,
    )
    covered = {code for a in soon for code in a.topics}
    assert covered == set(MANDATED_TOPICS)


def test_every_queue_has_pending_work(db):
    from cmepath.accounts.selectors import verification_queue
    from cmepath.demo.services import hub_demo_load, jobs_demo_load
    from cmepath.hub.selectors import review_queue
    from cmepath.jobs.models import Application
    from cmepath.jobs.selectors import moderation_queue

    demo_accounts_load()
    jobs_demo_load(vacancies=80)
    hub_demo_load()
    first = pending_demo_load()
    assert first == {
        "articles_in_review": 1,
        "proofs_pending": 1,
        "vacancies_in_review": 1,
        "applications": 2,
    }
    assert pending_demo_load() == first  # deterministic and made once
    editor = User.objects.get(email="editor@demo.cmepath.invalid")
    admin = User.objects.get(email="admin@demo.cmepath.invalid")
    assert review_queue(actor=editor).filter(synthetic=True).count() == 1
    assert moderation_queue(actor=admin)["review"].count() == 1
    assert verification_queue(actor=admin).count() == 1
    employer_apps = Application.objects.filter(
        vacancy__employer__memberships__user__email="employer@demo.cmepath.invalid"
    )
    assert sorted(a.user.email for a in employer_apps) == [
        "james.demo@demo.cmepath.invalid",
        "lee.demo@demo.cmepath.invalid",
    ]
