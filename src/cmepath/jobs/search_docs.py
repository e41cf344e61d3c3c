"""The jobs app's searchable documents: the VACANCY doc type and how rows become documents.

Only published vacancies that are not duplicates of another are indexed, so a search never
shows the same job twice and an expired or closed vacancy leaves search the moment its
status changes (the service re-indexes it, which deletes it from the index).
Importable without Django set up (the search benchmark uses ``VACANCY`` alone).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from cmepath.accounts.taxonomy import load_taxonomy
from cmepath.core.progress import Progress, no_progress
from cmepath.core.vocabulary import STATES
from cmepath.search.registry import DocSource
from cmepath.search.schema import DocType, GeoPoint, SortSpec

from .choices import (
    CREDENTIALS,
    PHYSICIANS,
    VACANCY_PROFESSIONS,
    VISAS,
    CareerTrack,
    EmploymentModel,
    Schedule,
    Setting,
)

if TYPE_CHECKING:
    from .models import Vacancy

PROGRESS_EVERY = 1000
#: Hours in a working year, days and weeks: a pay figure in any unit becomes a yearly one
#: for sorting and the salary-minimum filter (2,080 h = 52 weeks of 40 h).
YEARLY_FACTOR = {"HOUR": 2080.0, "DAY": 260.0, "WEEK": 52.0, "MONTH": 12.0, "YEAR": 1.0}


def yearly(amount: float | None, unit: str) -> float | None:
    """A pay figure in ``unit`` (schema.org unitText) as a yearly figure."""
    if amount is None:
        return None
    return round(float(amount) * YEARLY_FACTOR.get(unit, 1.0), 2)


def _derive(doc: dict[str, Any]) -> dict[str, Any]:
    prof = doc.get("profession")
    if prof is not None:
        doc.setdefault("physician", prof in PHYSICIANS)
    return doc


VACANCY = DocType(
    name="vacancy",
    text_fields=("title", "description", "employer_name", "specialty_name", "city"),
    facet_fields=(
        "profession",
        "physician",
        "specialty",
        "state",
        "setting",
        "employment_model",
        "schedule",
        "career_track",
        "remote",
        "visa",
        "loan_repayment",
        "credentials",
        "employer",
        "licence_states",
    ),
    numeric_fields={
        "salary_min": "float",  # yearly
        "salary_max": "float",  # yearly
        "cme_allowance": "float",
        "cme_days": "float",
        "posted": "int",  # yyyymmdd
        "expires": "int",  # yyyymmdd
        "latitude": "float",
        "longitude": "float",
        "sign_on_bonus": "float",
    },
    stored_fields=("id", "title", "salary_max", "cme_allowance", "posted"),
    single_valued=frozenset(
        {
            "profession",
            "physician",
            "specialty",
            "state",
            "setting",
            "employment_model",
            "schedule",
            "career_track",
            "remote",
            "loan_repayment",
            "employer",
        }
    ),
    boosts={"title": 3.0, "specialty_name": 2.0, "employer_name": 1.5, "description": 1.0},
    sorts={
        "date": SortSpec("posted", descending=True),
        "salary": SortSpec("salary_max", descending=True),
        "cme": SortSpec("cme_allowance", descending=True),
        "cme_days": SortSpec("cme_days", descending=True),
    },
    browse_sort="date",
    derive=_derive,
    geo=GeoPoint("latitude", "longitude"),
    facet_labels={
        "profession": "Profession",
        "physician": "Physicians only",
        "specialty": "Specialty",
        "state": "State",
        "setting": "Setting",
        "employment_model": "Employment model",
        "schedule": "Schedule",
        "career_track": "Kind of role",
        "remote": "Fully remote",
        "visa": "Visa sponsorship",
        "loan_repayment": "Loan repayment",
        "credentials": "Credentials required",
        "employer": "Employer",
        "licence_states": "Licence needed in",
    },
    value_labels={
        "profession": VACANCY_PROFESSIONS,
        "specialty": {code: term.display_name for code, term in load_taxonomy().items()},
        "state": {k: t.label for k, t in STATES.items()},
        "licence_states": {k: t.label for k, t in STATES.items()},
        "setting": dict(Setting.choices),
        "employment_model": dict(EmploymentModel.choices),
        "schedule": dict(Schedule.choices),
        "career_track": dict(CareerTrack.choices),
        "visa": VISAS,
        "credentials": CREDENTIALS,
        "physician": {"yes": "Yes", "no": "No"},
        "remote": {"yes": "Yes", "no": "No"},
        "loan_repayment": {"yes": "Yes", "no": "No"},
    },
    flag_facets=frozenset({"physician", "remote", "loan_repayment"}),
)


def _ymd(day: Any) -> int | None:
    return int(day.strftime("%Y%m%d")) if day is not None else None


def vacancy_document(vacancy: Vacancy) -> dict[str, Any]:
    """The VACANCY document of a row; needs ``employer`` loaded."""
    from cmepath.accounts import taxonomy

    term = taxonomy.get(vacancy.specialty) if vacancy.specialty else None
    unit = vacancy.salary_unit
    return {
        "id": str(vacancy.pk),
        "title": vacancy.title,
        "description": vacancy.description,
        "employer_name": vacancy.employer.name,
        "specialty_name": term.display_name if term else "",
        "city": vacancy.city,
        "profession": vacancy.profession,
        "specialty": vacancy.specialty or None,
        "state": vacancy.state or None,
        "setting": vacancy.setting,
        "employment_model": vacancy.employment_model,
        "schedule": vacancy.schedule,
        "career_track": vacancy.career_track,
        "remote": vacancy.remote,
        "visa": list(vacancy.visas),
        "loan_repayment": bool(vacancy.loan_repayment) or vacancy.nhsc_site,
        "credentials": list(vacancy.credentials),
        "employer": str(vacancy.employer_id),
        "licence_states": list(vacancy.licence_states),
        "salary_min": yearly(vacancy.salary_min, unit),
        "salary_max": yearly(vacancy.salary_max, unit),
        "cme_allowance": float(vacancy.cme_allowance) if vacancy.cme_allowance is not None else 0.0,
        "cme_days": float(vacancy.cme_days) if vacancy.cme_days is not None else 0.0,
        "sign_on_bonus": float(vacancy.sign_on_bonus or 0),
        "posted": _ymd(vacancy.posted_on),
        "expires": _ymd(vacancy.expires_on),
        "latitude": vacancy.latitude,
        "longitude": vacancy.longitude,
    }


def _searchable() -> Any:
    from .choices import VacancyStatus
    from .models import Vacancy

    return Vacancy.objects.filter(
        status=VacancyStatus.PUBLISHED, duplicate_of__isnull=True
    ).select_related("employer")


def vacancy_documents(progress: Progress = no_progress) -> Iterator[dict[str, Any]]:
    """Every searchable vacancy as a document, streamed in id order."""
    qs = _searchable().order_by("pk")
    total = qs.count()
    for n, vacancy in enumerate(qs.iterator(chunk_size=2000), start=1):
        yield vacancy_document(vacancy)
        if n % PROGRESS_EVERY == 0 or n == total:
            progress(VACANCY.name, n, total)


def vacancy_documents_for(ids: Sequence[str]) -> list[dict[str, Any]]:
    """The documents of those of these vacancies that are searchable."""
    pks = [int(i) for i in ids if str(i).isdigit()]
    return [vacancy_document(v) for v in _searchable().filter(pk__in=pks)]


SEARCH_DOCS = (
    DocSource(VACANCY, documents=vacancy_documents, documents_for=vacancy_documents_for),
)
