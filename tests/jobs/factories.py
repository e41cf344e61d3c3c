"""Jobs test data. Employers and vacancies go through the services, so validation, dedupe
keys, events and the index are real."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from django.test import TestCase

from cmepath.jobs import services
from cmepath.jobs.models import Employer, Vacancy

_ids = itertools.count(1)
#: Runs the after-commit work (the index task) at the end of the block, as a real commit
#: would: ``with committed(): services.vacancy_close(...)``.
committed = TestCase.captureOnCommitCallbacks
#: Dates relative to today, so nothing here expires as the calendar moves on.
TODAY = datetime.now(UTC).date()


def make_employer(*, member: Any = None, verified: bool = True, **overrides: Any) -> Employer:
    n = next(_ids)
    data: dict[str, Any] = {
        "name": f"Lone Star Health {n}",
        "legal_name": f"Lone Star Health System {n} Inc.",
        "state": "TX",
        "ein": f"74-{1000000 + n:07d}",
        "city": "Austin",
        "zip_code": "78701",
        "website": "https://lonestar.example.org",
        "cme_policy": "$3,000 a year and 5 paid days for CME.",
    }
    data.update(overrides)
    employer = services.employer_create(actor=member, **data)
    if verified:
        employer = services.employer_verify(actor=None, employer=employer)
    return employer


def vacancy_data(**overrides: Any) -> dict[str, Any]:
    """A complete, valid on-site vacancy in Austin, Texas (no pay-range law)."""
    data: dict[str, Any] = {
        "title": "Family Nurse Practitioner",
        "description": "Primary care clinic, 4 x 10 h days, collaborative physician on site.",
        "profession": "NP",
        "specialty": "363LF0000X",
        "setting": "outpatient",
        "employment_model": "w2",
        "schedule": "full_time",
        "zip_code": "78701",
        "salary_min": "120000",
        "salary_max": "140000",
        "cme_allowance": "2500",
        "cme_days": "3",
        "credentials": ["BLS", "DEA"],
        "start_date": (TODAY + timedelta(days=60)).isoformat(),
    }
    data.update(overrides)
    return data


def make_vacancy(
    employer: Employer | None = None, *, publish: bool = True, **overrides: Any
) -> Vacancy:
    employer = employer or make_employer()
    with committed(execute=True):
        vacancy = services.vacancy_create(
            actor=None, employer=employer, data=vacancy_data(**overrides)
        )
        if publish:
            vacancy = services.vacancy_submit(actor=None, vacancy=vacancy)
            vacancy = services.vacancy_publish(actor=None, vacancy=vacancy)
    return vacancy
