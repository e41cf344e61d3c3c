"""The provider's activity form: credits and commercial support as repeated rows with
labels and field messages, stored exactly as the text syntax stores them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cmepath.catalog.models import Activity
from tests.catalog.factories import make_activity

BASE = {
    "title": "Team sepsis drill",
    "status": "published",
    "format": "course",
    "delivery": "live",
    "start_date": "2027-04-01",
    "end_date": "2027-04-01",
    "state": "MA",
    "city": "Boston",
    "cost": "0",
    "professions": ["MD", "NP"],
    "topics": ["sepsis"],
    "rems": "none",
}


def rows(prefix: str, items: list[dict[str, str]], blanks: int = 1) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items) + blanks),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(items):
        data.update({f"{prefix}-{i}-{k}": v for k, v in item.items()})
    return data


def new_url(provider) -> str:
    return f"/catalog/provider/{provider.pk}/activities/new/"


def test_the_form_offers_labelled_credit_rows_and_blank_support_rows(
    client_for, provider_a, provider_user
):
    html = client_for(provider_user).get(new_url(provider_a)).content.decode()
    assert 'name="credits-TOTAL_FORMS"' in html and 'name="support-TOTAL_FORMS"' in html
    assert '<option value="ama_pra_1">AMA PRA Category 1 Credit</option>' in html
    assert 'name="credits-1-amount"' in html  # two blank rows without JavaScript
    assert '<option value="in_kind">In-kind</option>' in html
    assert "aanp:20; ancc:20" not in html and "type:amount" not in html


def test_rows_are_stored_like_the_text_syntax(client_for, provider_a, provider_user):
    data = {
        **BASE,
        **rows(
            "credits",
            [
                {"credit_type": "ama_pra_1", "amount": "2"},
                {"credit_type": "aanp", "amount": "3", "pharmacology_hours": "1.5"},
            ],
        ),
        **rows("support", [{"source": "Acme Pharma", "kind": "monetary", "amount": "25000"}]),
    }
    response = client_for(provider_user).post(new_url(provider_a), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Activity.objects.get(title="Team sepsis drill")
    twin = make_activity(
        provider_a,
        credits="ama_pra_1:2; aanp:3:1.5",
        commercial_support="Acme Pharma:monetary:25000",
    )
    for activity in (made, twin):
        activity.refresh_from_db()
    assert sorted(made.credit_types) == sorted(twin.credit_types) == ["aanp", "ama_pra_1"]

    def designations(a):
        return sorted(a.designations.values_list("credit_type", "amount", "pharmacology_hours"))

    def support(a):
        return list(a.commercial_support.values_list("source", "kind", "amount"))

    assert designations(made) == designations(twin)
    assert designations(made) == [
        ("aanp", Decimal("3.00"), Decimal("1.50")),
        ("ama_pra_1", Decimal("2.00"), None),
    ]
    assert support(made) == support(twin) == [("Acme Pharma", "monetary", Decimal("25000.00"))]


def test_edit_page_shows_the_stored_rows(client_for, provider_a, provider_user):
    activity = make_activity(
        provider_a, credits="ama_pra_1:8; ancc:8", commercial_support="Beta:in_kind:500"
    )
    html = client_for(provider_user).get(f"/catalog/activities/{activity.pk}/edit/")
    html = html.content.decode()
    assert '<option value="ama_pra_1" selected>AMA PRA Category 1 Credit</option>' in html
    assert '<option value="ancc" selected>' in html
    assert 'name="support-0-source" value="Beta"' in html
    assert '<option value="in_kind" selected>In-kind</option>' in html
    assert 'name="credits-3-amount"' in html  # two stored rows + two blank


@pytest.mark.parametrize(
    ("credit_rows", "support_rows", "field", "message"),
    [
        ([{"credit_type": "ama_pra_1"}], [], "credits-0-amount", "Give the number of credits."),
        ([{"amount": "4"}], [], "credits-0-credit_type", "Choose the credit type"),
        (
            [{"credit_type": "ama_pra_1", "amount": "0"}],
            [],
            "credits-0-amount",
            "must be more than 0",
        ),
        (
            [{"credit_type": "aanp", "amount": "2", "pharmacology_hours": "3"}],
            [],
            "credits-0-pharmacology_hours",
            "cannot exceed the credits",
        ),
        (
            [{"credit_type": "ancc", "amount": "2"}, {"credit_type": "ancc", "amount": "1"}],
            [],
            "credits-1-credit_type",
            "is listed twice",
        ),
        ([], [], None, "Add at least one credit designation."),
        (
            [{"credit_type": "ancc", "amount": "2"}],
            [{"source": "Acme", "amount": "10"}],
            "support-0-kind",
            "Choose monetary or in-kind.",
        ),
        (
            [{"credit_type": "ancc", "amount": "2"}],
            [{"kind": "monetary", "amount": "10"}],
            "support-0-source",
            "Name the company",
        ),
    ],
)
def test_row_mistakes_get_field_messages(
    client_for, provider_a, provider_user, credit_rows, support_rows, field, message
):
    data = {**BASE, **rows("credits", credit_rows), **rows("support", support_rows)}
    response = client_for(provider_user).post(new_url(provider_a), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    if field:  # the message sits in that field's row, pointed at by its input
        assert f'id="id_{field}_error"' in html
    assert not Activity.objects.filter(title="Team sepsis drill").exists()


def test_a_service_message_about_credits_shows_above_the_rows_without_the_code(
    client_for, provider_a, provider_user
):
    data = {
        **BASE,
        **rows("credits", [{"credit_type": "ama_pra_1", "amount": "5000"}]),
        **rows("support", []),
    }
    response = client_for(provider_user).post(new_url(provider_a), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "credits: " not in html
    assert "1000" in html  # the limit is named
