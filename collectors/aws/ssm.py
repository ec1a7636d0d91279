"""Systems Manager: which running EC2 instances are managed, and their patch compliance.

Reads the region's running instances (EC2), the managed instances (DescribeInstanceInformation)
and the Patch compliance summaries (ListResourceComplianceSummaries): three paginated calls.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from collectors.readers import api_call, jsonable, make_result, paginate
from collectors.registry import check, service
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

SERVICE = "ssm"
INSTANCE = "AWS::EC2::Instance"
RUNNING = [{"Name": "instance-state-name", "Values": ["running"]}]
PATCH = [{"Key": "ComplianceType", "Values": ["Patch"], "Type": "EQUAL"}]
INSTANCES_CALL = api_call("ec2", "DescribeInstances", Filters=RUNNING)
MANAGED_CALL = api_call(SERVICE, "DescribeInstanceInformation")
PATCH_CALL = api_call(SERVICE, "ListResourceComplianceSummaries", Filters=PATCH)


@dataclass(frozen=True)
class SsmSnapshot:
    region: str
    partition: str
    running_instances: tuple[dict[str, Any], ...]  # InstanceId, Placement, Tags, ...
    managed: Mapping[str, dict[str, Any]]  # instance id -> DescribeInstanceInformation item
    patch_summaries: Mapping[str, dict[str, Any]]  # resource id -> compliance summary item


@service(SERVICE, Scope.REGIONAL)
def fetch(session: Any, region: str) -> SsmSnapshot:
    ec2 = session.client("ec2", region_name=region)
    ssm = session.client("ssm", region_name=region)
    reservations = paginate(ec2, "describe_instances", "Reservations", Filters=RUNNING)
    managed = paginate(ssm, "describe_instance_information", "InstanceInformationList")
    summaries = paginate(
        ssm, "list_resource_compliance_summaries", "ResourceComplianceSummaryItems", Filters=PATCH
    )
    return SsmSnapshot(
        region=region,
        partition=ssm.meta.partition,
        running_instances=tuple(
            jsonable(instance)
            for reservation in reservations
            for instance in reservation["Instances"]
        ),
        managed={item["InstanceId"]: jsonable(item) for item in managed},
        patch_summaries={item["ResourceId"]: jsonable(item) for item in summaries},
    )


def _instance_arn(snapshot: SsmSnapshot, ctx: CheckContext, instance_id: str) -> str:
    prefix = f"arn:{snapshot.partition}"
    if instance_id.startswith("mi-"):  # hybrid (on-premises) managed instance
        return f"{prefix}:ssm:{snapshot.region}:{ctx.account_id}:managed-instance/{instance_id}"
    return f"{prefix}:ec2:{snapshot.region}:{ctx.account_id}:instance/{instance_id}"


@check(
    "ssm_instances_managed",
    title="Running EC2 instances are managed by Systems Manager",
    service=SERVICE,
    resource_type=INSTANCE,
    severity=Severity.MEDIUM,
)
def instances_managed(snapshot: SsmSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for instance in snapshot.running_instances:
        instance_id = instance["InstanceId"]
        information = snapshot.managed.get(instance_id)
        ping = (information or {}).get("PingStatus")
        if information is None:
            status, reason = Status.FAIL, "not registered with Systems Manager"
        elif ping == "Online":
            status, reason = Status.PASS, "managed by Systems Manager, agent online"
        else:
            status, reason = Status.FAIL, f"registered with Systems Manager but agent is {ping}"
        yield make_result(
            "ssm_instances_managed",
            ctx,
            _instance_arn(snapshot, ctx, instance_id),
            status,
            reason,
            evidence={
                "instance_id": instance_id,
                "tags": instance.get("Tags", []),
                "instance_information": information,
            },
            sources=(INSTANCES_CALL, MANAGED_CALL),
            region=snapshot.region,
        )


@check(
    "ssm_patch_compliance",
    title="Managed instances report patch compliance COMPLIANT",
    service=SERVICE,
    resource_type=INSTANCE,
    severity=Severity.HIGH,
)
def patch_compliance(snapshot: SsmSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for instance_id in snapshot.managed:
        summary = snapshot.patch_summaries.get(instance_id)
        compliance = (summary or {}).get("Status")
        if summary is None:
            status, reason = Status.FAIL, "no patch compliance reported (never scanned)"
        elif compliance == "COMPLIANT":
            status, reason = Status.PASS, "patch compliance COMPLIANT"
        else:
            missing = (summary.get("NonCompliantSummary") or {}).get("NonCompliantCount", 0)
            status = Status.FAIL
            reason = f"patch compliance {compliance}: {missing} non-compliant patch(es)"
        yield make_result(
            "ssm_patch_compliance",
            ctx,
            _instance_arn(snapshot, ctx, instance_id),
            status,
            reason,
            evidence={"instance_id": instance_id, "patch_compliance": summary},
            sources=(MANAGED_CALL, PATCH_CALL),
            region=snapshot.region,
        )
