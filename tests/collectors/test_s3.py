"""S3 checks against moto buckets created through boto3."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from collectors.aws import s3 as s3_collector
from collectors.types import Status

from .conftest import ACCOUNT_ID, REGION

SECURE = "secure-bucket"
OPEN = "open-bucket"
LOGS = "log-target-bucket"
ALL_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def addressed_to(url: str, bucket: str) -> bool:
    """Whether a request URL (virtual-hosted or path style) targets ``bucket``."""
    return f"//{bucket}." in url or f"/{bucket}/" in url or url.endswith(f"/{bucket}")


def arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


def tls_only_policy(bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyPlainHttp",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [arn(bucket), f"{arn(bucket)}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        }
    )


def public_read_policy(bucket: str, condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {
        "Sid": "PublicRead",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "s3:GetObject",
        "Resource": f"{arn(bucket)}/*",
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture
def s3(aws_session: boto3.Session) -> Any:
    return aws_session.client("s3")


@pytest.fixture
def buckets(s3: Any) -> None:
    seed_buckets(s3)


def seed_buckets(s3: Any) -> None:
    """A hardened bucket, a wide-open one and a log target."""
    s3.create_bucket(Bucket=LOGS, ACL="log-delivery-write")
    s3.create_bucket(Bucket=SECURE)
    s3.put_public_access_block(Bucket=SECURE, PublicAccessBlockConfiguration=ALL_BLOCKED)
    s3.put_bucket_encryption(
        Bucket=SECURE,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    s3.put_bucket_versioning(Bucket=SECURE, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_logging(
        Bucket=SECURE,
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": LOGS, "TargetPrefix": "secure/"}},
    )
    s3.put_bucket_policy(Bucket=SECURE, Policy=tls_only_policy(SECURE))

    s3.create_bucket(Bucket=OPEN, ACL="public-read")
    s3.put_bucket_policy(Bucket=OPEN, Policy=public_read_policy(OPEN))
    s3.put_bucket_versioning(Bucket=OPEN, VersioningConfiguration={"Status": "Suspended"})


def test_hardened_and_open_buckets(collect: Any, buckets: None) -> None:
    results = collect("s3", "global")

    expectations = {
        "s3_bucket_public_access_block": ("off at bucket and account level", "bucket level"),
        "s3_bucket_not_public": ("READ to AllUsers", "no ACL grant"),
        "s3_bucket_tls_only": ("no Deny statement", "'DenyPlainHttp' denies"),
        "s3_bucket_default_encryption": ("no default encryption", "aws:kms"),
        "s3_bucket_versioning": ("versioning: Suspended", "versioning: Enabled"),
        "s3_bucket_access_logging": ("logging is off", f"s3://{LOGS}/secure/"),
    }
    for check_id, (fail_reason, pass_reason) in expectations.items():
        open_result = results[check_id][arn(OPEN)]
        secure_result = results[check_id][arn(SECURE)]
        assert open_result.status is Status.FAIL, (check_id, open_result.reason)
        assert fail_reason in open_result.reason, (check_id, open_result.reason)
        assert secure_result.status is Status.PASS, (check_id, secure_result.reason)
        assert pass_reason in secure_result.reason, (check_id, secure_result.reason)
        assert open_result.region == REGION  # the bucket's region, not "global"
        assert open_result.resource_type == "AWS::S3::Bucket"
        json.dumps(open_result.evidence)  # evidence must be storable as JSON
        json.dumps(secure_result.evidence)


def test_not_public_names_acl_grant_and_policy_statement(collect: Any, buckets: None) -> None:
    result = collect("s3", "global")["s3_bucket_not_public"][arn(OPEN)]

    assert "policy statement Sid 'PublicRead' allows s3:GetObject" in result.reason
    assert result.evidence["policy"]["Statement"][0]["Principal"] == {"AWS": "*"}
    # Allowing anyone without a condition is public on its face: AWS is not asked.
    assert result.evidence["policy_status"] is None
    assert "without a condition" in result.evidence["policy_status_not_read"]
    uris = [grant["Grantee"].get("URI") for grant in result.evidence["acl"]["Grants"]]
    assert "http://acs.amazonaws.com/groups/global/AllUsers" in uris
    operations = {call.operation for call in result.sources}
    assert operations == {"GetBucketAcl", "GetBucketPolicy", "GetPublicAccessBlock"}
    assert all(call.params == {"Bucket": OPEN} for call in result.sources if call.service == "s3")
    account_call = next(call for call in result.sources if call.service == "s3control")
    assert account_call.params == {"AccountId": ACCOUNT_ID}


def test_authenticated_users_grant_is_public(collect: Any, s3: Any) -> None:
    s3.create_bucket(Bucket="auth-read-bucket", ACL="authenticated-read")

    result = collect("s3", "global")["s3_bucket_not_public"][arn("auth-read-bucket")]

    assert result.status is Status.FAIL
    assert "READ to AuthenticatedUsers" in result.reason


def test_restricting_condition_keeps_policy_private(collect: Any, s3: Any) -> None:
    s3.create_bucket(Bucket="vpc-only-bucket")
    s3.put_bucket_policy(
        Bucket="vpc-only-bucket",
        Policy=public_read_policy(
            "vpc-only-bucket", {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}
        ),
    )
    s3.create_bucket(Bucket="tls-condition-bucket")
    s3.put_bucket_policy(
        Bucket="tls-condition-bucket",
        Policy=public_read_policy(
            "tls-condition-bucket", {"Bool": {"aws:SecureTransport": "true"}}
        ),
    )

    results = collect("s3", "global")["s3_bucket_not_public"]

    assert results[arn("vpc-only-bucket")].status is Status.PASS
    # aws:SecureTransport says how, not who: the statement still admits anyone.
    assert results[arn("tls-condition-bucket")].status is Status.FAIL
    assert "'PublicRead'" in results[arn("tls-condition-bucket")].reason


def test_account_block_public_access(
    collect: Any, aws_session: boto3.Session, buckets: None
) -> None:
    before = collect("s3", "global")["s3_account_public_access_block"][ACCOUNT_ID]
    aws_session.client("s3control").put_public_access_block(
        AccountId=ACCOUNT_ID, PublicAccessBlockConfiguration=ALL_BLOCKED
    )
    after = collect("s3", "global")

    assert before.status is Status.FAIL
    assert "no account-level" in before.reason
    account = after["s3_account_public_access_block"][ACCOUNT_ID]
    assert account.status is Status.PASS
    assert account.evidence["account_public_access_block"] == {
        "PublicAccessBlockConfiguration": ALL_BLOCKED
    }
    # The account-level block neutralises the open bucket's ACL and policy, and says so.
    open_bucket = after["s3_bucket_not_public"][arn(OPEN)]
    assert open_bucket.status is Status.PASS
    assert "neutralised by account-level RestrictPublicBuckets" in open_bucket.reason
    # With IgnorePublicAcls on for the account, no ACL can make a bucket public: not read.
    assert "account-level IgnorePublicAcls" in open_bucket.evidence["acl_not_read"]
    assert "GetBucketAcl" not in {call.operation for call in open_bucket.sources}
    block = after["s3_bucket_public_access_block"][arn(OPEN)]
    assert block.status is Status.PASS
    assert "covered at account level" in block.reason


def test_account_flag_partly_off_fails(collect: Any, aws_session: boto3.Session) -> None:
    aws_session.client("s3control").put_public_access_block(
        AccountId=ACCOUNT_ID,
        PublicAccessBlockConfiguration={**ALL_BLOCKED, "RestrictPublicBuckets": False},
    )

    result = collect("s3", "global")["s3_account_public_access_block"][ACCOUNT_ID]

    assert result.status is Status.FAIL
    assert result.reason == "account-level settings off: RestrictPublicBuckets"


def test_access_denied_on_one_bucket_policy(
    collect: Any, aws_session: boto3.Session, buckets: None
) -> None:
    def deny_open_bucket(params: dict[str, Any], **_: Any) -> Any:
        if not addressed_to(params["url"], OPEN):
            return None  # let moto answer for the other buckets
        error = {"Code": "AccessDenied", "Message": "Access Denied"}
        return AWSResponse(params["url"], 403, {}, None), {"Error": error}

    aws_session.events.register("before-call.s3.GetBucketPolicy", deny_open_bucket)

    results = collect("s3", "global")

    for check_id in ("s3_bucket_not_public", "s3_bucket_tls_only"):
        denied = results[check_id][arn(OPEN)]
        assert denied.status is Status.ERROR
        assert denied.reason == "could not read GetBucketPolicy: AccessDenied: Access Denied"
        assert results[check_id][arn(SECURE)].status is Status.PASS
    # Checks that do not need the policy still evaluate the denied bucket.
    assert results["s3_bucket_default_encryption"][arn(OPEN)].status is Status.FAIL
    assert results["s3_bucket_versioning"][arn(SECURE)].status is Status.PASS


def test_mfa_delete(collect: Any, aws_session: boto3.Session, buckets: None) -> None:
    """moto 5.2 drops MFADelete from PutBucketVersioning (and real AWS needs the root user's MFA
    device to set it), so the PASS side adds MFADelete to moto's GetBucketVersioning answer for
    the secure bucket only; the FAIL side is moto's own answer."""

    def mfa_delete_on(http_response: AWSResponse, parsed: dict[str, Any], **_: Any) -> None:
        if addressed_to(http_response.url, SECURE):
            parsed["MFADelete"] = "Enabled"

    aws_session.events.register("after-call.s3.GetBucketVersioning", mfa_delete_on)

    results = collect("s3", "global")["s3_bucket_mfa_delete"]

    assert results[arn(SECURE)].status is Status.PASS
    assert results[arn(SECURE)].reason == "MFA delete: Enabled"
    assert results[arn(OPEN)].status is Status.FAIL
    assert results[arn(OPEN)].reason == "MFA delete: not enabled"
    assert results[arn(OPEN)].evidence["versioning"] == {"Status": "Suspended"}


