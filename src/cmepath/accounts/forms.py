"""Forms: explicit fields only, never ``__all__``; services do the validation that matters."""

from __future__ import annotations

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from cmepath.core.uploads import max_upload_text

from .choices import (
    PROFILE_EDITABLE,
    TOKEN_DEFAULT_DAYS,
    TOKEN_LIFETIME_DAYS,
    Profession,
    TokenScope,
)
from .models import BoardCertification, Licence, Profile
from .taxonomy import choices as taxonomy_choices


class DateInput(forms.DateInput):
    input_type = "date"


class ProfileForm(forms.ModelForm[Profile]):
    primary_specialty = forms.ChoiceField(required=False)
    specialties = forms.MultipleChoiceField(
        required=False, widget=forms.SelectMultiple(attrs={"size": 6}), label="Other specialties"
    )

    class Meta:
        model = Profile
        fields = list(PROFILE_EDITABLE)
        widgets = {
            "date_of_first_licensure": DateInput(),
            "next_review_date": DateInput(),
            "birth_month": forms.Select(choices=[("", "—"), *[(m, m) for m in range(1, 13)]]),
        }
        labels = {
            "annual_cme_allowance": "Annual CME allowance (USD)",
            "paid_cme_days": "Paid CME days per year",
            "birth_month": "Birth month (1-12)",
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        opts = taxonomy_choices()
        self.fields["primary_specialty"].choices = [("", "— choose —"), *opts]  # type: ignore[attr-defined]
        self.fields["specialties"].choices = opts  # type: ignore[attr-defined]


class SignupForm(AllauthSignupForm):  # type: ignore[misc]  # allauth is untyped
    """allauth's sign-up plus the profession: asked, never assumed (no silent MD default).

    ``ACCOUNT_FORMS = {"signup": "cmepath.accounts.forms.SignupForm"}`` in settings puts it
    on /accounts/signup/; the adapter stores the choice on the new profile.
    """

    profession = forms.ChoiceField(
        label="Profession",
        choices=[("", "— choose your profession —"), *Profession.choices],
        help_text="Sets the credit types and requirements you see; you can change it later.",
        error_messages={
            "required": "Choose your profession: "
            + ", ".join(str(label) for _, label in Profession.choices)
            + "."
        },
    )

    field_order = ["email", "profession", "password1", "password2"]


class NpiForm(forms.Form):
    npi = forms.CharField(label="NPI", max_length=20, help_text="10 digits, from NPPES.")


class LicenceForm(forms.ModelForm[Licence]):
    class Meta:
        model = Licence
        fields = [
            "state",
            "licence_type",
            "number",
            "issue_date",
            "expiry_date",
            "dea_registered",
            "dea_registration_date",
            "direct_patient_care",
        ]
        widgets = {
            "issue_date": DateInput(),
            "expiry_date": DateInput(),
            "dea_registration_date": DateInput(),
        }

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        issue, expiry = data.get("issue_date"), data.get("expiry_date")
        if issue and expiry and expiry <= issue:
            self.add_error("expiry_date", "The expiry date must come after the issue date.")
        return data


class BoardCertificationForm(forms.ModelForm[BoardCertification]):
    class Meta:
        model = BoardCertification
        fields = ["board", "specialty", "cycle_start", "cycle_end"]
        widgets = {"cycle_start": DateInput(), "cycle_end": DateInput()}

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("cycle_start"), data.get("cycle_end")
        if start and end and end <= start:
            self.add_error("cycle_end", "The cycle must end after it starts.")
        return data


class ProofForm(forms.Form):
    file = forms.FileField(
        label="Proof of licence", help_text=f"PDF, PNG or JPEG, at most {max_upload_text()}."
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.RadioSelect
    )
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    # the profile name the queue showed: an approval binds the proof to it
    name_shown = forms.CharField(required=False, max_length=161, widget=forms.HiddenInput)


class DisputeForm(forms.Form):
    npi = forms.CharField(label="NPI", max_length=20, widget=forms.HiddenInput)
    statement = forms.CharField(
        required=False,
        max_length=1000,
        label="Why this NPI is yours",
        help_text="An administrator reads this; they may ask you for documents.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DisputeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("uphold", "Uphold: withdraw the other account's match"), ("dismiss", "Dismiss")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=80, label="Token name", help_text="Name it after the integration."
    )
    scope = forms.ChoiceField(
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        required=False,
        help_text="Read only answers GET requests; choose read and write only if it must change data.",
    )
    expires_in_days = forms.TypedChoiceField(
        label="Expires after",
        choices=[(d, f"{d} days") for d in TOKEN_LIFETIME_DAYS],
        coerce=int,
        initial=TOKEN_DEFAULT_DAYS,
        required=False,
    )

    def clean_scope(self) -> str:
        return self.cleaned_data.get("scope") or TokenScope.READ

    def clean_expires_in_days(self) -> int:
        return self.cleaned_data.get("expires_in_days") or TOKEN_DEFAULT_DAYS
