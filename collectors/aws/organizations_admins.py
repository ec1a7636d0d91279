"""Shared by the organization-wide service checks: who administers a service, and where a
check is judged.

A check about how the organization administers a service is judged in one account: the
management account (who is the delegated administrator) or the service's delegated
administrator (what it configures for the organization). Every other account gets
NOT_APPLICABLE naming the account that is judged, so each question is answered once.

A member account learns which services it administers from ListDelegatedServicesForAccount;
AWS answers it with AccessDenied (or AccountNotRegistered) in an account that administers
nothing. Any other failure is a ReadError, reported as ERROR.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from collectors.aws.organizations import DENIED, DESCRIBE_ORGANIZATION
from collectors.readers import (
    AWS_FAULTS,
    ReadError,
    api_call,
    error_code,
    error_reason,
    make_result,
    paginate,
)
from collectors.types import ApiCall, CheckContext, CheckResult, Status

LIST_DELEGATED_SERVICES = api_call("organizations", "ListDelegatedServicesForAccount")
NOT_A_DELEGATE = (*DENIED, "AccountNotRegisteredException")
NOT_IN_ORGANIZATION = "the account is not a member of an AWS Organization"


@dataclass(frozen=True)
class OrgView:
    """The organization as the collected account sees it (``organization`` None: outside)."""

    organization: dict[str, Any] | None
    caller_account_id: str = ""
    # Member accounts only: the service principals the account is a delegated admin for.
    delegated_services: list[str] | ReadError = field(default_factory=list)

    @property
    def management_account_id(self) -> str:
        return (self.organization or {}).get("MasterAccountId", "")

    @property
    def in_management(self) -> bool:
        return bool(self.organization) and self.caller_account_id == self.management_account_id


@dataclass(frozen=True)
class AdminSetup:
    """One service's organization setup as one account sees it in one region."""

    key: str  # "guardduty": part of the result's resource id
    label: str  # "GuardDuty": in reasons
    list_source: ApiCall  # the service's ListOrganizationAdminAccounts
    admins: list[dict[str, Any]] | ReadError | None = None  # management account only
    is_admin: bool = False
    configuration: dict[str, Any] | ReadError | None = None  # the administrator account only

    def enabled_admins(self) -> list[str]:
        if not isinstance(self.admins, list):
            return []
        return [a["AccountId"] for a in self.admins if a.get("Status") == "ENABLED"]


def delegated_services(session: Any, region: str, account_id: str) -> list[str] | ReadError:
    """Service principals ``account_id`` is a delegated administrator for ([] for none)."""
    client = session.client("organizations", region_name=region)
    try:
        found = paginate(
            client, "list_delegated_services_for_account", "DelegatedServices", AccountId=account_id
        )
    except ClientError as exc:
        if error_code(exc) in NOT_A_DELEGATE:
            return []
        return ReadError(reason=error_reason(exc), source=LIST_DELEGATED_SERVICES)
    except AWS_FAULTS as exc:
        return ReadError(reason=error_reason(exc), source=LIST_DELEGATED_SERVICES)
    return [entry["ServicePrincipal"] for entry in found]


def resource_id(ctx: CheckContext, key: str) -> str:
    return f"{ctx.account_id}:{ctx.region}:{key}-organization"


def not_applicable(check_id: str, ctx: CheckContext, key: str, reason: str) -> CheckResult:
    return make_result(
        check_id,
        ctx,
        resource_id(ctx, key),
        Status.NOT_APPLICABLE,
        reason,
        sources=(DESCRIBE_ORGANIZATION,),
    )


def delegated_admin_result(
    check_id: str, setup: AdminSetup, view: OrgView, ctx: CheckContext
) -> CheckResult:
    """Judged in the management account: an ENABLED delegated administrator that is a member."""
    if view.organization is None:
        return not_applicable(check_id, ctx, setup.key, NOT_IN_ORGANIZATION)
    if not view.in_management:
        reason = (
            f"judged in the management account {view.management_account_id} of "
            f"{view.organization['Id']}, the only account that can list {setup.label}'s "
            "delegated administrators"
        )
        return not_applicable(check_id, ctx, setup.key, reason)
    resource = resource_id(ctx, setup.key)
    if isinstance(setup.admins, ReadError):
        reason = f"could not list {setup.label}'s delegated administrators: {setup.admins.reason}"
        return make_result(
            check_id, ctx, resource, Status.ERROR, reason, sources=(setup.list_source,)
        )
    enabled = setup.enabled_admins()
    if not enabled:
        status = Status.FAIL
        reason = f"no {setup.label} delegated administrator is enabled in {ctx.region}"
        leaving = [a["AccountId"] for a in setup.admins or [] if a.get("Status") != "ENABLED"]
        if leaving:
            reason += f" ({', '.join(leaving)} being removed)"
    elif enabled == [view.management_account_id]:
        status = Status.FAIL
        reason = (
            f"the management account administers {setup.label} itself in {ctx.region}: "
            "designate a member (security tooling) account"
        )
    else:
        status = Status.PASS
        reason = (
            f"account {', '.join(enabled)} is {setup.label}'s delegated administrator "
            f"in {ctx.region}"
        )
    return make_result(
        check_id,
        ctx,
        resource,
        status,
        reason,
        evidence={"AdminAccounts": setup.admins},
        sources=(DESCRIBE_ORGANIZATION, setup.list_source),
    )


def configuration_gate(
    check_id: str, setup: AdminSetup, view: OrgView, ctx: CheckContext
) -> CheckResult | None:
    """The result where the administrator's configuration is not judged; None where it is."""
    if view.organization is None:
        return not_applicable(check_id, ctx, setup.key, NOT_IN_ORGANIZATION)
    if setup.is_admin:
        return None
    resource = resource_id(ctx, setup.key)
    if view.in_management:
        if isinstance(setup.admins, ReadError):
            reason = (
                f"could not tell which account administers {setup.label}: {setup.admins.reason}"
            )
            return make_result(
                check_id, ctx, resource, Status.ERROR, reason, sources=(setup.list_source,)
            )
        admins = setup.enabled_admins()
        reason = (
            f"judged in {setup.label}'s delegated administrator account {', '.join(admins)}"
            if admins
            else f"no {setup.label} delegated administrator in {ctx.region}, so nothing can "
            "enable new accounts (see the delegated administrator check)"
        )
        return not_applicable(check_id, ctx, setup.key, reason)
    if isinstance(view.delegated_services, ReadError):
        reason = (
            f"could not tell whether this account administers {setup.label}: "
            f"{view.delegated_services.reason}"
        )
        return make_result(
            check_id, ctx, resource, Status.ERROR, reason, sources=(LIST_DELEGATED_SERVICES,)
        )
    reason = (
        f"not {setup.label}'s delegated administrator: judged in the administrator account "
        f"that the management account {view.management_account_id} designates"
    )
    return not_applicable(check_id, ctx, setup.key, reason)
