"""Forms of the outcomes pages (explicit fields; never ``__all__``)."""

from __future__ import annotations

from django import forms

from cmepath.accounts.choices import Profession

from .choices import DatasetFormat, MemberRole, MooreLevel, Stage, UnitOfAnalysis


def _measure_choices() -> list[tuple[str, str]]:
    from cmepath.outcomes.measures import load_measure, shipped_measures

    return [(s.id, s.title) for s in (load_measure(p) for p in shipped_measures())]


class ProjectForm(forms.Form):
    title = forms.CharField(max_length=200)
    practice_gap = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    unit_of_analysis = forms.ChoiceField(choices=UnitOfAnalysis.choices)
    measure_ids = forms.MultipleChoiceField(
        choices=(), widget=forms.CheckboxSelectMultiple, label="Measures"
    )
    intervention_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    activity_ids = forms.CharField(
        required=False,
        label="Linked CME activity ids",
        help_text="Catalog activity numbers, separated by commas.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["measure_ids"].choices = _measure_choices()  # type: ignore[attr-defined]

    def clean_activity_ids(self) -> list[int]:
        raw = self.cleaned_data.get("activity_ids") or ""
        try:
            return [int(x) for x in raw.replace(" ", "").split(",") if x]
        except ValueError:
            raise forms.ValidationError("Use activity numbers separated by commas.") from None


class UploadForm(forms.Form):
    file = forms.FileField()
    format = forms.ChoiceField(choices=DatasetFormat.choices)


class MemberForm(forms.Form):
    """An invitation to the team: sent to the address, accepted by its owner."""

    email = forms.EmailField(max_length=254, help_text="We email an invitation to this address.")
    role = forms.ChoiceField(
        choices=[
            (MemberRole.MEMBER, MemberRole.MEMBER.label),
            (MemberRole.REVIEWER, MemberRole.REVIEWER.label),
        ]
    )
    profession = forms.ChoiceField(choices=Profession.choices)


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FinishForm(forms.Form):
    moore_level = forms.TypedChoiceField(choices=MooreLevel.choices, coerce=int)


class DuaForm(forms.Form):
    reference = forms.CharField(max_length=200, label="Data use agreement reference")


class InterventionForm(forms.Form):
    intervention_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
