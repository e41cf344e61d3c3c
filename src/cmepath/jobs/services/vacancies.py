"""Writes on employers, their members, vacancies (create, edit, lifecycle, expiry) and
listing reports.

Lifecycle: draft -> in review -> published -> closed or expired. A verified employer's
member submits; an admin publishes or sends it back with a reason. Publishing checks the
pay-transparency law of every state the vacancy is in or open to, sets the posting and
expiry dates, and marks a vacancy a duplicate of an older published one with the same
employer, title and location (duplicates are not indexed: search shows each job once).
Every status change is kept in ``VacancyEvent`` and re-indexes the vacancy after commit.
Callers check the policies first (``policies.py``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from cmepath.core.errors import ConflictError, ValidationError
from cmepath.core.services import audit_record
from cmepath.jobs.choices import (
    DEFAULT_EXPIRY_DAYS,
    TRANSITIONS,
    EmployerRole,
    ErrorCode,
    ReportStatus,
    VacancyStatus,
)
from cmepath.jobs.models import Employer, EmployerMember, Vacancy, VacancyEvent, VacancyReport
from cmepath.jobs.validation import VacancyInvalid, clean_vacancy, pay_law_problem

from .indexing import index_on_commit

_EIN_RE = re.compile(r"^\d{2}-?\d{7}$")
_NPI_RE = re.compile(r"^\d{10}$")

# ------------------------------------------------------------------ employers


def _npi_checksum_ok(npi: str) -> bool:
    """The NPI check digit (Luhn over ``80840`` + the first nine digits)."""
    digits = [int(c) for c in "80840" + npi[:9]]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return (10 - total % 10) % 10 == int(npi[9])


@transaction.atomic
def employer_create(
    *,
    actor: Any,
    name: str,
    legal_name: str,
    state: str,
    ein: str = "",
    npi: str = "",
    address: str = "",
    city: str = "",
    zip_code: str = "",
    website: str = "",
    cme_policy: str = "",
    synthetic: bool = False,
) -> Employer:
    """Create an employer (unverified) and, when ``actor`` is an employer-role user, make
    them its administrator."""
    from cmepath.core.vocabulary import STATES

    errors: dict[str, list[str]] = {}
    name, legal_name = " ".join(name.split()), " ".join(legal_name.split())
    if not name:
        errors["name"] = ["is required."]
    if not legal_name:
        errors["legal_name"] = ["is required (as registered with the IRS)."]
    if state not in STATES:
        errors["state"] = [f"{state[:20]!r} is not a US state code (two letters, e.g. TX)."]
    if ein and not _EIN_RE.match(ein):
        errors["ein"] = ["An EIN is nine digits, written 12-3456789."]
    if npi and not (_NPI_RE.match(npi) and _npi_checksum_ok(npi)):
        errors["npi"] = ["An NPI is ten digits with a valid check digit."]
    if errors:
        first = next(iter(errors))
        raise ValidationError(f"{first}: {errors[first][0]}", field=first, errors=errors)
    if ein and len(ein) == 9:
        ein = f"{ein[:2]}-{ein[2:]}"
    employer = Employer.objects.create(
        name=name,
        legal_name=legal_name,
        state=state,
        ein=ein,
        npi=npi,
        address=address,
        city=city,
        zip_code=zip_code,
        website=website,
        cme_policy=cme_policy,
        synthetic=synthetic,
    )
    if actor is not None and getattr(actor, "role", None) == "employer":
        EmployerMember.objects.create(employer=employer, user=actor, role=EmployerRole.ADMIN)
    audit_record(actor=actor, action="jobs.employer.create", target=employer, detail={"name": name})
    return employer


@transaction.atomic
def employer_verify(*, actor: Any, employer: Employer) -> Employer:
    """An admin confirms the legal name against the EIN or type 2 NPI."""
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    if not (employer.ein or employer.npi):
        raise ValidationError(
            "Add the employer's EIN or organization NPI before verifying it.", field="ein"
        )
    if employer.verified_at is None:
        employer.verified_at = timezone.now()
        employer.verified_by = actor
        employer.save(update_fields=["verified_at", "verified_by"])
        audit_record(actor=actor, action="jobs.employer.verify", target=employer)
    return employer


@transaction.atomic
def employer_member_add(*, actor: Any, employer: Employer, user: Any, role: str) -> EmployerMember:
    if role not in EmployerRole.values:
        raise ValidationError(
            f"Unknown role {role!r}. Accepted: {', '.join(EmployerRole.values)}.", field="role"
        )
    if getattr(user, "role", None) != "employer":
        raise ValidationError(
            "Only employer accounts can join an employer (sign up as an employer or recruiter).",
            field="user",
        )
    member, _ = EmployerMember.objects.update_or_create(
        employer=employer, user=user, defaults={"role": role}
    )
    audit_record(
        actor=actor,
        action="jobs.employer.member_add",
        target=employer,
        subject_user_id=user.pk,
        detail={"role": role},
    )
    return member


def employer_member_add_by_email(
    *, actor: Any, employer: Employer, email: str, role: str
) -> EmployerMember:
    """Add the employer account with this email (the administrator's form and the API)."""
    from django.contrib.auth import get_user_model

    email = email.strip()
    user = get_user_model().objects.filter(email__iexact=email).first() if email else None
    if user is None:
        raise ValidationError(
            "No cmepath account has that email; ask them to sign up as an employer first.",
            field="email",
        )
    return employer_member_add(actor=actor, employer=employer, user=user, role=role)


# ------------------------------------------------------------------ vacancies


def dedupe_key(employer_id: int, title: str, city: str, state: str, remote: bool) -> str:
    """Same employer, same title, same place: the same job (case and spacing ignored)."""
    norm = "|".join(
        " ".join(re.sub(r"[^a-z0-9]+", " ", s.casefold()).split())
        for s in (title, "remote" if remote else city, state)
    )
    return hashlib.sha256(f"{employer_id}|{norm}".encode()).hexdigest()[:40]


def _invalid(exc: VacancyInvalid) -> ValidationError:
    return ValidationError(
        exc.summary(),
        field=next(iter(exc.errors)),
        code=ErrorCode.VACANCY_INVALID,
        errors=exc.errors,
    )


def _values_of(vacancy: Vacancy) -> dict[str, Any]:
    from cmepath.jobs.validation import VACANCY_FIELDS

    return {name: getattr(vacancy, name) for name in VACANCY_FIELDS}


def _event(vacancy: Vacancy, actor: Any, note: str = "") -> None:
    VacancyEvent.objects.create(vacancy=vacancy, status=vacancy.status, actor=actor, note=note)


@transaction.atomic
def vacancy_create(
    *, actor: Any, employer: Employer, data: Mapping[str, Any], today: date | None = None
) -> Vacancy:
    """A new draft from field values (see ``validation.VACANCY_FIELDS``)."""
    today = today or timezone.localdate()
    try:
        values = clean_vacancy(data, today=today)
    except VacancyInvalid as exc:
        raise _invalid(exc) from None
    values.pop("posted_on", None)
    vacancy = Vacancy(employer=employer, created_by=actor, **values)
    vacancy.dedupe_key = dedupe_key(
        employer.pk, vacancy.title, vacancy.city, vacancy.state, vacancy.remote
    )
    vacancy.save()
    _event(vacancy, actor, "Created")
    audit_record(actor=actor, action="jobs.vacancy.create", target=vacancy)
    return vacancy


@transaction.atomic
def vacancy_update(
    *, actor: Any, vacancy: Vacancy, data: Mapping[str, Any], today: date | None = None
) -> Vacancy:
    """Change fields of a vacancy. A published vacancy stays published if it still meets
    the pay law; its dates of posting are kept."""
    today = today or timezone.localdate()
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    if vacancy.status in (VacancyStatus.CLOSED, VacancyStatus.EXPIRED):
        raise ConflictError(
            "This vacancy is closed; post a new one instead of editing it.",
            code=ErrorCode.VACANCY_CLOSED,
        )
    data = {k: v for k, v in data.items() if k != "posted_on"}
    try:
        values = clean_vacancy(data, partial_of=_values_of(vacancy), today=today)
    except VacancyInvalid as exc:
        raise _invalid(exc) from None
    if vacancy.status == VacancyStatus.PUBLISHED:
        problem = pay_law_problem(values, on=today)
        if problem:
            raise ValidationError(problem, field="salary_min", code=ErrorCode.PAY_RANGE_REQUIRED)
    values.pop("posted_on", None)
    for name, value in values.items():
        setattr(vacancy, name, value)
    vacancy.dedupe_key = dedupe_key(
        vacancy.employer_id, vacancy.title, vacancy.city, vacancy.state, vacancy.remote
    )
    vacancy.save()
    audit_record(actor=actor, action="jobs.vacancy.update", target=vacancy)
    index_on_commit([vacancy.pk])
    return vacancy


def _transition(vacancy: Vacancy, action: str) -> Vacancy:
    locked = Vacancy.objects.select_for_update().select_related("employer").get(pk=vacancy.pk)
    if locked.status not in TRANSITIONS[action]:
        allowed = ", ".join(VacancyStatus(s).label.lower() for s in sorted(TRANSITIONS[action]))
        raise ConflictError(
            f"Cannot {action} a vacancy that is {locked.get_status_display().lower()} "
            f"(only one that is {allowed}).",
            code=ErrorCode.BAD_TRANSITION,
        )
    return locked


def _publish_checks(vacancy: Vacancy, today: date) -> None:
    if not vacancy.employer.is_verified:
        raise ValidationError(
            f"{vacancy.employer.name} is not verified yet: an administrator checks the legal "
            "name against the EIN or organization NPI before its vacancies can be published.",
            code=ErrorCode.EMPLOYER_UNVERIFIED,
        )
    problem = pay_law_problem(_values_of(vacancy), on=today)
    if problem:
        raise ValidationError(problem, field="salary_min", code=ErrorCode.PAY_RANGE_REQUIRED)
    if vacancy.expires_on is not None and vacancy.expires_on <= today:
        raise ValidationError(
            f"The expiry date {vacancy.expires_on} has passed; set a later one.",
            field="expires_on",
        )


@transaction.atomic
def vacancy_submit(*, actor: Any, vacancy: Vacancy, today: date | None = None) -> Vacancy:
    """Send a draft to review (the same checks as publishing, so review sees no surprise)."""
    today = today or timezone.localdate()
    vacancy = _transition(vacancy, "submit")
    _publish_checks(vacancy, today)
    vacancy.status = VacancyStatus.REVIEW
    vacancy.review_note = ""
    vacancy.save(update_fields=["status", "review_note", "updated_at"])
    _event(vacancy, actor, "Submitted for review")
    audit_record(actor=actor, action="jobs.vacancy.submit", target=vacancy)
    return vacancy


def _mark_duplicate(vacancy: Vacancy) -> None:
    original = (
        Vacancy.objects.filter(
            dedupe_key=vacancy.dedupe_key,
            status=VacancyStatus.PUBLISHED,
            duplicate_of__isnull=True,
        )
        .exclude(pk=vacancy.pk)
        .order_by("posted_on", "pk")
        .first()
    )
    vacancy.duplicate_of = original


@transaction.atomic
def vacancy_publish(*, actor: Any, vacancy: Vacancy, today: date | None = None) -> Vacancy:
    """An admin publishes a vacancy in review."""
    today = today or timezone.localdate()
    vacancy = _transition(vacancy, "publish")
    _publish_checks(vacancy, today)
    vacancy.status = VacancyStatus.PUBLISHED
    vacancy.posted_on = today
    if vacancy.expires_on is None:
        vacancy.expires_on = today + timedelta(days=DEFAULT_EXPIRY_DAYS)
    _mark_duplicate(vacancy)
    vacancy.save(update_fields=["status", "posted_on", "expires_on", "duplicate_of", "updated_at"])
    note = "Published"
    if vacancy.duplicate_of_id:
        note += f" (same job as vacancy {vacancy.duplicate_of_id}: shown once in search)"
    _event(vacancy, actor, note)
    audit_record(actor=actor, action="jobs.vacancy.publish", target=vacancy)
    index_on_commit([vacancy.pk])
    return vacancy


@transaction.atomic
def vacancy_return(*, actor: Any, vacancy: Vacancy, reason: str) -> Vacancy:
    """An admin sends a vacancy in review back to draft, saying why."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("Say what the employer must change.", field="reason")
    vacancy = _transition(vacancy, "return")
    vacancy.status = VacancyStatus.DRAFT
    vacancy.review_note = reason[:500]
    vacancy.save(update_fields=["status", "review_note", "updated_at"])
    _event(vacancy, actor, f"Sent back: {reason[:400]}")
    audit_record(actor=actor, action="jobs.vacancy.return", target=vacancy)
    return vacancy


def _promote_duplicate(vacancy: Vacancy) -> list[int]:
    """When an original leaves search, its oldest open duplicate takes its place."""
    dups = list(
        Vacancy.objects.select_for_update()
        .filter(duplicate_of=vacancy, status=VacancyStatus.PUBLISHED)
        .order_by("posted_on", "pk")
    )
    if not dups:
        return []
    head, rest = dups[0], dups[1:]
    head.duplicate_of = None
    head.save(update_fields=["duplicate_of"])
    Vacancy.objects.filter(pk__in=[d.pk for d in rest]).update(duplicate_of=head)
    return [head.pk]


@transaction.atomic
def vacancy_close(*, actor: Any, vacancy: Vacancy, note: str = "") -> Vacancy:
    """Close a vacancy (filled or withdrawn by the employer, or by a moderator)."""
    vacancy = _transition(vacancy, "close")
    vacancy.status = VacancyStatus.CLOSED
    vacancy.save(update_fields=["status", "updated_at"])
    _event(vacancy, actor, note or "Closed")
    audit_record(actor=actor, action="jobs.vacancy.close", target=vacancy)
    index_on_commit([vacancy.pk, *_promote_duplicate(vacancy)])
    return vacancy


def vacancy_expire_due(*, actor: Any, today: date | None = None) -> int:
    """Expire every published vacancy whose expiry date has passed; returns how many.
    Each vacancy is its own transaction, so a crash leaves the rest for the next run."""
    today = today or timezone.localdate()
    ids = list(
        Vacancy.objects.filter(status=VacancyStatus.PUBLISHED, expires_on__lt=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    done = 0
    for pk in ids:
        with transaction.atomic():
            vacancy = (
                Vacancy.objects.select_for_update()
                .filter(pk=pk, status=VacancyStatus.PUBLISHED, expires_on__lt=today)
                .first()
            )
            if vacancy is None:
                continue
            vacancy.status = VacancyStatus.EXPIRED
            vacancy.save(update_fields=["status", "updated_at"])
            _event(vacancy, actor, f"Expired on {vacancy.expires_on}")
            index_on_commit([vacancy.pk, *_promote_duplicate(vacancy)])
            done += 1
    if done:
        with transaction.atomic():
            audit_record(actor=actor, action="jobs.vacancy.expire", detail={"count": done})
    return done


# ------------------------------------------------------------------ reports


@transaction.atomic
def vacancy_report(*, actor: Any, vacancy: Vacancy, reason: str, detail: str = "") -> VacancyReport:
    """A clinician reports a listing as filled, misleading or a duplicate (once each)."""
    from cmepath.jobs.choices import ReportReason

    if reason not in ReportReason.values:
        raise ValidationError(
            f"Unknown reason {reason!r}. Accepted: {', '.join(ReportReason.values)}.",
            field="reason",
        )
    if VacancyReport.objects.filter(vacancy=vacancy, reporter=actor).exists():
        raise ConflictError(
            "You already reported this listing; a moderator will look at it.",
            code=ErrorCode.ALREADY_REPORTED,
        )
    report = VacancyReport.objects.create(
        vacancy=vacancy, reporter=actor, reason=reason, detail=" ".join(detail.split())[:1000]
    )
    audit_record(
        actor=actor, action="jobs.vacancy.report", target=vacancy, detail={"reason": reason}
    )
    return report


@transaction.atomic
def report_decide(*, actor: Any, report: VacancyReport, uphold: bool) -> VacancyReport:
    """A moderator upholds a report (the listing is closed) or dismisses it."""
    report = VacancyReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.OPEN:
        raise ConflictError("This report was already decided.")
    report.status = ReportStatus.UPHELD if uphold else ReportStatus.DISMISSED
    report.decided_by = actor
    report.decided_at = timezone.now()
    report.save(update_fields=["status", "decided_by", "decided_at"])
    if uphold:
        vacancy = report.vacancy
        if vacancy.status in TRANSITIONS["close"]:
            vacancy_close(
                actor=actor,
                vacancy=vacancy,
                note=f"Closed after a report: {report.get_reason_display()}",
            )
        VacancyReport.objects.filter(vacancy=report.vacancy, status=ReportStatus.OPEN).update(
            status=ReportStatus.UPHELD, decided_by=actor, decided_at=report.decided_at
        )
    audit_record(actor=actor, action="jobs.report.decide", target=report, detail={"uphold": uphold})
    return report
