"""Detail pages and lists: vacancies, employers and their CME benefits, applications and
applicants, saved searches, the moderation queue, JobPosting data, exports and the
employer overview.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from cmepath.jobs import matching
from cmepath.jobs.choices import (
    ApplicationStatus,
    ReportStatus,
    VacancyStatus,
)
from cmepath.jobs.models import Application, Employer, SavedSearch, Vacancy
from cmepath.jobs.policies import (
    ApplicationPolicy,
    EmployerPolicy,
    SavedSearchPolicy,
    VacancyPolicy,
    VacancyReportPolicy,
)
from cmepath.jobs.selectors.facts import clinician_facts, mandated_topics_for, vacancy_facts
from cmepath.jobs.selectors.search import today


def vacancy_detail(*, actor: Any, pk: int) -> Vacancy:
    """A vacancy the actor may see, with its employer (404 otherwise)."""
    return VacancyPolicy().get(actor, "view", pk=pk)


def vacancy_for_change(*, actor: Any, pk: int) -> Vacancy:
    return VacancyPolicy().get(actor, "change", pk=pk)


def vacancy_events(vacancy: Vacancy) -> QuerySet[Any]:
    return vacancy.events.select_related("actor").order_by("at", "pk")


def employer_detail(*, actor: Any, pk: int) -> Employer:
    return EmployerPolicy().get(actor, "view", pk=pk)


def employer_open_vacancies(employer: Employer, *, on: date | None = None) -> QuerySet[Vacancy]:
    on = on or today()
    return employer.vacancies.filter(status=VacancyStatus.PUBLISHED, expires_on__gte=on).order_by(
        "-posted_on", "-pk"
    )


def employer_all_vacancies(*, actor: Any, employer: Employer) -> QuerySet[Vacancy]:
    """Every vacancy of an employer the actor posts for, with its applicant count."""
    return (
        VacancyPolicy()
        .visible(actor, "change")
        .filter(employer=employer)
        .annotate(applicant_count=Count("applications"))
        .order_by("-updated_at", "-pk")
    )


def employer_members(*, employer: Employer) -> list[Any]:
    """The people who act for an employer (its administrators see them)."""
    return list(employer.memberships.select_related("user").order_by("role", "user__email"))


def employers_for(*, actor: Any) -> QuerySet[Employer]:
    """The employers the actor is a member of."""
    return EmployerPolicy().member_rows(actor, "view").order_by("name")


def cme_benefit_summary(employer: Employer, *, on: date | None = None) -> dict[str, Any]:
    """Median CME allowance and paid days across the employer's open vacancies."""
    rows = list(employer_open_vacancies(employer, on=on).values_list("cme_allowance", "cme_days"))
    allowances = sorted(float(a) for a, _ in rows if a is not None)
    days = sorted(float(d) for _, d in rows if d is not None)

    def median(xs: list[float]) -> float | None:
        if not xs:
            return None
        mid = len(xs) // 2
        return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2

    return {"open": len(rows), "allowance": median(allowances), "days": median(days)}


def applications_for(*, actor: Any) -> QuerySet[Application]:
    """The clinician's own applications, newest first, with their history."""
    return (
        Application.objects.filter(user=actor)
        .select_related("vacancy", "vacancy__employer")
        .prefetch_related(Prefetch("events"))
        .order_by("-created_at", "-pk")
    )


def application_detail(*, actor: Any, pk: int) -> Application:
    return ApplicationPolicy().get(actor, "view", pk=pk)


def application_share_link(*, application: Application) -> Any:
    """The active transcript link attached to an application (404 when none is attached,
    or it was revoked or has expired)."""
    from cmepath.core.errors import NotFoundError

    link = application.share_link
    if link is None or not link.is_active(timezone.now()):
        raise NotFoundError(
            "No active transcript link is attached to this application (the applicant may "
            "have revoked it, or it expired)."
        )
    return link


@dataclass(frozen=True, slots=True)
class Applicant:
    application: Application
    name: str
    verified: bool
    profession: str
    match: matching.Match | None


def applicants_for(*, actor: Any, vacancy: Vacancy, on: date | None = None) -> list[Applicant]:
    """The applicants of a vacancy the actor posts for, ranked by fit with the reasons.
    Shows the verified profile summary only: never licence numbers."""
    on = on or today()
    apps = list(
        ApplicationPolicy()
        .visible(actor, "move")
        .filter(vacancy=vacancy)
        .select_related("user", "user__profile")
        .order_by("-created_at")
    )
    mandated = mandated_topics_for([vacancy])
    facts = vacancy_facts(vacancy, mandated)
    out: list[Applicant] = []
    for app in apps:
        clinician = clinician_facts(app.user, on=on)
        profile = getattr(app.user, "profile", None)
        out.append(
            Applicant(
                application=app,
                name=(profile.full_name if profile else "") or "Name not given",
                verified=bool(profile and profile.is_verified),
                profession=profile.get_profession_display() if profile else "",
                match=matching.match(clinician, facts, today=on) if clinician else None,
            )
        )
    out.sort(key=lambda a: (-(a.match.score if a.match else 0), a.application.pk))
    return out


