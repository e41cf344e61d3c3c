"""Jobs services: validation with clear reasons, the pay law, the lifecycle, duplicates,
expiry leaving search, reports, applications and alerts (never the same vacancy twice)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from cmepath.core.errors import ConflictError, ValidationError
from cmepath.jobs import services
from cmepath.jobs.choices import VacancyStatus
from cmepath.jobs.models import SavedSearchHit, Vacancy, VacancyEvent
from cmepath.jobs.search_docs import VACANCY
from cmepath.search.backends import search_backend
from cmepath.search.base import SearchQuery
from tests.factories import UserFactory
from tests.jobs.factories import TODAY, committed, make_employer, make_vacancy, vacancy_data

pytestmark = pytest.mark.django_db


def _indexed_ids(**filters: list[str]) -> set[int]:
    result = search_backend(VACANCY).search(SearchQuery(filters=filters, page_size=100))
    return {int(h.id) for h in result.hits}


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"salary_min": "150000", "salary_max": "120000"}, "salary_max", "above the maximum"),
        ({"specialty": "NOTACODE01"}, "specialty", "NUCC"),
        ({"zip_code": "00000"}, "zip_code", "does not exist"),
        ({"zip_code": "7870"}, "zip_code", "5-digit"),
        ({"soc_code": "99-9999"}, "soc_code", "Accepted"),
        ({"profession": "doctor"}, "profession", "Accepted"),
        (
            {"remote_states": ["Texas"], "remote": True, "zip_code": ""},
            "remote_states",
            "Did you mean",
        ),
        ({"remote": True, "zip_code": ""}, "remote_states", "states it may be worked from"),
        ({"visas": ["H1B"]}, "visas", "Accepted"),
        ({"cme_allowance": "-5"}, "cme_allowance", "zero or more"),
        ({"salary_min": "abc"}, "salary_min", "not an amount"),
        ({"state": "CA"}, "state", "is in TX"),
    ],
)
def test_bad_input_is_refused_with_the_reason_and_nothing_saved(overrides, field, words):
    employer = make_employer()
    before = Vacancy.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.vacancy_create(actor=None, employer=employer, data=vacancy_data(**overrides))
    assert field in caught.value.errors
    assert words in " ".join(caught.value.errors[field])
    assert Vacancy.objects.count() == before


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValidationError) as caught:
        services.vacancy_create(
            actor=None,
            employer=make_employer(),
            data=vacancy_data(salary_min="9", salary_max="1", zip_code="00000", title=""),
        )
    assert {"salary_max", "zip_code", "title"} <= set(caught.value.errors)


def test_unknown_field_is_refused_with_the_accepted_names():
    with pytest.raises(ValidationError, match="Accepted:.*cme_allowance"):
        services.vacancy_create(
            actor=None, employer=make_employer(), data=vacancy_data(salary="lots")
        )


def test_expiry_far_away_is_refused():
    with pytest.raises(ValidationError, match="at most 180 days"):
        make_vacancy(publish=False, expires_on=(TODAY + timedelta(days=400)).isoformat())


def test_the_location_comes_from_the_zip_code():
    vacancy = make_vacancy(publish=False, zip_code="10001")
    assert (vacancy.city, vacancy.state) == ("New York", "NY")
    assert vacancy.latitude == pytest.approx(40.75, abs=0.1)
    assert vacancy.licence_states == ["NY"]


# ------------------------------------------------------------------ pay transparency


@pytest.mark.parametrize(("zip_code", "law_word"), [("80202", "Colorado"), ("94103", "California")])
def test_no_pay_range_where_the_law_requires_one_cannot_be_published(zip_code, law_word):
    vacancy = make_vacancy(publish=False, zip_code=zip_code, salary_min="", salary_max="")
    with pytest.raises(ValidationError, match=law_word) as caught:
        services.vacancy_submit(actor=None, vacancy=vacancy)
    assert caught.value.code == "pay_range_required"
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.DRAFT


def test_a_remote_job_open_to_a_pay_law_state_needs_a_range():
    vacancy = make_vacancy(
        publish=False,
        remote=True,
        zip_code="",
        remote_states=["TX", "WA"],
        salary_min="",
        salary_max="",
    )
    with pytest.raises(ValidationError, match="Washington"):
        services.vacancy_submit(actor=None, vacancy=vacancy)


def test_no_range_is_fine_where_no_law_applies():
    vacancy = make_vacancy(zip_code="78701", salary_min="", salary_max="")
    assert vacancy.status == VacancyStatus.PUBLISHED


def test_removing_the_range_of_a_published_vacancy_in_a_law_state_is_refused():
    vacancy = make_vacancy(zip_code="10001")
    with pytest.raises(ValidationError, match="New York"):
        services.vacancy_update(
            actor=None, vacancy=vacancy, data={"salary_min": "", "salary_max": ""}
        )
    vacancy.refresh_from_db()
    assert vacancy.salary_min == Decimal("120000.00")


# ------------------------------------------------------------------ lifecycle


def test_lifecycle_draft_review_published_closed_with_history():
    vacancy = make_vacancy(publish=False)
    assert vacancy.status == VacancyStatus.DRAFT
    vacancy = services.vacancy_submit(actor=None, vacancy=vacancy)
    with committed(execute=True):
        vacancy = services.vacancy_publish(actor=None, vacancy=vacancy)
    assert vacancy.posted_on == TODAY
    assert vacancy.expires_on == TODAY + timedelta(days=60)
    assert vacancy.pk in _indexed_ids()
    with committed(execute=True):
        services.vacancy_close(actor=None, vacancy=vacancy)
    assert vacancy.pk not in _indexed_ids()
    statuses = list(VacancyEvent.objects.filter(vacancy=vacancy).values_list("status", flat=True))
    assert statuses == ["draft", "review", "published", "closed"]
    with pytest.raises(ConflictError, match="Cannot publish"):
        services.vacancy_publish(actor=None, vacancy=vacancy)


def test_an_unverified_employer_cannot_publish():
    employer = make_employer(verified=False)
    vacancy = make_vacancy(employer, publish=False)
    with pytest.raises(ValidationError, match="not verified"):
        services.vacancy_submit(actor=None, vacancy=vacancy)


def test_sending_back_needs_a_reason_and_keeps_it():
    vacancy = services.vacancy_submit(actor=None, vacancy=make_vacancy(publish=False))
    with pytest.raises(ValidationError):
        services.vacancy_return(actor=None, vacancy=vacancy, reason="  ")
    vacancy = services.vacancy_return(actor=None, vacancy=vacancy, reason="Add the call schedule")
    assert (vacancy.status, vacancy.review_note) == ("draft", "Add the call schedule")


def test_expired_vacancies_leave_search_by_themselves():
    vacancy = make_vacancy()
    assert vacancy.pk in _indexed_ids()
    Vacancy.objects.filter(pk=vacancy.pk).update(
        posted_on=TODAY - timedelta(days=61), expires_on=TODAY - timedelta(days=1)
    )
    with committed(execute=True):
        assert services.vacancy_expire_due(actor=None) == 1
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.EXPIRED
    assert vacancy.pk not in _indexed_ids()
    assert services.vacancy_expire_due(actor=None) == 0  # a second run changes nothing


def test_duplicates_collapse_and_the_next_takes_over_when_the_first_closes():
    employer = make_employer()
    first = make_vacancy(employer)
    second = make_vacancy(employer, title="  family NURSE practitioner ")
    other_place = make_vacancy(employer, zip_code="10001")
    assert second.duplicate_of_id == first.pk
    ids = _indexed_ids(employer=[str(employer.pk)])
    assert first.pk in ids and second.pk not in ids and other_place.pk in ids
    with committed(execute=True):
        services.vacancy_close(actor=None, vacancy=first)
    second.refresh_from_db()
    assert second.duplicate_of_id is None
    assert second.pk in _indexed_ids(employer=[str(employer.pk)])


# ------------------------------------------------------------------ reports


def test_a_report_is_made_once_and_upholding_closes_the_listing():
    vacancy = make_vacancy()
    a, b = UserFactory(), UserFactory()
    report = services.vacancy_report(actor=a, vacancy=vacancy, reason="filled")
    with pytest.raises(ConflictError, match="already reported"):
        services.vacancy_report(actor=a, vacancy=vacancy, reason="misleading")
    services.vacancy_report(actor=b, vacancy=vacancy, reason="misleading")
    with pytest.raises(ValidationError, match="Accepted"):
        services.vacancy_report(actor=UserFactory(), vacancy=vacancy, reason="spam")
    services.report_decide(actor=None, report=report, uphold=True)
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.CLOSED
    assert set(vacancy.reports.values_list("status", flat=True)) == {"upheld"}


# ------------------------------------------------------------------ applications


def test_apply_once_move_and_withdraw_with_mail_to_both_sides(django_capture_on_commit_callbacks):
    recruiter = UserFactory(role="employer")
    vacancy = make_vacancy(make_employer(member=recruiter))
    clinician = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_create(actor=clinician, vacancy=vacancy)
    assert mail.outbox[-1].to == [recruiter.email]
    with pytest.raises(ConflictError, match="already applied"):
        services.application_create(actor=clinician, vacancy=vacancy)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_move(actor=recruiter, application=application, status="interview")
    assert mail.outbox[-1].to == [clinician.email]
    with pytest.raises(ConflictError, match="Next steps"):
        services.application_move(actor=recruiter, application=application, status="hired")
    services.application_withdraw(actor=clinician, application=application)
    application.refresh_from_db()
    assert [e.status for e in application.events.all()] == ["submitted", "interview", "withdrawn"]
    with pytest.raises(ConflictError):
        services.application_withdraw(actor=clinician, application=application)


def test_no_application_to_a_closed_vacancy():
    vacancy = make_vacancy()
    services.vacancy_close(actor=None, vacancy=vacancy)
    with pytest.raises(ConflictError, match="closed"):
        services.application_create(actor=UserFactory(), vacancy=vacancy)


# ------------------------------------------------------------------ saved searches and alerts


def test_alerts_never_send_the_same_vacancy_twice(django_capture_on_commit_callbacks):
    clinician = UserFactory()
    first = make_vacancy()
    saved = services.saved_search_create(
        actor=clinician, name="NPs in Texas", query="profession=NP&state=TX&page=3"
    )
    assert "page" not in saved.query
    with django_capture_on_commit_callbacks(execute=True):
        report = services.alert_send_due()
    assert (report.sent, report.vacancies) >= (1, 1)
    assert first.title in mail.outbox[-1].body
    assert saved.unsubscribe_token in mail.outbox[-1].body
    sent = len(mail.outbox)
    # Not due again before a week, and when due, the same vacancy is not sent again.
    assert services.alert_send_due().sent == 0
    later = services.alert_send_due(now=timezone.now() + timedelta(days=8))
    assert later.vacancies == 0
    assert len(mail.outbox) == sent
    assert SavedSearchHit.objects.filter(saved_search=saved).count() == 1


def test_unsubscribe_by_token_turns_alerts_off():
    saved = services.saved_search_create(actor=UserFactory(), name="x", query="profession=RN")
    assert services.saved_search_unsubscribe(token="nope") is None
    assert services.saved_search_unsubscribe(token=saved.unsubscribe_token).alerts is False
