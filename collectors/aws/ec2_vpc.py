"""Internet exposure: default VPCs, instances with public IPs, security groups open to the world.

All from the EC2 snapshot; the only read added for these checks is one DescribeNetworkInterfaces
filtered to the region's default VPCs (skipped when there is none), which shows anything that
runs there: instances, load balancers, databases, Lambda functions, NAT gateways.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from collectors.aws.ec2 import SERVICE, Ec2Snapshot, ec2_result, region_id, resource_arn
from collectors.registry import check
from collectors.types import CheckContext, CheckResult, Severity, Status

OPEN_SOURCES = (("IpRanges", "CidrIp", "0.0.0.0/0"), ("Ipv6Ranges", "CidrIpv6", "::/0"))
PORTED = frozenset({"tcp", "udp", "6", "17"})
NO_PORTS = frozenset({"icmp", "icmpv6", "1", "58"})  # ICMP has types, not ports
ALLOWED_PORTS = {"allowed_public_ports": [80, 443]}


@check(
    "ec2_default_vpc_absent",
    title="Default VPCs have been deleted",
    service=SERVICE,
    resource_type="AWS::EC2::VPC",
    severity=Severity.LOW,
    criteria=("soc2-2017:CC6.6",),
    remediation=(
        "Move anything still running in the default VPC into a purpose-built VPC, then delete "
        "the default VPC (its subnets give every instance a public IP by default)."
    ),
)
def default_vpc_absent(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    defaults = [vpc for vpc in snapshot.vpcs.items if vpc.get("IsDefault")]
    if not defaults:
        yield ec2_result(
            "ec2_default_vpc_absent",
            ctx,
            snapshot,
            region_id(snapshot, ctx),
            "AWS::EC2::Region",
            Status.PASS,
            f"no default VPC in {snapshot.region}",
            {},
            (snapshot.vpcs.call,),
        )
    interfaces = snapshot.default_vpc_interfaces
    for vpc in defaults:
        vpc_id = vpc["VpcId"]
        users = [i for i in (interfaces.items if interfaces else ()) if i.get("VpcId") == vpc_id]
        kinds = sorted({str(i.get("InterfaceType") or "interface") for i in users})
        in_use = f"in use by {len(users)} network interface(s) ({', '.join(kinds)})"
        yield ec2_result(
            "ec2_default_vpc_absent",
            ctx,
            snapshot,
            resource_arn(snapshot, ctx, f"vpc/{vpc_id}"),
            "AWS::EC2::VPC",
            Status.FAIL,
            f"default VPC {vpc_id} exists, {in_use if users else 'with nothing running in it'}",
            {
                "vpc": vpc,
                "network_interfaces": [
                    {k: i.get(k) for k in ("NetworkInterfaceId", "InterfaceType", "Description")}
                    for i in users
                ],
            },
            (snapshot.vpcs.call, *((interfaces.call,) if interfaces else ())),
        )


@check(
    "ec2_instance_no_public_ip",
    title="EC2 instances have no public IPv4 address",
    service=SERVICE,
    resource_type="AWS::EC2::Instance",
    severity=Severity.MEDIUM,
    criteria=("soc2-2017:CC6.6",),
    remediation=(
        "Run the instance in a private subnet behind a load balancer or NAT gateway; turn off "
        "auto-assign public IPv4 on its subnet and release any Elastic IP it does not need."
    ),
)
def instance_no_public_ip(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for instance in snapshot.instances.items:
        public_ip = instance.get("PublicIpAddress")
        yield ec2_result(
            "ec2_instance_no_public_ip",
            ctx,
            snapshot,
            resource_arn(snapshot, ctx, f"instance/{instance['InstanceId']}"),
            "AWS::EC2::Instance",
            Status.FAIL if public_ip else Status.PASS,
            f"public IPv4 address {public_ip}" if public_ip else "no public IPv4 address",
            {
                key: instance.get(key)
                for key in ("InstanceId", "PublicIpAddress", "PublicDnsName", "SubnetId", "VpcId")
            },
            (snapshot.instances.call,),
        )


def _open_exposure(rule: Mapping[str, Any], allowed: set[int]) -> str | None:
    """What an internet-open rule exposes beyond the allowed ports, or None."""
    protocol = str(rule.get("IpProtocol", "")).lower()
    if protocol == "-1":
        return "all traffic"
    if protocol in NO_PORTS:
        return None
    if protocol not in PORTED:
        return f"protocol {protocol}"
    low, high = rule.get("FromPort"), rule.get("ToPort")
    if low is None or high is None or low == -1:
        return f"{protocol} all ports"
    extra = (high - low + 1) - len([port for port in allowed if low <= port <= high])
    if extra <= 0:
        return None
    return f"{protocol} {low}" if low == high else f"{protocol} {low}-{high}"


def _exposures(group: Mapping[str, Any], allowed: set[int]) -> list[str]:
    found = []
    for rule in group.get("IpPermissions", []):
        for ranges_key, cidr_key, cidr in OPEN_SOURCES:
            if any(r.get(cidr_key) == cidr for r in rule.get(ranges_key, [])):
                exposure = _open_exposure(rule, allowed)
                if exposure:
                    found.append(f"{exposure} from {cidr}")
    return found


@check(
    "ec2_sg_no_public_ingress",
    title="Security groups admit the internet only on allowed ports",
    service=SERVICE,
    resource_type="AWS::EC2::SecurityGroup",
    severity=Severity.HIGH,
    parameters=ALLOWED_PORTS,
    criteria=("soc2-2017:CC6.6",),
    remediation=(
        "Replace 0.0.0.0/0 and ::/0 sources on ports outside allowed_public_ports with the "
        "load balancer's security group, a VPN range or a managed prefix list."
    ),
)
def sg_no_public_ingress(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    allowed = {int(port) for port in ctx.parameters["allowed_public_ports"]}
    for group in snapshot.security_groups.items:
        exposures = _exposures(group, allowed)
        yield ec2_result(
            "ec2_sg_no_public_ingress",
            ctx,
            snapshot,
            resource_arn(snapshot, ctx, f"security-group/{group['GroupId']}"),
            "AWS::EC2::SecurityGroup",
            Status.FAIL if exposures else Status.PASS,
            f"open to the internet: {'; '.join(exposures)}"
            if exposures
            else f"internet ingress only on allowed ports {sorted(allowed)}",
            {"security_group": group, "allowed_public_ports": sorted(allowed)},
            (snapshot.security_groups.call,),
        )
