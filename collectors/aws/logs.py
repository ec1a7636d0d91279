"""CloudWatch Logs: log groups keep their data long enough."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from collectors.readers import api_call, make_result, paginate
from collectors.registry import check, service
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

DESCRIBE_LOG_GROUPS = api_call("logs", "DescribeLogGroups")


@service("logs", Scope.REGIONAL)
def fetch(session: Any, region: str) -> list[dict[str, Any]]:
    return paginate(session.client("logs", region_name=region), "describe_log_groups", "logGroups")


def log_group_arn(group: dict[str, Any]) -> str:
    return group.get("logGroupArn") or group["arn"].removesuffix(":*")


@check(
    "logs_retention",
    title="Log groups retain data for at least N days",
    service="logs",
    resource_type="AWS::Logs::LogGroup",
    severity=Severity.MEDIUM,
    parameters={"log_retention_days": 365},
    criteria=("soc2-2017:CC7.2",),
)
def logs_retention(groups: list[dict[str, Any]], ctx: CheckContext) -> Iterator[CheckResult]:
    minimum = int(ctx.parameters["log_retention_days"])
    if not groups:
        yield make_result(
            "logs_retention",
            ctx,
            ctx.account_id,
            Status.NOT_APPLICABLE,
            f"no log groups in {ctx.region}",
            sources=(DESCRIBE_LOG_GROUPS,),
        )
    for group in groups:
        days = group.get("retentionInDays")
        if days is None:
            status, reason = Status.PASS, f"{group['logGroupName']} never expires its data"
        else:
            status = Status.PASS if days >= minimum else Status.FAIL
            reason = f"{group['logGroupName']} keeps data {days} days (minimum {minimum})"
        yield make_result(
            "logs_retention",
            ctx,
            log_group_arn(group),
            status,
            reason,
            evidence={
                "logGroupName": group["logGroupName"],
                "retentionInDays": days,
            },
            sources=(DESCRIBE_LOG_GROUPS,),
        )
