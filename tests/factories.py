"""factory_boy factories for the models tests need."""

from __future__ import annotations

from datetime import date

import factory

from cmepath.accounts.models import BoardCertification, Licence, Profile, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    role = "clinician"
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def with_profile(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()
            Profile.objects.get_or_create(user=obj)
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class LicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Licence

    user = factory.SubFactory(UserFactory)
    state = "CA"
    licence_type = "MD"
    number = factory.Sequence(lambda n: f"A{100000 + n}")
    issue_date = date(2015, 1, 1)
    expiry_date = date(2027, 12, 31)
    dea_registered = True


class BoardCertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardCertification

    user = factory.SubFactory(UserFactory)
    board = "ABIM"
    specialty = "Internal Medicine"
    cycle_start = date(2023, 1, 1)
    cycle_end = date(2027, 12, 31)
