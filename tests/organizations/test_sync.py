"""Sync: members registered with the member role, removed ones disabled with history kept."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from evidence.collection.models import AwsAccount, CollectionRun
from evidence.organizations.models import Organization, OrganizationAccount, OrganizationSync
from evidence.organizations.services.organizations import organization_member_exclude
from evidence.organizations.services.sync import organization_sync
from tests.factories import AwsAccountFactory
from tests.organizations.conftest import MANAGEMENT_ACCOUNT, MotoOrganization

pytestmark = pytest.mark.django_db


def sync(organization: Organization, moto_org: MotoOrganization) -> OrganizationSync:
    return organization_sync(
        organization_id=organization.pk, session_factory=lambda _: moto_org.session
    )


def test_first_sync_registers_every_account_with_ou_path(
    organization: Organization, moto_org: MotoOrganization
) -> None:
    result = sync(organization, moto_org)

    assert result.status == OrganizationSync.Status.SUCCEEDED, result.error
    assert len(result.registered) == 7  # six members and the management account
    prod = AwsAccount.objects.get(account_id=moto_org.accounts["prod-app"])
    assert prod.role_arn == f"arn:aws:iam::{prod.account_id}:role/GrcEvidenceReader"
    assert prod.external_id == "member-external-id-0001"
    assert prod.regions == ["us-east-1", "eu-west-1"]
    assert prod.enabled and prod.schedule is not None and prod.schedule.enabled
    member = prod.organization_member
    assert member.ou_path == "Root/Workloads/Prod"
    assert member.email == "prod-app@example.com"
    assert member.aws_status == OrganizationAccount.AwsStatus.ACTIVE
    paths = dict(OrganizationAccount.objects.values_list("account__account_id", "ou_path"))
    assert paths[moto_org.accounts["log-archive"]] == "Root/Security"
    assert paths[moto_org.accounts["staging"]] == "Root/Workloads/NonProd"
    assert paths[moto_org.accounts["sandbox"]] == "Root"
    organization.refresh_from_db()
    assert organization.management_account_id == MANAGEMENT_ACCOUNT
    assert organization.organization_id.startswith("o-")


def test_removed_account_disabled_with_history_and_new_account_registered(
    organization: Organization, moto_org: MotoOrganization
) -> None:
    sync(organization, moto_org)
    removed_id = moto_org.accounts["staging"]
    removed = AwsAccount.objects.get(account_id=removed_id)
    run = CollectionRun.objects.create(account=removed, status=CollectionRun.Status.SUCCEEDED)
    moto_org.client.remove_account_from_organization(AccountId=removed_id)
    new_id = moto_org.add_account("prod-analytics", "Workloads/Prod")

    result = sync(organization, moto_org)

    assert result.status == OrganizationSync.Status.SUCCEEDED
    assert result.registered == [new_id]
    assert result.disabled == [removed_id]
    removed.refresh_from_db()
    assert not removed.enabled and not removed.schedule.enabled
    assert removed.organization_member.aws_status == OrganizationAccount.AwsStatus.REMOVED
    assert CollectionRun.objects.filter(pk=run.pk, account=removed).exists()
    new = AwsAccount.objects.get(account_id=new_id)
    assert new.enabled and new.organization_member.ou_path == "Root/Workloads/Prod"
    assert AwsAccount.objects.filter(enabled=True).count() == 7


def test_overrides_survive_a_sync(organization: Organization, moto_org: MotoOrganization) -> None:
    sync(organization, moto_org)
    prod = AwsAccount.objects.get(account_id=moto_org.accounts["prod-app"])
    prod.regions, prod.name = ["eu-central-1"], "Production app"
    prod.save()
    sandbox = OrganizationAccount.objects.get(account__account_id=moto_org.accounts["sandbox"])
    organization_member_exclude(member=sandbox, excluded=True)
    moto_org.client.move_account(
        AccountId=prod.account_id,
        SourceParentId=moto_org.ous["Workloads/Prod"],
        DestinationParentId=moto_org.ous["Workloads/NonProd"],
    )

    result = sync(organization, moto_org)

    prod.refresh_from_db()
    assert prod.regions == ["eu-central-1"] and prod.name == "Production app"
    assert prod.organization_member.ou_path == "Root/Workloads/NonProd"
    assert result.updated == [prod.account_id]
    sandbox.refresh_from_db()
    assert sandbox.excluded and not sandbox.account.enabled


def test_hand_registered_account_is_adopted_with_its_own_role(
    organization: Organization, moto_org: MotoOrganization
) -> None:
    existing = AwsAccountFactory(
        account_id=MANAGEMENT_ACCOUNT,
        role_arn=f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:role/Custom",
        external_id="own-secret",
    )
    sync(organization, moto_org)
    existing.refresh_from_db()
    assert existing.role_arn.endswith(":role/Custom") and existing.external_id == "own-secret"
    assert existing.organization_member.ou_path == "Root"


def stubbed_session(operation: str, code: str, message: str) -> boto3.Session:
    session = boto3.Session(region_name="us-east-1")
    client = session.client("organizations")
    stubber = Stubber(client)
    stubber.add_client_error(operation, service_error_code=code, service_message=message)
    stubber.activate()
    session.client = lambda *args, **kwargs: client  # type: ignore[method-assign]
    return session


def test_access_denied_records_the_error_and_changes_nothing(
    organization: Organization, aws_env: None
) -> None:
    member = AwsAccountFactory()
    session = stubbed_session(
        "describe_organization",
        "AccessDeniedException",
        "You don't have permissions to access this resource.",
    )

    result = organization_sync(organization_id=organization.pk, session_factory=lambda _: session)

    assert result.status == OrganizationSync.Status.FAILED
    assert "AccessDeniedException" in result.error
    assert "permissions" in result.error
    organization.refresh_from_db()
    assert organization.last_sync_error == result.error
    assert AwsAccount.objects.count() == 1 and AwsAccount.objects.get().pk == member.pk


def test_sync_failure_after_success_disables_nothing(
    organization: Organization, moto_org: MotoOrganization
) -> None:
    sync(organization, moto_org)

    def denied(_: Organization) -> boto3.Session:
        raise ClientError(
            {"Error": {"Code": "AccessDenied", "Message": "not authorized to sts:AssumeRole"}},
            "AssumeRole",
        )

    result = organization_sync(organization_id=organization.pk, session_factory=denied)

    assert result.status == OrganizationSync.Status.FAILED
    assert "sts:AssumeRole" in result.error
    assert AwsAccount.objects.filter(enabled=True).count() == 7


def test_not_in_an_organization_is_a_clear_error(organization: Organization, aws_env: None) -> None:
    from moto import mock_aws

    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        result = organization_sync(
            organization_id=organization.pk, session_factory=lambda _: session
        )

    assert result.status == OrganizationSync.Status.FAILED
    assert "AWSOrganizationsNotInUseException" in result.error
    assert not AwsAccount.objects.exists()


def test_bad_member_role_is_reported_per_account(
    organization: Organization, moto_org: MotoOrganization
) -> None:
    organization.member_role_name = "Bad Role Name With Spaces"  # bypasses the form's validation
    organization.save()

    result = sync(organization, moto_org)

    assert result.status == OrganizationSync.Status.SUCCEEDED
    assert len(result.member_errors) == 7
    assert "IAM role ARN" in result.member_errors[moto_org.accounts["audit"]]
    assert not AwsAccount.objects.exists()


def test_closed_account_is_disabled_and_stays_listed(
    organization: Organization, moto_org: MotoOrganization
) -> None:
    sync(organization, moto_org)
    closed_id = moto_org.accounts["prod-data"]
    moto_org.client.close_account(AccountId=closed_id)  # AWS: SUSPENDED, then closed

    result = sync(organization, moto_org)

    assert result.disabled == [closed_id]
    member = OrganizationAccount.objects.get(account__account_id=closed_id)
    assert member.aws_status == OrganizationAccount.AwsStatus.SUSPENDED
    assert not member.account.enabled
    assert member.ou_path == "Root/Workloads/Prod"
    assert sync(organization, moto_org).disabled == []  # disabled once, not on every sync


def test_organization_without_members_says_so(organization: Organization, aws_env: None) -> None:
    from moto import mock_aws

    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        session.client("organizations").create_organization(FeatureSet="ALL")
        result = organization_sync(
            organization_id=organization.pk, session_factory=lambda _: session
        )

    assert result.status == OrganizationSync.Status.SUCCEEDED
    assert result.registered == [MANAGEMENT_ACCOUNT]
    assert result.error == "the organization has no member accounts besides the management account"
    organization.refresh_from_db()
    assert organization.last_sync_error == result.error
