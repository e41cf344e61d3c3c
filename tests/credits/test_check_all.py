"""check-all: every clinician evaluated, snapshots stored, same answer as the live evaluation."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from cmepath.accounts.models import Profile
from cmepath.credits import batch, selectors, services
from cmepath.credits.models import EvaluationSnapshot
from tests.credits.factories import CompletionFactory
from tests.factories import BoardCertificationFactory, LicenceFactory, UserFactory

AS_OF = date(2026, 5, 1)


@pytest.fixture
def population(db):
    people = []
    for i, (state, profession) in enumerate(
        [("CA", "MD"), ("TX", "DO"), ("CA", "RN"), ("NY", "MD")]
    ):
        user = UserFactory(role="clinician")
        Profile.objects.filter(user=user).update(
            profession=profession,
            primary_specialty="207R00000X",
            share_patients_65_plus=40,
            birth_month=3,
        )
        LicenceFactory(
            user=user,
            state=state,
            licence_type=profession,
            expiry_date=date(2027, 1, 31 - i),
            dea_registered=profession != "RN",
            dea_registration_date=date(2024, 2, 1),
        )
        if profession == "MD":
            BoardCertificationFactory(user=user, board="ABIM", specialty="Internal Medicine")
        for k in range(5 + i):
            CompletionFactory(
                user=user,
                completed_on=AS_OF - timedelta(days=30 * k),
                credits={"ama_pra_1": 2, "ancc": 2} if k % 2 else {"abim_moc": 4},
                topics=["pain_management"] if k == 1 else [],
                pi_cme=k == 2,
            )
        people.append(user)
    UserFactory(role="provider")  # not a clinician: not evaluated
    return people


def test_check_all_stores_one_snapshot_per_clinician(population):
    result = services.evaluation_run_all(as_of=AS_OF)
    assert result["clinicians"] == 4
    assert EvaluationSnapshot.objects.count() == 4
    assert sum(result[k] for k in ("met", "at_risk", "unmet", "not_applicable", "no_rules")) == 4


def test_batch_matches_the_live_evaluation(population):
    services.evaluation_run_all(as_of=AS_OF)
    for user in population:
        snapshot = EvaluationSnapshot.objects.get(user=user)
        live, _ = selectors.evaluation_compute(user=user, as_of=AS_OF)
        assert snapshot.result == batch.snapshot_json(live)
        assert snapshot.as_of == AS_OF
        assert snapshot.status == batch.summarise(live)[0]


def test_check_all_is_an_upsert(population):
    services.evaluation_run_all(as_of=AS_OF)
    services.evaluation_run_all(as_of=AS_OF + timedelta(days=1), workers=2)
    assert EvaluationSnapshot.objects.count() == 4
    assert set(EvaluationSnapshot.objects.values_list("as_of", flat=True)) == {
        AS_OF + timedelta(days=1)
    }


def test_check_all_command_json(population):
    out = StringIO()
    call_command("credits", "check-all", "--as-of", AS_OF.isoformat(), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["clinicians"] == 4 and data["as_of"] == AS_OF.isoformat()


def test_check_all_command_text(population):
    out = StringIO()
    call_command("credits", "check-all", "--as-of", AS_OF.isoformat(), stdout=out)
    assert out.getvalue().startswith("Evaluated 4 clinicians as of 2026-05-01")


def test_evaluation_run_stores_a_snapshot(population):
    snapshot = services.evaluation_run(user=population[0], as_of=AS_OF)
    assert snapshot.regimes >= 1 and snapshot.result["as_of"] == AS_OF.isoformat()
