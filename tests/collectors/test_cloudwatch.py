"""The 15 CIS metric-filter alarm checks on a moto trail, log group, filters, alarms and topics."""

from __future__ import annotations

import re
from typing import Any

import boto3
import pytest

from collectors.aws.cloudwatch import CIS_PATTERNS, canonical_pattern
from collectors.aws.cloudwatch_patterns import CANONICAL_PATTERNS, CIS_7_PUBLISHED, CIS_7_REFS
from collectors.types import Status
from tests.collectors.conftest import ACCOUNT_ID, REGION

GROUP = "cloudtrail-events"
GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{GROUP}"
NAMESPACE = "CISBenchmark"
CHECK_IDS = [f"cloudwatch_alarm_{name}" for name in CIS_PATTERNS]


def filter_id(name: str) -> str:
    return f"{GROUP_ARN}:metric-filter:{name}"


def reformatted(pattern: str) -> str:
    """The CIS pattern as an operator might type it: other spacing, no optional quotes."""
    return re.sub(r"\s*(\|\||&&)\s*", r"  \1\n", pattern).replace("{ ", "{")


def monitored_account(
    session: boto3.Session,
    *,
    subscribe: bool = True,
    alarms: bool = True,
    filters: tuple[str, ...] = tuple(CIS_PATTERNS),
    pattern: dict[str, str] | None = None,
) -> None:
    logs = session.client("logs")
    logs.create_log_group(logGroupName=GROUP)
    session.client("s3").create_bucket(Bucket="trail-logs")
    cloudtrail = session.client("cloudtrail")
    cloudtrail.create_trail(
        Name="org",
        S3BucketName="trail-logs",
        IsMultiRegionTrail=True,
        CloudWatchLogsLogGroupArn=f"{GROUP_ARN}:*",
        CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/trail-to-logs",
    )
    cloudtrail.start_logging(Name="org")
    cloudtrail.put_event_selectors(
        TrailName="org", EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}]
    )
    topic = session.client("sns").create_topic(Name="security-alerts")["TopicArn"]
    if subscribe:
        queue_url = session.client("sqs").create_queue(QueueName="alerts")["QueueUrl"]
        queue_arn = session.client("sqs").get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        session.client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    cloudwatch = session.client("cloudwatch")
    for name in filters:
        logs.put_metric_filter(
            logGroupName=GROUP,
            filterName=name,
            filterPattern=(pattern or {}).get(name) or reformatted(CIS_PATTERNS[name][1][-1]),
            metricTransformations=[
                {"metricName": name, "metricNamespace": NAMESPACE, "metricValue": "1"}
            ],
        )
        if alarms:
            cloudwatch.put_metric_alarm(
                AlarmName=f"cis-{name}",
                MetricName=name,
                Namespace=NAMESPACE,
                Statistic="Sum",
                Period=300,
                EvaluationPeriods=1,
                Threshold=1,
                ComparisonOperator="GreaterThanOrEqualToThreshold",
                AlarmActions=[topic],
            )


def test_all_alarms_pass(aws_session, collect) -> None:
    monitored_account(aws_session)
    collected = collect("cloudwatch", "global")
    assert sorted(collected) == sorted(CHECK_IDS)
    for name in CIS_PATTERNS:
        result = collected[f"cloudwatch_alarm_{name}"][filter_id(name)]
        assert result.status is Status.PASS, (name, result.reason)
        assert result.region == REGION
        assert result.evidence["alarm"]["AlarmName"] == f"cis-{name}"
        assert result.evidence["subscriptions"][0]["Protocol"] == "sqs"
        assert any(s.operation == "DescribeMetricFilters" for s in result.sources)


def test_topic_without_subscription_fails(aws_session, collect) -> None:
    monitored_account(aws_session, subscribe=False)
    collected = collect("cloudwatch", "global")
    for name in CIS_PATTERNS:
        result = collected[f"cloudwatch_alarm_{name}"][filter_id(name)]
        assert result.status is Status.FAIL
        assert result.reason == (
            f"alarm cis-{name} on metric filter {name} notifies no SNS topic with a confirmed "
            "subscription"
        )


def test_missing_filter_and_missing_alarm_fail(aws_session, collect) -> None:
    monitored_account(aws_session, alarms=False, filters=("root_usage",))
    collected = collect("cloudwatch", "global")
    no_alarm = collected["cloudwatch_alarm_root_usage"][filter_id("root_usage")]
    assert no_alarm.status is Status.FAIL
    assert no_alarm.reason == f"metric filter root_usage on {GROUP} has no alarm"
    no_filter = collected["cloudwatch_alarm_console_no_mfa"][GROUP_ARN]
    assert no_filter.status is Status.FAIL
    assert no_filter.reason == (
        f"log group {GROUP} has no metric filter for console sign-in without MFA"
    )


def test_no_logging_trail_fails(collect) -> None:
    collected = collect("cloudwatch", "global")
    for check_id in CHECK_IDS:
        result = collected[check_id][ACCOUNT_ID]
        assert result.status is Status.FAIL
        assert result.region == "global"
        assert "no multi-region trail" in result.reason


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        (
            '{($.eventName=CreateTrail)||($.eventName="UpdateTrail")||($.eventName=DeleteTrail)||'
            "($.eventName=StartLogging)||($.eventName=StopLogging)}",
            "cloudtrail_changes",
            True,
        ),
        (
            "{ ($.eventName = StopLogging) || ($.eventName = CreateTrail) || "
            "($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || "
            "($.eventName = StartLogging) }",
            "cloudtrail_changes",
            True,
        ),
        (
            "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) }",
            "cloudtrail_changes",
            False,
        ),
        (
            '{ ($.eventName = "ConsoleLogin") || ($.additionalEventData.MFAUsed != "Yes") }',
            "console_no_mfa",
            False,
        ),
        (
            "{ ($.eventSource = kms.amazonaws.com) && ($.eventName = DisableKey) || "
            "($.eventName = ScheduleKeyDeletion) }",
            "cmk_disable_deletion",
            False,
        ),
    ],
)
def test_pattern_matching(pattern: str, name: str, matches: bool) -> None:
    accepted: set[Any] = CANONICAL_PATTERNS[name]
    assert (canonical_pattern(pattern) in accepted) is matches


@pytest.mark.parametrize("name", list(CIS_7_REFS), ids=[f"cis-{r}" for r in CIS_7_REFS.values()])
def test_benchmark_pattern_passes(aws_session, collect, name: str) -> None:
    """CIS v7.0.0 5.1-5.15: a metric filter pasted from the benchmark's audit text passes."""
    monitored_account(aws_session, filters=(name,), pattern={name: CIS_7_PUBLISHED[name]})
    result = collect("cloudwatch", "global")[f"cloudwatch_alarm_{name}"][filter_id(name)]
    assert result.status is Status.PASS, (CIS_7_REFS[name], result.reason)


def test_security_group_pattern_without_modify_rules_fails(aws_session, collect) -> None:
    """CIS v7 5.10 monitors ModifySecurityGroupRules; the pre-v5 pattern misses those changes."""
    older = CIS_7_PUBLISHED["security_group_changes"].replace(
        " || ($.eventName = ModifySecurityGroupRules)", ""
    )
    assert "ModifySecurityGroupRules" not in older
    name = "security_group_changes"
    monitored_account(aws_session, filters=(name,), pattern={name: older})
    result = collect("cloudwatch", "global")[f"cloudwatch_alarm_{name}"][GROUP_ARN]
    assert result.status is Status.FAIL
    assert "has no metric filter for security group changes" in result.reason
