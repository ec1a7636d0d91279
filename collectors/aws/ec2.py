"""EC2, EBS and VPC: one read of the region, shared by every ec2_* and vpc_* check.

The region-wide describe calls are paginated once each; the only per-resource call is the
createVolumePermission attribute of each owned EBS snapshot (a failure there is that
snapshot's ERROR). moto ignores DescribeSnapshots' RestorableByUserIds filter, which would
otherwise find public snapshots in one call.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from botocore import xform_name

from collectors.readers import ReadError, api_call, guarded, jsonable, paginate
from collectors.registry import check, service
from collectors.types import ApiCall, CheckContext, CheckResult, Scope, Severity, Status

SERVICE = "ec2"
OPEN_IPV4 = "0.0.0.0/0"
OPEN_IPV6 = "::/0"
PORTED_PROTOCOLS = frozenset({"tcp", "udp", "6", "17"})
TCP_PROTOCOLS = frozenset({"tcp", "6"})
ADMIN_PORTS = {"admin_ports": [22, 3389]}
CIFS_PORTS = [445]  # SMB over TCP
LIVE_STATES = ["pending", "running", "stopping", "stopped"]


@dataclass(frozen=True)
class OpenSource:
    """Where a security group rule names an internet-wide source: the list key, the CIDR key."""

    ranges_key: str
    cidr_key: str
    cidr: str


OPEN_IPV4_SOURCE = OpenSource("IpRanges", "CidrIp", OPEN_IPV4)
OPEN_IPV6_SOURCE = OpenSource("Ipv6Ranges", "CidrIpv6", OPEN_IPV6)


@dataclass(frozen=True)
class Listing:
    """Every item of one paginated describe call, and the call itself for provenance."""

    items: tuple[dict[str, Any], ...]
    call: ApiCall


@dataclass(frozen=True)
class EbsSnapshot:
    snapshot: dict[str, Any]
    permissions: list[dict[str, Any]] | ReadError  # createVolumePermission attribute


@dataclass(frozen=True)
class Ec2Snapshot:
    region: str
    partition: str
    instances: Listing
    volumes: Listing
    snapshots: Listing
    snapshot_permissions: tuple[EbsSnapshot, ...]
    security_groups: Listing
    network_acls: Listing
    vpcs: Listing
    flow_logs: Listing
    ebs_default_encryption: dict[str, Any]
    ebs_default_encryption_call: ApiCall


def _list(client: Any, operation: str, key: str, **params: Any) -> Listing:
    items = jsonable(paginate(client, xform_name(operation), key, **params))
    return Listing(items=tuple(items), call=api_call(SERVICE, operation, **params))


def _permission_call(snapshot_id: str) -> ApiCall:
    return api_call(
        SERVICE,
        "DescribeSnapshotAttribute",
        SnapshotId=snapshot_id,
        Attribute="createVolumePermission",
    )


def _read_permissions(client: Any, snapshot: dict[str, Any]) -> EbsSnapshot:
    snapshot_id = snapshot["SnapshotId"]
    permissions = guarded(
        _permission_call(snapshot_id),
        lambda: jsonable(
            client.describe_snapshot_attribute(
                SnapshotId=snapshot_id, Attribute="createVolumePermission"
            ).get("CreateVolumePermissions", [])
        ),
    )
    return EbsSnapshot(snapshot=snapshot, permissions=permissions)


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
    return Ec2Snapshot(
        region=region,
        partition=client.meta.partition,
        instances=Listing(items=instances, call=reservations.call),
        volumes=_list(client, "DescribeVolumes", "Volumes"),
        snapshots=snapshots,
        snapshot_permissions=tuple(_read_permissions(client, item) for item in snapshots.items),
        security_groups=_list(client, "DescribeSecurityGroups", "SecurityGroups"),
        network_acls=_list(client, "DescribeNetworkAcls", "NetworkAcls"),
        vpcs=_list(client, "DescribeVpcs", "Vpcs"),
        flow_logs=_list(client, "DescribeFlowLogs", "FlowLogs"),
        ebs_default_encryption=jsonable(client.get_ebs_encryption_by_default()),
        ebs_default_encryption_call=api_call(SERVICE, "GetEbsEncryptionByDefault"),
    )


# --- helpers --------------------------------------------------------------------------------


def _arn(snapshot: Ec2Snapshot, ctx: CheckContext, resource: str, *, account: bool = True) -> str:
    owner = ctx.account_id if account else ""
    return f"arn:{snapshot.partition}:ec2:{snapshot.region}:{owner}:{resource}"


def _region_id(snapshot: Ec2Snapshot, ctx: CheckContext) -> str:
    """Id of a region-wide setting, which has no ARN of its own."""
    return f"{ctx.account_id}:{snapshot.region}"


def _result(
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


def _covered_ports(
    protocol: str,
    from_port: int | None,
    to_port: int | None,
    ports: Iterable[int],
    protocols: frozenset[str] = PORTED_PROTOCOLS,
) -> list[int]:
    """Ports a rule or entry admits: all for protocol -1, those in range for ``protocols``."""
    if protocol == "-1":
        return list(ports)
    if protocol.lower() not in protocols:
        return []
    if from_port is None or to_port is None or from_port == -1:
        return list(ports)  # tcp/udp without a range means every port
    return [port for port in ports if from_port <= port <= to_port]


def _describe_rule(rule: Mapping[str, Any], cidr: str) -> str:
    protocol = "all traffic" if rule.get("IpProtocol") == "-1" else rule.get("IpProtocol")
    ports = (
        f" {rule.get('FromPort')}-{rule.get('ToPort')}" if rule.get("IpProtocol") != "-1" else ""
    )
    return f"ingress {protocol}{ports} from {cidr}"


# --- checks ---------------------------------------------------------------------------------


@check(
    "vpc_flow_logs_enabled",
    title="VPC flow logging is enabled in every VPC",
    service=SERVICE,
    resource_type="AWS::EC2::VPC",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:4.7",),
)
def vpc_flow_logs_enabled(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for vpc in snapshot.vpcs.items:
        logs = [log for log in snapshot.flow_logs.items if log.get("ResourceId") == vpc["VpcId"]]
        active = [log for log in logs if log.get("FlowLogStatus") == "ACTIVE"]
        if active:
            status = Status.PASS
            reason = "active flow log " + ", ".join(log["FlowLogId"] for log in active)
        else:
            status, reason = Status.FAIL, "no active flow log for the VPC"
        yield _result(
            "vpc_flow_logs_enabled",
            ctx,
            snapshot,
            _arn(snapshot, ctx, f"vpc/{vpc['VpcId']}"),
            "AWS::EC2::VPC",
            status,
            reason,
            {"vpc": vpc, "flow_logs": logs},
            (snapshot.vpcs.call, snapshot.flow_logs.call),
        )


@check(
    "ec2_ebs_default_encryption",
    title="EBS encryption by default is on",
    service=SERVICE,
    resource_type="AWS::EC2::Region",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:6.1.1",),
)
def ebs_default_encryption(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    enabled = bool(snapshot.ebs_default_encryption.get("EbsEncryptionByDefault"))
    yield _result(
        "ec2_ebs_default_encryption",
        ctx,
        snapshot,
        _region_id(snapshot, ctx),
        "AWS::EC2::Region",
        Status.PASS if enabled else Status.FAIL,
        f"EBS encryption by default is {'on' if enabled else 'off'} in {snapshot.region}",
        snapshot.ebs_default_encryption,
        (snapshot.ebs_default_encryption_call,),
    )


@check(
    "ec2_ebs_volume_encrypted",
    title="EBS volumes are encrypted",
    service=SERVICE,
    resource_type="AWS::EC2::Volume",
    severity=Severity.MEDIUM,
)
def ebs_volume_encrypted(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for volume in snapshot.volumes.items:
        encrypted = bool(volume.get("Encrypted"))
        yield _result(
            "ec2_ebs_volume_encrypted",
            ctx,
            snapshot,
            _arn(snapshot, ctx, f"volume/{volume['VolumeId']}"),
            "AWS::EC2::Volume",
            Status.PASS if encrypted else Status.FAIL,
            f"volume encrypted with {volume.get('KmsKeyId')}" if encrypted else "unencrypted",
            {"volume": volume},
            (snapshot.volumes.call,),
        )


@check(
    "ec2_ebs_snapshot_not_public",
    title="EBS snapshots are not public",
    service=SERVICE,
    resource_type="AWS::EC2::Snapshot",
    severity=Severity.CRITICAL,
)
def ebs_snapshot_not_public(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for item in snapshot.snapshot_permissions:
        snapshot_id = item.snapshot["SnapshotId"]
        failed = item.permissions if isinstance(item.permissions, ReadError) else None
        permissions = [] if failed else item.permissions
        shared_with = [p["UserId"] for p in permissions if "UserId" in p]
        if failed:
            status = Status.ERROR
            reason = f"could not read {failed.source.operation}: {failed.reason}"
        elif any(p.get("Group") == "all" for p in permissions):
            status, reason = Status.FAIL, "any AWS account may create volumes from it (group all)"
        elif shared_with:
            status, reason = Status.PASS, f"not public; shared with {', '.join(shared_with)}"
        else:
            status, reason = Status.PASS, "not public and not shared"
        yield _result(
            "ec2_ebs_snapshot_not_public",
            ctx,
            snapshot,
            _arn(snapshot, ctx, f"snapshot/{snapshot_id}", account=False),
            "AWS::EC2::Snapshot",
            status,
            reason,
            {
                "snapshot": item.snapshot,
                "create_volume_permissions": None if failed else permissions,
            },
            (snapshot.snapshots.call, _permission_call(snapshot_id)),
        )


def _open_port_rules(
    group: Mapping[str, Any],
    sources: Iterable[OpenSource],
    ports: list[int],
    protocols: frozenset[str],
) -> list[str]:
    """Each ingress rule admitting one of ``ports`` from an internet-wide source, described."""
    findings = []
    for rule in group.get("IpPermissions", []):
        for source in sources:
            if not any(
                r.get(source.cidr_key) == source.cidr for r in rule.get(source.ranges_key, [])
            ):
                continue
            covered = _covered_ports(
                str(rule.get("IpProtocol")),
                rule.get("FromPort"),
                rule.get("ToPort"),
                ports,
                protocols,
            )
            if covered:
                admitted = ", ".join(map(str, covered))
                findings.append(f"{_describe_rule(rule, source.cidr)} admits port(s) {admitted}")
    return findings


def _sg_open_ingress(
    check_id: str,
    snapshot: Ec2Snapshot,
    ctx: CheckContext,
    *,
    sources: tuple[OpenSource, ...],
    ports: list[int],
    ports_key: str,
    protocols: frozenset[str] = PORTED_PROTOCOLS,
) -> Iterator[CheckResult]:
    """One result per security group: FAIL if a rule opens ``ports`` to any of ``sources``."""
    cidrs = " or ".join(source.cidr for source in sources)
    for group in snapshot.security_groups.items:
        findings = _open_port_rules(group, sources, ports, protocols)
        yield _result(
            check_id,
            ctx,
            snapshot,
            _arn(snapshot, ctx, f"security-group/{group['GroupId']}"),
            "AWS::EC2::SecurityGroup",
            Status.FAIL if findings else Status.PASS,
            "; ".join(findings) or f"no ingress from {cidrs} to ports {ports}",
            {"security_group": group, ports_key: ports},
            (snapshot.security_groups.call,),
        )


def _sg_admin_ingress(
    check_id: str, snapshot: Ec2Snapshot, ctx: CheckContext, source: OpenSource
) -> Iterator[CheckResult]:
    ports = [int(port) for port in ctx.parameters["admin_ports"]]
    return _sg_open_ingress(
        check_id, snapshot, ctx, sources=(source,), ports=ports, ports_key="admin_ports"
    )


@check(
    "ec2_sg_no_admin_ingress_ipv4",
    title="Security groups allow no ingress from 0.0.0.0/0 to admin ports",
    service=SERVICE,
    resource_type="AWS::EC2::SecurityGroup",
    severity=Severity.HIGH,
    parameters=ADMIN_PORTS,
    criteria=("cis-aws-7.0.0:6.3",),
)
def sg_no_admin_ingress_ipv4(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    return _sg_admin_ingress("ec2_sg_no_admin_ingress_ipv4", snapshot, ctx, OPEN_IPV4_SOURCE)


@check(
    "ec2_sg_no_admin_ingress_ipv6",
    title="Security groups allow no ingress from ::/0 to admin ports",
    service=SERVICE,
    resource_type="AWS::EC2::SecurityGroup",
    severity=Severity.HIGH,
    parameters=ADMIN_PORTS,
    criteria=("cis-aws-7.0.0:6.4",),
)
def sg_no_admin_ingress_ipv6(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    return _sg_admin_ingress("ec2_sg_no_admin_ingress_ipv6", snapshot, ctx, OPEN_IPV6_SOURCE)


@check(
    "ec2_sg_no_cifs_ingress",
    title="Security groups allow no CIFS/SMB (TCP 445) ingress from 0.0.0.0/0 or ::/0",
    service=SERVICE,
    resource_type="AWS::EC2::SecurityGroup",
    severity=Severity.HIGH,
    criteria=("cis-aws-7.0.0:6.1.2",),
)
def sg_no_cifs_ingress(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    return _sg_open_ingress(
        "ec2_sg_no_cifs_ingress",
        snapshot,
        ctx,
        sources=(OPEN_IPV4_SOURCE, OPEN_IPV6_SOURCE),
        ports=CIFS_PORTS,
        ports_key="cifs_ports",
        protocols=TCP_PROTOCOLS,  # CIFS is TCP only; a UDP rule on 445 does not expose it
    )


@check(
    "ec2_default_sg_restricts_all",
    title="Default security groups have no inbound or outbound rules",
    service=SERVICE,
    resource_type="AWS::EC2::SecurityGroup",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:6.5",),
)
def default_sg_restricts_all(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for group in snapshot.security_groups.items:
        if group.get("GroupName") != "default":
            continue
        inbound = len(group.get("IpPermissions", []))
        outbound = len(group.get("IpPermissionsEgress", []))
        yield _result(
            "ec2_default_sg_restricts_all",
            ctx,
            snapshot,
            _arn(snapshot, ctx, f"security-group/{group['GroupId']}"),
            "AWS::EC2::SecurityGroup",
            Status.FAIL if inbound or outbound else Status.PASS,
            f"default group of {group.get('VpcId')} has {inbound} inbound and {outbound} "
            "outbound rule(s)",
            {"security_group": group},
            (snapshot.security_groups.call,),
        )


def _nacl_open_admin_ports(acl: Mapping[str, Any], ports: list[int]) -> list[str]:
    """Admin ports whose first matching internet-wide ingress entry (by rule number) allows."""
    entries = sorted(
        (
            entry
            for entry in acl.get("Entries", [])
            if not entry.get("Egress")
            and (entry.get("CidrBlock") == OPEN_IPV4 or entry.get("Ipv6CidrBlock") == OPEN_IPV6)
        ),
        key=lambda entry: entry["RuleNumber"],
    )
    findings = []
    for port in ports:
        for entry in entries:
            port_range = entry.get("PortRange", {})
            protocol = str(entry.get("Protocol"))
            if _covered_ports(protocol, port_range.get("From"), port_range.get("To"), [port]):
                if entry.get("RuleAction") == "allow":
                    cidr = entry.get("CidrBlock") or entry.get("Ipv6CidrBlock")
                    findings.append(
                        f"rule {entry['RuleNumber']} allows protocol {protocol} from {cidr} "
                        f"to port {port}"
                    )
                break
    return findings


@check(
    "ec2_nacl_no_admin_ingress",
    title="Network ACLs allow no ingress from the internet to admin ports",
    service=SERVICE,
    resource_type="AWS::EC2::NetworkAcl",
    severity=Severity.MEDIUM,
    parameters=ADMIN_PORTS,
    criteria=("cis-aws-7.0.0:6.2",),
)
def nacl_no_admin_ingress(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    ports = [int(port) for port in ctx.parameters["admin_ports"]]
    for acl in snapshot.network_acls.items:
        findings = _nacl_open_admin_ports(acl, ports)
        yield _result(
            "ec2_nacl_no_admin_ingress",
            ctx,
            snapshot,
            _arn(snapshot, ctx, f"network-acl/{acl['NetworkAclId']}"),
            "AWS::EC2::NetworkAcl",
            Status.FAIL if findings else Status.PASS,
            "; ".join(findings) or f"internet ingress to ports {ports} is not allowed",
            {"network_acl": acl, "admin_ports": ports},
            (snapshot.network_acls.call,),
        )


@check(
    "ec2_instance_imdsv2",
    title="EC2 instances require IMDSv2",
    service=SERVICE,
    resource_type="AWS::EC2::Instance",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:6.7",),
)
def instance_imdsv2(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for instance in snapshot.instances.items:
        options = instance.get("MetadataOptions", {})
        if options.get("HttpEndpoint") == "disabled":
            status, reason = Status.PASS, "instance metadata endpoint disabled"
        elif options.get("HttpTokens") == "required":
            status, reason = Status.PASS, "IMDSv2 required (HttpTokens=required)"
        else:
            status = Status.FAIL
            reason = f"IMDSv1 allowed (HttpTokens={options.get('HttpTokens', 'unset')})"
        yield _result(
            "ec2_instance_imdsv2",
            ctx,
            snapshot,
            _arn(snapshot, ctx, f"instance/{instance['InstanceId']}"),
            "AWS::EC2::Instance",
            status,
            reason,
            {"instance_id": instance["InstanceId"], "metadata_options": options},
            (snapshot.instances.call,),
        )


@check(
    "ec2_instance_profile_attached",
    title="Running EC2 instances have an IAM instance profile",
    service=SERVICE,
    resource_type="AWS::EC2::Instance",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:2.16",),
)
def instance_profile_attached(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    # Only running instances call AWS; a stopped one is judged once it runs again.
    for instance in snapshot.instances.items:
        if instance.get("State", {}).get("Name") != "running":
            continue
        profile = instance.get("IamInstanceProfile")
        yield _result(
            "ec2_instance_profile_attached",
            ctx,
            snapshot,
            _arn(snapshot, ctx, f"instance/{instance['InstanceId']}"),
            "AWS::EC2::Instance",
            Status.PASS if profile else Status.FAIL,
            f"instance profile {profile.get('Arn')}" if profile else "no IAM instance profile",
            {"instance_id": instance["InstanceId"], "iam_instance_profile": profile},
            (snapshot.instances.call,),
        )


@check(
    "ec2_instances_multi_az",
    title="Running EC2 instances span several Availability Zones",
    service=SERVICE,
    resource_type="AWS::EC2::Region",
    severity=Severity.LOW,
    parameters={"min_availability_zones": 2},
)
def instances_multi_az(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    minimum = int(ctx.parameters["min_availability_zones"])
    zones: dict[str, list[str]] = {}
    for instance in snapshot.instances.items:
        if instance.get("State", {}).get("Name") == "running":
            zone = instance.get("Placement", {}).get("AvailabilityZone", "unknown")
            zones.setdefault(zone, []).append(instance["InstanceId"])
    if not zones:
        status, reason = Status.NOT_APPLICABLE, "no running instances in the region"
    else:
        status = Status.PASS if len(zones) >= minimum else Status.FAIL
        reason = f"running instances in {len(zones)} zone(s) ({', '.join(sorted(zones))}); "
        reason += f"at least {minimum} required"
    yield _result(
        "ec2_instances_multi_az",
        ctx,
        snapshot,
        _region_id(snapshot, ctx),
        "AWS::EC2::Region",
        status,
        reason,
        {"running_instances_by_zone": zones, "min_availability_zones": minimum},
        (snapshot.instances.call,),
    )
