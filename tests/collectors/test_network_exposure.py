"""Internet exposure checks (default VPCs, public IPs, open security groups, ELB access logs).

moto creates a default VPC in every region, as AWS does for accounts created since 2013; the
PASS case deletes it the way a customer would.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from collectors.types import Status

from .conftest import ACCOUNT_ID, REGION

AMI = "ami-12c6146b"


def arn(resource: str) -> str:
    return f"arn:aws:ec2:{REGION}:{ACCOUNT_ID}:{resource}"


@pytest.fixture
def ec2(aws_session: boto3.Session) -> Any:
    return aws_session.client("ec2")


def default_vpc(ec2: Any) -> dict[str, Any]:
    return ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]


def delete_default_vpc(ec2: Any) -> None:
    vpc_id = default_vpc(ec2)["VpcId"]
    vpc_filter = [{"Name": "vpc-id", "Values": [vpc_id]}]
    for subnet in ec2.describe_subnets(Filters=vpc_filter)["Subnets"]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    gateways = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}]
    )["InternetGateways"]
    for gateway in gateways:
        ec2.detach_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"], VpcId=vpc_id)
        ec2.delete_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"])
    ec2.delete_vpc(VpcId=vpc_id)


def test_default_vpc_in_use_fails(ec2: Any, collect: Any) -> None:
    vpc = default_vpc(ec2)
    ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)  # lands in the default VPC

    result = collect("ec2")["ec2_default_vpc_absent"][arn(f"vpc/{vpc['VpcId']}")]

    assert result.status is Status.FAIL
    assert "in use by 1 network interface(s)" in result.reason
    assert result.sources[-1].operation == "DescribeNetworkInterfaces"


def test_default_vpc_empty_still_fails(ec2: Any, collect: Any) -> None:
    vpc = default_vpc(ec2)
    result = collect("ec2")["ec2_default_vpc_absent"][arn(f"vpc/{vpc['VpcId']}")]
    assert result.status is Status.FAIL
    assert result.reason.endswith("with nothing running in it")


def test_no_default_vpc_passes(ec2: Any, collect: Any, aws_session: boto3.Session) -> None:
    delete_default_vpc(ec2)
    calls: list[str] = []
    aws_session.events.register("before-call.ec2", lambda model, **_: calls.append(model.name))

    result = collect("ec2")["ec2_default_vpc_absent"][f"{ACCOUNT_ID}:{REGION}"]

    assert result.status is Status.PASS
    assert "DescribeNetworkInterfaces" not in calls  # nothing to look into


def test_instance_public_ip(ec2: Any, collect: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    private_subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.3.1.0/24")["Subnet"]
    private = ec2.run_instances(
        ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=private_subnet["SubnetId"]
    )["Instances"][0]["InstanceId"]
    public = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]

    results = collect("ec2")["ec2_instance_no_public_ip"]

    assert results[arn(f"instance/{public}")].status is Status.FAIL
    assert results[arn(f"instance/{public}")].evidence["PublicIpAddress"]
    assert results[arn(f"instance/{private}")].status is Status.PASS


def rule(protocol: str, low: int, high: int, cidr: str = "0.0.0.0/0") -> dict[str, Any]:
    ranges = (
        {"Ipv6Ranges": [{"CidrIpv6": cidr}]} if ":" in cidr else {"IpRanges": [{"CidrIp": cidr}]}
    )
    return {"IpProtocol": protocol, "FromPort": low, "ToPort": high, **ranges}


def group(ec2: Any, vpc_id: str, name: str, rules: list[dict[str, Any]]) -> str:
    group_id = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=rules)
    return group_id


def test_sg_public_ingress(ec2: Any, collect: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    web = group(ec2, vpc_id, "web", [rule("tcp", 443, 443), rule("tcp", 80, 80, "::/0")])
    db = group(ec2, vpc_id, "db", [rule("tcp", 5432, 5432, "::/0"), rule("tcp", 443, 443)])
    wide = group(ec2, vpc_id, "wide", [rule("tcp", 80, 443)])
    internal = group(ec2, vpc_id, "internal", [rule("tcp", 22, 22, "10.0.0.0/8")])

    results = collect("ec2")["ec2_sg_no_public_ingress"]

    assert results[arn(f"security-group/{web}")].status is Status.PASS
    assert results[arn(f"security-group/{db}")].status is Status.FAIL
    assert results[arn(f"security-group/{db}")].reason == "open to the internet: tcp 5432 from ::/0"
    assert (
        results[arn(f"security-group/{wide}")].reason
        == "open to the internet: tcp 80-443 from 0.0.0.0/0"
    )
    assert results[arn(f"security-group/{internal}")].status is Status.PASS
    relaxed = collect(
        "ec2", parameters={"ec2_sg_no_public_ingress": {"allowed_public_ports": [443, 5432]}}
    )["ec2_sg_no_public_ingress"]
    assert relaxed[arn(f"security-group/{db}")].status is Status.PASS
    assert relaxed[arn(f"security-group/{web}")].status is Status.FAIL


def test_elbv2_access_logging(aws_session: boto3.Session, ec2: Any, collect: Any) -> None:
    elbv2 = aws_session.client("elbv2")
    vpc_id = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for cidr, zone in (("10.5.1.0/24", "us-east-1a"), ("10.5.2.0/24", "us-east-1b"))
    ]
    logged = elbv2.create_load_balancer(Name="logged", Subnets=subnets)["LoadBalancers"][0]
    silent = elbv2.create_load_balancer(Name="silent", Subnets=subnets)["LoadBalancers"][0]
    aws_session.client("s3").create_bucket(Bucket="elb-logs")
    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=logged["LoadBalancerArn"],
        Attributes=[
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": "elb-logs"},
        ],
    )

    results = collect("elbv2")["elbv2_access_logging"]

    assert results[logged["LoadBalancerArn"]].status is Status.PASS
    assert results[logged["LoadBalancerArn"]].reason == "access logs delivered to s3://elb-logs"
    assert results[silent["LoadBalancerArn"]].status is Status.FAIL
