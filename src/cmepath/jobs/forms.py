"""Forms of the jobs pages. They parse input only; ``validation.clean_vacancy`` and the
services decide what is acceptable, and their errors land next to the fields they name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from cmepath.accounts.taxonomy import choices as taxonomy_choices
from cmepath.core.vocabulary import STATES, choices

from . import paylaw, reference
from .choices import (
    APPLICATION_NEXT,
    CME_EXPENSES,
    CREDENTIALS,
    VACANCY_PROFESSIONS,
    VISAS,
    AlertFrequency,
    ApplicationStatus,
    BoardRequirement,
    CallType,
    CareerTrack,
    EmploymentModel,
    Malpractice,
    ReportReason,
    SalaryUnit,
    Schedule,
    Setting,
    Tail,
)
from .models import Vacancy
from .validation import VACANCY_FIELDS

_BLANK = [("", "—")]


def pay_range_states(on: date) -> str:
    """The states whose pay-transparency law is in force on ``on`` ("CA, CO, ... and WA"),
    from the sourced list the publishing check reads (``paylaw``)."""
    codes = sorted(code for code, law in paylaw.load_laws().items() if law.in_force_on(on))
    return f"{', '.join(codes[:-1])} and {codes[-1]}" if len(codes) > 1 else "".join(codes)


class DateInput(forms.DateInput):
    input_type = "date"


def _money(label: str, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


def _whole(label: str, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, help_text=help_text, min_value=0)


def _flag(label: str, help_text: str = "", initial: bool = False) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False, help_text=help_text, initial=initial)


def _state_choices() -> list[tuple[str, str]]:
    return choices(STATES)


class VacancyForm(forms.Form):
    """Every field of ``validation.VACANCY_FIELDS`` but ``posted_on`` (set when an admin
    publishes; the services ignore it from an author), grouped in :attr:`FIELDSETS`."""

    # Role
    title = forms.CharField(
        max_length=200,
        help_text="As clinicians search for it, e.g. 'Family physician, outpatient'.",
    )
    reference = forms.CharField(
        label="Your reference",
        max_length=64,
        required=False,
        help_text="Your own requisition ID; shown on the listing and in the JobPosting data.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text="The role, the team and the patients, in plain words.",
    )
    profession = forms.ChoiceField(choices=_BLANK + list(VACANCY_PROFESSIONS.items()))
    specialty = forms.ChoiceField(
        label="Specialty (NUCC)",
        choices=[],
        required=False,
        help_text="The NUCC taxonomy specialty this role asks for; matched against clinicians' specialties.",
    )
    soc_code = forms.ChoiceField(
        label="Occupation (SOC 2018)",
        choices=[],
        required=False,
        help_text="The Standard Occupational Classification; left blank, the profession's usual one is used.",
    )
    setting = forms.ChoiceField(choices=_BLANK + list(Setting.choices))
    career_track = forms.ChoiceField(
        label="Kind of role",
        choices=CareerTrack.choices,
        initial=CareerTrack.CLINICAL,
        help_text="Matched against the clinician's career goal (e.g. leadership for a future department chief).",
    )
    employment_model = forms.ChoiceField(choices=_BLANK + list(EmploymentModel.choices))
    schedule = forms.ChoiceField(choices=_BLANK + list(Schedule.choices))
    shifts = forms.CharField(
        max_length=200,
        required=False,
        help_text="Hours and shifts, e.g. '4 x 10 h days, no weekends'.",
    )
    call_ratio = _whole("Call: 1 in N", "N in a 1:N call rotation (1 to 60); blank for no call.")
    call_type = forms.ChoiceField(label="Call", choices=CallType.choices, initial=CallType.NONE)
    call_paid = _flag("Call is paid")
    # Location
    remote = _flag(
        "Fully remote",
        "Worked entirely from home; then list the states it may be worked from (licences follow the patient's state).",
    )
    zip_code = forms.CharField(
        label="ZIP code",
        max_length=10,
        required=False,
        help_text="Five digits; the city, state and map position come from it. Required unless fully remote.",
    )
    city = forms.CharField(
        max_length=100, required=False, help_text="Left blank, the ZIP code's city."
    )
    state = forms.ChoiceField(
        choices=[],
        required=False,
        help_text="Must agree with the ZIP code; left blank, the ZIP code's state.",
    )
    remote_states = forms.MultipleChoiceField(
        label="States it may be worked from",
        choices=[],
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Remote roles only. Hold Ctrl (or Cmd) to choose several.",
    )
    # Licences & credentials
    licence_states = forms.MultipleChoiceField(
        label="Licences required (states)",
        choices=[],
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Left blank: the state of the job (or, if remote, the states it may be worked from).",
    )
    compact_accepted = _flag(
        "Compact licence accepted",
        "A multistate licence is enough where it applies: Nurse Licensure Compact (RN), "
        "Interstate Medical Licensure Compact (MD/DO), PA Licensure Compact.",
    )
    board_requirement = forms.ChoiceField(
        label="Board certification", choices=BoardRequirement.choices, initial=BoardRequirement.NONE
    )
    credentials = forms.MultipleChoiceField(
        label="Other credentials required",
        choices=list(CREDENTIALS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Pay
    salary_min = _money("Pay from (USD)", "The bottom of the pay range.")
    salary_max = _money(
        "Pay up to (USD)", "The top of the pay range; equal to the bottom for a fixed rate."
    )
    salary_unit = forms.ChoiceField(
        label="Pay is", choices=SalaryUnit.choices, initial=SalaryUnit.YEAR
    )
    guarantee_months = _whole(
        "Salary guarantee (months)", "Months of guaranteed pay before productivity pay starts."
    )
    wrvu_threshold = _whole(
        "wRVU threshold", "Work RVUs a year above which productivity pay is earned."
    )
    dollars_per_wrvu = _money("$ per wRVU", "Productivity pay per work RVU above the threshold.")
    collections_percent = forms.DecimalField(
        label="% of collections",
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text="For collections-based pay instead of wRVUs.",
    )
    sign_on_bonus = _money("Sign-on bonus (USD)")
    sign_on_clawback_months = _whole(
        "Bonus forgiven over (months)",
        "Leaving earlier repays the part not yet forgiven (the clawback schedule).",
    )
    relocation = _money("Relocation assistance (USD)")
    loan_repayment = _money("Loan repayment (USD)", "What the employer pays toward student loans.")
    nhsc_site = _flag(
        "NHSC-approved site",
        "The National Health Service Corps repays loans of clinicians who serve here.",
    )
    hpsa_score = _whole(
        "HPSA score", "Health Professional Shortage Area score (0 to 26; higher is a greater need)."
    )
    # CME benefit
    cme_allowance = _money(
        "CME allowance per year (USD)",
        "Money for continuing education each year; shown on every search result.",
    )
    cme_days = forms.DecimalField(
        label="Paid CME days per year",
        min_value=0,
        max_digits=4,
        decimal_places=1,
        required=False,
        help_text="Days off with pay for CME (at most 60).",
    )
    cme_days_separate_from_pto = _flag(
        "CME days are separate from PTO",
        "Unticked: CME days come out of paid time off.",
        initial=True,
    )
    cme_expenses = forms.MultipleChoiceField(
        label="The allowance may be spent on",
        choices=list(CME_EXPENSES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cme_rollover = _flag("Unused allowance rolls over to the next year")
    cme_repay_on_leaving = _flag("CME money must be repaid on leaving")
    # Terms
    malpractice = forms.ChoiceField(
        label="Malpractice cover", choices=Malpractice.choices, required=False
    )
    tail = forms.ChoiceField(
        label="Tail cover",
        choices=Tail.choices,
        required=False,
        help_text="Who pays the tail of a claims-made policy on leaving.",
    )
    noncompete_miles = _whole("Non-compete radius (miles)", "Blank when there is no non-compete.")
    noncompete_months = _whole("Non-compete length (months)")
    visas = forms.MultipleChoiceField(
        label="Visa sponsorship",
        choices=list(VISAS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agencies_may_contact = _flag(
        "Agencies may contact us",
        "Unticked, the listing says recruiters and agencies should not call.",
    )
    # Dates
    start_date = forms.DateField(
        required=False, widget=DateInput, help_text="When the role starts."
    )
    expires_on = forms.DateField(
        label="Listing expires on",
        required=False,
        widget=DateInput,
        help_text="At most 180 days after posting; left blank, 60 days after it is published.",
    )

    FIELDSETS: tuple[tuple[str, tuple[str, ...]], ...] = (
        (
            "Role",
            (
                "title",
                "reference",
                "description",
                "profession",
                "specialty",
                "soc_code",
                "setting",
                "career_track",
                "employment_model",
                "schedule",
                "shifts",
                "call_type",
                "call_ratio",
                "call_paid",
            ),
        ),
        ("Location", ("remote", "zip_code", "city", "state", "remote_states")),
        (
            "Licences & credentials",
            ("licence_states", "compact_accepted", "board_requirement", "credentials"),
        ),
        (
            "Pay",
            (
                "salary_min",
                "salary_max",
                "salary_unit",
                "guarantee_months",
                "wrvu_threshold",
                "dollars_per_wrvu",
                "collections_percent",
                "sign_on_bonus",
                "sign_on_clawback_months",
                "relocation",
                "loan_repayment",
                "nhsc_site",
                "hpsa_score",
            ),
        ),
        (
            "CME benefit",
            (
                "cme_allowance",
                "cme_days",
                "cme_days_separate_from_pto",
                "cme_expenses",
                "cme_rollover",
                "cme_repay_on_leaving",
            ),
        ),
        (
            "Terms",
            (
                "malpractice",
                "tail",
                "noncompete_miles",
                "noncompete_months",
                "visas",
                "agencies_may_contact",
            ),
        ),
        ("Dates", ("start_date", "expires_on")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        states = _state_choices()
        self.fields["specialty"].choices = [("", "— none —"), *taxonomy_choices()]  # type: ignore[attr-defined]
        self.fields["soc_code"].choices = [  # type: ignore[attr-defined]
            ("", "— from the profession —"),
            *((code, f"{code} {label}") for code, label in reference.SOC_CODES.items()),
        ]
        self.fields["state"].choices = _BLANK + states  # type: ignore[attr-defined]
        self.fields["remote_states"].choices = states  # type: ignore[attr-defined]
        self.fields["licence_states"].choices = states  # type: ignore[attr-defined]
        self.fields["salary_min"].help_text = (
            "The bottom of the pay range. A pay range is required by law in "
            f"{pay_range_states(timezone.localdate())} (where the job is, or any state a "
            "remote job is open to): without one the vacancy cannot be published."
        )

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def service_data(self) -> dict[str, Any]:
        """The cleaned values keyed by ``VACANCY_FIELDS`` names, for ``clean_vacancy``."""
        return {name: value for name, value in self.cleaned_data.items() if name in VACANCY_FIELDS}

    @staticmethod
    def initial_for(vacancy: Vacancy) -> dict[str, Any]:
        return {name: getattr(vacancy, name) for name in VacancyForm.base_fields}


class EmployerForm(forms.Form):
    name = forms.CharField(
        label="Display name", max_length=200, help_text="As clinicians know you."
    )
    legal_name = forms.CharField(
        max_length=200, help_text="As registered with the IRS; an administrator checks it."
    )
    ein = forms.CharField(
        label="EIN",
        max_length=10,
        required=False,
        help_text="Employer Identification Number, written 12-3456789. An EIN or an organization NPI is needed for verification.",
    )
    npi = forms.CharField(
        label="Organization NPI (type 2)", max_length=10, required=False, help_text="Ten digits."
    )
    address = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    state = forms.ChoiceField(choices=[])
    zip_code = forms.CharField(label="ZIP code", max_length=5, required=False)
    website = forms.URLField(max_length=200, required=False, assume_scheme="https")
    cme_policy = forms.CharField(
        label="CME policy summary",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
        help_text="What you fund, in plain words: allowance, paid days, what it may be spent on.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = _BLANK + _state_choices()  # type: ignore[attr-defined]


class ApplyForm(forms.Form):
    """Apply with the verified profile, a note and, if the clinician wants, one of their
    live transcript share links (``links``: the choices)."""

    cover_note = forms.CharField(
        label="Note to the employer",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
        help_text="Optional; at most 4,000 characters.",
    )
    share_link = forms.TypedChoiceField(
        label="Attach your transcript",
        choices=[],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="The employer sees your licences and certificates only through a share link you attach.",
    )

    def __init__(self, *args: Any, links: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.links = {link.pk: link for link in links}
        self.fields["share_link"].choices = [  # type: ignore[attr-defined]
            ("", "— no transcript —"),
            *((pk, _link_label(link)) for pk, link in self.links.items()),
        ]

    def chosen_link(self) -> Any:
        pk = self.cleaned_data.get("share_link")
        return self.links.get(pk) if pk is not None else None


def _link_label(link: Any) -> str:
    ends = link.expires_at
    return f"{link.label} (expires {ends:%b} {ends.day}, {ends.year})"


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label="What is wrong", choices=ReportReason.choices)
    detail = forms.CharField(
        label="Details",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
        help_text="Optional: what you found, e.g. 'the practice said the post was filled in May'.",
    )


class MoveForm(forms.Form):
    """The employer moves an application to one of the next stages of its status."""

    status = forms.ChoiceField(label="Move to")
    note = forms.CharField(
        label="Note",
        max_length=1000,
        required=False,
        help_text="Shown to the applicant in the history.",
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels: Mapping[str, str] = dict(ApplicationStatus.choices)
        nxt = APPLICATION_NEXT.get(current, frozenset())
        order = list(ApplicationStatus.values)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (s, labels[s]) for s in sorted(nxt, key=order.index)
        ]


class SavedSearchForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120, help_text="e.g. 'ICU nights near Austin'.")
    query = forms.CharField(max_length=2000, required=False, widget=forms.HiddenInput)
    frequency = forms.ChoiceField(
        label="E-mail me", choices=AlertFrequency.choices, initial=AlertFrequency.WEEKLY
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="What must change",
        max_length=500,
        help_text="The employer sees this note on the draft.",
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("uphold", "Uphold"), ("dismiss", "Dismiss")])
