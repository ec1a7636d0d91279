"""After a sync, members are collected through their assumed member role, as any account."""

from __future__ import annotations

import pytest

from evidence.collection.models import AwsAccount, CheckResult, CollectionRun
from evidence.collection.services.accounts import account_update
from evidence.organizations.models import Organization
from evidence.organizations.services.sync import organization_sync
from tests.evidence.conftest import run_collection
from tests.organizations.conftest import MANAGEMENT_ACCOUNT, MotoOrganization

pytestmark = pytest.mark.django_db


def test_synced_member_and_management_accounts_are_collected(
    organization: Organization,
    moto_org: MotoOrganization,
    django_capture_on_commit_callbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from moto.organizations.models import FakeDelegatedAdministrator

    # AWS Config's principals can have delegated administrators (AWS documents both); moto's
    # list of delegable principals lacks config.amazonaws.com and refuses to list it.
    monkeypatch.setattr(
        FakeDelegatedAdministrator,
        "SUPPORTED_SERVICES",
        [*FakeDelegatedAdministrator.SUPPORTED_SERVICES, "config.amazonaws.com"],
    )
    organization_sync(organization_id=organization.pk, session_factory=lambda _: moto_org.session)
    member = AwsAccount.objects.get(account_id=moto_org.accounts["prod-app"])
    management = AwsAccount.objects.get(account_id=MANAGEMENT_ACCOUNT)
    for account in (member, management):
        account_update(account=account, regions=["us-east-1"])  # an override, kept by syncs

    member_run = run_collection(member, django_capture_on_commit_callbacks)
    management_run = run_collection(management, django_capture_on_commit_callbacks)

    assert member_run.status != CollectionRun.Status.FAILED
    assert member_run.caller_identity["Account"] == member.account_id
    assert ":assumed-role/GrcEvidenceReader/" in member_run.caller_identity["Arn"]
    org_checks = dict(
        CheckResult.objects.filter(
            run=management_run, check_id__startswith="organizations_"
        ).values_list("check_id", "status")
    )
    # Only AWS's FullAWSAccess SCP is attached, no trail, aggregator or delegated
    # administrator exists: every guardrail fails. moto lacks Security Hub's
    # ListOrganizationAdminAccounts: unreadable is an ERROR, never a pass.
    assert org_checks == {
        "organizations_scp_protects_cloudtrail": "FAIL",
        "organizations_scp_protects_config": "FAIL",
        "organizations_scp_denies_leave": "FAIL",
        "organizations_cloudtrail_org_trail": "FAIL",
        "organizations_management_no_workloads": "PASS",
        "organizations_config_aggregator": "FAIL",
        "organizations_guardduty_delegated_admin": "FAIL",
        "organizations_guardduty_auto_enable": "NOT_APPLICABLE",
        "organizations_securityhub_delegated_admin": "ERROR",
        "organizations_securityhub_auto_enable": "ERROR",
    }
