"""Service limits: Trusted Advisor and Service Quotas answers are recorded responses on botocore
Stubbers (moto has neither Trusted Advisor check results nor ListServiceQuotas); the CloudWatch
usage metrics are real moto metrics put through boto3."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest

from collectors.aws.service_limits import SERVICE_CODES
from collectors.types import Status

from .conftest import ACCOUNT_ID, REGION
from .stubs import StubbedClients

TA_CHECK = {
    "id": "eW7HH0l7J9",
    "name": "VPC",
    "description": "Checks for usage that is more than 80% of the VPC limit.",
    "category": "service_limits",
    "metadata": ["Region", "Service", "Limit Name", "Limit Amount", "Current Usage", "Status"],
}
OTHER_CHECK = {
    **TA_CHECK,
    "id": "Qch7DwouX1",
    "name": "Low Utilization",
    "category": "cost_optimizing",
}
VPC_QUOTA_ARN = f"arn:aws:servicequotas:{REGION}:{ACCOUNT_ID}:vpc/L-F678F1CE"


def ta_row(resource_id: str, limit: str, usage: str) -> dict[str, Any]:
    return {
        "status": "ok",
        "region": REGION,
        "resourceId": resource_id,
        "isSuppressed": False,
        "metadata": [REGION, "VPC", "VPCs", limit, usage, "Green"],
    }


def no_subscription(stubs: StubbedClients) -> None:
    stubs["support"].add_client_error(
        "describe_trusted_advisor_checks",
        service_error_code="SubscriptionRequiredException",
        service_message="AWS Premium Support Subscription is required to use this service.",
        http_status_code=400,
    )


def test_trusted_advisor_limits(aws_session: boto3.Session) -> None:
    stubs = StubbedClients(aws_session, ["support"])
    support = stubs["support"]
    support.add_response(
        "describe_trusted_advisor_checks", {"checks": [TA_CHECK, OTHER_CHECK]}, {"language": "en"}
    )
    support.add_response(
        "describe_trusted_advisor_check_result",
        {
            "result": {
                "checkId": TA_CHECK["id"],
                "timestamp": "2026-11-30T00:00:00Z",
                "status": "warning",
                "resourcesSummary": {
                    "resourcesProcessed": 2,
                    "resourcesFlagged": 1,
                    "resourcesIgnored": 0,
                    "resourcesSuppressed": 0,
                },
                "categorySpecificSummary": {},
                "flaggedResources": [ta_row("vpcs", "5", "4"), ta_row("igws", "5", "1")],
            }
        },
        {"checkId": TA_CHECK["id"], "language": "en"},
    )

    results = stubs.collect("trusted_advisor", "global")["trusted_advisor_service_limits"]
    stubs.assert_all_answered()

    vpcs = results[f"{ACCOUNT_ID}:{TA_CHECK['id']}:vpcs"]
    assert vpcs.status is Status.FAIL
    assert vpcs.reason == f"VPC VPCs in {REGION}: 4 of 5 used (80.0%, threshold 80%)"
    assert vpcs.region == REGION
    assert results[f"{ACCOUNT_ID}:{TA_CHECK['id']}:igws"].status is Status.PASS


def test_trusted_advisor_without_subscription(aws_session: boto3.Session) -> None:
    stubs = StubbedClients(aws_session, ["support"])
    no_subscription(stubs)
    (result,) = stubs.collect("trusted_advisor", "global")[
        "trusted_advisor_service_limits"
    ].values()
    assert result.status is Status.NOT_APPLICABLE
    assert "SubscriptionRequiredException" in result.reason


def queue_quotas(stubs: StubbedClients, vpc_quota: dict[str, Any]) -> None:
    for code in SERVICE_CODES:
        stubs["service-quotas"].add_response(
            "list_service_quotas",
            {"Quotas": [vpc_quota] if code == "vpc" else []},
            {"ServiceCode": code},
        )


@pytest.fixture
def vpc_quota() -> dict[str, Any]:
    return {
        "ServiceCode": "vpc",
        "ServiceName": "Amazon Virtual Private Cloud (Amazon VPC)",
        "QuotaArn": VPC_QUOTA_ARN,
        "QuotaCode": "L-F678F1CE",
        "QuotaName": "VPCs per Region",
        "Value": 5.0,
        "Unit": "None",
        "Adjustable": True,
        "GlobalQuota": False,
        "UsageMetric": {
            "MetricNamespace": "AWS/Usage",
            "MetricName": "ResourceCount",
            "MetricDimensions": {
                "Service": "EC2",
                "Type": "Resource",
                "Resource": "vpc",
                "Class": "None",
            },
            "MetricStatisticRecommendation": "Maximum",
        },
    }


def put_usage(aws_session: boto3.Session, value: float) -> None:
    aws_session.client("cloudwatch").put_metric_data(
        Namespace="AWS/Usage",
        MetricData=[
            {
                "MetricName": "ResourceCount",
                "Dimensions": [
                    {"Name": "Service", "Value": "EC2"},
                    {"Name": "Type", "Value": "Resource"},
                    {"Name": "Resource", "Value": "vpc"},
                    {"Name": "Class", "Value": "None"},
                ],
                "Timestamp": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30),
                "Value": value,
            }
        ],
    )


@pytest.mark.parametrize(("used", "expected"), [(4.0, Status.FAIL), (2.0, Status.PASS)])
def test_service_quotas_fallback(
    aws_session: boto3.Session, vpc_quota: dict[str, Any], used: float, expected: Status
) -> None:
    stubs = StubbedClients(aws_session, ["support", "service-quotas"])
    no_subscription(stubs)
    queue_quotas(stubs, vpc_quota)
    put_usage(aws_session, used)

    result = stubs.collect("servicequotas")["servicequotas_usage"][VPC_QUOTA_ARN]
    stubs.assert_all_answered()

    assert result.status is expected
    assert result.reason.startswith(f"vpc VPCs per Region: {used:g} of 5 used")


def test_service_quotas_threshold_parameter(
    aws_session: boto3.Session, vpc_quota: dict[str, Any]
) -> None:
    stubs = StubbedClients(aws_session, ["support", "service-quotas"])
    no_subscription(stubs)
    queue_quotas(stubs, vpc_quota)
    put_usage(aws_session, 2.0)

    parameters = {"servicequotas_usage": {"service_limit_threshold_percent": 40}}
    result = stubs.collect("servicequotas", parameters=parameters)["servicequotas_usage"][
        VPC_QUOTA_ARN
    ]

    assert result.status is Status.FAIL


def test_service_quotas_unreadable_usage_is_error(
    aws_session: boto3.Session, vpc_quota: dict[str, Any], aws_hooks: Any
) -> None:
    stubs = StubbedClients(aws_session, ["support", "service-quotas"])
    no_subscription(stubs)
    queue_quotas(stubs, vpc_quota)
    aws_hooks.fail("cloudwatch", "GetMetricData", "AccessDenied", status=403)

    result = stubs.collect("servicequotas")["servicequotas_usage"][VPC_QUOTA_ARN]

    assert result.status is Status.ERROR
    assert result.reason.endswith("could not read GetMetricData: AccessDenied: injected by test")


def test_service_quotas_defer_to_trusted_advisor(aws_session: boto3.Session) -> None:
    stubs = StubbedClients(aws_session, ["support", "service-quotas"])
    stubs["support"].add_response(
        "describe_trusted_advisor_checks", {"checks": [TA_CHECK]}, {"language": "en"}
    )

    (result,) = stubs.collect("servicequotas")["servicequotas_usage"].values()
    stubs.assert_all_answered()

    assert result.status is Status.NOT_APPLICABLE  # no Service Quotas call was made


def test_trusted_advisor_results_unreadable_is_one_error(aws_session: boto3.Session) -> None:
    stubs = StubbedClients(aws_session, ["support"])
    checks = [TA_CHECK, {**TA_CHECK, "id": "second", "name": "EC2"}]
    stubs["support"].add_response(
        "describe_trusted_advisor_checks", {"checks": checks}, {"language": "en"}
    )
    stubs["support"].add_client_error(
        "describe_trusted_advisor_check_result",
        service_error_code="AccessDeniedException",
        service_message="no",
    )

    results = stubs.collect("trusted_advisor", "global")["trusted_advisor_service_limits"]

    assert [r.status for r in results.values()] == [Status.ERROR]
    assert next(iter(results.values())).reason == "AccessDeniedException: no"
