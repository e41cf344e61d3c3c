"""The planner page's form. It parses input only; the service decides what can be planned."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from .choices import HORIZON_MAX, HORIZON_MIN, PREFERENCES


class DateInput(forms.DateInput):
    input_type = "date"


class PlanForm(forms.Form):
    goal = forms.ChoiceField(label="Career goal", choices=())
    horizon_months = forms.IntegerField(
        label="Horizon (months)",
        min_value=HORIZON_MIN,
        max_value=HORIZON_MAX,
        initial=24,
        help_text=f"How far ahead to plan: {HORIZON_MIN} to {HORIZON_MAX} months.",
    )
    budget = forms.DecimalField(
        label="Money per policy year (USD)",
        min_value=0,
        max_digits=9,
        decimal_places=2,
        help_text="Your employer's CME allowance plus what you will spend yourself.",
    )
    days = forms.DecimalField(
        label="Paid CME days per policy year",
        min_value=0,
        max_value=365,
        max_digits=4,
        decimal_places=1,
        help_text="Days away for live activities (travel outside your home state adds one).",
    )
    review_date = forms.DateField(
        label="Next performance review",
        required=False,
        widget=DateInput,
        help_text="Optional: at least one goal activity is planned to end before it.",
    )
    preferences = forms.MultipleChoiceField(
        label="Preferences",
        required=False,
        choices=list(PREFERENCES.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, goals: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = list(goals)  # type: ignore[attr-defined]
