"""Employers, their recruiters, vacancies (with the fields a clinical listing carries and its
CME benefit), listing reports, applications with their history, and saved searches.

Validation lives in ``validation.py`` (pure: the same rules for the form, the API and the
importer) and the services; the database constraints below are the last line, so a bug in
a service can never store a salary minimum above its maximum.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cmepath.accounts.choices import US_STATES

from .choices import (
    AlertFrequency,
    ApplicationStatus,
    BoardRequirement,
    CallType,
    CareerTrack,
    EmployerRole,
    EmploymentModel,
    Malpractice,
    ReportReason,
    ReportStatus,
    SalaryUnit,
    Schedule,
    Setting,
    Tail,
    VacancyStatus,
)


def _money(label: str | None = None) -> Any:
    """An optional amount in US dollars (twelve digits with cents)."""
    return models.DecimalField(label, max_digits=12, decimal_places=2, null=True, blank=True)


class Employer(models.Model):
    """A hiring organization. Only an admin verifies one (legal name plus EIN or a type 2
    NPI); an unverified employer may draft vacancies but not publish them."""

    name = models.CharField("display name", max_length=200)
    legal_name = models.CharField(max_length=200)
    ein = models.CharField(
        "EIN", max_length=10, blank=True, help_text="Nine digits, as 12-3456789."
    )
    npi = models.CharField("organization NPI (type 2)", max_length=10, blank=True)
    address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, choices=US_STATES)
    zip_code = models.CharField("ZIP code", max_length=5, blank=True)
    website = models.URLField(blank=True)
    cme_policy = models.TextField(
        "CME policy summary", blank=True, help_text="What the employer funds, in plain words."
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    synthetic = models.BooleanField(
        default=False, help_text="Synthetic demo data: shown with a 'synthetic' label."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(ein="") | ~Q(npi="") | Q(verified_at__isnull=True),
                name="employer_verified_needs_ein_or_npi",
                violation_error_message="An employer can be verified only with an EIN or an NPI.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class EmployerMember(models.Model):
    """A user acting for an employer (the membership policy reads this)."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employer_memberships"
    )
    role = models.CharField(max_length=16, choices=EmployerRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "user"],
                name="employer_member_once",
                violation_error_message="This person is already a member of the employer.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.employer} ({self.role})"


