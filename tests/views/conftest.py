"""A small catalog, two accounts and rollup history built with factories, plus role users."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from demo import seed_demo_account
from evidence.collection.models import AwsAccount, CollectionRun
from evidence.collection.services.accounts import account_create
from evidence.posture.models import ControlStatusDaily, ControlStatusEvent, PostureDaily
from grc.access.roles import Role
from grc.catalog.loader import catalog_load
from grc.catalog.models import Control, Framework, Responsibility
from tests.evidence.conftest import MOTO_ACCOUNT, ROLE_ARN, aws, run_collection  # noqa: F401
from tests.factories import (
    AttestationFactory,
    AwsAccountFactory,
    ControlCheckFactory,
    ControlFactory,
    ControlMappingFactory,
    ControlParameterFactory,
    CriterionFactory,
    FrameworkFactory,
    SectionFactory,
    UserFactory,
)


def user_with_role(username: str, role: Role):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


@pytest.fixture
def manager(db):
    return user_with_role("manager", Role.MANAGER)


@pytest.fixture
def auditor(db):
    return user_with_role("auditor", Role.AUDITOR)


@pytest.fixture
def manager_client(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def auditor_client(auditor) -> Client:
    client = Client()
    client.force_login(auditor)
    return client


@dataclass
class Dashboard:
    """SOC 2 with two sections (CC6 has a sub-section), four controls, two accounts."""

    framework: Framework
    controls: dict[str, Control]
    accounts: list[AwsAccount]


@pytest.fixture
def dashboard(db) -> Dashboard:
    framework = FrameworkFactory(slug="soc2-2017", name="SOC 2", kind=Framework.Kind.SOC2)
    cc6 = SectionFactory(framework=framework, ref="CC6", title="Logical access", position=1)
    cc61 = SectionFactory(framework=framework, ref="CC6.x", title="Network", parent=cc6, position=2)
    cc7 = SectionFactory(framework=framework, ref="CC7", title="Operations", position=3)
    access = CriterionFactory(section=cc6, ref="CC6.1", title="Access", position=1)
    network = CriterionFactory(section=cc61, ref="CC6.6", title="Boundaries", position=2)
    ops = CriterionFactory(section=cc7, ref="CC7.2", title="Monitoring", position=3)
    CriterionFactory(section=cc7, ref="CC7.9", title="Unmapped", position=4)
    attestation = AttestationFactory(slug="aws-soc2", name="AWS SOC 2 Type II")
    controls = {
        "NET-01": ControlFactory(ref="NET-01", name="No admin ports open"),
        "IAM-05": ControlFactory(ref="IAM-05", name="Password policy"),
        "PHY-01": ControlFactory(
            ref="PHY-01",
            name="Data centre security",
            responsibility=Responsibility.INHERITED,
            aws_responsibility="AWS guards the data centres.",
            attestation=attestation,
        ),
        "LOG-01": ControlFactory(
            ref="LOG-01",
            name="Trail enabled",
            responsibility=Responsibility.SHARED,
            aws_responsibility="AWS runs CloudTrail.",
            customer_responsibility="We keep the trail on.",
            attestation=attestation,
        ),
    }
    ControlCheckFactory(control=controls["NET-01"], check_id="ec2_sg_no_admin_ingress_ipv4")
    ControlCheckFactory(control=controls["IAM-05"], check_id="iam_password_policy_min_length")
    ControlCheckFactory(control=controls["LOG-01"], check_id="cloudtrail_multi_region_logging")
    ControlParameterFactory(control=controls["IAM-05"], name="minimum_length", value=14)
    ControlMappingFactory(control=controls["IAM-05"], criterion=access)
    ControlMappingFactory(control=controls["PHY-01"], criterion=access)
    ControlMappingFactory(control=controls["NET-01"], criterion=network)
    ControlMappingFactory(control=controls["LOG-01"], criterion=ops)
    accounts = [
        AwsAccountFactory(account_id="111111111111", name="Production"),
        AwsAccountFactory(account_id="222222222222", name="Staging"),
    ]
    return Dashboard(framework, controls, accounts)


# Today: IAM-05 passes everywhere, NET-01 fails in production, LOG-01 passes, PHY-01 has none.
TODAY_STATUS = {
    ("IAM-05", "111111111111"): "pass",
    ("IAM-05", "222222222222"): "pass",
    ("NET-01", "111111111111"): "fail",
    ("NET-01", "222222222222"): "pass",
    ("LOG-01", "111111111111"): "pass",
    ("LOG-01", "222222222222"): "pass",
    ("PHY-01", "111111111111"): "not_evidenced",
    ("PHY-01", "222222222222"): "not_evidenced",
}


@pytest.fixture
def history(dashboard) -> Callable[[int], None]:
    """Write ``days`` days of rollups ending today; older days alternate pass/fail."""

    def write(days: int) -> None:
        today = timezone.localdate()
        daily, posture, events = [], [], []
        for account in dashboard.accounts:
            for offset in range(days):
                day = today - dt.timedelta(days=offset)
                tally: dict[str, int] = {}
                for ref, control in dashboard.controls.items():
                    status = TODAY_STATUS[(ref, account.account_id)]
                    if offset and ref == "NET-01":
                        status = "pass" if offset % 2 else "fail"
                    tally[status] = tally.get(status, 0) + 1
                    daily.append(
                        ControlStatusDaily(account=account, control=control, day=day, status=status)
                    )
                posture.append(
                    PostureDaily(
                        account=account,
                        day=day,
                        passing=tally.get("pass", 0),
                        failing=tally.get("fail", 0),
                        not_evidenced=tally.get("not_evidenced", 0),
                    )
                )
                if offset % 7 == 1:
                    events.append(
                        ControlStatusEvent(
                            account=account,
                            control=dashboard.controls["NET-01"],
                            previous_status="pass",
                            status="fail",
                            occurred_at=timezone.now() - dt.timedelta(days=offset),
                        )
                    )
        ControlStatusDaily.objects.bulk_create(daily)
        PostureDaily.objects.bulk_create(posture)
        ControlStatusEvent.objects.bulk_create(events)

    return write


@dataclass
class Demo:
    account: AwsAccount
    run: CollectionRun


def demo_collected(session, capture) -> Demo:
    """The shipped catalog, the demo account seeded in moto, and one real collection of it."""
    catalog_load()
    seed_demo_account(session, regions=["us-east-1"])
    account = account_create(
        account_id=MOTO_ACCOUNT,
        name="Acme production",
        role_arn=ROLE_ARN,
        external_id="ext-secret-7f3a",
        regions=["us-east-1"],
    )
    return Demo(account=account, run=run_collection(account, capture))


@pytest.fixture
def demo(db, aws, django_capture_on_commit_callbacks) -> Demo:  # noqa: F811
    return demo_collected(aws, django_capture_on_commit_callbacks)
