"""VPC, security group and network ACL checks: flow logs, internet ingress to sensitive ports."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from collectors.aws.ec2 import (
    SERVICE,
    Ec2Snapshot,
    ec2_result,
    resource_arn,
)
from collectors.registry import check
from collectors.types import CheckContext, CheckResult, Severity, Status

OPEN_IPV4 = "0.0.0.0/0"
OPEN_IPV6 = "::/0"
PORTED_PROTOCOLS = frozenset({"tcp", "udp", "6", "17"})
TCP_PROTOCOLS = frozenset({"tcp", "6"})
ADMIN_PORTS = {"admin_ports": [22, 3389]}
CIFS_PORTS = [445]  # SMB over TCP


@dataclass(frozen=True)
class OpenSource:
    """Where a security group rule names an internet-wide source: the list key, the CIDR key."""

    ranges_key: str
    cidr_key: str
    cidr: str


OPEN_IPV4_SOURCE = OpenSource("IpRanges", "CidrIp", OPEN_IPV4)
OPEN_IPV6_SOURCE = OpenSource("Ipv6Ranges", "CidrIpv6", OPEN_IPV6)


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
        yield ec2_result(
            "vpc_flow_logs_enabled",
            ctx,
            snapshot,
            resource_arn(snapshot, ctx, f"vpc/{vpc['VpcId']}"),
            "AWS::EC2::VPC",
            status,
            reason,
            {"vpc": vpc, "flow_logs": logs},
            (snapshot.vpcs.call, snapshot.flow_logs.call),
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
        yield ec2_result(
            check_id,
            ctx,
            snapshot,
            resource_arn(snapshot, ctx, f"security-group/{group['GroupId']}"),
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
        yield ec2_result(
            "ec2_default_sg_restricts_all",
            ctx,
            snapshot,
            resource_arn(snapshot, ctx, f"security-group/{group['GroupId']}"),
            "AWS::EC2::SecurityGroup",
            Status.FAIL if inbound or outbound else Status.PASS,
            f"default group of {group.get('VpcId')} has {inbound} inbound and {outbound} "
            "outbound rule(s)",
            {"security_group": group},
            (snapshot.security_groups.call,),
        )


def _nacl_open_admin_ports(acl: Mapping[str, Any], ports: list[int]) -> list[str]:
    """Admin ports whose first matching internet-wide ingress entry (by rule number) allows.

    An entry only ever matches traffic of its own address family, so IPv4 and IPv6 entries are
    two separate first-match lists: an IPv6 deny never hides an IPv4 allow, and vice versa.
    """
    findings = []
    for field, open_cidr in (("CidrBlock", OPEN_IPV4), ("Ipv6CidrBlock", OPEN_IPV6)):
        entries = sorted(
            (
                entry
                for entry in acl.get("Entries", [])
                if not entry.get("Egress") and entry.get(field) == open_cidr
            ),
            key=lambda entry: entry["RuleNumber"],
        )
        findings.extend(_first_match_allows(entries, ports, open_cidr))
    return findings


def _first_match_allows(entries: list[Mapping[str, Any]], ports: list[int], cidr: str) -> list[str]:
    findings = []
    for port in ports:
        for entry in entries:
            port_range = entry.get("PortRange", {})
            protocol = str(entry.get("Protocol"))
            if _covered_ports(protocol, port_range.get("From"), port_range.get("To"), [port]):
                if entry.get("RuleAction") == "allow":
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
        yield ec2_result(
            "ec2_nacl_no_admin_ingress",
            ctx,
            snapshot,
            resource_arn(snapshot, ctx, f"network-acl/{acl['NetworkAclId']}"),
            "AWS::EC2::NetworkAcl",
            Status.FAIL if findings else Status.PASS,
            "; ".join(findings) or f"internet ingress to ports {ports} is not allowed",
            {"network_acl": acl, "admin_ports": ports},
            (snapshot.network_acls.call,),
        )
