"""EC2, EBS and VPC checks against moto resources created through boto3."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from collectors.types import Status

from .conftest import ACCOUNT_ID, REGION

AMI = "ami-12c6146b"  # moto runs any image id
HOSTILE = "<script>alert(1)</script> & \"quotes\" 'too'"


def arn(resource: str) -> str:
    return f"arn:aws:ec2:{REGION}:{ACCOUNT_ID}:{resource}"


@pytest.fixture
def ec2(aws_session: boto3.Session) -> Any:
    return aws_session.client("ec2")


@pytest.fixture
def vpc_id(ec2: Any) -> str:
    return ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]


def security_group(ec2: Any, vpc_id: str, name: str, rules: list[dict[str, Any]]) -> str:
    group_id = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"]
    if rules:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=rules)
    return group_id


def tcp(from_port: int, to_port: int, *, v4: str | None = None, v6: str | None = None) -> dict:
    rule: dict[str, Any] = {"IpProtocol": "tcp", "FromPort": from_port, "ToPort": to_port}
    if v4:
        rule["IpRanges"] = [{"CidrIp": v4}]
    if v6:
        rule["Ipv6Ranges"] = [{"CidrIpv6": v6}]
    return rule


def test_vpc_flow_logs(collect: Any, ec2: Any, vpc_id: str) -> None:
    flow_log_id = ec2.create_flow_logs(
        ResourceIds=[vpc_id],
        ResourceType="VPC",
        TrafficType="ALL",
        LogGroupName="vpc-flow",
        DeliverLogsPermissionArn=f"arn:aws:iam::{ACCOUNT_ID}:role/flow-logs",
    )["FlowLogIds"][0]
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])
    default_vpc_id = default_vpc["Vpcs"][0]["VpcId"]

    results = collect("ec2")["vpc_flow_logs_enabled"]

    logged = results[arn(f"vpc/{vpc_id}")]
    assert logged.status is Status.PASS
    assert logged.reason == f"active flow log {flow_log_id}"
    assert logged.evidence["flow_logs"][0]["LogGroupName"] == "vpc-flow"
    unlogged = results[arn(f"vpc/{default_vpc_id}")]
    assert unlogged.status is Status.FAIL
    assert unlogged.evidence["flow_logs"] == []
    assert [call.operation for call in unlogged.sources] == ["DescribeVpcs", "DescribeFlowLogs"]


def test_ebs_default_encryption(collect: Any, ec2: Any) -> None:
    before = collect("ec2")["ec2_ebs_default_encryption"][f"{ACCOUNT_ID}:{REGION}"]
    ec2.enable_ebs_encryption_by_default()
    after = collect("ec2")["ec2_ebs_default_encryption"][f"{ACCOUNT_ID}:{REGION}"]

    assert before.status is Status.FAIL
    assert before.evidence == {"EbsEncryptionByDefault": False}
    assert after.status is Status.PASS
    assert after.evidence == {"EbsEncryptionByDefault": True}


def test_ebs_volume_encrypted(collect: Any, ec2: Any) -> None:
    plain = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    sealed = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, Encrypted=True)["VolumeId"]

    results = collect("ec2")["ec2_ebs_volume_encrypted"]

    assert results[arn(f"volume/{plain}")].status is Status.FAIL
    assert results[arn(f"volume/{sealed}")].status is Status.PASS
    assert results[arn(f"volume/{sealed}")].evidence["volume"]["Encrypted"] is True
    json.dumps(results[arn(f"volume/{sealed}")].evidence)  # CreateTime became a string


def test_sg_admin_ingress_ipv4_and_ipv6(collect: Any, ec2: Any, vpc_id: str) -> None:
    ssh_world = security_group(ec2, vpc_id, "ssh-world", [tcp(22, 22, v4="0.0.0.0/0")])
    rdp_range = security_group(ec2, vpc_id, "wide-range", [tcp(3000, 4000, v4="0.0.0.0/0")])
    all_v6 = security_group(
        ec2, vpc_id, "all-v6", [{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]
    )
    web = security_group(
        ec2, vpc_id, "web", [tcp(443, 443, v4="0.0.0.0/0", v6="::/0"), tcp(22, 22, v4="10.0.0.0/8")]
    )

    results = collect("ec2")
    ipv4 = results["ec2_sg_no_admin_ingress_ipv4"]
    ipv6 = results["ec2_sg_no_admin_ingress_ipv6"]

    sg = lambda group_id: arn(f"security-group/{group_id}")  # noqa: E731
    assert ipv4[sg(ssh_world)].status is Status.FAIL
    assert ipv4[sg(ssh_world)].reason == "ingress tcp 22-22 from 0.0.0.0/0 admits port(s) 22"
    assert ipv4[sg(rdp_range)].status is Status.FAIL
    assert "admits port(s) 3389" in ipv4[sg(rdp_range)].reason
    assert ipv4[sg(all_v6)].status is Status.PASS
    assert ipv4[sg(web)].status is Status.PASS
    assert ipv6[sg(all_v6)].status is Status.FAIL
    assert ipv6[sg(all_v6)].reason == "ingress all traffic from ::/0 admits port(s) 22, 3389"
    assert ipv6[sg(ssh_world)].status is Status.PASS
    assert ipv6[sg(web)].status is Status.PASS
    assert ipv4[sg(web)].evidence["security_group"]["GroupName"] == "web"


def test_sg_admin_ports_parameter(collect: Any, ec2: Any, vpc_id: str) -> None:
    web = security_group(ec2, vpc_id, "web", [tcp(443, 443, v4="0.0.0.0/0")])

    results = collect("ec2", parameters={"ec2_sg_no_admin_ingress_ipv4": {"admin_ports": [443]}})

    result = results["ec2_sg_no_admin_ingress_ipv4"][arn(f"security-group/{web}")]
    assert result.status is Status.FAIL
    assert result.evidence["admin_ports"] == [443]


def test_sg_no_cifs_ingress(collect: Any, ec2: Any, vpc_id: str) -> None:
    smb_world = security_group(ec2, vpc_id, "smb-world", [tcp(445, 445, v4="0.0.0.0/0")])
    all_v6 = security_group(
        ec2, vpc_id, "all-v6", [{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]
    )
    wide_v6 = security_group(ec2, vpc_id, "wide-v6", [tcp(0, 1024, v6="::/0")])
    smb_office = security_group(ec2, vpc_id, "smb-office", [tcp(445, 445, v4="10.0.0.0/8")])
    udp_445 = security_group(
        ec2,
        vpc_id,
        "udp-445",
        [
            {
                "IpProtocol": "udp",
                "FromPort": 445,
                "ToPort": 445,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    ssh_world = security_group(ec2, vpc_id, "ssh-world", [tcp(22, 22, v4="0.0.0.0/0")])

    results = collect("ec2")["ec2_sg_no_cifs_ingress"]

    sg = lambda group_id: arn(f"security-group/{group_id}")  # noqa: E731
    assert results[sg(smb_world)].status is Status.FAIL
    assert results[sg(smb_world)].reason == "ingress tcp 445-445 from 0.0.0.0/0 admits port(s) 445"
    assert results[sg(all_v6)].status is Status.FAIL
    assert results[sg(all_v6)].reason == "ingress all traffic from ::/0 admits port(s) 445"
    assert results[sg(wide_v6)].status is Status.FAIL
    for passing in (smb_office, udp_445, ssh_world):
        assert results[sg(passing)].status is Status.PASS, results[sg(passing)].reason
    assert results[sg(ssh_world)].reason == "no ingress from 0.0.0.0/0 or ::/0 to ports [445]"
    assert results[sg(smb_world)].evidence["cifs_ports"] == [445]
    assert results[sg(smb_world)].resource_type == "AWS::EC2::SecurityGroup"
    # The admin-port checks are unchanged by the shared rule logic: 445 is not an admin port.
    admin = collect("ec2")["ec2_sg_no_admin_ingress_ipv4"]
    assert admin[sg(smb_world)].status is Status.PASS
    assert admin[sg(ssh_world)].status is Status.FAIL


def test_default_sg_restricts_all(collect: Any, ec2: Any, vpc_id: str) -> None:
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])[
        "SecurityGroups"
    ]
    locked = next(group for group in groups if group["VpcId"] == vpc_id)
    ec2.revoke_security_group_egress(
        GroupId=locked["GroupId"], IpPermissions=locked["IpPermissionsEgress"]
    )
    if locked["IpPermissions"]:
        ec2.revoke_security_group_ingress(
            GroupId=locked["GroupId"], IpPermissions=locked["IpPermissions"]
        )
    untouched = next(group for group in groups if group["VpcId"] != vpc_id)

    results = collect("ec2")["ec2_default_sg_restricts_all"]

    assert results[arn(f"security-group/{locked['GroupId']}")].status is Status.PASS
    failing = results[arn(f"security-group/{untouched['GroupId']}")]
    assert failing.status is Status.FAIL
    assert "1 outbound rule(s)" in failing.reason
    assert len(results) == len(groups)  # only default groups are judged


def test_nacl_admin_ingress(collect: Any, ec2: Any, vpc_id: str) -> None:
    web_only = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(
        NetworkAclId=web_only,
        RuleNumber=100,
        Protocol="6",
        RuleAction="allow",
        Egress=False,
        CidrBlock="0.0.0.0/0",
        PortRange={"From": 443, "To": 443},
    )
    ssh_denied_first = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    for number, action, ports in ((90, "deny", {"From": 22, "To": 22}), (100, "allow", None)):
        ec2.create_network_acl_entry(
            NetworkAclId=ssh_denied_first,
            RuleNumber=number,
            Protocol="6" if ports else "-1",
            RuleAction=action,
            Egress=False,
            CidrBlock="0.0.0.0/0",
            **({"PortRange": ports} if ports else {}),
        )

    results = collect("ec2")["ec2_nacl_no_admin_ingress"]

    assert results[arn(f"network-acl/{web_only}")].status is Status.PASS
    denied_first = results[arn(f"network-acl/{ssh_denied_first}")]
    assert denied_first.status is Status.FAIL
    # Port 22 hits the deny at rule 90 first; only 3389 reaches the allow-all rule.
    assert denied_first.reason == "rule 100 allows protocol -1 from 0.0.0.0/0 to port 3389"


def test_nacl_ipv6_deny_does_not_hide_ipv4_allow(collect: Any, ec2: Any, vpc_id: str) -> None:
    """CIS 6.2: an entry matches only its own address family. An IPv6 deny-all at rule 90 does
    not stop IPv4 traffic reaching the IPv4 allow-all at rule 100 (and the reverse)."""
    ipv6_deny = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    ipv4_deny = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    for acl, deny_family, allow_family in (
        (ipv6_deny, {"Ipv6CidrBlock": "::/0"}, {"CidrBlock": "0.0.0.0/0"}),
        (ipv4_deny, {"CidrBlock": "0.0.0.0/0"}, {"Ipv6CidrBlock": "::/0"}),
    ):
        for number, action, family in ((90, "deny", deny_family), (100, "allow", allow_family)):
            ec2.create_network_acl_entry(
                NetworkAclId=acl,
                RuleNumber=number,
                Protocol="-1",
                RuleAction=action,
                Egress=False,
                **family,
            )

    results = collect("ec2")["ec2_nacl_no_admin_ingress"]

    ipv4_open = results[arn(f"network-acl/{ipv6_deny}")]
    assert ipv4_open.status is Status.FAIL
    assert ipv4_open.reason == (
        "rule 100 allows protocol -1 from 0.0.0.0/0 to port 22; "
        "rule 100 allows protocol -1 from 0.0.0.0/0 to port 3389"
    )
    ipv6_open = results[arn(f"network-acl/{ipv4_deny}")]
    assert ipv6_open.status is Status.FAIL
    assert "rule 100 allows protocol -1 from ::/0 to port 22" in ipv6_open.reason


def test_instance_imdsv2_pending_options_are_not_judged(
    aws_session: Any, aws_hooks: Any, collect: Any, ec2: Any
) -> None:
    """CIS 6.7: options in State "pending" are requested, not applied (moto never reports it)."""
    instance_id = ec2.run_instances(
        ImageId=AMI, MinCount=1, MaxCount=1, MetadataOptions={"HttpTokens": "required"}
    )["Instances"][0]["InstanceId"]

    def pending(parsed: dict[str, Any]) -> None:
        for reservation in parsed["Reservations"]:
            for instance in reservation["Instances"]:
                instance["MetadataOptions"]["State"] = "pending"

    aws_hooks.patch_response("ec2", "DescribeInstances", pending)
    result = collect("ec2")["ec2_instance_imdsv2"][arn(f"instance/{instance_id}")]
    assert result.status is Status.ERROR
    assert "State=pending" in result.reason


def test_instance_imdsv2(collect: Any, ec2: Any) -> None:
    def launch(tokens: str) -> str:
        reservation = ec2.run_instances(
            ImageId=AMI, MinCount=1, MaxCount=1, MetadataOptions={"HttpTokens": tokens}
        )
        return reservation["Instances"][0]["InstanceId"]

    required, optional = launch("required"), launch("optional")

    results = collect("ec2")["ec2_instance_imdsv2"]

    assert results[arn(f"instance/{required}")].status is Status.PASS
    assert results[arn(f"instance/{optional}")].status is Status.FAIL
    assert results[arn(f"instance/{optional}")].reason == "IMDSv1 allowed (HttpTokens=optional)"


def test_instance_profile_attached(collect: Any, aws_session: boto3.Session, ec2: Any) -> None:
    iam = aws_session.client("iam")
    profile_arn = iam.create_instance_profile(InstanceProfileName="app")["InstanceProfile"]["Arn"]

    def launch(**extra: Any) -> str:
        reservation = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, **extra)
        return reservation["Instances"][0]["InstanceId"]

    with_role = launch(IamInstanceProfile={"Name": "app"})
    without_role = launch()
    stopped = launch()
    ec2.stop_instances(InstanceIds=[stopped])

    results = collect("ec2")["ec2_instance_profile_attached"]

    passing = results[arn(f"instance/{with_role}")]
    assert passing.status is Status.PASS
    assert passing.reason == f"instance profile {profile_arn}"
    assert passing.evidence["iam_instance_profile"]["Arn"] == profile_arn
    failing = results[arn(f"instance/{without_role}")]
    assert failing.status is Status.FAIL
    assert failing.reason == "no IAM instance profile"
    assert failing.evidence["iam_instance_profile"] is None
    assert failing.resource_type == "AWS::EC2::Instance"
    assert [call.operation for call in failing.sources] == ["DescribeInstances"]
    assert arn(f"instance/{stopped}") not in results  # only running instances are judged


def test_instances_multi_az(collect: Any, ec2: Any) -> None:
    region_id = f"{ACCOUNT_ID}:{REGION}"

    def launch(zone: str) -> None:
        ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, Placement={"AvailabilityZone": zone})

    none = collect("ec2")["ec2_instances_multi_az"][region_id]
    launch("us-east-1a")
    one_zone = collect("ec2")["ec2_instances_multi_az"][region_id]
    launch("us-east-1b")
    two_zones = collect("ec2")["ec2_instances_multi_az"][region_id]

    assert none.status is Status.NOT_APPLICABLE
    assert one_zone.status is Status.FAIL
    assert two_zones.status is Status.PASS
    assert sorted(two_zones.evidence["running_instances_by_zone"]) == ["us-east-1a", "us-east-1b"]


def test_hostile_names_stay_verbatim_in_evidence(collect: Any, ec2: Any, vpc_id: str) -> None:
    group_id = ec2.create_security_group(GroupName="hostile", Description=HOSTILE, VpcId=vpc_id)[
        "GroupId"
    ]
    ec2.create_tags(Resources=[group_id], Tags=[{"Key": "Name", "Value": HOSTILE}])

    result = collect("ec2")["ec2_sg_no_admin_ingress_ipv4"][arn(f"security-group/{group_id}")]

    assert result.evidence["security_group"]["Description"] == HOSTILE
    assert result.evidence["security_group"]["Tags"] == [{"Key": "Name", "Value": HOSTILE}]
    stored = json.loads(json.dumps(result.evidence))  # as the evidence store will keep it
    assert stored["security_group"]["Description"] == HOSTILE


def test_api_calls_do_not_multiply_with_checks(
    collect: Any, aws_session: boto3.Session, ec2: Any
) -> None:
    volume_id = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    for _ in range(3):
        ec2.create_snapshot(VolumeId=volume_id)
    calls: list[str] = []
    aws_session.events.register("before-call.ec2", lambda model, **_: calls.append(model.name))

    collect("ec2")

    assert calls.count("DescribeSnapshotAttribute") == 0  # public snapshots are listed in bulk
    assert calls.count("DescribeSnapshots") == 2  # owned, and owned restorable by all
    assert calls.count("DescribeSecurityGroups") == 1  # shared by four checks
    assert calls.count("DescribeInstances") == 1