def test_bucket_in_other_region(collect: Any, aws_session: boto3.Session) -> None:
    aws_session.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="frankfurt-is-not-dublin",
        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
    )

    result = collect("s3", "global")["s3_bucket_versioning"][arn("frankfurt-is-not-dublin")]

    assert result.evidence["bucket_region"] == "eu-west-1"
    assert result.region == "eu-west-1"
    assert result.status is Status.FAIL


def test_list_buckets_denied_is_a_service_error(
    collect: Any, aws_session: boto3.Session, buckets: None
) -> None:
    def deny(params: dict[str, Any], **_: Any) -> Any:
        error = {"Code": "AccessDenied", "Message": "Access Denied"}
        return AWSResponse(params["url"], 403, {}, None), {"Error": error}

    aws_session.events.register("before-call.s3.ListBuckets", deny)

    results = collect("s3", "global")

    assert {r.status for by_id in results.values() for r in by_id.values()} == {Status.ERROR}
    assert len(results) == 11  # one ERROR per check of the service


def test_reads_grow_with_buckets_not_checks(
    collect: Any, aws_session: boto3.Session, buckets: None
) -> None:
    calls: list[str] = []
    aws_session.events.register("before-call.s3", lambda model, **_: calls.append(model.name))

    collect("s3", "global")

    assert calls.count("ListBuckets") == 1
    for operation in ("GetBucketPolicy", "GetBucketVersioning"):
        assert calls.count(operation) == 3, operation  # once per bucket, shared by the checks
    # The ACL is read only where public ACLs are not already ignored by Block Public Access.
    assert calls.count("GetBucketAcl") <= 3
    # Policy status only for open policies whose open statements all carry conditions.
    assert calls.count("GetBucketPolicyStatus") <= 2


def test_buckets_are_read_concurrently_on_a_bounded_pool(
    aws_session: boto3.Session, s3: Any
) -> None:
    names = [f"bucket-{n:02d}" for n in range(20)]
    for name in reversed(names):
        s3.create_bucket(Bucket=name)
    lock, in_flight, peak = threading.Lock(), [0], [0]

    def enter(**_: Any) -> None:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.02)  # hold the call open so that overlapping reads show

    def leave(**_: Any) -> None:
        with lock:
            in_flight[0] -= 1

    aws_session.events.register("before-call.s3.GetBucketAcl", enter)
    aws_session.events.register("after-call.s3.GetBucketAcl", leave)

    snapshot = s3_collector.fetch(aws_session, REGION)

    assert 1 < peak[0] <= s3_collector.BUCKET_WORKERS
    assert [bucket.name for bucket in snapshot.buckets] == names  # sorted, whatever finished first
    assert all(isinstance(bucket.acl, dict) for bucket in snapshot.buckets)
