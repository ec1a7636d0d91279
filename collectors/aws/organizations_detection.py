"""AWS Organizations: GuardDuty and Security Hub are administered for the whole organization.

Both services are regional, so both questions are asked per collected region:

- *Delegated administrator* (judged in the management account): ListOrganizationAdminAccounts
  names an ENABLED administrator in the region, and it is a member account (CIS 2.1.6: not the
  management account, which no SCP restricts).
- *New accounts are enabled automatically* (judged in the service's administrator account, the
  only account AWS lets read it): GuardDuty's DescribeOrganizationConfiguration answers
  AutoEnableOrganizationMembers NEW or ALL (the deprecated AutoEnable boolean when absent);
  Security Hub's answers AutoEnable true, or central configuration (ConfigurationType CENTRAL,
  Status ENABLED), under which AWS fixes AutoEnable to false and new accounts inherit the
  configuration policy of the root or their OU.

Calls per region: DescribeOrganization and GetCallerIdentity; then in the management account
each service's ListOrganizationAdminAccounts, in a member one ListDelegatedServicesForAccount;
and in a service's administrator its organization configuration (GuardDuty: ListDetectors
first). Where each check is judged, and the NOT_APPLICABLE elsewhere: see organizations_admins.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from collectors.aws.organizations import organization_describe
from collectors.aws.organizations_admins import (
    AdminSetup,
    OrgView,
    configuration_gate,
    delegated_admin_result,
    delegated_services,
    resource_id,
)
from collectors.readers import ReadError, api_call, guarded, make_result, paginate
from collectors.registry import check, service
from collectors.session import caller_identity
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

SERVICE = "organizations_detection"
GUARDDUTY_PRINCIPAL = "guardduty.amazonaws.com"
SECURITYHUB_PRINCIPAL = "securityhub.amazonaws.com"
AUTO_ENABLING = ("NEW", "ALL")
LIST_DETECTORS = api_call("guardduty", "ListDetectors")
DESCRIBE_GD_CONFIGURATION = api_call("guardduty", "DescribeOrganizationConfiguration")
DESCRIBE_SH_CONFIGURATION = api_call("securityhub", "DescribeOrganizationConfiguration")
GUARDDUTY = AdminSetup(
    "guardduty", "GuardDuty", api_call("guardduty", "ListOrganizationAdminAccounts")
)
SECURITYHUB = AdminSetup(
    "securityhub", "Security Hub", api_call("securityhub", "ListOrganizationAdminAccounts")
)


@dataclass(frozen=True)
class DetectionSnapshot(OrgView):
    guardduty: AdminSetup = GUARDDUTY
    securityhub: AdminSetup = SECURITYHUB


def _guardduty_admins(session: Any, region: str) -> list[dict[str, Any]]:
    client = session.client("guardduty", region_name=region)
    listed = paginate(client, "list_organization_admin_accounts", "AdminAccounts")
    # One shape for both services: GuardDuty says AdminAccountId/AdminStatus.
    return [{"AccountId": a["AdminAccountId"], "Status": a.get("AdminStatus")} for a in listed]


def _securityhub_admins(session: Any, region: str) -> list[dict[str, Any]]:
    client = session.client("securityhub", region_name=region)
    return paginate(client, "list_organization_admin_accounts", "AdminAccounts")


def _guardduty_configuration(session: Any, region: str) -> dict[str, Any]:
    client = session.client("guardduty", region_name=region)
    detectors = paginate(client, "list_detectors", "DetectorIds")
    if not detectors:
        return {"DetectorId": None}
    response = client.describe_organization_configuration(DetectorId=detectors[0])
    keys = ("AutoEnableOrganizationMembers", "AutoEnable", "MemberAccountLimitReached")
    return {"DetectorId": detectors[0], **{k: response[k] for k in keys if k in response}}


def _securityhub_configuration(session: Any, region: str) -> dict[str, Any]:
    client = session.client("securityhub", region_name=region)
    response = client.describe_organization_configuration()
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


@service(SERVICE, Scope.REGIONAL)
def fetch(session: Any, region: str) -> DetectionSnapshot:
    organization = organization_describe(session, region)
    if organization is None:
        return DetectionSnapshot(organization=None)
    caller = caller_identity(session)["Account"]
    gd, sh = GUARDDUTY, SECURITYHUB
    delegated: list[str] | ReadError = []
    if caller == organization.get("MasterAccountId"):
        gd_admins = guarded(gd.list_source, lambda: _guardduty_admins(session, region))
        sh_admins = guarded(sh.list_source, lambda: _securityhub_admins(session, region))
        gd = dataclasses.replace(gd, admins=gd_admins)
        sh = dataclasses.replace(sh, admins=sh_admins)
        gd_admin, sh_admin = caller in gd.enabled_admins(), caller in sh.enabled_admins()
    else:
        delegated = delegated_services(session, region, caller)
        listed = delegated if isinstance(delegated, list) else []
        gd_admin, sh_admin = GUARDDUTY_PRINCIPAL in listed, SECURITYHUB_PRINCIPAL in listed
    if gd_admin:
        configuration = guarded(
            DESCRIBE_GD_CONFIGURATION, lambda: _guardduty_configuration(session, region)
        )
        gd = dataclasses.replace(gd, is_admin=True, configuration=configuration)
    if sh_admin:
        configuration = guarded(
            DESCRIBE_SH_CONFIGURATION, lambda: _securityhub_configuration(session, region)
        )
        sh = dataclasses.replace(sh, is_admin=True, configuration=configuration)
    return DetectionSnapshot(organization, caller, delegated, gd, sh)


DELEGATION_CRITERIA = ("cis-aws-7.0.0:2.1.6", "soc2-2017:CC6.3", "soc2-2017:CC7.2")


@check(
    "organizations_guardduty_delegated_admin",
    title="A member account is GuardDuty's delegated administrator for the organization",
    service=SERVICE,
    resource_type="AWS::GuardDuty::Detector",
    severity=Severity.MEDIUM,
    criteria=DELEGATION_CRITERIA,
    remediation=(
        "From the management account, in every region: guardduty "
        "enable-organization-admin-account --admin-account-id <security account id>."
    ),
)
def guardduty_delegated_admin(
    snapshot: DetectionSnapshot, ctx: CheckContext
) -> Iterator[CheckResult]:
    check_id = "organizations_guardduty_delegated_admin"
    yield delegated_admin_result(check_id, snapshot.guardduty, snapshot, ctx)


@check(
    "organizations_guardduty_auto_enable",
    title="GuardDuty is enabled automatically in accounts that join the organization",
    service=SERVICE,
    resource_type="AWS::GuardDuty::Detector",
    severity=Severity.HIGH,
    criteria=("soc2-2017:CC7.2",),
    remediation=(
        "In GuardDuty's delegated administrator, in every region: guardduty "
        "update-organization-configuration --detector-id <id> "
        "--auto-enable-organization-members ALL (or NEW)."
    ),
)
def guardduty_auto_enable(snapshot: DetectionSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    check_id = "organizations_guardduty_auto_enable"
    setup = snapshot.guardduty
    gated = configuration_gate(check_id, setup, snapshot, ctx)
    if gated is not None:
        yield gated
        return
    resource = resource_id(ctx, setup.key)
    configuration = setup.configuration
    if isinstance(configuration, ReadError):
        reason = f"could not read GuardDuty's organization configuration: {configuration.reason}"
        yield make_result(
            check_id, ctx, resource, Status.ERROR, reason, sources=(configuration.source,)
        )
        return
    configuration = configuration or {}
    members = configuration.get("AutoEnableOrganizationMembers")
    if configuration.get("DetectorId") is None:
        status = Status.FAIL
        reason = f"no GuardDuty detector in {ctx.region} in the delegated administrator account"
    elif configuration.get("MemberAccountLimitReached"):
        status = Status.FAIL
        reason = "the administrator has reached GuardDuty's member account limit"
    elif members is not None:
        status = Status.PASS if members in AUTO_ENABLING else Status.FAIL
        reason = f"AutoEnableOrganizationMembers is {members} in {ctx.region}"
    else:
        auto_enable = bool(configuration.get("AutoEnable"))
        status = Status.PASS if auto_enable else Status.FAIL
        reason = f"AutoEnable (deprecated) is {str(auto_enable).lower()} in {ctx.region}"
    yield make_result(
        check_id,
        ctx,
        resource,
        status,
        reason,
        evidence={"OrganizationConfiguration": configuration},
        sources=(LIST_DETECTORS, DESCRIBE_GD_CONFIGURATION),
    )


@check(
    "organizations_securityhub_delegated_admin",
    title="A member account is Security Hub's delegated administrator for the organization",
    service=SERVICE,
    resource_type="AWS::SecurityHub::Hub",
    severity=Severity.MEDIUM,
    criteria=DELEGATION_CRITERIA,
    remediation=(
        "From the management account: securityhub enable-organization-admin-account "
        "--admin-account-id <security account id> (in each region, or once with central "
        "configuration from the home region)."
    ),
)
def securityhub_delegated_admin(
    snapshot: DetectionSnapshot, ctx: CheckContext
) -> Iterator[CheckResult]:
    check_id = "organizations_securityhub_delegated_admin"
    yield delegated_admin_result(check_id, snapshot.securityhub, snapshot, ctx)


@check(
    "organizations_securityhub_auto_enable",
    title="Security Hub is enabled automatically in accounts that join the organization",
    service=SERVICE,
    resource_type="AWS::SecurityHub::Hub",
    severity=Severity.MEDIUM,
    criteria=("soc2-2017:CC7.2",),
    remediation=(
        "In Security Hub's delegated administrator: securityhub "
        "update-organization-configuration --auto-enable (local configuration, every region), "
        "or central configuration with a policy enabling Security Hub on the root."
    ),
)
def securityhub_auto_enable(
    snapshot: DetectionSnapshot, ctx: CheckContext
) -> Iterator[CheckResult]:
    check_id = "organizations_securityhub_auto_enable"
    setup = snapshot.securityhub
    gated = configuration_gate(check_id, setup, snapshot, ctx)
    if gated is not None:
        yield gated
        return
    resource = resource_id(ctx, setup.key)
    configuration = setup.configuration
    if isinstance(configuration, ReadError):
        reason = f"could not read Security Hub's organization configuration: {configuration.reason}"
        yield make_result(
            check_id, ctx, resource, Status.ERROR, reason, sources=(configuration.source,)
        )
        return
    configuration = configuration or {}
    status, reason = _securityhub_verdict(configuration, ctx.region)
    yield make_result(
        check_id,
        ctx,
        resource,
        status,
        reason,
        evidence={"OrganizationConfiguration": configuration},
        sources=(DESCRIBE_SH_CONFIGURATION,),
    )


def _securityhub_verdict(configuration: dict[str, Any], region: str) -> tuple[Status, str]:
    central = configuration.get("OrganizationConfiguration") or {}
    if configuration.get("MemberAccountLimitReached"):
        return Status.FAIL, "the administrator has reached Security Hub's member account limit"
    if central.get("ConfigurationType") == "CENTRAL":
        state = central.get("Status")
        if state == "ENABLED":
            return Status.PASS, (
                "central configuration: new accounts inherit the configuration policy "
                "associated with the root or their OU"
            )
        message = f": {central['StatusMessage']}" if central.get("StatusMessage") else ""
        return Status.FAIL, f"central configuration is {state}{message}"
    if configuration.get("AutoEnable"):
        return Status.PASS, f"AutoEnable is true in {region} (local configuration)"
    return Status.FAIL, f"AutoEnable is false in {region} (local configuration)"
