"""factory_boy factories for test setup, grouped by app. Add new apps under their own header."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from grc.catalog.models import (
    Attestation,
    Control,
    ControlCheck,
    ControlMapping,
    ControlParameter,
    Criterion,
    EvidenceRequest,
    Framework,
    Origin,
    Responsibility,
    Section,
)

# --- auth -----------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("password")


# --- grc.catalog ----------------------------------------------------------------------------


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"framework-{n}")
    name = factory.Faker("sentence", nb_words=3)
    version = "1.0"
    kind = Framework.Kind.SOC2


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    framework = factory.SubFactory(FrameworkFactory)
    ref = factory.Sequence(lambda n: f"S{n}")
    title = factory.Faker("sentence", nb_words=3)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    section = factory.SubFactory(SectionFactory)
    framework = factory.SelfAttribute("section.framework")
    ref = factory.Sequence(lambda n: f"C{n}")
    title = factory.Faker("sentence", nb_words=5)


class AttestationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attestation
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"attestation-{n}")
    provider = "Amazon Web Services"
    name = factory.Faker("sentence", nb_words=4)


class ControlFactory(factory.django.DjangoModelFactory):
    """A custom (company-added) customer control unless told otherwise."""

    class Meta:
        model = Control

    ref = factory.Sequence(lambda n: f"CUS-{n:02d}")
    name = factory.Faker("sentence", nb_words=4)
    statement = factory.Faker("paragraph")
    responsibility = Responsibility.CUSTOMER
    origin = Origin.CUSTOM


class ControlMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ControlMapping

    control = factory.SubFactory(ControlFactory)
    criterion = factory.SubFactory(CriterionFactory)
    origin = Origin.CUSTOM


class ControlCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ControlCheck

    control = factory.SubFactory(ControlFactory)
    check_id = "s3_bucket_versioning"
    origin = Origin.CUSTOM


class EvidenceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceRequest

    control = factory.SubFactory(ControlFactory)
    title = factory.Sequence(lambda n: f"Evidence request {n}")
    origin = Origin.CUSTOM


class ControlParameterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ControlParameter

    control = factory.SubFactory(ControlFactory)
    name = factory.Sequence(lambda n: f"parameter_{n}")
    value = 14
    default_value = 14
