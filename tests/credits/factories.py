"""factory_boy factories for the credits models."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from cmepath.credits.models import Completion, CompletionCredit
from tests.factories import UserFactory


class CompletionFactory(factory.django.DjangoModelFactory):
    """A self-reported completion; ``credits={"ama_pra_1": 2}`` creates its credit rows."""

    class Meta:
        model = Completion
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Activity {n}")
    provider = "Example CME Institute"
    accreditor = "ACCME"
    completed_on = date(2025, 6, 1)
    topics = factory.LazyFunction(list)

    @factory.post_generation
    def credits(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            from cmepath.credits.services import credit_summary

            credits = extracted or {"ama_pra_1": 1}
            for code, amount in credits.items():
                CompletionCredit.objects.create(
                    completion=obj, credit_type=code, amount=Decimal(str(amount))
                )
            Completion.objects.filter(pk=obj.pk).update(credit_summary=credit_summary(credits))
            obj.credit_summary = credit_summary(credits)
