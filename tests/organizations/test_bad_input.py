"""Bad input is reported where it is, in words a compliance manager can act on, and the rest
goes on: a management role that cannot list the organization changes nothing; a member whose
role is missing or expects another external id fails alone while the others are collected; an
organization that lists no account changes nothing."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from collectors.runner import plan_units
from collectors.session import assume_role_session
from evidence.collection.models import AwsAccount, CollectionRun
from evidence.collection.services import runs
from evidence.organizations.models import Organization, OrganizationAccount, OrganizationSync
from evidence.organizations.selectors.coverage import organization_coverage
from evidence.organizations.services.sync import organization_sync
from tests.collectors.conftest import AwsHooks
from tests.evidence.conftest import run_collection
from tests.organizations.conftest import MotoOrganization

pytestmark = pytest.mark.django_db
LIST_DENIED = (
    "User: arn:aws:sts::123456789012:assumed-role/GrcOrgReader/grc is not authorized to perform: "
    "organizations:ListAccountsForParent because no identity-based policy allows the "
    "organizations:ListAccountsForParent action"
)
ASSUME_DENIED = (
    "User: arn:aws:sts::111122223333:assumed-role/grc-worker/i-0abc is not authorized to "
    "perform: sts:AssumeRole on resource: arn:aws:iam::{}:role/GrcEvidenceReader"
)


def sync(organization: Organization, session: Any) -> OrganizationSync:
    return organization_sync(organization_id=organization.pk, session_factory=lambda _: session)


def members_seen() -> list[tuple[str, str, str, bool]]:
    return list(
        OrganizationAccount.objects.order_by("account__account_id").values_list(
            "account__account_id", "ou_path", "aws_status", "account__enabled"
        )
    )


def test_management_role_without_list_permission_changes_nothing(
    organization: Organization, moto_org: MotoOrganization
) -> None:
    sync(organization, moto_org.session)
    before = members_seen()
    AwsHooks(moto_org.session).fail(
        "organizations", "ListAccountsForParent", "AccessDeniedException", message=LIST_DENIED
    )

    result = sync(organization, moto_org.session)

    assert result.status == OrganizationSync.Status.FAILED
    assert result.error == f"could not read the organization: AccessDeniedException: {LIST_DENIED}"
    assert result.disabled == [] and result.registered == []
    assert members_seen() == before  # a partial read never looks like removed accounts
    organization.refresh_from_db()
    assert organization.last_sync_error == result.error


def empty_organization_session() -> boto3.Session:
    """An organization whose root lists no account and no OU (as a tree read answers it)."""
    session = boto3.Session(region_name="us-east-1")
    client = session.client("organizations")
    stubber = Stubber(client)
    stubber.add_response(
        "describe_organization",
        {
            "Organization": {
                "Id": "o-empty00001",
                "Arn": "arn:aws:organizations::123456789012:organization/o-empty00001",
                "MasterAccountId": "123456789012",
            }
        },
    )
    stubber.add_response("list_roots", {"Roots": [{"Id": "r-empty", "Name": "Root"}]})
    stubber.add_response("list_accounts_for_parent", {"Accounts": []}, {"ParentId": "r-empty"})
    stubber.add_response(
        "list_organizational_units_for_parent", {"OrganizationalUnits": []}, {"ParentId": "r-empty"}
    )
    stubber.activate()
    session.client = lambda *args, **kwargs: client  # type: ignore[method-assign]
    return session


def test_an_organization_listing_no_account_changes_nothing(
    organization: Organization, moto_org: MotoOrganization
) -> None:
    sync(organization, moto_org.session)
    before = members_seen()

    result = sync(organization, empty_organization_session())

    assert result.status == OrganizationSync.Status.FAILED
    assert result.error == "the organization lists no accounts; nothing changed"
    assert members_seen() == before and len(before) == 7


def test_member_whose_role_cannot_be_assumed_fails_alone(
    organization: Organization,
    moto_org: MotoOrganization,
    django_capture_on_commit_callbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only CloudTrail, for speed: what matters is which runs start and which fail.
    monkeypatch.setattr(
        runs, "plan_units", lambda regions: [u for u in plan_units(regions) if u[0] == "cloudtrail"]
    )
    runs._sessions.clear()
    sync(organization, moto_org.session)
    broken = moto_org.accounts["staging"]

    def assume(role_arn: str, external_id: str, **kwargs: Any) -> boto3.Session:
        # AWS answers a missing role, an untrusted principal and a wrong external id alike.
        if f":{broken}:" in role_arn:
            raise ClientError(
                {"Error": {"Code": "AccessDenied", "Message": ASSUME_DENIED.format(broken)}},
                "AssumeRole",
            )
        return assume_role_session(role_arn, external_id, **kwargs)

    monkeypatch.setattr(runs, "assume_role_session", assume)
    for account in AwsAccount.objects.filter(enabled=True):
        account.regions = ["us-east-1"]
        account.save(update_fields=["regions"])

    statuses = {
        account.account_id: run_collection(account, django_capture_on_commit_callbacks)
        for account in AwsAccount.objects.filter(enabled=True).exclude(account_id=broken)
    }
    failed = CollectionRun.objects.create(
        account=AwsAccount.objects.get(account_id=broken), trigger=CollectionRun.Trigger.MANUAL
    )
    runs.collection_run_execute(failed.pk, enqueue_unit=lambda unit_id: None)
    failed.refresh_from_db()
    statuses[broken] = failed

    assert statuses[broken].status == CollectionRun.Status.FAILED
    assert statuses[broken].errors[0]["reason"] == (f"AccessDenied: {ASSUME_DENIED.format(broken)}")
    others = [run.status for account_id, run in statuses.items() if account_id != broken]
    assert len(others) == 6 and CollectionRun.Status.FAILED not in others
    coverage = {row.member.account.account_id: row for row in organization_coverage(organization)}
    reason = coverage[broken].cloudtrail.reason
    assert coverage[broken].cloudtrail.status == "ERROR"
    assert reason.startswith("the latest collection failed: AccessDenied: User:")
    assert "does not exist, does not trust the collector, or expects another external id" in reason
    assert {coverage[a].cloudtrail.status for a in coverage if a != broken} <= {"PASS", "FAIL"}
