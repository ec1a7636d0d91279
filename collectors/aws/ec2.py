"""EC2, EBS and VPC: one read of the region, shared by every ec2_* and vpc_* check.

The region-wide describe calls are paginated once each and there are no per-resource calls:
public EBS snapshots are listed in bulk (DescribeSnapshots restorable by "all"), not by one
DescribeSnapshotAttribute per snapshot. Snapshots are kept only when their OwnerId is the
account (some endpoints ignore OwnerIds=["self"]). This module holds the reader and the result
helpers; the checks live in ``ec2_network`` (VPCs, security groups, network ACLs), ``ec2_ebs``
and ``ec2_instances``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore import xform_name

from collectors.readers import ReadError, api_call, guarded, jsonable, paginate
from collectors.registry import service
from collectors.types import ApiCall, CheckContext, CheckResult, Scope, Status

SERVICE = "ec2"
LIVE_STATES = ["pending", "running", "stopping", "stopped"]


@dataclass(frozen=True)
class Listing:
    """Every item of one paginated describe call, and the call itself for provenance."""

    items: tuple[dict[str, Any], ...]
    call: ApiCall


@dataclass(frozen=True)
class Ec2Snapshot:
    region: str
    partition: str
    instances: Listing
    volumes: Listing
    snapshots: Listing  # OwnerIds=["self"]; owned_snapshots() keeps the account's own
    public_snapshots: Listing | ReadError  # the same, restorable by all AWS accounts
    security_groups: Listing
    network_acls: Listing
    vpcs: Listing
    flow_logs: Listing
    ebs_default_encryption: dict[str, Any]
    ebs_default_encryption_call: ApiCall
    # Network interfaces in the region's default VPCs; None when the region has no default VPC.
    default_vpc_interfaces: Listing | None = None


def _list(client: Any, operation: str, key: str, **params: Any) -> Listing:
    items = jsonable(paginate(client, xform_name(operation), key, **params))
    return Listing(items=tuple(items), call=api_call(SERVICE, operation, **params))


PUBLIC_SNAPSHOTS = {"OwnerIds": ["self"], "RestorableByUserIds": ["all"]}


def _public_snapshots(client: Any) -> Listing | ReadError:
    # A failure here is ERROR for the public-snapshot check only, not for the whole region.
    call = api_call(SERVICE, "DescribeSnapshots", **PUBLIC_SNAPSHOTS)
    return guarded(
        call, lambda: _list(client, "DescribeSnapshots", "Snapshots", **PUBLIC_SNAPSHOTS)
    )


@service(SERVICE, Scope.REGIONAL)
def fetch(session: Any, region: str) -> Ec2Snapshot:
    client = session.client("ec2", region_name=region)
    reservations = _list(
        client,
        "DescribeInstances",
        "Reservations",
        Filters=[{"Name": "instance-state-name", "Values": LIVE_STATES}],
    )
    instances = tuple(
        instance for reservation in reservations.items for instance in reservation["Instances"]
    )
    snapshots = _list(client, "DescribeSnapshots", "Snapshots", OwnerIds=["self"])
    vpcs = _list(client, "DescribeVpcs", "Vpcs")
    return Ec2Snapshot(
        region=region,
        partition=client.meta.partition,
        instances=Listing(items=instances, call=reservations.call),
        volumes=_list(client, "DescribeVolumes", "Volumes"),
        snapshots=snapshots,
        public_snapshots=_public_snapshots(client),
        security_groups=_list(client, "DescribeSecurityGroups", "SecurityGroups"),
        network_acls=_list(client, "DescribeNetworkAcls", "NetworkAcls"),
        vpcs=vpcs,
        flow_logs=_list(client, "DescribeFlowLogs", "FlowLogs"),
        ebs_default_encryption=jsonable(client.get_ebs_encryption_by_default()),
        ebs_default_encryption_call=api_call(SERVICE, "GetEbsEncryptionByDefault"),
        default_vpc_interfaces=_default_vpc_interfaces(client, vpcs),
    )


def _default_vpc_interfaces(client: Any, vpcs: Listing) -> Listing | None:
    """What runs in the default VPCs: one filtered call, and none when there is no default VPC."""
    default_ids = [vpc["VpcId"] for vpc in vpcs.items if vpc.get("IsDefault")]
    if not default_ids:
        return None
    filters = [{"Name": "vpc-id", "Values": default_ids}]
    return _list(client, "DescribeNetworkInterfaces", "NetworkInterfaces", Filters=filters)


# --- helpers --------------------------------------------------------------------------------


def owned_snapshots(snapshot: Ec2Snapshot, ctx: CheckContext) -> list[dict[str, Any]]:
    """The account's own snapshots (some endpoints return others' despite OwnerIds=["self"])."""
    return [item for item in snapshot.snapshots.items if item.get("OwnerId") == ctx.account_id]


def resource_arn(
    snapshot: Ec2Snapshot, ctx: CheckContext, resource: str, *, account: bool = True
) -> str:
    owner = ctx.account_id if account else ""
    return f"arn:{snapshot.partition}:ec2:{snapshot.region}:{owner}:{resource}"


def region_id(snapshot: Ec2Snapshot, ctx: CheckContext) -> str:
    """Id of a region-wide setting, which has no ARN of its own."""
    return f"{ctx.account_id}:{snapshot.region}"


def ec2_result(
    check_id: str,
    ctx: CheckContext,
    snapshot: Ec2Snapshot,
    resource_id: str,
    resource_type: str,
    status: Status,
    reason: str,
    evidence: Mapping[str, Any],
    sources: Iterable[ApiCall],
) -> CheckResult:
    return CheckResult(
        check_id=check_id,
        account_id=ctx.account_id,
        region=snapshot.region,
        resource_id=resource_id,
        resource_type=resource_type,
        status=status,
        reason=reason,
        evidence=evidence,
        sources=tuple(sources),
    )
