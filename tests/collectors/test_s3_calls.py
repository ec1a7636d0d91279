"""S3 calls per bucket (region from ListBuckets, reads skipped when no verdict needs them) and
the TLS-version alternative of CIS 3.1.1."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from collectors.types import Status
from tests.collectors.conftest import REGION
from tests.collectors.test_s3 import OPEN, SECURE, arn, public_read_policy, seed_buckets


@pytest.fixture
def s3(aws_session: boto3.Session) -> Any:
    return aws_session.client("s3")


@pytest.fixture
def buckets(s3: Any) -> None:
    seed_buckets(s3)


def bucket_regions_listed(session: boto3.Session) -> None:
    """ListBuckets names each bucket's region (BucketRegion) on AWS; moto leaves it out."""

    def add(parsed: dict[str, Any]) -> None:
        for bucket in parsed["Buckets"]:
            bucket["BucketRegion"] = REGION

    session.events.register("after-call.s3.ListBuckets", lambda parsed, **_: add(parsed))


def calls_per_bucket(session: boto3.Session) -> dict[str, list[str]]:
    calls: dict[str, list[str]] = {}

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        calls.setdefault(params.get("Bucket", "(account)"), []).append(model.name)

    session.events.register("before-parameter-build.s3", record)
    return calls


def test_reads_grow_with_buckets_not_checks(
    collect: Any, aws_session: boto3.Session, buckets: None
) -> None:
    bucket_regions_listed(aws_session)
    calls = calls_per_bucket(aws_session)

    collect("s3", "global")

    assert calls.pop("(account)") == ["ListBuckets"]
    assert all("GetBucketLocation" not in made for made in calls.values())  # from ListBuckets
    # SECURE: block public access on, so its ACL is not read; its policy only denies.
    assert sorted(calls[SECURE]) == sorted(
        [
            "GetPublicAccessBlock",
            "GetBucketPolicy",
            "GetBucketEncryption",
            "GetBucketVersioning",
            "GetBucketLogging",
        ]
    )
    # No block public access anywhere: the ACL must be read (6 calls); an unconditional
    # allow to anyone is public on its face, so no GetBucketPolicyStatus.
    assert len(calls[OPEN]) == 6 and "GetBucketAcl" in calls[OPEN]
    assert "GetBucketPolicyStatus" not in calls[OPEN]


def test_bucket_region_falls_back_to_get_bucket_location(
    collect: Any, aws_session: boto3.Session, buckets: None
) -> None:
    calls = calls_per_bucket(aws_session)
    result = collect("s3", "global")["s3_bucket_versioning"][arn(SECURE)]
    assert result.region == REGION
    assert calls[SECURE].count("GetBucketLocation") == 1


def test_conditional_open_policy_asks_aws_for_its_verdict(
    collect: Any, aws_session: boto3.Session, s3: Any
) -> None:
    bucket_regions_listed(aws_session)
    s3.create_bucket(Bucket="ip-bucket")
    s3.put_bucket_policy(
        Bucket="ip-bucket",
        Policy=public_read_policy("ip-bucket", {"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}}),
    )
    calls = calls_per_bucket(aws_session)
    result = collect("s3", "global")["s3_bucket_not_public"][arn("ip-bucket")]
    assert "GetBucketPolicyStatus" in calls["ip-bucket"]
    assert "GetBucketPolicyStatus" in {call.operation for call in result.sources}


def deny_policy(bucket: str, condition: dict[str, Any]) -> str:
    statement = {
        "Sid": "DenyOldTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn(bucket), f"{arn(bucket)}/*"],
        "Condition": condition,
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.mark.parametrize(
    ("condition", "status"),
    [
        # CIS 3.1.1's alternative: deny requests below TLS 1.2.
        ({"NumericLessThan": {"s3:TlsVersion": "1.2"}}, Status.PASS),
        ({"NumericLessThan": {"s3:TlsVersion": 1.3}}, Status.PASS),
        # Denying only below TLS 1.0 still admits TLS 1.0 and 1.1.
        ({"NumericLessThan": {"s3:TlsVersion": "1.0"}}, Status.FAIL),
        ({"NumericGreaterThan": {"s3:TlsVersion": "1.2"}}, Status.FAIL),
    ],
)
def test_tls_version_deny(collect: Any, s3: Any, condition: dict[str, Any], status: Status) -> None:
    s3.create_bucket(Bucket="tls-version-bucket")
    s3.put_bucket_policy(
        Bucket="tls-version-bucket", Policy=deny_policy("tls-version-bucket", condition)
    )
    result = collect("s3", "global")["s3_bucket_tls_only"][arn("tls-version-bucket")]
    assert result.status is status, result.reason
    if status is Status.PASS:
        assert "denies s3:* when s3:TlsVersion is below 1.2" in result.reason


def test_bucket_listing_follows_a_truncated_page() -> None:
    """A recorded two-page ListBuckets (botocore Stubber): the ContinuationToken is followed."""
    from botocore.stub import Stubber

    from collectors.readers import paginate

    client = boto3.client(
        "s3", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stubber:
        stubber.add_response(
            "list_buckets",
            {"Buckets": [{"Name": "first", "BucketRegion": REGION}], "ContinuationToken": "next"},
            {"MaxBuckets": 1000},
        )
        stubber.add_response(
            "list_buckets",
            {"Buckets": [{"Name": "second", "BucketRegion": "eu-west-1"}]},
            {"MaxBuckets": 1000, "ContinuationToken": "next"},
        )
        listed = paginate(client, "list_buckets", "Buckets", PaginationConfig={"PageSize": 1000})
        stubber.assert_no_pending_responses()
    assert [bucket["Name"] for bucket in listed] == ["first", "second"]


def test_wildcard_account_principal_asks_aws(
    collect: Any, aws_session: boto3.Session, s3: Any
) -> None:
    """A principal such as arn:aws:iam::*:root is not "*" to our reading, so AWS's own verdict
    (GetBucketPolicyStatus) is read rather than skipped."""
    s3.create_bucket(Bucket="any-account-bucket")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::*:root"},
                "Action": "s3:GetObject",
                "Resource": f"{arn('any-account-bucket')}/*",
            }
        ],
    }
    s3.put_bucket_policy(Bucket="any-account-bucket", Policy=json.dumps(policy))
    calls = calls_per_bucket(aws_session)
    collect("s3", "global")
    assert "GetBucketPolicyStatus" in calls["any-account-bucket"]
