"""An organization from sync to posture, on moto: OUs and six members synced, every account
collected through its assumed member role, status per OU, a member removed (its collection
stops, its history stays) and a member added (it appears and is collected).

Kept fast: one region (moto enables every region it knows: here the accounts enable one), and
the services that decide what this test looks at (CloudTrail, AWS Config and the organization
checks); every other service is planned away.
"""

from __future__ import annotations

import boto3
import pytest
from django.contrib.auth.models import Group
from django.test import Client

from collectors.aws import config as aws_config
from collectors.aws import organizations_config
from collectors.runner import plan_units
from evidence.collection.models import AwsAccount, CheckResult, CollectionRun
from evidence.collection.services import runs
from evidence.collection.services.runs import AccountDisabled, collection_run_start
from evidence.collection.tasks import collection_scheduled_task
from evidence.organizations.models import Organization, OrganizationAccount
from evidence.organizations.selectors.coverage import organization_coverage
from evidence.organizations.selectors.organizations import account_pks_in_ou
from evidence.organizations.services.organizations import organization_update
from evidence.organizations.services.sync import organization_sync
from evidence.posture.selectors.status import control_statuses_current, status_combined
from grc.access.roles import Role
from grc.catalog.loader import catalog_load
from grc.catalog.models import Control
from tests.evidence.conftest import run_collection
from tests.factories import UserFactory
from tests.organizations.conftest import MANAGEMENT_ACCOUNT, REGION, MotoOrganization

pytestmark = pytest.mark.django_db
SERVICES = {
    "cloudtrail",
    "config",
    "organizations",
    "organizations_config",
    "organizations_detection",
}


@pytest.fixture(autouse=True)
def few_services(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        runs, "plan_units", lambda regions: [u for u in plan_units(regions) if u[0] in SERVICES]
    )
    for module in (aws_config, organizations_config):
        monkeypatch.setattr(module, "enabled_regions", lambda session: [REGION])
    runs._sessions.clear()  # assumed-role sessions from another test's moto


def as_member(org: MotoOrganization, name: str) -> boto3.Session:
    credentials = org.session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{org.accounts[name]}:role/OrganizationAccountAccessRole",
        RoleSessionName="setup",
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )


def trail_logging(session: boto3.Session) -> None:
    bucket = f"trail-{session.client('sts').get_caller_identity()['Account']}"
    session.client("s3").create_bucket(Bucket=bucket)
    cloudtrail = session.client("cloudtrail")
    cloudtrail.create_trail(Name="main", S3BucketName=bucket, IsMultiRegionTrail=True)
    cloudtrail.start_logging(Name="main")


def config_recording(session: boto3.Session) -> None:
    session.client("s3").create_bucket(Bucket="config-history")
    config = session.client("config")
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": "arn:aws:iam::123456789012:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    config.put_delivery_channel(
        DeliveryChannel={"name": "default", "s3BucketName": "config-history"}
    )
    config.start_configuration_recorder(ConfigurationRecorderName="default")


def collect_all(capture) -> dict[str, CollectionRun]:
    collected = {}
    for account in AwsAccount.objects.filter(enabled=True):
        run = run_collection(account, capture)
        assert run.status != CollectionRun.Status.FAILED, (account.name, run.errors)
        assert run.caller_identity["Account"] == account.account_id
        collected[account.account_id] = run
    return collected


def ou_status(control: Control, ou_path: str) -> tuple[str, dict[str, str]]:
    """The control's status in an OU (its worst account) and per account name."""
    account_pks = account_pks_in_ou(ou_path)
    by_account = control_statuses_current(account_pks, [control.pk]).get(control.pk, {})
    names = dict(AwsAccount.objects.filter(pk__in=account_pks).values_list("pk", "name"))
    return status_combined(by_account.values()), {names[pk]: s for pk, s in by_account.items()}


