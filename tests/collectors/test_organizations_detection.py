"""GuardDuty and Security Hub administered for the organization: the delegated administrator
(judged in the management account) and auto-enable (judged in the administrator account).

The organization, accounts and delegated-administrator registrations are moto's; the calls
moto lacks (GuardDuty's DescribeOrganizationConfiguration, Security Hub's
ListOrganizationAdminAccounts) are recorded responses on botocore Stubbers.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from collectors.runner import collect_unit
from collectors.types import CheckResult, Status

from .conftest import ACCOUNT_ID, REGION, AwsHooks
from .stubs import StubbedClients
from .test_organizations import member_session

GD_ADMIN = "organizations_guardduty_delegated_admin"
GD_AUTO = "organizations_guardduty_auto_enable"
SH_ADMIN = "organizations_securityhub_delegated_admin"
SH_AUTO = "organizations_securityhub_auto_enable"
CHECKS = (GD_ADMIN, GD_AUTO, SH_ADMIN, SH_AUTO)
MEMBER = "111111111111"


@pytest.fixture
def org(aws_session: boto3.Session) -> str:
    aws_session.client("organizations").create_organization(FeatureSet="ALL")
    return ACCOUNT_ID


def by_check(results: list[CheckResult]) -> dict[str, CheckResult]:
    indexed = {result.check_id: result for result in results}
    assert len(indexed) == len(results) == len(CHECKS)
    return indexed


def collect(stubs: StubbedClients, account_id: str = ACCOUNT_ID) -> dict[str, CheckResult]:
    for stubber in stubs.stubbers.values():
        stubber.activate()
    try:
        results = collect_unit(stubs, "organizations_detection", REGION, account_id=account_id)
    finally:
        for stubber in stubs.stubbers.values():
            stubber.deactivate()
    stubs.assert_all_answered()
    return by_check(results)


def queue_admins(stubs: StubbedClients, guardduty: list[str], securityhub: list[str]) -> None:
    stubs["guardduty"].add_response(
        "list_organization_admin_accounts",
        {"AdminAccounts": [{"AdminAccountId": a, "AdminStatus": "ENABLED"} for a in guardduty]},
        {},
    )
    stubs["securityhub"].add_response(
        "list_organization_admin_accounts",
        {"AdminAccounts": [{"AccountId": a, "Status": "ENABLED"} for a in securityhub]},
        {},
    )


def queue_guardduty_configuration(stubs: StubbedClients, response: dict[str, Any]) -> None:
    stubs["guardduty"].add_response("list_detectors", {"DetectorIds": ["det-1"]}, {})
    stubs["guardduty"].add_response(
        "describe_organization_configuration",
        {"MemberAccountLimitReached": False, **response},
        {"DetectorId": "det-1"},
    )


def test_management_account_judges_the_delegated_administrators(
    aws_session: boto3.Session, org: str
) -> None:
    stubs = StubbedClients(aws_session, ["guardduty", "securityhub"])
    queue_admins(stubs, guardduty=[MEMBER], securityhub=[])

    results = collect(stubs)

    assert results[GD_ADMIN].status is Status.PASS
    assert results[GD_ADMIN].reason == (
        f"account {MEMBER} is GuardDuty's delegated administrator in {REGION}"
    )
    assert results[SH_ADMIN].status is Status.FAIL
    assert results[SH_ADMIN].reason == (
        f"no Security Hub delegated administrator is enabled in {REGION}"
    )
    # Auto-enable is read only by the administrator: here it names where it is judged.
    assert results[GD_AUTO].status is Status.NOT_APPLICABLE
    assert results[GD_AUTO].reason == (
        f"judged in GuardDuty's delegated administrator account {MEMBER}"
    )
    assert results[SH_AUTO].status is Status.NOT_APPLICABLE
    assert "no Security Hub delegated administrator" in results[SH_AUTO].reason


def test_management_account_as_its_own_administrator_fails_but_is_judged(
    aws_session: boto3.Session, org: str
) -> None:
    stubs = StubbedClients(aws_session, ["guardduty", "securityhub"])
    queue_admins(stubs, guardduty=[ACCOUNT_ID], securityhub=[])
    queue_guardduty_configuration(stubs, {"AutoEnableOrganizationMembers": "ALL"})

    results = collect(stubs)

    assert results[GD_ADMIN].status is Status.FAIL
    assert "management account administers GuardDuty itself" in results[GD_ADMIN].reason
    assert results[GD_AUTO].status is Status.PASS
    assert results[GD_AUTO].reason == f"AutoEnableOrganizationMembers is ALL in {REGION}"


def test_unreadable_administrator_list_is_an_error_never_a_pass(
    aws_session: boto3.Session, org: str
) -> None:
    stubs = StubbedClients(aws_session, ["guardduty", "securityhub"])
    stubs["guardduty"].add_client_error(
        "list_organization_admin_accounts",
        service_error_code="AccessDeniedException",
        service_message="not authorized to perform guardduty:ListOrganizationAdminAccounts",
        http_status_code=403,
    )
    stubs["securityhub"].add_response("list_organization_admin_accounts", {"AdminAccounts": []})

    results = collect(stubs)

    for check_id in (GD_ADMIN, GD_AUTO):
        assert results[check_id].status is Status.ERROR, check_id
        assert "AccessDeniedException" in results[check_id].reason


def delegated_admin(aws_session: boto3.Session, *principals: str) -> tuple[StubbedClients, str]:
    """A member account that Organizations lists as delegated administrator for ``principals``.

    moto keeps registrations in the management account's backend only (a member asking
    ListDelegatedServicesForAccount gets AWSOrganizationsNotInUse), so the member's answer is
    recorded here as AWS gives it.
    """
    member, member_id = member_session(aws_session)
    delegated = [{"ServicePrincipal": principal} for principal in principals]
    AwsHooks(member).respond(
        "organizations", "ListDelegatedServicesForAccount", {"DelegatedServices": delegated}
    )
    return StubbedClients(member, ["guardduty"]), member_id


@pytest.mark.parametrize(
    ("configuration", "status", "reason"),
    [
        (
            {"AutoEnableOrganizationMembers": "NEW"},
            Status.PASS,
            "AutoEnableOrganizationMembers is NEW",
        ),
        ({"AutoEnableOrganizationMembers": "NONE", "AutoEnable": True}, Status.FAIL, "is NONE"),
        ({"AutoEnable": True}, Status.PASS, "AutoEnable (deprecated) is true"),
        ({"AutoEnable": False}, Status.FAIL, "AutoEnable (deprecated) is false"),
    ],
)
def test_guardduty_administrator_judges_auto_enable(
    aws_session: boto3.Session,
    org: str,
    configuration: dict[str, Any],
    status: Status,
    reason: str,
) -> None:
    stubs, member_id = delegated_admin(aws_session, "guardduty.amazonaws.com")
    queue_guardduty_configuration(stubs, configuration)

    results = collect(stubs, member_id)

    assert results[GD_AUTO].status is status
    assert reason in results[GD_AUTO].reason
    assert results[GD_AUTO].evidence["OrganizationConfiguration"]["DetectorId"] == "det-1"
    # The administrator cannot list administrators; the management account judges that.
    assert results[GD_ADMIN].status is Status.NOT_APPLICABLE
    assert f"management account {ACCOUNT_ID}" in results[GD_ADMIN].reason
    assert results[SH_AUTO].status is Status.NOT_APPLICABLE  # not Security Hub's admin


def test_guardduty_administrator_without_a_detector_fails(
    aws_session: boto3.Session, org: str
) -> None:
    stubs, member_id = delegated_admin(aws_session, "guardduty.amazonaws.com")
    stubs["guardduty"].add_response("list_detectors", {"DetectorIds": []}, {})

    result = collect(stubs, member_id)[GD_AUTO]

    assert result.status is Status.FAIL
    assert (
        result.reason == f"no GuardDuty detector in {REGION} in the delegated administrator account"
    )


@pytest.fixture
def securityhub_admin(aws_session: boto3.Session, org: str) -> tuple[StubbedClients, str]:
    """A member designated as Security Hub's administrator by the management account."""
    stubs, member_id = delegated_admin(aws_session, "securityhub.amazonaws.com")
    aws_session.client("securityhub").enable_organization_admin_account(AdminAccountId=member_id)
    return stubs, member_id


