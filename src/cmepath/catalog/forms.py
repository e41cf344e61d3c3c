"""Forms of the catalog pages. They parse input only; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms

from cmepath.accounts.choices import US_STATES
from cmepath.core.vocabulary import COMPETENCIES, PROFESSIONS, TOPICS, choices

from .choices import (
    MOC_BOARDS,
    MOORE_LEVELS,
    ActivityFormat,
    ActivityStatus,
    ChangeTarget,
    Delivery,
    Rems,
)
from .models import Activity

_BLANK = [("", "—")]


class DateInput(forms.DateInput):
    input_type = "date"


class ActivityForm(forms.Form):
    """Create or edit one activity. Credits and support use the same text syntax as CSV."""

    title = forms.CharField(max_length=300)
    provider_activity_id = forms.CharField(
        label="Your activity ID",
        max_length=64,
        required=False,
        help_text="Your own ID for this activity; re-imports with the same ID update it. Left blank, one is made up.",
    )
    status = forms.ChoiceField(choices=ActivityStatus.choices, initial=ActivityStatus.PUBLISHED)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=20_000
    )
    format = forms.ChoiceField(choices=ActivityFormat.choices)
    delivery = forms.ChoiceField(choices=Delivery.choices)
    start_date = forms.DateField(widget=DateInput)
    end_date = forms.DateField(widget=DateInput)
    city = forms.CharField(max_length=100, required=False)
    state = forms.ChoiceField(choices=_BLANK + list(US_STATES), required=False)
    cost = forms.DecimalField(
        label="Cost (USD)", min_value=0, max_digits=9, decimal_places=2, initial=0
    )
    url = forms.URLField(
        label="Activity URL", max_length=500, required=False, assume_scheme="https"
    )
    credits = forms.CharField(
        label="Credit designations",
        max_length=1000,
        help_text="type:amount, separated by semicolons, e.g. ama_pra_1:12; ancc:12; aanp:10:3 "
        "(a third number is AANP pharmacology hours).",
    )
    professions = forms.MultipleChoiceField(
        choices=choices(PROFESSIONS), required=False, widget=forms.CheckboxSelectMultiple
    )
    specialties = forms.CharField(
        max_length=1000,
        required=False,
        help_text="Separate several with semicolons, e.g. cardiology; internal medicine.",
    )
    topics = forms.MultipleChoiceField(
        choices=choices(TOPICS),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Mandated topics count toward state and board requirements.",
    )
    competencies = forms.MultipleChoiceField(
        choices=choices(COMPETENCIES), required=False, widget=forms.CheckboxSelectMultiple
    )
    commercial_support = forms.CharField(
        max_length=5000,
        required=False,
        help_text="Blank if none; else source:monetary|in_kind:amount, separated by semicolons, "
        "e.g. Acme Pharma:monetary:25000.",
    )
    disclosure_summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text="Relevant financial relationships and how they were mitigated.",
    )
    designed_to_change = forms.MultipleChoiceField(
        choices=ChangeTarget.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    outcomes_evaluated = forms.BooleanField(label="Changes are evaluated", required=False)
    moore_level = forms.TypedChoiceField(
        label="Moore level of published results",
        choices=[("", "—"), *MOORE_LEVELS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    outcomes_summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    moc_boards = forms.MultipleChoiceField(
        label="MOC boards",
        choices=list(MOC_BOARDS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    moc_points = forms.DecimalField(
        label="MOC points", min_value=0, max_digits=6, decimal_places=2, required=False
    )
    rems = forms.ChoiceField(label="REMS", choices=Rems.choices, initial=Rems.NONE)
    interprofessional = forms.BooleanField(
        required=False, help_text="Planned by and for the healthcare team."
    )
    pi_component = forms.BooleanField(label="Practice-improvement component", required=False)

    def clean_specialties(self) -> list[str]:
        return [s.strip() for s in self.cleaned_data["specialties"].split(";") if s.strip()]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("cost") is None:
            data["cost"] = 0
        return data

    @staticmethod
    def initial_for(activity: Activity) -> dict[str, Any]:
        """Form values of an existing activity (designations and support as text)."""
        initial = {
            name: getattr(activity, name)
            for name in ActivityForm.base_fields
            if name not in ("credits", "commercial_support", "specialties")
        }
        initial["specialties"] = "; ".join(activity.specialties)
        initial["credits"] = "; ".join(
            f"{d.credit_type}:{d.amount.normalize():f}"
            + (f":{d.pharmacology_hours.normalize():f}" if d.pharmacology_hours is not None else "")
            for d in activity.designations.all()
        )
        initial["commercial_support"] = "; ".join(
            f"{s.source}:{s.kind}:{s.amount.normalize():f}"
            for s in activity.commercial_support.all()
        )
        return initial


class CohortOutcomeForm(forms.Form):
    period_start = forms.DateField(widget=DateInput)
    period_end = forms.DateField(widget=DateInput)
    learners = forms.IntegerField(min_value=0, max_value=10_000_000)
    moore_level = forms.TypedChoiceField(
        label="Moore level reached", choices=MOORE_LEVELS, coerce=int
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="What was measured, how, and what changed.",
    )


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV, JSON or PARS tab-delimited text, UTF-8, at most 10 MB.")
    file_format = forms.ChoiceField(
        label="Format",
        choices=[
            ("", "From the file name (.csv, .json, .txt = PARS)"),
            ("csv", "CSV"),
            ("json", "JSON"),
            ("pars", "PARS tab-delimited"),
        ],
        required=False,
    )