def test_organization_from_sync_to_posture_through_removal_and_addition(
    organization: Organization, moto_org: MotoOrganization, django_capture_on_commit_callbacks
) -> None:
    catalog_load()
    organization_update(organization=organization, default_regions=[REGION])
    trail_logging(as_member(moto_org, "prod-app"))
    config_recording(as_member(moto_org, "prod-data"))

    sync = organization_sync(
        organization_id=organization.pk, session_factory=lambda _: moto_org.session
    )
    assert sync.status == "succeeded" and len(sync.registered) == 7  # 6 members + management
    collected = collect_all(django_capture_on_commit_callbacks)
    assert len(collected) == 7

    # Posture per OU: the rollup of each account's run, narrowed by the OU filter.
    recording = Control.objects.get(ref="LOG-09")  # AWS Config records every region
    assert ou_status(recording, "Root/Workloads/Prod") == (
        "fail",
        {"prod-app": "fail", "prod-data": "pass"},
    )
    assert ou_status(recording, "Root/Security")[0] == "fail"
    auditor = UserFactory(username="e2e-auditor")
    auditor.groups.add(Group.objects.get_or_create(name=Role.AUDITOR.value)[0])
    client = Client()
    client.force_login(auditor)
    page = client.get("/", {"ou": "Root/Workloads/Prod"})
    assert sorted(a.name for a in page.context["filters"].accounts) == ["prod-app", "prod-data"]

    coverage = {row.member.account.name: row for row in organization_coverage(organization)}
    assert (coverage["prod-app"].cloudtrail.status, coverage["prod-app"].config.status) == (
        "PASS",
        "FAIL",
    )
    assert (coverage["prod-data"].cloudtrail.status, coverage["prod-data"].config.status) == (
        "FAIL",
        "PASS",
    )

    # A member leaves: the next sync disables it; no collection starts; its history stays.
    staging_id = moto_org.accounts["staging"]
    staging = AwsAccount.objects.get(account_id=staging_id)
    results_before = CheckResult.objects.filter(account=staging).count()
    moto_org.client.remove_account_from_organization(AccountId=staging_id)
    sync = organization_sync(
        organization_id=organization.pk, session_factory=lambda _: moto_org.session
    )
    assert sync.disabled == [staging_id]
    staging.refresh_from_db()
    assert not staging.enabled and not staging.schedule.enabled
    with pytest.raises(AccountDisabled):
        collection_run_start(account=staging, trigger=CollectionRun.Trigger.MANUAL)
    assert collection_scheduled_task(staging.pk) is None
    assert list(CollectionRun.objects.filter(account=staging)) == [collected[staging_id]]
    assert CheckResult.objects.filter(account=staging).count() == results_before > 0
    member = OrganizationAccount.objects.get(account=staging)
    assert member.aws_status == OrganizationAccount.AwsStatus.REMOVED
    # It has left the OU, so the OU's posture no longer counts it; its own history still does.
    assert "staging" not in ou_status(recording, "Root/Workloads/NonProd")[1]
    assert control_statuses_current([staging.pk], [recording.pk]) == {
        recording.pk: {staging.pk: "fail"}
    }
    (kept,) = [row for row in organization_coverage(organization) if row.member == member]
    assert kept.run == collected[staging_id] and kept.config.status == "FAIL"

    # A member joins: the next sync registers it in its OU and it is collected.
    new_id = moto_org.add_account("payments", "Workloads/Prod")
    sync = organization_sync(
        organization_id=organization.pk, session_factory=lambda _: moto_org.session
    )
    assert sync.registered == [new_id]
    payments = AwsAccount.objects.get(account_id=new_id)
    assert payments.organization_member.ou_path == "Root/Workloads/Prod"
    assert payments.enabled and payments.regions == [REGION]
    run = run_collection(payments, django_capture_on_commit_callbacks)
    assert run.status != CollectionRun.Status.FAILED and run.caller_identity["Account"] == new_id
    assert ou_status(recording, "Root/Workloads/Prod")[1]["payments"] == "fail"
    management = collected[MANAGEMENT_ACCOUNT]
    assert (
        CheckResult.objects.filter(
            run=management, check_id="organizations_guardduty_delegated_admin"
        )
        .get()
        .status
        == "FAIL"
    )
