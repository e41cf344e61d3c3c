"""Forms: explicit fields only; the services do the validation that matters."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from cmepath.core.uploads import max_upload_text
from cmepath.core.vocabulary import CREDIT_TYPES, TOPICS, choices

from .choices import REMINDER_DAYS, SHARE_LINK_DEFAULT_DAYS, SHARE_LINK_MAX_DAYS


class DateInput(forms.DateInput):
    input_type = "date"


_CREDIT_CHOICES = [("", "— choose —"), *choices(CREDIT_TYPES)]


class CompletionForm(forms.Form):
    """One completion: up to two credit types (most activities carry one or two)."""

    title = forms.CharField(max_length=300, label="Activity title")
    provider = forms.CharField(max_length=200, required=False)
    accreditor = forms.CharField(
        max_length=40, required=False, help_text="e.g. ACCME, ANCC, ACPE, AAPA."
    )
    completed_on = forms.DateField(label="Completion date", widget=DateInput())
    credit_type = forms.ChoiceField(choices=_CREDIT_CHOICES, label="Credit type")
    amount = forms.DecimalField(
        min_value=0, max_digits=6, decimal_places=2, label="Credits / hours"
    )
    credit_type_2 = forms.ChoiceField(
        choices=_CREDIT_CHOICES, required=False, label="Second credit type (optional)"
    )
    amount_2 = forms.DecimalField(
        min_value=0, max_digits=6, decimal_places=2, required=False, label="Second amount"
    )
    topics = forms.MultipleChoiceField(
        choices=choices(TOPICS),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Mandated topics (opioids, implicit bias...) count toward state rules.",
    )
    sa_cme = forms.BooleanField(required=False, label="Self-assessment CME (SA-CME)")
    pi_cme = forms.BooleanField(required=False, label="Performance-improvement CME (PI-CME)")
    live = forms.BooleanField(
        required=False,
        label="Live activity (in person or real-time webinar)",
        help_text="Some boards require a minimum of live hours.",
    )
    activity_id = forms.IntegerField(required=False, widget=forms.HiddenInput())
    certificate = forms.IntegerField(required=False, widget=forms.HiddenInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("credit_type_2") and data.get("amount_2") is None:
            self.add_error("amount_2", "Enter the amount for the second credit type.")
        if data.get("credit_type_2") and data.get("credit_type_2") == data.get("credit_type"):
            self.add_error("credit_type_2", "Choose a different credit type, or leave it empty.")
        return data

    def service_args(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(completion fields, credits by type) for ``services.completion_record``."""
        d = self.cleaned_data
        data = {
            k: d[k]
            for k in (
                "title",
                "provider",
                "accreditor",
                "completed_on",
                "topics",
                "sa_cme",
                "pi_cme",
                "live",
            )
        }
        if d.get("activity_id"):
            data["activity_id"] = d["activity_id"]
        credits = {d["credit_type"]: d["amount"]}
        if d.get("credit_type_2") and d.get("amount_2") is not None:
            credits[d["credit_type_2"]] = d["amount_2"]
        return data, credits


class CertificateForm(forms.Form):
    file = forms.FileField(
        label="Certificate (PDF)",
        help_text=f"PDF only, at most {max_upload_text()}. We read its text to fill in the form for you.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Completions CSV",
        help_text="UTF-8 CSV, see the import schema in the help.",
        widget=forms.ClearableFileInput(attrs={"accept": "text/csv,.csv"}),
    )


class ShareLinkForm(forms.Form):
    label = forms.CharField(
        max_length=120, label="Who is it for?", help_text="e.g. 'Medical staff office, St Mary's'."
    )
    regime_id = forms.ChoiceField(required=False, label="Transcript of")
    days = forms.IntegerField(
        min_value=1,
        max_value=SHARE_LINK_MAX_DAYS,
        initial=SHARE_LINK_DEFAULT_DAYS,
        label="Valid for (days)",
    )

    def __init__(
        self, *args: Any, regimes: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regime_id"].choices = [("", "All regimes"), *(regimes or [])]  # type: ignore[attr-defined]


class ProviderCompletionForm(forms.Form):
    """A provider reports that a learner completed one of its activities."""

    learner_email = forms.EmailField(
        label="Learner's email",
        max_length=254,
        help_text="The email of the learner's cmepath account.",
    )
    completed_on = forms.DateField(label="Completion date", widget=DateInput())
    credit_type = forms.ChoiceField(choices=[], label="Credit type")
    amount = forms.DecimalField(
        min_value=0,
        max_digits=6,
        decimal_places=2,
        label="Credits / hours",
        help_text="At most the amount designated for the activity.",
    )

    def __init__(self, *args: Any, designations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["credit_type"]).choices = designations


class NotificationPreferenceForm(forms.Form):
    """Which reminder emails the clinician gets (the service checks the values again)."""

    reminder_days = forms.TypedMultipleChoiceField(
        choices=[(d, f"{d} days before a deadline") for d in REMINDER_DAYS],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Deadline reminders",
        help_text="An email when a requirement that is not met yet falls due within this "
        "many days. Untick all for none.",
    )
    weekly_digest = forms.BooleanField(
        required=False,
        label="Weekly digest",
        help_text="One email a week listing every requirement not met yet that is due "
        "within 90 days or overdue.",
    )

    def __init__(self, *args: Any, preference: Any = None, **kwargs: Any) -> None:
        if preference is not None and not args:
            kwargs.setdefault(
                "initial",
                {
                    "reminder_days": [d for d in REMINDER_DAYS if preference.horizon_on(d)],
                    "weekly_digest": preference.weekly_digest,
                },
            )
        super().__init__(*args, **kwargs)
