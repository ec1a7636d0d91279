"""Security Hub: the hub is enabled in every region."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from collectors.readers import api_call, error_code, make_result
from collectors.registry import check, service
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

DESCRIBE_HUB = api_call("securityhub", "DescribeHub")
NOT_SUBSCRIBED = ("InvalidAccessException", "ResourceNotFoundException")


@service("securityhub", Scope.REGIONAL)
def fetch(session: Any, region: str) -> dict[str, Any] | None:
    """The DescribeHub response, or None when the account is not subscribed in the region."""
    client = session.client("securityhub", region_name=region)
    try:
        return client.describe_hub()
    except ClientError as exc:
        if error_code(exc) in NOT_SUBSCRIBED:
            return None
        raise


@check(
    "securityhub_enabled",
    title="Security Hub is enabled",
    service="securityhub",
    resource_type="AWS::SecurityHub::Hub",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:5.16", "soc2-2017:CC7.2"),
)
def securityhub_enabled(hub: dict[str, Any] | None, ctx: CheckContext) -> Iterator[CheckResult]:
    yield make_result(
        "securityhub_enabled",
        ctx,
        hub["HubArn"] if hub else ctx.account_id,
        Status.PASS if hub else Status.FAIL,
        f"Security Hub is enabled in {ctx.region}"
        if hub
        else f"Security Hub is not enabled in {ctx.region}",
        evidence={"DescribeHub": hub},
        sources=(DESCRIBE_HUB,),
    )