@pytest.mark.parametrize(
    ("update", "status", "reason"),
    [
        (
            {"AutoEnable": True},
            Status.PASS,
            f"AutoEnable is true in {REGION} (local configuration)",
        ),
        (
            {"AutoEnable": False},
            Status.FAIL,
            f"AutoEnable is false in {REGION} (local configuration)",
        ),
        (
            {
                "AutoEnable": False,
                "AutoEnableStandards": "NONE",
                "OrganizationConfiguration": {"ConfigurationType": "CENTRAL", "Status": "ENABLED"},
            },
            Status.PASS,
            "central configuration: new accounts inherit the configuration policy associated "
            "with the root or their OU",
        ),
        (
            {
                "AutoEnable": False,
                "AutoEnableStandards": "NONE",
                "OrganizationConfiguration": {"ConfigurationType": "CENTRAL", "Status": "PENDING"},
            },
            Status.FAIL,
            "central configuration is PENDING",
        ),
    ],
)
def test_securityhub_administrator_judges_auto_enable(
    securityhub_admin: tuple[StubbedClients, str],
    update: dict[str, Any],
    status: Status,
    reason: str,
) -> None:
    stubs, member_id = securityhub_admin
    stubs.client("securityhub").update_organization_configuration(**update)

    result = collect(stubs, member_id)[SH_AUTO]

    assert (result.status, result.reason) == (status, reason)


def test_other_members_are_not_applicable_naming_the_account_judged(
    aws_session: boto3.Session, org: str
) -> None:
    member, member_id = member_session(aws_session)
    # AWS answers AccessDenied to an account that administers no service.
    AwsHooks(member).fail(
        "organizations", "ListDelegatedServicesForAccount", "AccessDeniedException"
    )

    results = by_check(
        collect_unit(member, "organizations_detection", REGION, account_id=member_id)
    )

    assert {r.status for r in results.values()} == {Status.NOT_APPLICABLE}
    assert f"management account {ACCOUNT_ID}" in results[GD_ADMIN].reason
    assert results[GD_AUTO].reason == (
        "not GuardDuty's delegated administrator: judged in the administrator account that "
        f"the management account {ACCOUNT_ID} designates"
    )


def test_member_whose_delegations_cannot_be_read_is_an_error(
    aws_session: boto3.Session, org: str
) -> None:
    member, member_id = member_session(aws_session)
    AwsHooks(member).fail(
        "organizations", "ListDelegatedServicesForAccount", "InvalidInputException"
    )

    results = by_check(
        collect_unit(member, "organizations_detection", REGION, account_id=member_id)
    )

    for check_id in (GD_AUTO, SH_AUTO):
        assert results[check_id].status is Status.ERROR
        assert "InvalidInputException" in results[check_id].reason


def test_outside_an_organization_everything_is_not_applicable(
    aws_session: boto3.Session,
) -> None:
    results = by_check(
        collect_unit(aws_session, "organizations_detection", REGION, account_id=ACCOUNT_ID)
    )

    for result in results.values():
        assert result.status is Status.NOT_APPLICABLE
        assert result.reason == "the account is not a member of an AWS Organization"
