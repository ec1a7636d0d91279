"""factory_boy factories for test setup, grouped by app. Add new apps under their own header."""

from __future__ import annotations

import hashlib
import json

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

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


# --- evidence -------------------------------------------------------------------------------


class AwsAccountFactory(factory.django.DjangoModelFactory):
    """An account with a daily collection schedule, as account_create would register it."""

    class Meta:
        model = "collection.AwsAccount"
        django_get_or_create = ("account_id",)
        skip_postgeneration_save = True

    account_id = factory.Sequence(lambda n: f"{100000000000 + n:012d}")
    name = factory.Sequence(lambda n: f"Account {n}")
    role_arn = factory.LazyAttribute(
        lambda a: f"arn:aws:iam::{a.account_id}:role/GrcEvidenceReader"
    )
    external_id = factory.Sequence(lambda n: f"external-secret-{n}")
    regions = factory.LazyFunction(lambda: ["us-east-1"])

    @factory.post_generation
    def schedule_hours(account, create, extracted, **kwargs):
        if create and extracted is not False:
            from evidence.collection.services.accounts import account_schedule_set

            account_schedule_set(account=account, every_hours=extracted or 24)


class CollectionRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collection.CollectionRun"

    account = factory.SubFactory(AwsAccountFactory)
    trigger = "schedule"
    status = "succeeded"
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyFunction(timezone.now)


class EvidenceDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collection.EvidenceDocument"

    content = factory.Sequence(
        lambda n: {
            "configuration": {"GroupId": f"sg-{n:08x}"},
            "sources": [{"service": "ec2", "operation": "DescribeSecurityGroups", "params": {}}],
        }
    )
    sha256 = factory.LazyAttribute(
        lambda d: hashlib.sha256(json.dumps(d.content, sort_keys=True).encode()).hexdigest()
    )
    size = factory.LazyAttribute(lambda d: len(json.dumps(d.content)))


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collection.Resource"

    account = factory.SubFactory(AwsAccountFactory)
    arn = factory.Sequence(lambda n: f"arn:aws:ec2:us-east-1:123456789012:security-group/sg-{n}")
    resource_type = "AWS::EC2::SecurityGroup"
    region = "us-east-1"
    service = "ec2"


class CollectionUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collection.CollectionUnit"
        django_get_or_create = ("run", "service", "region")

    run = factory.SubFactory(CollectionRunFactory)
    service = "ec2"
    region = "us-east-1"
    status = "done"
    finished_at = factory.LazyFunction(timezone.now)


class CheckResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collection.CheckResult"

    run = factory.SubFactory(CollectionRunFactory)
    unit = factory.SubFactory(CollectionUnitFactory, run=factory.SelfAttribute("..run"))
    account = factory.SelfAttribute("run.account")
    resource = factory.SubFactory(ResourceFactory, account=factory.SelfAttribute("..account"))
    check_id = "ec2_sg_no_admin_ingress_ipv4"
    region = "us-east-1"
    status = "FAIL"
    reason = "Port 22 open to 0.0.0.0/0"
    evidence = factory.SubFactory(EvidenceDocumentFactory)
    collected_at = factory.LazyFunction(timezone.now)
    service = factory.SelfAttribute("unit.service")
    unit_region = factory.SelfAttribute("unit.region")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """A result for a (resource, check) that already has a current span from an earlier run
        ends that span here, as ingest does when a result changes: a history built with this
        factory has each run's results, one row each."""
        result = super()._create(model_class, *args, **kwargs)
        model_class.objects.filter(
            account_id=result.account_id,
            resource_id=result.resource_id,
            check_id=result.check_id,
            service=result.service,
            unit_region=result.unit_region,
            ended_run__isnull=True,
            run_id__lt=result.run_id,
        ).update(ended_run=result.run)
        return result


class ControlStatusDailyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "posture.ControlStatusDaily"

    account = factory.SubFactory(AwsAccountFactory)
    control = factory.SubFactory(ControlFactory)
    day = factory.LazyFunction(timezone.localdate)
    status = "pass"


class PostureDailyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "posture.PostureDaily"

    account = factory.SubFactory(AwsAccountFactory)
    day = factory.LazyFunction(timezone.localdate)


class ControlStatusEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "posture.ControlStatusEvent"

    account = factory.SubFactory(AwsAccountFactory)
    control = factory.SubFactory(ControlFactory)
    previous_status = "pass"
    status = "fail"
    occurred_at = factory.LazyFunction(timezone.now)
