"""SSM checks: EC2 instances are real moto instances; the SSM side is answered by hooks.

moto 5.2 implements neither DescribeInstanceInformation nor ListResourceComplianceSummaries,
so those two calls (only those) are answered by a botocore ``before-call`` hook with the shape
AWS documents; the hook also records the request so the tests can assert what was asked.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from collectors.types import Status

from .conftest import ACCOUNT_ID, REGION


def instance_arn(instance_id: str) -> str:
    return f"arn:aws:ec2:{REGION}:{ACCOUNT_ID}:instance/{instance_id}"


def answer(session: boto3.Session, operation: str, body: dict[str, Any]) -> list[dict]:
    """Answer one SSM operation with ``body``; return the list of request bodies it received."""
    requests: list[dict] = []

    def handler(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        requests.append(json.loads(params["body"] or b"{}"))
        return AWSResponse(params["url"], 200, {}, None), body

    session.events.register(f"before-call.ssm.{operation}", handler)
    return requests


@pytest.fixture
def instances(aws_session: boto3.Session) -> list[str]:
    ec2 = aws_session.client("ec2")
    reservation = ec2.run_instances(ImageId="ami-12c6146b", MinCount=3, MaxCount=3)
    ids = [instance["InstanceId"] for instance in reservation["Instances"]]
    stopped = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)
    ec2.stop_instances(InstanceIds=[stopped["Instances"][0]["InstanceId"]])
    return ids


def test_instances_managed(collect: Any, aws_session: boto3.Session, instances: list[str]) -> None:
    online, lost, unmanaged = instances
    answer(
        aws_session,
        "DescribeInstanceInformation",
        {
            "InstanceInformationList": [
                {"InstanceId": online, "PingStatus": "Online", "PlatformType": "Linux"},
                {"InstanceId": lost, "PingStatus": "ConnectionLost", "PlatformType": "Linux"},
            ]
        },
    )
    answer(aws_session, "ListResourceComplianceSummaries", {"ResourceComplianceSummaryItems": []})

    results = collect("ssm")["ssm_instances_managed"]

    assert set(results) == {instance_arn(i) for i in instances}  # the stopped one is skipped
    assert results[instance_arn(online)].status is Status.PASS
    assert results[instance_arn(lost)].status is Status.FAIL
    assert results[instance_arn(lost)].reason == (
        "registered with Systems Manager but agent is ConnectionLost"
    )
    assert results[instance_arn(unmanaged)].status is Status.FAIL
    assert results[instance_arn(unmanaged)].reason == "not registered with Systems Manager"
    assert results[instance_arn(unmanaged)].evidence["instance_information"] is None


def test_patch_compliance(collect: Any, aws_session: boto3.Session, instances: list[str]) -> None:
    compliant, behind, unscanned = instances
    answer(
        aws_session,
        "DescribeInstanceInformation",
        {"InstanceInformationList": [{"InstanceId": i, "PingStatus": "Online"} for i in instances]},
    )
    patch_requests = answer(
        aws_session,
        "ListResourceComplianceSummaries",
        {
            "ResourceComplianceSummaryItems": [
                {"ResourceId": compliant, "ComplianceType": "Patch", "Status": "COMPLIANT"},
                {
                    "ResourceId": behind,
                    "ComplianceType": "Patch",
                    "Status": "NON_COMPLIANT",
                    "NonCompliantSummary": {"NonCompliantCount": 4},
                },
            ]
        },
    )

    results = collect("ssm")["ssm_patch_compliance"]

    assert results[instance_arn(compliant)].status is Status.PASS
    assert results[instance_arn(behind)].status is Status.FAIL
    assert results[instance_arn(behind)].reason == (
        "patch compliance NON_COMPLIANT: 4 non-compliant patch(es)"
    )
    assert results[instance_arn(unscanned)].status is Status.FAIL
    assert "never scanned" in results[instance_arn(unscanned)].reason
    assert patch_requests == [
        {"Filters": [{"Key": "ComplianceType", "Values": ["Patch"], "Type": "EQUAL"}]}
    ]
