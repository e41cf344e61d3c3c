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
    #: Activities picked by title in the search box (project_list.html): one hidden value each.
    activity_pick = forms.TypedMultipleChoiceField(
        required=False, coerce=int, widget=forms.MultipleHiddenInput, label="Linked CME"
    )
    activity_ids = forms.CharField(
        required=False,
        label="Or type catalog activity numbers",
        help_text="Separated by commas, e.g. 1204, 1377 (the number is in the activity's address).",
    )

    #: Fields the page lays out itself (the search box) instead of the field loop.
    LINKED_FIELDS = ("activity_pick", "activity_ids")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["measure_ids"].choices = _measure_choices()  # type: ignore[attr-defined]
        self.fields["activity_pick"].choices = [  # type: ignore[attr-defined]
            (str(v), str(v)) for v in self.picked_ids()
        ]

    def clean_activity_ids(self) -> list[int]:
        raw = self.cleaned_data.get("activity_ids") or ""
        try:
            return [int(x) for x in raw.replace(" ", "").split(",") if x]
        except ValueError:
            raise forms.ValidationError(
                "Use activity numbers separated by commas, e.g. 1204, 1377; "
                "or search by title above."
            ) from None

    def clean(self) -> dict[str, object]:
        """One list of linked activities: those picked by title, then those typed."""
        data = super().clean() or {}
        picked = [int(v) for v in data.get("activity_pick") or []]
        typed = list(data.get("activity_ids") or [])
        data["activity_ids"] = list(dict.fromkeys([*picked, *typed]))
        return data

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.LINKED_FIELDS]

    def picked_ids(self) -> list[int]:
        """Activities picked so far (kept checked when the page comes back with an error)."""
        name = self.add_prefix("activity_pick")
        getlist = getattr(self.data, "getlist", None)
        values = getlist(name) if getlist else self.data.get(name) or []
        if isinstance(values, str | int):
            values = [values]
        return [int(v) for v in values if str(v).isdigit()][:50]


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

    def __init__(
        self, *args: object, open_stages: list[str] | None = None, **kwargs: object
    ) -> None:
        """``open_stages``: the stages not yet completed, in order; the picker offers only
        those and starts on the first (the next one to complete)."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if open_stages:
            labels = dict(Stage.choices)
            self.fields["stage"].choices = [(s, labels[s]) for s in open_stages]  # type: ignore[attr-defined]
            self.fields["stage"].initial = open_stages[0]


class FinishForm(forms.Form):
    moore_level = forms.TypedChoiceField(choices=MooreLevel.choices, coerce=int)


class DuaForm(forms.Form):
    reference = forms.CharField(max_length=200, label="Data use agreement reference")


class InterventionForm(forms.Form):
    intervention_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