class Vacancy(models.Model):
    """One listing. ``latitude``/``longitude`` come from the ZIP code (offline ``zipcodes``
    data); a fully remote vacancy has ``remote`` and the states it may be worked from."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="vacancies")
    reference = models.CharField(
        "employer's reference", max_length=64, blank=True, help_text="Their own requisition ID."
    )
    status = models.CharField(
        max_length=12, choices=VacancyStatus.choices, default=VacancyStatus.DRAFT
    )
    title = models.CharField(max_length=200)
    description = models.TextField()
    profession = models.CharField(max_length=8)
    specialty = models.CharField("specialty (NUCC code)", max_length=10, blank=True)
    soc_code = models.CharField("SOC code", max_length=7)
    setting = models.CharField(max_length=16, choices=Setting.choices)
    career_track = models.CharField(
        max_length=16, choices=CareerTrack.choices, default=CareerTrack.CLINICAL
    )
    employment_model = models.CharField(max_length=12, choices=EmploymentModel.choices)
    schedule = models.CharField(max_length=12, choices=Schedule.choices)
    shifts = models.CharField(max_length=200, blank=True, help_text="e.g. 4 x 10 h days")
    call_ratio = models.PositiveSmallIntegerField(
        "call 1 in N", null=True, blank=True, help_text="N in a 1:N call rotation."
    )
    call_type = models.CharField(max_length=10, choices=CallType.choices, default=CallType.NONE)
    call_paid = models.BooleanField(default=False)
    # Location
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, choices=US_STATES, blank=True)
    zip_code = models.CharField("ZIP code", max_length=5, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    remote = models.BooleanField("fully remote", default=False)
    remote_states = models.JSONField("states it may be worked from", default=list, blank=True)
    licence_states = models.JSONField("licences required (states)", default=list, blank=True)
    compact_accepted = models.BooleanField(
        "compact licence accepted",
        default=False,
        help_text="A multistate licence (NLC, IMLC or PA compact) is enough where it applies.",
    )
    board_requirement = models.CharField(
        max_length=10, choices=BoardRequirement.choices, default=BoardRequirement.NONE
    )
    credentials = models.JSONField("other credentials required", default=list, blank=True)
    # Compensation
    salary_min = _money()
    salary_max = _money()
    salary_unit = models.CharField(
        max_length=6, choices=SalaryUnit.choices, default=SalaryUnit.YEAR
    )
    guarantee_months = models.PositiveSmallIntegerField(null=True, blank=True)
    wrvu_threshold = models.PositiveIntegerField("wRVU threshold", null=True, blank=True)
    dollars_per_wrvu = _money("$ per wRVU")
    collections_percent = models.DecimalField(
        "% of collections", max_digits=5, decimal_places=2, null=True, blank=True
    )
    sign_on_bonus = _money()
    sign_on_clawback_months = models.PositiveSmallIntegerField(
        "sign-on bonus forgiven over (months)", null=True, blank=True
    )
    relocation = _money()
    loan_repayment = _money("loan repayment (employer)")
    nhsc_site = models.BooleanField("NHSC-approved site", default=False)
    hpsa_score = models.PositiveSmallIntegerField("HPSA score", null=True, blank=True)
    # CME benefit
    cme_allowance = _money("CME allowance per year")
    cme_days = models.DecimalField(
        "paid CME days per year", max_digits=4, decimal_places=1, null=True, blank=True
    )
    cme_days_separate_from_pto = models.BooleanField(default=True)
    cme_expenses = models.JSONField("eligible CME expenses", default=list, blank=True)
    cme_rollover = models.BooleanField("unused allowance rolls over", default=False)
    cme_repay_on_leaving = models.BooleanField("CME money repaid on leaving", default=False)
    # Terms
    malpractice = models.CharField(max_length=12, choices=Malpractice.choices, blank=True)
    tail = models.CharField(max_length=12, choices=Tail.choices, blank=True)
    noncompete_miles = models.PositiveSmallIntegerField(null=True, blank=True)
    noncompete_months = models.PositiveSmallIntegerField(null=True, blank=True)
    visas = models.JSONField("visa sponsorship", default=list, blank=True)
    agencies_may_contact = models.BooleanField(default=False)
    start_date = models.DateField(null=True, blank=True)
    posted_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    # Book-keeping
    dedupe_key = models.CharField(max_length=64, db_index=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    review_note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-posted_on", "-pk"]
        indexes = [
            models.Index(fields=["status", "expires_on"], name="vacancy_status_expiry"),
            models.Index(fields=["employer", "status"], name="vacancy_employer_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=F("salary_max")),
                name="vacancy_salary_min_le_max",
                violation_error_message="The minimum salary cannot be more than the maximum.",
            ),
            models.CheckConstraint(
                condition=Q(posted_on__isnull=True)
                | Q(expires_on__isnull=True)
                | Q(expires_on__gt=F("posted_on")),
                name="vacancy_expiry_after_posting",
                violation_error_message="The expiry date must come after the posting date.",
            ),
            models.CheckConstraint(
                condition=Q(remote=True) | ~Q(zip_code=""),
                name="vacancy_located_or_remote",
                violation_error_message="Give a ZIP code, or mark the vacancy as remote.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == VacancyStatus.PUBLISHED


class VacancyEvent(models.Model):
    """Append-only history of a vacancy's status (who moved it, when, why)."""

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=VacancyStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.vacancy_id}: {self.status} at {self.at:%Y-%m-%d %H:%M}"


class VacancyReport(models.Model):
    """A clinician's report that a listing is filled, misleading or a duplicate."""

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vacancy_reports"
    )
    reason = models.CharField(max_length=12, choices=ReportReason.choices)
    detail = models.CharField(max_length=1000, blank=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vacancy", "reporter"],
                name="vacancy_report_once",
                violation_error_message="You have already reported this vacancy.",
            )
        ]

    def __str__(self) -> str:
        return f"Report on vacancy {self.vacancy_id}: {self.reason} ({self.status})"


class Application(models.Model):
    """A clinician's application. The employer sees the verified profile summary and, only if
    the clinician attached one, a transcript share link; never licence numbers otherwise."""

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="applications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_applications"
    )
    status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    cover_note = models.TextField(blank=True, max_length=4000)
    share_link = models.ForeignKey(
        "credits.ShareLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fit_score = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vacancy", "user"],
                name="application_once",
                violation_error_message="You have already applied to this vacancy.",
            ),
        ]

    def __str__(self) -> str:
        return f"Application {self.pk} to vacancy {self.vacancy_id} ({self.status})"


class ApplicationEvent(models.Model):
    """Append-only status history, seen by both sides."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=1000, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.status} at {self.at:%Y-%m-%d %H:%M}"


def _unsubscribe_token() -> str:
    return secrets.token_urlsafe(24)


class SavedSearch(models.Model):
    """A search a clinician keeps, with e-mail alerts of new matching vacancies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_job_searches"
    )
    name = models.CharField(max_length=120)
    query = models.CharField(max_length=2000, help_text="The search page's query string.")
    frequency = models.CharField(
        max_length=8, choices=AlertFrequency.choices, default=AlertFrequency.WEEKLY
    )
    alerts = models.BooleanField(default=True)
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=_unsubscribe_token)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class SavedSearchHit(models.Model):
    """A vacancy already sent for a saved search: never the same vacancy twice."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="hits")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "vacancy"],
                name="saved_hit_once",
                violation_error_message="This vacancy was already sent for this saved search.",
            )
        ]

    def __str__(self) -> str:
        return f"Vacancy {self.vacancy_id} sent for saved search {self.saved_search_id}"