def saved_searches_for(*, actor: Any) -> QuerySet[SavedSearch]:
    return SavedSearchPolicy().visible(actor).order_by("name", "pk")


def saved_search_by_token(token: str) -> SavedSearch:
    """The saved search an alert's unsubscribe link names (no sign-in: the token is the
    capability); 404 for an unknown token."""
    from cmepath.core.errors import NotFoundError

    found = SavedSearch.objects.filter(unsubscribe_token=token[:64]).first()
    if found is None:
        raise NotFoundError("This unsubscribe link is not valid (the search may be deleted).")
    return found


def moderation_queue(*, actor: Any) -> dict[str, Any]:
    """Vacancies waiting for review and open listing reports (admins)."""
    return {
        "review": VacancyPolicy()
        .visible(actor, "moderate")
        .filter(status=VacancyStatus.REVIEW)
        .select_related("employer")
        .order_by("updated_at"),
        "reports": VacancyReportPolicy()
        .visible(actor, "decide")
        .filter(status=ReportStatus.OPEN)
        .select_related("vacancy", "vacancy__employer")
        .order_by("created_at"),
        "unverified": EmployerPolicy()
        .visible(actor, "verify")
        .filter(verified_at__isnull=True)
        .order_by("created_at")
        if actor is not None
        else Employer.objects.none(),
    }


def posting_for(v: Vacancy, *, base_url: str = "") -> dict[str, Any]:
    """The JobPosting JSON-LD of a vacancy (its page and the JSON-LD export use this)."""
    from django.urls import reverse

    from cmepath.accounts import taxonomy
    from cmepath.jobs import jsonld, reference
    from cmepath.jobs.validation import VACANCY_FIELDS

    term = taxonomy.get(v.specialty) if v.specialty else None
    values = {name: getattr(v, name) for name in VACANCY_FIELDS}
    values["id"] = v.pk
    employer = {
        name: getattr(v.employer, name)
        for name in ("name", "legal_name", "website", "city", "state", "zip_code", "npi", "ein")
    }
    return jsonld.build_job_posting(
        values,
        employer=employer,
        url=base_url.rstrip("/") + reverse("jobs:vacancy", args=[v.pk]),
        specialty_label=term.display_name if term else "",
        soc_label=reference.SOC_CODES.get(v.soc_code, ""),
    )


def export_rows(*, employer_id: int | None, fmt: str) -> bytes:
    """Published vacancies (optionally one employer's) as a CSV, JSON or JSON-LD file."""
    from django.conf import settings

    from cmepath.jobs import formats
    from cmepath.jobs.validation import VACANCY_FIELDS

    qs = Vacancy.objects.filter(status=VacancyStatus.PUBLISHED).select_related("employer")
    if employer_id is not None:
        qs = qs.filter(employer_id=employer_id)
    rows = list(qs.order_by("pk"))
    base = getattr(settings, "SITE_URL", "")
    by_id = {v.pk: v for v in rows}
    values = [{**{n: getattr(v, n) for n in VACANCY_FIELDS}, "_id": v.pk} for v in rows]
    return formats.write_records(
        values, fmt, posting=lambda row: posting_for(by_id[row["_id"]], base_url=base)
    )


@dataclass(frozen=True, slots=True)
class EmployerOverview:
    employer: Employer
    open: int
    drafts: int
    in_review: int
    new_applications: int


def employer_overview(*, actor: Any) -> list[EmployerOverview]:
    """Each employer the actor acts for, with its vacancy counts by status and the
    applications still waiting for a first look (two queries)."""
    from django.db.models import Q

    employers = list(
        employers_for(actor=actor).annotate(
            n_open=Count("vacancies", filter=Q(vacancies__status=VacancyStatus.PUBLISHED)),
            n_drafts=Count("vacancies", filter=Q(vacancies__status=VacancyStatus.DRAFT)),
            n_review=Count("vacancies", filter=Q(vacancies__status=VacancyStatus.REVIEW)),
        )
    )
    waiting = dict(
        Application.objects.filter(
            vacancy__employer__in=[e.pk for e in employers],
            status=ApplicationStatus.SUBMITTED,
        )
        .values_list("vacancy__employer_id")
        .annotate(n=Count("pk"))
        .values_list("vacancy__employer_id", "n")
    )
    return [
        EmployerOverview(
            employer=e,
            open=e.n_open,
            drafts=e.n_drafts,
            in_review=e.n_review,
            new_applications=waiting.get(e.pk, 0),
        )
        for e in employers
    ]
