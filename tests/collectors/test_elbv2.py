"""ELBv2 checks against moto load balancers and listeners created through boto3."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from collectors.types import Status


@pytest.fixture
def elbv2(aws_session: boto3.Session) -> Any:
    return aws_session.client("elbv2")


@pytest.fixture
def load_balancer(aws_session: boto3.Session, elbv2: Any) -> dict[str, Any]:
    """An ALB with a target group, in a VPC with two subnets."""
    ec2 = aws_session.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for cidr, zone in (("10.2.1.0/24", "us-east-1a"), ("10.2.2.0/24", "us-east-1b"))
    ]
    lb = elbv2.create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0]
    target_group = elbv2.create_target_group(
        Name="web-targets", Protocol="HTTP", Port=8080, VpcId=vpc_id
    )["TargetGroups"][0]
    return {"arn": lb["LoadBalancerArn"], "target_group": target_group["TargetGroupArn"]}


def listener(elbv2: Any, lb: dict[str, Any], **kwargs: Any) -> str:
    return elbv2.create_listener(LoadBalancerArn=lb["arn"], **kwargs)["Listeners"][0]["ListenerArn"]


def test_listener_tls(
    collect: Any, aws_session: boto3.Session, elbv2: Any, load_balancer: dict[str, Any]
) -> None:
    certificate = aws_session.client("acm").request_certificate(DomainName="example.com")
    forward = [{"Type": "forward", "TargetGroupArn": load_balancer["target_group"]}]
    https = listener(
        elbv2,
        load_balancer,
        Protocol="HTTPS",
        Port=443,
        Certificates=[{"CertificateArn": certificate["CertificateArn"]}],
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        DefaultActions=forward,
    )
    redirect = listener(
        elbv2,
        load_balancer,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
            }
        ],
    )
    plain = listener(elbv2, load_balancer, Protocol="HTTP", Port=8080, DefaultActions=forward)

    results = collect("elbv2")["elbv2_listener_tls"]

    assert results[https].status is Status.PASS
    assert "ELBSecurityPolicy-TLS13-1-2-2021-06" in results[https].reason
    assert results[redirect].status is Status.PASS
    assert results[redirect].reason == "HTTP listener on port 80 redirects to HTTPS"
    assert results[plain].status is Status.FAIL
    assert results[plain].reason == "HTTP listener on port 8080 serves traffic without TLS"
    assert results[plain].evidence["listener"]["DefaultActions"][0]["Type"] == "forward"
    assert results[plain].evidence["load_balancer"]["LoadBalancerName"] == "web"
    assert [call.operation for call in results[plain].sources] == [
        "DescribeLoadBalancers",
        "DescribeListeners",
    ]
    json.dumps(results[plain].evidence)


def test_listener_read_failure_is_that_load_balancers_error(
    collect: Any, aws_session: boto3.Session, elbv2: Any, load_balancer: dict[str, Any]
) -> None:
    listener(
        elbv2,
        load_balancer,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": load_balancer["target_group"]}],
    )

    def deny(params: dict[str, Any], **_: Any) -> Any:
        error = {"Code": "AccessDenied", "Message": "not allowed"}
        return AWSResponse(params["url"], 403, {}, None), {"Error": error}

    aws_session.events.register("before-call.elastic-load-balancing-v2.DescribeListeners", deny)

    results = collect("elbv2")["elbv2_listener_tls"]

    assert list(results) == [load_balancer["arn"]]
    assert results[load_balancer["arn"]].status is Status.ERROR
    assert (
        results[load_balancer["arn"]].reason
        == "could not read DescribeListeners: AccessDenied: not allowed"
    )
