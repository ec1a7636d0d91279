"""AWS Organizations: an AWS Config aggregator gathers every account's configuration.

An organization aggregator (OrganizationAggregationSource) lives in one region of the
management account or of AWS Config's delegated administrator (registered for
config.amazonaws.com or config-multiaccountsetup.amazonaws.com); AllAwsRegions, or AwsRegions
listing every enabled region, makes it cover the whole organization. It is judged once per
account (a global unit):

- in the management account: PASS with a covering aggregator there; otherwise, when AWS Config
  has a delegated administrator, NOT_APPLICABLE naming it (AWS lets only the owner list an
  aggregator, so the administrator's own collection judges it); with none, FAIL.
- in AWS Config's delegated administrator: PASS with a covering aggregator, else FAIL.
- in any other member account: NOT_APPLICABLE naming the management account.

Calls: DescribeOrganization and GetCallerIdentity, then ListDelegatedAdministrators for both
principals (management) or ListDelegatedServicesForAccount (members); where judged,
DescribeConfigurationAggregators in the home region, and only if no aggregator there covers
every region, DescribeRegions and the same call in each other enabled region.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from collectors.aws.organizations import DESCRIBE_ORGANIZATION, organization_describe
from collectors.aws.organizations_admins import (
    LIST_DELEGATED_SERVICES,
    NOT_IN_ORGANIZATION,
    OrgView,
    delegated_services,
    not_applicable,
)
from collectors.readers import (
    AWS_FAULTS,
    ReadError,
    api_call,
    error_reason,
    guarded,
    make_result,
    paginate,
)
from collectors.registry import check, service
from collectors.session import as_client_factory, caller_identity, enabled_regions
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

SERVICE = "organizations_config"
CONFIG_PRINCIPALS = ("config.amazonaws.com", "config-multiaccountsetup.amazonaws.com")
LIST_DELEGATED_ADMINS = api_call("organizations", "ListDelegatedAdministrators")
DESCRIBE_AGGREGATORS = api_call("config", "DescribeConfigurationAggregators")
CHECK_ID = "organizations_config_aggregator"


@dataclass(frozen=True)
class Aggregators:
    """Organization aggregators found, where they were looked for, and what could not be read."""

    found: list[dict[str, Any]]  # each with "Region": where the aggregator lives
    enabled_regions: list[str] | None  # None: not needed (one covers every region)
    errors: dict[str, str] = field(default_factory=dict)  # region -> reason


@dataclass(frozen=True)
class ConfigSnapshot(OrgView):
    config_admins: list[str] | ReadError = field(default_factory=list)  # management only
    aggregators: Aggregators | None = None  # where judged


def _config_admins(session: Any, region: str) -> list[str]:
    client = session.client("organizations", region_name=region)
    found: list[str] = []
    for principal in CONFIG_PRINCIPALS:
        admins = paginate(
            client,
            "list_delegated_administrators",
            "DelegatedAdministrators",
            ServicePrincipal=principal,
        )
        found.extend(admin["Id"] for admin in admins if admin["Id"] not in found)
    return found


def covers_all(aggregator: dict[str, Any], regions: list[str] | None) -> bool:
    source = aggregator.get("OrganizationAggregationSource") or {}
    if source.get("AllAwsRegions"):
        return True
    return regions is not None and set(regions) <= set(source.get("AwsRegions") or [])


def _org_aggregators(client: Any, region: str) -> list[dict[str, Any]]:
    listed = paginate(client, "describe_configuration_aggregators", "ConfigurationAggregators")
    return [
        {**aggregator, "Region": region}
        for aggregator in listed
        if aggregator.get("OrganizationAggregationSource")
    ]


def aggregators_read(session: Any, home: str) -> Aggregators:
    factory = as_client_factory(session)
    found = _org_aggregators(factory.client("config", region_name=home), home)
    if any(covers_all(aggregator, None) for aggregator in found):
        return Aggregators(found, None)
    regions = enabled_regions(factory)
    errors: dict[str, str] = {}
    for region in regions:
        if region == home:
            continue
        try:
            found += _org_aggregators(factory.client("config", region_name=region), region)
        except AWS_FAULTS as exc:
            errors[region] = error_reason(exc)
    return Aggregators(found, regions, errors)


@service(SERVICE, Scope.GLOBAL)
def fetch(session: Any, region: str) -> ConfigSnapshot:
    organization = organization_describe(session, region)
    if organization is None:
        return ConfigSnapshot(organization=None)
    caller = caller_identity(session)["Account"]
    if caller == organization.get("MasterAccountId"):
        admins = guarded(LIST_DELEGATED_ADMINS, lambda: _config_admins(session, region))
        aggregators = aggregators_read(session, region)
        return ConfigSnapshot(organization, caller, config_admins=admins, aggregators=aggregators)
    delegated = delegated_services(session, region, caller)
    if isinstance(delegated, list) and set(CONFIG_PRINCIPALS) & set(delegated):
        return ConfigSnapshot(
            organization, caller, delegated, aggregators=aggregators_read(session, region)
        )
    return ConfigSnapshot(organization, caller, delegated)


def _undecided(snapshot: ConfigSnapshot, ctx: CheckContext) -> CheckResult:
    """NOT_APPLICABLE or ERROR where this account does not judge the aggregator."""
    if snapshot.organization is None:
        return not_applicable(CHECK_ID, ctx, "config", NOT_IN_ORGANIZATION)
    if isinstance(snapshot.delegated_services, ReadError):
        reason = (
            "could not tell whether this account administers AWS Config: "
            f"{snapshot.delegated_services.reason}"
        )
        return make_result(
            CHECK_ID,
            ctx,
            f"{ctx.account_id}:config-aggregator",
            Status.ERROR,
            reason,
            sources=(LIST_DELEGATED_SERVICES,),
        )
    reason = (
        f"judged in the management account {snapshot.management_account_id} or AWS Config's "
        "delegated administrator"
    )
    return not_applicable(CHECK_ID, ctx, "config", reason)


@check(
    CHECK_ID,
    title="An AWS Config organization aggregator covers every region of every account",
    service=SERVICE,
    resource_type="AWS::Config::ConfigurationAggregator",
    severity=Severity.MEDIUM,
    criteria=("soc2-2017:CC7.1", "soc2-2017:CC7.2"),
    remediation=(
        "In the management account or AWS Config's delegated administrator: configservice "
        "put-configuration-aggregator --configuration-aggregator-name <name> "
        "--organization-aggregation-source RoleArn=<role-arn>,AllAwsRegions=true."
    ),
)
def config_aggregator(snapshot: ConfigSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    aggregators = snapshot.aggregators
    if snapshot.organization is None or aggregators is None:
        yield _undecided(snapshot, ctx)
        return
    status, reason = _verdict(snapshot, aggregators)
    covering = [a for a in aggregators.found if covers_all(a, aggregators.enabled_regions)]
    resource = (
        covering[0]["ConfigurationAggregatorArn"]
        if covering and covering[0].get("ConfigurationAggregatorArn")
        else f"{ctx.account_id}:config-aggregator"
    )
    sources = (DESCRIBE_ORGANIZATION, DESCRIBE_AGGREGATORS)
    if snapshot.in_management:
        sources += (LIST_DELEGATED_ADMINS,)
    yield make_result(
        CHECK_ID,
        ctx,
        resource,
        status,
        reason,
        evidence={
            "OrganizationAggregators": aggregators.found,
            "EnabledRegions": aggregators.enabled_regions,
            "Errors": aggregators.errors,
            "ConfigDelegatedAdministrators": snapshot.config_admins
            if isinstance(snapshot.config_admins, list)
            else snapshot.config_admins.reason,
        },
        sources=sources,
    )


def _verdict(snapshot: ConfigSnapshot, aggregators: Aggregators) -> tuple[Status, str]:
    regions = aggregators.enabled_regions
    covering = [a for a in aggregators.found if covers_all(a, regions)]
    if covering:
        first = covering[0]
        return Status.PASS, (
            f"organization aggregator {first['ConfigurationAggregatorName']} in "
            f"{first['Region']} covers every region"
        )
    if aggregators.errors:
        unread = "; ".join(f"{r}: {e}" for r, e in aggregators.errors.items())
        return Status.ERROR, f"no covering organization aggregator found; unreadable: {unread}"
    if aggregators.found:
        first = aggregators.found[0]
        listed = set(first["OrganizationAggregationSource"].get("AwsRegions") or [])
        missing = sorted(set(regions or []) - listed)
        return Status.FAIL, (
            f"organization aggregator {first['ConfigurationAggregatorName']} misses "
            f"{', '.join(missing)} (not AllAwsRegions)"
        )
    if not snapshot.in_management:
        return Status.FAIL, "no organization aggregator in AWS Config's delegated administrator"
    if isinstance(snapshot.config_admins, ReadError):
        return Status.ERROR, (
            "no organization aggregator in the management account, and AWS Config's delegated "
            f"administrators could not be listed: {snapshot.config_admins.reason}"
        )
    if snapshot.config_admins:
        return Status.NOT_APPLICABLE, (
            "no organization aggregator in the management account: judged in AWS Config's "
            f"delegated administrator {', '.join(snapshot.config_admins)}"
        )
    return Status.FAIL, (
        "no organization aggregator in the management account and no delegated administrator "
        "for AWS Config"
    )
