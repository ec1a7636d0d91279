"""AWS Organizations: no workloads in the management account.

AWS's guidance for multi-account environments is to keep the management account for
organization administration only (SCPs never restrict it, so a workload there runs outside
every guardrail). Read per region: the EC2 instances that are not terminated. In any account
other than the management account the result is NOT_APPLICABLE with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from collectors.aws.organizations import DESCRIBE_ORGANIZATION, organization_describe
from collectors.readers import api_call, make_result, paginate
from collectors.registry import check, service
from collectors.session import caller_identity
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

SERVICE = "organizations_management"
LIVE_STATES = ["pending", "running", "shutting-down", "stopping", "stopped"]
DESCRIBE_INSTANCES = api_call(
    "ec2", "DescribeInstances", Filters=[{"Name": "instance-state-name", "Values": LIVE_STATES}]
)
LISTED = 20


@dataclass(frozen=True)
class ManagementSnapshot:
    """The organization, and the management account's instances in one region when we are it."""

    organization: dict[str, Any] | None
    is_management: bool = False
    instances: list[dict[str, Any]] = field(default_factory=list)


@service(SERVICE, Scope.REGIONAL)
def fetch(session: Any, region: str) -> ManagementSnapshot:
    organization = organization_describe(session, region)
    if organization is None:
        return ManagementSnapshot(organization=None)
    if caller_identity(session)["Account"] != organization.get("MasterAccountId"):
        return ManagementSnapshot(organization=organization)
    client = session.client("ec2", region_name=region)
    reservations = paginate(
        client,
        "describe_instances",
        "Reservations",
        Filters=[{"Name": "instance-state-name", "Values": LIVE_STATES}],
    )
    instances = [
        {
            "InstanceId": instance["InstanceId"],
            "State": instance.get("State", {}).get("Name"),
            "Tags": instance.get("Tags", []),
        }
        for reservation in reservations
        for instance in reservation.get("Instances", [])
    ]
    return ManagementSnapshot(organization=organization, is_management=True, instances=instances)


@check(
    "organizations_management_no_workloads",
    title="The organization's management account runs no workloads (EC2 instances)",
    service=SERVICE,
    resource_type="AWS::Organizations::Account",
    severity=Severity.MEDIUM,
    criteria=("soc2-2017:CC5.2", "soc2-2017:CC6.1"),
    remediation=(
        "Move the instances to a member account (create an AMI, launch it there) and terminate "
        "them in the management account; keep it for billing and organization administration."
    ),
)
def no_workloads(snapshot: ManagementSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    check_id = "organizations_management_no_workloads"
    resource = f"{ctx.account_id}:{ctx.region}:workloads"
    if snapshot.organization is None or not snapshot.is_management:
        reason = (
            "the account is not a member of an AWS Organization"
            if snapshot.organization is None
            else f"not the management account ({snapshot.organization.get('MasterAccountId')})"
        )
        yield make_result(
            check_id, ctx, resource, Status.NOT_APPLICABLE, reason, sources=(DESCRIBE_ORGANIZATION,)
        )
        return
    if snapshot.instances:
        ids = [instance["InstanceId"] for instance in snapshot.instances]
        more = f" and {len(ids) - LISTED} more" if len(ids) > LISTED else ""
        status = Status.FAIL
        reason = f"management account runs {len(ids)} EC2 instance(s): {', '.join(ids[:LISTED])}"
        reason += more
    else:
        status, reason = Status.PASS, "no EC2 instances in the management account in this region"
    yield make_result(
        check_id,
        ctx,
        resource,
        status,
        reason,
        evidence={"Instances": snapshot.instances},
        sources=(DESCRIBE_ORGANIZATION, DESCRIBE_INSTANCES),
    )
