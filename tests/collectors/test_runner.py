"""The runner: faults become ERROR results per unit, a failing check stays contained, and API
calls grow with resources, not with resources x checks."""

from __future__ import annotations

import collections
from typing import Any

import boto3
import botocore.retries.adaptive
import botocore.retries.standard
import pytest

from collectors.registry import CHECKS, SERVICES, ServiceReader, checks_for_service
from collectors.runner import collect_account, collect_unit
from collectors.session import client_config
from collectors.types import CheckSpec, Scope, Severity, Status
from tests.collectors.conftest import ACCOUNT_ID, REGION, AwsHooks


@pytest.fixture
def no_retry_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry at once (no backoff, no adaptive rate limiting): the test counts attempts, it need
    not wait for them."""
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda *a: 0)
    monkeypatch.setattr(
        botocore.retries.adaptive.ClientRateLimiter, "on_sending_request", lambda *a, **k: None
    )


def by_service(results: list[Any]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = collections.defaultdict(list)
    for result in results:
        grouped[CHECKS[result.check_id].service].append(result)
    return grouped


def test_faults_are_contained_per_unit(aws_session, aws_hooks: AwsHooks, no_retry_waits) -> None:
    kms = aws_session.client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.enable_key_rotation(KeyId=key["KeyId"])
    aws_session.client("securityhub").enable_security_hub()

    denied = aws_hooks.fail("guardduty", "ListDetectors", "AccessDeniedException", status=403)
    throttled = aws_hooks.fail("logs", "DescribeLogGroups", "ThrottlingException")
    recovering = aws_hooks.fail("kms", "ListKeys", "ThrottlingException", times=2)
    timed_out = aws_hooks.unreachable("config", "DescribeConfigurationRecorders")

    outcome = collect_account(
        aws_session,
        account_id=ACCOUNT_ID,
        regions=[REGION],
        services=["guardduty", "logs", "kms", "config", "securityhub"],
        client_config=client_config(max_attempts=2),
    )
    results = by_service(outcome.results)

    (guardduty,) = results["guardduty"]
    assert guardduty.status is Status.ERROR
    assert guardduty.reason == "AccessDeniedException: injected by test"
    (logs,) = results["logs"]
    assert logs.status is Status.ERROR
    assert logs.reason == "ThrottlingException: injected by test"
    (config,) = results["config"]
    assert config.status is Status.ERROR
    assert config.reason.startswith("ConnectTimeoutError: Connect timeout on endpoint URL")
    # throttled twice, then answered on the last attempt: normal results
    (kms_result,) = results["kms"]
    assert (kms_result.status, kms_result.resource_id) == (Status.PASS, key["Arn"])
    (hub,) = results["securityhub"]
    assert hub.status is Status.PASS

    # botocore's max_attempts counts retries: 2 retries after the first call
    assert (len(denied), len(throttled), len(recovering), len(timed_out)) == (
        1,  # AccessDenied is not retried
        3,  # throttling is retried
        2,
        3,  # so are connect timeouts
    )
    failed_units = {(e.service, e.region, e.reason[:25]) for e in outcome.errors}
    assert failed_units == {
        ("guardduty", REGION, "AccessDeniedException: in"),
        ("logs", REGION, "ThrottlingException: inje"),
        ("config", REGION, "ConnectTimeoutError: Conn"),
    }
    assert outcome.identity["Account"] == ACCOUNT_ID
    assert outcome.started <= outcome.finished


def test_disabled_region_is_reported(aws_session, aws_hooks: AwsHooks) -> None:
    aws_session.client("securityhub", region_name=REGION).enable_security_hub()
    aws_hooks.fail("securityhub", "DescribeHub", "UnrecognizedClientException", region="ap-east-1")
    outcome = collect_account(
        aws_session, account_id=ACCOUNT_ID, regions=[REGION, "ap-east-1"], services=["securityhub"]
    )
    statuses = {(r.region, r.status) for r in outcome.results}
    assert statuses == {(REGION, Status.PASS), ("ap-east-1", Status.ERROR)}
    (error,) = outcome.errors
    assert error.reason == (
        "UnrecognizedClientException: injected by test (is ap-east-1 enabled for the account?)"
    )


def test_failing_check_becomes_error_result(aws_session, monkeypatch, collect) -> None:
    aws_session.client("logs").create_log_group(logGroupName="app")

    def broken(snapshot: Any, ctx: Any) -> Any:
        yield from ()
        raise KeyError("retentionInDays")

    spec = CheckSpec(
        id="logs_broken",
        title="broken",
        service="logs",
        resource_type="AWS::Logs::LogGroup",
        severity=Severity.LOW,
        evaluate=broken,
    )
    monkeypatch.setitem(CHECKS, spec.id, spec)
    collected = collect("logs")
    (error,) = collected["logs_broken"].values()
    assert error.status is Status.ERROR
    assert error.reason == "check failed: KeyError: 'retentionInDays'"
    assert len(collected["logs_retention"]) == 1  # the other check of the service is unaffected


def test_failing_reader_becomes_error_results(aws_session, monkeypatch) -> None:
    def broken(session: Any, region: str) -> Any:
        raise ValueError("unexpected response shape")

    monkeypatch.setitem(SERVICES, "logs", ServiceReader("logs", Scope.REGIONAL, broken))
    (result,) = collect_unit(aws_session, "logs", REGION, account_id=ACCOUNT_ID)
    assert result.status is Status.ERROR
    assert result.reason == "read failed: ValueError: unexpected response shape"


# --- API calls grow with resources -------------------------------------------------------------

COUNTED_SERVICES = ["iam", "logs", "ec2", "s3"]


def seed(session: boto3.Session, start: int, stop: int) -> None:
    iam, logs = session.client("iam"), session.client("logs")
    ec2, s3 = session.client("ec2"), session.client("s3")
    vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    for n in range(start, stop):
        iam.create_user(UserName=f"user-{n}")
        iam.create_access_key(UserName=f"user-{n}")
        logs.create_log_group(logGroupName=f"group-{n}")
        ec2.create_security_group(GroupName=f"sg-{n}", Description="counted", VpcId=vpc_id)
        s3.create_bucket(Bucket=f"bucket-{n}")


def count_calls(session: boto3.Session, **kwargs: Any) -> collections.Counter[str]:
    calls: collections.Counter[str] = collections.Counter()

    def count(model: Any, **_: Any) -> None:
        calls[model.service_model.service_name] += 1

    session.events.register("before-call", count)
    try:
        collect_account(session, account_id=ACCOUNT_ID, regions=[REGION], **kwargs)
    finally:
        session.events.unregister("before-call", count)
    return calls


def test_calls_grow_with_resources_not_checks(aws_session) -> None:
    services = [s for s in COUNTED_SERVICES if s in SERVICES]
    counts = []
    for start, stop in ((0, 0), (0, 50), (50, 100)):
        seed(aws_session, start, stop)
        counts.append(count_calls(aws_session, services=services))
    per_resource: dict[str, list[float]] = {}
    for service in services:
        first, second = (
            counts[1][service] - counts[0][service],
            counts[2][service] - counts[1][service],
        )
        per_resource[service] = [first / 50, second / 50]
        # linear: the second 50 resources cost what the first 50 did (pagination may add a page)
        assert abs(second - first) <= 2, (service, counts)
    # 21 IAM checks, one call per user (ListAccessKeys for users with an active key)
    assert len(checks_for_service("iam")) == 21
    assert per_resource["iam"] == [1.0, 1.0]

    # evaluating one check or all of them makes the same calls: the checks share one read
    one_check = count_calls(aws_session, services=["iam"], check_ids=["iam_user_console_mfa"])
    assert one_check["iam"] == counts[2]["iam"]
