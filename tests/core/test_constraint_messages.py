"""Database constraint names never reach a user: every constraint carries a message in plain
words, and a row the database refuses becomes that message next to its field."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.apps import apps
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from cmepath.accounts.models import Licence
from cmepath.core.errors import (
    ConflictError,
    ValidationError,
    constraint_error,
    constraint_field,
    constraint_message,
)
from cmepath.core.forms import form_submit
from tests.factories import LicenceFactory, UserFactory


def _constraints() -> list[object]:
    return [
        pytest.param(model, c, id=f"{model._meta.label}.{c.name}")
        for model in apps.get_models()
        for c in model._meta.constraints
    ]


@pytest.mark.parametrize(("model", "constraint"), _constraints())
def test_every_constraint_has_a_human_message(model, constraint):
    where = f"{model._meta.label}.{constraint.name}"
    message = constraint_message(constraint)
    assert message, f"{where} has no violation_error_message"
    if model.__module__.startswith("cmepath."):  # ours: the message is on the constraint
        assert str(constraint.violation_error_message) == message
    assert constraint.name not in message
    assert "_" not in message, f"{where}: the message reads like a code: {message!r}"
    assert message[0].isupper() and message.endswith("."), message


def test_every_constraint_names_a_field_of_its_model():
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        for c in model._meta.constraints:
            field = constraint_field(c)
            assert field in names, f"{model._meta.label}.{c.name} -> {field!r}"


@pytest.mark.django_db
def test_check_violation_becomes_the_field_message():
    user = UserFactory()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Licence.objects.create(
            user=user,
            state="CA",
            licence_type="MD",
            number="A1",
            issue_date=date(2024, 1, 1),
            expiry_date=date(2023, 1, 1),
        )
    error = constraint_error(caught.value)
    assert isinstance(error, ValidationError)
    assert error.status == 422
    assert error.field == "expiry_date"
    assert error.message == "The expiry date must come after the issue date."
    assert "licence_expiry_after_issue" not in str(error.as_dict())


@pytest.mark.django_db
def test_unique_violation_becomes_a_conflict_on_the_last_field():
    first = LicenceFactory()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        LicenceFactory(user=first.user, number=first.number)
    error = constraint_error(caught.value)
    assert isinstance(error, ConflictError)
    assert (error.status, error.field) == (409, "number")
    assert "same state, type and number" in error.message


class _NumberForm(forms.Form):
    number = forms.CharField()


@pytest.mark.django_db
def test_form_submit_puts_the_constraint_message_next_to_the_field():
    first = LicenceFactory()
    request = RequestFactory().post("/", {"number": first.number})
    form = _NumberForm(request.POST)

    def add(data):
        return LicenceFactory(user=first.user, number=data["number"])

    done = form_submit(request, form, add)

    assert (done.ok, done.status) == (False, 409)
    assert form.errors["number"] == ["You already have this licence (same state, type and number)."]
    # the request's transaction is still usable after the refused row
    assert Licence.objects.filter(user=first.user).count() == 1


def test_unknown_integrity_error_gives_the_fallback_not_the_text():
    error = constraint_error(IntegrityError('violates check constraint "no_such_thing"'))
    assert error.status == 409
    assert "no_such_thing" not in error.message
