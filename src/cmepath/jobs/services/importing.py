"""Importing vacancies from CSV, JSON or JobPosting JSON-LD, and loading the demo set.

Each record is checked and saved in its own savepoint: a bad record is rejected with its
line and reason and nothing of it is saved, the good ones go in. Records with an employer
reference already on file update that vacancy (running an import twice changes nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from cmepath.core.errors import DomainError
from cmepath.core.services import audit_record
from cmepath.jobs.choices import VacancyStatus
from cmepath.jobs.models import Employer, Vacancy, VacancyEvent

from .indexing import index_on_commit
from .vacancies import (
    dedupe_key,
    vacancy_create,
    vacancy_publish,
    vacancy_submit,
    vacancy_update,
)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    published: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "published": self.published,
            "rejected": [{"line": line, "reason": reason} for line, reason in self.rejected],
        }


def vacancy_import(
    *,
    actor: Any,
    employer: Employer,
    records: Iterable[tuple[int, Mapping[str, Any]]],
    publish: bool = False,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Create or update a vacancy per record ``(line, fields)``; with ``publish`` (admins:
    the CLI) each saved vacancy is submitted and published, the pay law checked as always."""
    today = today or timezone.localdate()
    report = ImportReport()
    for n, (line, fields) in enumerate(records, start=1):
        data = dict(fields)
        data.pop("status", None)
        try:
            with transaction.atomic():
                ref = str(data.get("reference") or "").strip()
                existing = (
                    Vacancy.objects.filter(employer=employer, reference=ref).first()
                    if ref
                    else None
                )
                if existing is not None:
                    vacancy = vacancy_update(actor=actor, vacancy=existing, data=data, today=today)
                else:
                    vacancy = vacancy_create(actor=actor, employer=employer, data=data, today=today)
                published = False
                if publish and vacancy.status in (VacancyStatus.DRAFT, VacancyStatus.REVIEW):
                    if vacancy.status == VacancyStatus.DRAFT:
                        vacancy = vacancy_submit(actor=actor, vacancy=vacancy, today=today)
                    vacancy_publish(actor=actor, vacancy=vacancy, today=today)
                    published = True
        except DomainError as exc:
            report.rejected.append((line, exc.message))
        else:
            report.updated += existing is not None
            report.created += existing is None
            report.published += published
        if progress is not None:
            progress(n)
    return report


@transaction.atomic
def demo_load(
    *,
    actor: Any,
    employers: Sequence[Mapping[str, Any]],
    vacancies: Sequence[Mapping[str, Any]],
    verified_at: Any,
    index: bool = True,
) -> tuple[list[Employer], int]:
    """Load synthetic employers (verified) and published vacancies in bulk: the demo set of
    4,600+ listings in seconds (``index=False``: the caller rebuilds the index itself). Fields
    were produced by ``jobs/demo.py`` to the same rules as
    ``validation.py`` (its tests check them). Duplicates are marked as publishing would."""
    made = Employer.objects.bulk_create(
        [Employer(**dict(e), verified_at=verified_at, verified_by=actor) for e in employers]
    )
    rows: list[Vacancy] = []
    for raw in vacancies:
        values = dict(raw)
        employer = made[values.pop("employer_index")]
        v = Vacancy(employer=employer, created_by=actor, **values)
        v.dedupe_key = dedupe_key(employer.pk, v.title, v.city, v.state, v.remote)
        rows.append(v)
    Vacancy.objects.bulk_create(rows, batch_size=1000)
    originals: dict[str, int] = {}
    duplicates: dict[int, list[int]] = {}
    for v in sorted(rows, key=lambda r: (r.posted_on or date.min, r.pk)):
        head = originals.setdefault(v.dedupe_key, v.pk)
        if head != v.pk:
            duplicates.setdefault(head, []).append(v.pk)
    for head, pks in duplicates.items():
        Vacancy.objects.filter(pk__in=pks).update(duplicate_of_id=head)
    VacancyEvent.objects.bulk_create(
        [
            VacancyEvent(vacancy=v, status=v.status, actor=actor, note="Synthetic demo listing")
            for v in rows
        ],
        batch_size=2000,
    )
    audit_record(
        actor=actor,
        action="jobs.demo.load",
        detail={"employers": len(made), "vacancies": len(rows)},
    )
    if index:
        index_on_commit([v.pk for v in rows])
    return made, len(rows)
