"""Sign-up asks for the profession (issue 13 item 6): no silent MD default."""

from __future__ import annotations

import pytest
from allauth.account import app_settings
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.utils import get_form_class

from cmepath.accounts.choices import Profession
from cmepath.accounts.forms import SignupForm
from cmepath.accounts.models import Profile, User

SIGNUP_FORMS = {"signup": "cmepath.accounts.forms.SignupForm"}


def _post(client, **extra: str):
    data = {
        "email": "new.np@example.test",
        "password1": "a perfectly fine passphrase",
        "password2": "a perfectly fine passphrase",
        **extra,
    }
    return client.post("/accounts/signup/", data)


def test_settings_put_our_form_on_the_signup_page():
    """Fails until settings carry ACCOUNT_FORMS = {"signup": "cmepath.accounts.forms.SignupForm"}."""
    assert get_form_class(app_settings.FORMS, "signup", AllauthSignupForm) is SignupForm


def test_profession_choices_are_the_vocabulary_with_labels_and_no_default():
    field = SignupForm().fields["profession"]
    assert field.required
    assert field.initial is None
    codes = [code for code, _ in field.choices if code]
    assert codes == list(Profession.values)
    labels = dict(field.choices)
    assert all(labels[c] != c for c in codes)  # a label, never the bare code
    assert field.choices[0][0] == ""  # the first option asks; nothing is preselected


@pytest.mark.django_db
@pytest.mark.parametrize("profession", [Profession.NP, Profession.PHARMD, Profession.MD])
def test_the_chosen_profession_is_stored(client, settings, profession):
    settings.ACCOUNT_FORMS = SIGNUP_FORMS
    response = _post(client, profession=str(profession))
    assert response.status_code == 302, response.content[:500]
    user = User.objects.get(email="new.np@example.test")
    assert Profile.objects.get(user=user).profession == profession


@pytest.mark.django_db
@pytest.mark.parametrize("sent", [{}, {"profession": ""}, {"profession": "surgeon"}])
def test_a_missing_or_unknown_profession_is_a_field_message(client, settings, sent):
    settings.ACCOUNT_FORMS = SIGNUP_FORMS
    response = _post(client, **sent)
    assert response.status_code == 200  # allauth re-renders the form
    assert not User.objects.filter(email="new.np@example.test").exists()
    errors = response.context["form"].errors["profession"]
    assert errors
    if not sent.get("profession"):
        assert errors == [SignupForm.base_fields["profession"].error_messages["required"]]
        assert "Nurse practitioner" in errors[0] or "nurse practitioner" in errors[0].lower()
    assert "surgeon" not in Profession.values


@pytest.mark.django_db
def test_the_signup_page_shows_the_profession_select_with_labels(client, settings):
    settings.ACCOUNT_FORMS = SIGNUP_FORMS
    html = client.get("/accounts/signup/").content.decode()
    assert 'name="profession"' in html
    assert "Nurse practitioner" in html or "nurse practitioner" in html.lower()
    select = html[html.index('name="profession"') : html.index("</select>")]
    assert 'value="" selected' in select  # the blank "choose" option, no profession
    assert select.count("selected") == 1
