"""CloudTrail checks on moto trails and their S3 buckets.

moto's GetTrailStatus never reports LatestCloudWatchLogsDeliveryTime, so the CloudWatch delivery
PASS adds it to the real response through an after-call hook.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3

from collectors.registry import CHECKS
from collectors.types import Status
from tests.collectors.conftest import ACCOUNT_ID, REGION, AwsHooks

MANAGEMENT_ALL = [{"ReadWriteType": "All", "IncludeManagementEvents": True}]
S3_WRITES = [
    {
        "ReadWriteType": "WriteOnly",
        "IncludeManagementEvents": True,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
    }
]


def trail_arn(name: str) -> str:
    return f"arn:aws:cloudtrail:{REGION}:{ACCOUNT_ID}:trail/{name}"


def make_trail(
    session: boto3.Session,
    name: str = "main",
    *,
    logging: bool = True,
    selectors: list[dict[str, Any]] | None = None,
    bucket: str | None = None,
    **options: Any,
) -> str:
    bucket = bucket or f"{name}-trail-logs"
    s3 = session.client("s3")
    if bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
        s3.create_bucket(Bucket=bucket)
    cloudtrail = session.client("cloudtrail")
    cloudtrail.create_trail(Name=name, S3BucketName=bucket, **options)
    if logging:
        cloudtrail.start_logging(Name=name)
    if selectors is not None:
        cloudtrail.put_event_selectors(TrailName=name, EventSelectors=selectors)
    return trail_arn(name)


def test_multi_region_logging_pass(aws_session, collect) -> None:
    arn = make_trail(aws_session, IsMultiRegionTrail=True, selectors=MANAGEMENT_ALL)
    result = collect("cloudtrail", "global")["cloudtrail_multi_region_logging"][arn]
    assert result.status is Status.PASS
    assert result.region == REGION
    assert result.evidence["status"]["IsLogging"] is True
    assert result.evidence["event_selectors"]["EventSelectors"][0]["ReadWriteType"] == "All"
    assert {s.operation for s in result.sources} == {
        "DescribeTrails",
        "GetTrailStatus",
        "GetEventSelectors",
    }


def test_multi_region_logging_fail(aws_session, collect) -> None:
    make_trail(aws_session, "regional", selectors=MANAGEMENT_ALL)
    make_trail(
        aws_session, "stopped", logging=False, IsMultiRegionTrail=True, selectors=MANAGEMENT_ALL
    )
    result = collect("cloudtrail", "global")["cloudtrail_multi_region_logging"][ACCOUNT_ID]
    assert result.status is Status.FAIL
    assert "regional is not multi-region" in result.reason
    assert "stopped is not logging" in result.reason


def test_no_trails(collect) -> None:
    collected = collect("cloudtrail", "global")
    assert collected["cloudtrail_multi_region_logging"][ACCOUNT_ID].status is Status.FAIL
    for check_id in (
        "cloudtrail_log_file_validation",
        "cloudtrail_kms_encryption",
        "cloudtrail_cloudwatch_logs",
    ):
        assert collected[check_id][ACCOUNT_ID].status is Status.NOT_APPLICABLE, check_id
    buckets = collect("s3", "global")  # the trails' buckets are judged by the S3 service
    for check_id in ("cloudtrail_bucket_not_public", "cloudtrail_bucket_access_logging"):
        assert buckets[check_id][ACCOUNT_ID].status is Status.NOT_APPLICABLE, check_id


def test_log_file_validation_and_kms(aws_session, collect) -> None:
    key_arn = aws_session.client("kms").create_key()["KeyMetadata"]["Arn"]
    hardened = make_trail(aws_session, "hardened", EnableLogFileValidation=True, KmsKeyId=key_arn)
    plain = make_trail(aws_session, "plain")
    collected = collect("cloudtrail", "global")
    validation, kms = (
        collected["cloudtrail_log_file_validation"],
        collected["cloudtrail_kms_encryption"],
    )
    assert validation[hardened].status is Status.PASS
    assert validation[plain].status is Status.FAIL
    assert validation[plain].reason == "trail plain log file validation is disabled"
    assert kms[hardened].status is Status.PASS
    assert kms[plain].status is Status.FAIL


def test_cloudwatch_delivery(aws_session, aws_hooks: AwsHooks, collect) -> None:
    logs = aws_session.client("logs")
    logs.create_log_group(logGroupName="trail")
    group_arn = logs.describe_log_groups()["logGroups"][0]["arn"]
    delivering = make_trail(
        aws_session,
        "delivering",
        CloudWatchLogsLogGroupArn=group_arn,
        CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/trail-to-logs",
    )
    silent = make_trail(aws_session, "silent")
    before = collect("cloudtrail", "global")["cloudtrail_cloudwatch_logs"]
    assert before[delivering].status is Status.FAIL
    assert "has never delivered" in before[delivering].reason
    assert before[silent].reason == "trail silent does not deliver to CloudWatch Logs"

    def delivered_now(parsed: dict[str, Any]) -> None:
        parsed["LatestCloudWatchLogsDeliveryTime"] = dt.datetime.now(dt.UTC)

    aws_hooks.patch_response("cloudtrail", "GetTrailStatus", delivered_now)
    after = collect("cloudtrail", "global")["cloudtrail_cloudwatch_logs"]
    assert after[delivering].status is Status.PASS
    assert after[silent].status is Status.FAIL


def test_bucket_not_public(aws_session, collect) -> None:
    make_trail(aws_session, "private")
    make_trail(aws_session, "open")
    make_trail(aws_session, "shared")
    s3 = aws_session.client("s3")
    s3.put_bucket_acl(Bucket="open-trail-logs", ACL="public-read")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::shared-trail-logs/*",
            }
        ],
    }
    s3.put_bucket_policy(Bucket="shared-trail-logs", Policy=json.dumps(policy))
    results = collect("s3", "global")["cloudtrail_bucket_not_public"]
    assert results["arn:aws:s3:::private-trail-logs"].status is Status.PASS
    assert results["arn:aws:s3:::open-trail-logs"].status is Status.FAIL
    assert "public: ACL grants READ to AllUsers" in results["arn:aws:s3:::open-trail-logs"].reason
    shared = results["arn:aws:s3:::shared-trail-logs"]
    assert shared.status is Status.FAIL
    assert "policy statement #1 allows s3:GetObject to any principal" in shared.reason
    assert shared.region == REGION  # the bucket's region, not "global"
    # An unconditional allow to anyone is public on its face: no GetBucketPolicyStatus.
    assert {call.operation for call in shared.sources} == {
        "GetBucketAcl",
        "GetBucketPolicy",
        "GetPublicAccessBlock",
    }
    assert CHECKS["cloudtrail_bucket_not_public"].service == "s3"


def test_bucket_verdict_is_the_s3_checks_verdict(aws_session, collect) -> None:
    """One rule for "public": a restricting condition keeps a trail bucket private in both."""
    make_trail(aws_session, "vpc-only")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::vpc-only-trail-logs/*",
                "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
            }
        ],
    }
    aws_session.client("s3").put_bucket_policy(
        Bucket="vpc-only-trail-logs", Policy=json.dumps(policy)
    )
    bucket = "arn:aws:s3:::vpc-only-trail-logs"

    trail = collect("s3", "global")["cloudtrail_bucket_not_public"][bucket]
    s3 = collect("s3", "global")["s3_bucket_not_public"][bucket]

    assert trail.status is s3.status is Status.PASS
    assert trail.reason == s3.reason
    assert trail.evidence == s3.evidence


def test_bucket_policy_unreadable_is_bucket_error(aws_session, aws_hooks, collect) -> None:
    make_trail(aws_session, selectors=MANAGEMENT_ALL, IsMultiRegionTrail=True)
    aws_hooks.fail("s3", "GetBucketPolicy", "AccessDenied", status=403)
    buckets = collect("s3", "global")
    result = buckets["cloudtrail_bucket_not_public"]["arn:aws:s3:::main-trail-logs"]
    assert result.status is Status.ERROR
    assert result.reason.startswith("could not read GetBucketPolicy: AccessDenied")
    trails = collect("cloudtrail", "global")
    assert trails["cloudtrail_multi_region_logging"][trail_arn("main")].status is Status.PASS


def test_bucket_access_logging(aws_session, collect) -> None:
    make_trail(aws_session, "logged")
    make_trail(aws_session, "unlogged")
    s3 = aws_session.client("s3")
    s3.create_bucket(Bucket="access-logs")
    s3.put_bucket_acl(Bucket="access-logs", ACL="log-delivery-write")
    s3.put_bucket_logging(
        Bucket="logged-trail-logs",
        BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": "access-logs", "TargetPrefix": "t/"}
        },
    )
    results = collect("s3", "global")["cloudtrail_bucket_access_logging"]
    assert results["arn:aws:s3:::logged-trail-logs"].status is Status.PASS
    assert results["arn:aws:s3:::unlogged-trail-logs"].status is Status.FAIL


def test_s3_object_events(aws_session, collect) -> None:
    arn = make_trail(aws_session, IsMultiRegionTrail=True, selectors=S3_WRITES)
    collected = collect("cloudtrail", "global")
    assert collected["cloudtrail_s3_object_write_events"][arn].status is Status.PASS
    read = collected["cloudtrail_s3_object_read_events"][ACCOUNT_ID]
    assert read.status is Status.FAIL
    assert "does not record S3 object read events for all buckets" in read.reason


def test_s3_object_read_events_advanced_selectors(aws_session, collect) -> None:
    arn = make_trail(aws_session, IsMultiRegionTrail=True)
    aws_session.client("cloudtrail").put_event_selectors(
        TrailName="main",
        AdvancedEventSelectors=[
            {
                "Name": "s3 reads",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                    {"Field": "readOnly", "Equals": ["true"]},
                ],
            }
        ],
    )
    collected = collect("cloudtrail", "global")
    assert collected["cloudtrail_s3_object_read_events"][arn].status is Status.PASS
    assert collected["cloudtrail_s3_object_write_events"][ACCOUNT_ID].status is Status.FAIL


def test_default_event_selectors_record_all_management_events(aws_session, collect) -> None:
    # No PutEventSelectors: DescribeTrails reports HasCustomEventSelectors false, and AWS records
    # all read and write management events (and no data events).
    arn = make_trail(aws_session, IsMultiRegionTrail=True)
    collected = collect("cloudtrail", "global")
    result = collected["cloudtrail_multi_region_logging"][arn]
    assert result.status is Status.PASS, result.reason
    assert result.evidence["trail"]["HasCustomEventSelectors"] is False
    assert collected["cloudtrail_s3_object_write_events"][ACCOUNT_ID].status is Status.FAIL


def test_default_selectors_with_unreadable_selectors(aws_session, aws_hooks, collect) -> None:
    arn = make_trail(aws_session, IsMultiRegionTrail=True)
    aws_hooks.fail("cloudtrail", "GetEventSelectors", "AccessDeniedException", status=403)
    collected = collect("cloudtrail", "global")
    assert collected["cloudtrail_multi_region_logging"][arn].status is Status.PASS
    s3_reads = collected["cloudtrail_s3_object_read_events"][ACCOUNT_ID]
    assert s3_reads.status is Status.FAIL
    assert "event selectors unreadable (AccessDeniedException" in s3_reads.reason


def test_custom_selectors_without_management_events_fail(aws_session, aws_hooks, collect) -> None:
    make_trail(
        aws_session,
        IsMultiRegionTrail=True,
        selectors=[{"ReadWriteType": "All", "IncludeManagementEvents": False, "DataResources": []}],
    )
    # AWS sets the flag once selectors are put (moto leaves it false).
    aws_hooks.patch_response(
        "cloudtrail",
        "DescribeTrails",
        lambda parsed: [t.update(HasCustomEventSelectors=True) for t in parsed["trailList"]],
    )
    result = collect("cloudtrail", "global")["cloudtrail_multi_region_logging"][ACCOUNT_ID]
    assert result.status is Status.FAIL
    assert "does not record all read and write management events" in result.reason


def advanced(*field_selectors: dict[str, Any]) -> dict[str, Any]:
    return {"AdvancedEventSelectors": [{"FieldSelectors": list(field_selectors)}]}


MANAGEMENT = {"Field": "eventCategory", "Equals": ["Management"]}


def test_advanced_management_selectors() -> None:
    from collectors.aws.cloudtrail import records_all_management_events

    assert records_all_management_events(advanced(MANAGEMENT))
    assert records_all_management_events(
        advanced(MANAGEMENT, {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]})
    )
    assert not records_all_management_events(
        advanced(MANAGEMENT, {"Field": "readOnly", "Equals": ["false"]})
    )
    assert not records_all_management_events(
        advanced(MANAGEMENT, {"Field": "eventSource", "Equals": ["iam.amazonaws.com"]})
    )
    both = {
        "AdvancedEventSelectors": [
            {"FieldSelectors": [MANAGEMENT, {"Field": "readOnly", "Equals": ["true"]}]},
            {"FieldSelectors": [MANAGEMENT, {"Field": "readOnly", "Equals": ["false"]}]},
        ]
    }
    assert records_all_management_events(both)
    classic = {
        "EventSelectors": [
            {"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True},
            {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True},
        ]
    }
    assert records_all_management_events(classic)
    assert not records_all_management_events({"EventSelectors": classic["EventSelectors"][:1]})


def test_trail_bucket_outside_the_bucket_listing_is_read(aws_session, aws_hooks, collect) -> None:
    """A central log bucket (another account's) is not in ListBuckets; it is judged anyway."""
    make_trail(aws_session, "central")

    def hide(parsed: dict[str, Any]) -> None:
        parsed["Buckets"] = [b for b in parsed["Buckets"] if b["Name"] != "central-trail-logs"]

    aws_hooks.patch_response("s3", "ListBuckets", hide)
    collected = collect("s3", "global")
    bucket = "arn:aws:s3:::central-trail-logs"
    assert bucket not in collected.get("s3_bucket_not_public", {})
    assert collected["cloudtrail_bucket_not_public"][bucket].status is Status.PASS
    assert collected["cloudtrail_bucket_access_logging"][bucket].status is Status.FAIL


def test_unlistable_trails_are_an_error_for_the_trail_bucket_checks(
    aws_session, aws_hooks, collect
) -> None:
    make_trail(aws_session)
    aws_hooks.fail("cloudtrail", "ListTrails", "AccessDeniedException", status=403)
    collected = collect("s3", "global")
    result = collected["cloudtrail_bucket_not_public"][ACCOUNT_ID]
    assert result.status is Status.ERROR
    assert "AccessDeniedException" in result.reason
    assert collected["s3_bucket_not_public"]["arn:aws:s3:::main-trail-logs"].status is Status.PASS
