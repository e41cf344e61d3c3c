"""Forms of the catalog pages. They parse input only; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms

from cmepath.accounts.choices import US_STATES
from cmepath.core.vocabulary import COMPETENCIES, CREDIT_TYPES, PROFESSIONS, TOPICS, choices

from .choices import (
    MOC_BOARDS,
    MOORE_LEVELS,
    ActivityFormat,
    ActivityStatus,
    ChangeTarget,
    Delivery,
    Rems,
    SupportKind,
)
from .models import Activity

_BLANK = [("", "—")]


class DateInput(forms.DateInput):
    input_type = "date"


class CreditRowForm(forms.Form):
    """One credit designation: a credit type (by its label) and an amount."""

    credit_type = forms.ChoiceField(label="Credit type", required=False)
    amount = forms.DecimalField(
        label="Credits", required=False, min_value=0, max_digits=6, decimal_places=2
    )
    pharmacology_hours = forms.DecimalField(
        label="Pharmacology hours",
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
        help_text="AANP only: hours of the credits on pharmacology.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["credit_type"].choices = [("", "— choose —"), *choices(CREDIT_TYPES)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ctype, amount, hours = (
            data.get("credit_type"),
            data.get("amount"),
            data.get("pharmacology_hours"),
        )
        if not ctype and amount is None and hours is None:
            return data  # a blank row: ignored
        if not ctype:
            self.add_error("credit_type", "Choose the credit type of these credits.")
        if amount is None:
            self.add_error("amount", "Give the number of credits.")
        elif amount <= 0:
            self.add_error("amount", "The number of credits must be more than 0.")
        if hours is not None and amount is not None and hours > amount:
            self.add_error(
                "pharmacology_hours",
                f"Pharmacology hours ({hours}) cannot exceed the credits ({amount}).",
            )
        return data


class SupportRowForm(forms.Form):
    """One commercial supporter: who, monetary or in-kind, how much."""

    source = forms.CharField(label="Supporter", max_length=200, required=False)
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "— choose —"), *SupportKind.choices], required=False
    )
    amount = forms.DecimalField(
        label="Amount (USD)", required=False, min_value=0, max_digits=12, decimal_places=2
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source = (data.get("source") or "").strip()
        data["source"] = source
        if not source and not data.get("kind") and data.get("amount") is None:
            return data
        if not source:
            self.add_error("source", "Name the company that gave the support.")
        if not data.get("kind"):
            self.add_error("kind", "Choose monetary or in-kind.")
        return data


def _filled(form: forms.Form) -> bool:
    return bool(getattr(form, "cleaned_data", None)) and any(
        v not in (None, "") for v in form.cleaned_data.values()
    )


class CreditRowSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: dict[str, int] = {}
        rows = [f for f in self.forms if _filled(f)]
        for form in rows:
            ctype = form.cleaned_data["credit_type"]
            if ctype in seen:
                form.add_error(
                    "credit_type",
                    f"{dict(form.fields['credit_type'].choices)[ctype]} is listed twice; "
                    "give it once with the total.",
                )
            seen[ctype] = 1
        if not rows:
            raise forms.ValidationError("Add at least one credit designation.")


class SupportRowSet(forms.BaseFormSet):  # type: ignore[type-arg]
    pass


#: Blank rows offered without JavaScript (more rows: save, and the page offers new blanks).
BLANK_ROWS = 2
CreditRows = forms.formset_factory(
    CreditRowForm, formset=CreditRowSet, extra=BLANK_ROWS, max_num=30, validate_max=True
)
SupportRows = forms.formset_factory(
    SupportRowForm, formset=SupportRowSet, extra=BLANK_ROWS, max_num=50, validate_max=True
)


class ActivityForm(forms.Form):
    """Create or edit one activity. Credits and commercial support are repeated rows
    (``credit_rows``, ``support_rows``: formsets with the prefixes ``credits`` and
    ``support``); a post without those rows may still send the CSV text syntax in
    ``credits`` and ``commercial_support`` (scripts written before the rows)."""

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
        label="Credit designations", max_length=1000, required=False, widget=forms.HiddenInput
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
        label="Commercial support", max_length=5000, required=False, widget=forms.HiddenInput
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

    #: The fields the rows replace on the page (kept for posts in the text syntax).
    ROW_FIELDS = ("credits", "commercial_support")

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        initial = self.initial or {}
        credit_rows = initial.get("credit_rows") or []
        support_rows = initial.get("support_rows") or []
        # a post with the rows' management form uses the rows; one without (a script using
        # the text syntax) uses the text fields, so nothing that worked before breaks
        self.uses_rows = data is None or "credits-TOTAL_FORMS" in data
        rows_data = data if self.uses_rows else None
        self.credit_rows = CreditRows(rows_data, prefix="credits", initial=credit_rows)
        self.support_rows = SupportRows(rows_data, prefix="support", initial=support_rows)
        self.row_errors: dict[str, list[str]] = {name: [] for name in self.ROW_FIELDS}

    def main_fields(self) -> list[forms.BoundField]:
        """The fields the page lays out in its two columns (rows and hidden text aside)."""
        return [self[name] for name in self.fields if name not in self.ROW_FIELDS]

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if not self.uses_rows:
            return valid
        credits_ok = self.credit_rows.is_valid()
        support_ok = self.support_rows.is_valid()
        return valid and credits_ok and support_ok

    def add_error(self, field: str | None, error: Any) -> None:
        """A service's message about credits or support goes above those rows, without
        the field code in front (``credits: unknown credit type`` reads as code)."""
        if field in self.ROW_FIELDS and self.uses_rows:
            text = str(error.message if hasattr(error, "message") else error)
            while text.startswith(f"{field}: "):
                text = text[len(field) + 2 :]
            self.row_errors[field].append(text[:1].upper() + text[1:])
            return
        super().add_error(field, error)

    def clean_specialties(self) -> list[str]:
        return [s.strip() for s in self.cleaned_data["specialties"].split(";") if s.strip()]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("cost") is None:
            data["cost"] = 0
        if self.uses_rows:
            data["credits"] = [
                {
                    "credit_type": f.cleaned_data["credit_type"],
                    "amount": f.cleaned_data["amount"],
                    "pharmacology_hours": f.cleaned_data.get("pharmacology_hours"),
                }
                for f in self.credit_rows.forms
                if _filled(f)
            ]
            data["commercial_support"] = [
                {
                    "source": f.cleaned_data["source"],
                    "kind": f.cleaned_data["kind"],
                    "amount": f.cleaned_data.get("amount"),
                }
                for f in self.support_rows.forms
                if _filled(f)
            ]
        return data

    @staticmethod
    def initial_for(activity: Activity) -> dict[str, Any]:
        """Form values of an existing activity: designations and support as rows (and as
        the text syntax for the hidden fields)."""
        initial = {
            name: getattr(activity, name)
            for name in ActivityForm.base_fields
            if name not in ("credits", "commercial_support", "specialties")
        }
        initial["specialties"] = "; ".join(activity.specialties)
        initial["credit_rows"] = [
            {
                "credit_type": d.credit_type,
                "amount": d.amount.normalize(),
                "pharmacology_hours": d.pharmacology_hours.normalize()
                if d.pharmacology_hours is not None
                else None,
            }
            for d in activity.designations.all()
        ]
        initial["support_rows"] = [
            {"source": s.source, "kind": s.kind, "amount": s.amount.normalize()}
            for s in activity.commercial_support.all()
        ]
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
