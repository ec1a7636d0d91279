"""Service limits: usage against quotas, from Trusted Advisor or from Service Quotas + CloudWatch.

Trusted Advisor (global unit ``trusted_advisor``): its "service_limits" checks list each limit
with region, limit and current usage. The AWS Support API needs a Business, Enterprise On-Ramp or
Enterprise plan; on other plans it answers SubscriptionRequiredException and the check reports
NOT_APPLICABLE, naming the fallback.

Service Quotas (regional unit ``servicequotas``): first one DescribeTrustedAdvisorChecks probe;
when Trusted Advisor answers, the region is left to it (no further calls). Otherwise, for the
services in SERVICE_CODES, ListServiceQuotas (quotas whose usage CloudWatch publishes carry a
UsageMetric) and one GetMetricData per 500 quotas for the last day's usage. A quota whose usage
cannot be read is an ERROR; a usage metric with no datapoints means nothing was used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from collectors.readers import (
    ReadError,
    api_call,
    error_code,
    error_reason,
    guarded,
    jsonable,
    make_result,
    paginate,
)
from collectors.registry import check, service
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

SUPPORT_REGION = "us-east-1"  # the AWS Support API has one endpoint
NO_SUBSCRIPTION = "SubscriptionRequiredException"
SERVICE_CODES = ("ec2", "vpc", "ebs", "elasticloadbalancing", "rds", "lambda", "dynamodb")
THRESHOLD = {"service_limit_threshold_percent": 80}
METRIC_BATCH = 500  # GetMetricData's maximum queries per call
USAGE_WINDOW = dt.timedelta(days=1)
DESCRIBE_CHECKS = api_call("support", "DescribeTrustedAdvisorChecks", language="en")
SOC2 = ("soc2-2017:A1.1",)
REMEDIATION = (
    "Request a quota increase (Service Quotas request-service-quota-increase) before usage "
    "reaches the limit, or reduce usage; add a CloudWatch alarm on the quota's usage metric."
)


@dataclass(frozen=True)
class TrustedAdvisorSnapshot:
    unavailable: str | None  # why the Support API cannot be used (no subscription), else None
    checks: list[dict[str, Any]]  # service_limits checks from DescribeTrustedAdvisorChecks
    results: dict[str, dict[str, Any] | ReadError]  # check id -> DescribeTrustedAdvisorCheckResult


def _limit_checks(support: Any) -> list[dict[str, Any]]:
    checks = support.describe_trusted_advisor_checks(language="en")["checks"]
    return [jsonable(c) for c in checks if c.get("category") == "service_limits"]


@service("trusted_advisor", Scope.GLOBAL)
def fetch_trusted_advisor(session: Any, region: str) -> TrustedAdvisorSnapshot:
    support = session.client("support", region_name=SUPPORT_REGION)
    try:
        checks = _limit_checks(support)
    except ClientError as exc:
        if error_code(exc) == NO_SUBSCRIPTION:
            return TrustedAdvisorSnapshot(unavailable=error_reason(exc), checks=[], results={})
        raise
    results: dict[str, dict[str, Any] | ReadError] = {}
    for index, ta_check in enumerate(checks):
        check_id = ta_check["id"]

        def read(check_id: str = check_id) -> dict[str, Any]:
            response = support.describe_trusted_advisor_check_result(
                checkId=check_id, language="en"
            )
            return jsonable(response["result"])

        # The first read is unguarded: if it fails the API is unusable, and the unit reports one
        # ERROR instead of one per limit check; later failures are that check's ERROR.
        results[check_id] = read() if index == 0 else guarded(_result_call(check_id), read)
    return TrustedAdvisorSnapshot(unavailable=None, checks=checks, results=results)


def _result_call(check_id: str) -> Any:
    return api_call("support", "DescribeTrustedAdvisorCheckResult", checkId=check_id, language="en")


def _percent(usage: float, limit: float) -> float | None:
    return None if limit <= 0 else round(usage / limit * 100, 1)


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _limit_verdict(
    usage: float | None, limit: float | None, threshold: float
) -> tuple[Status, str]:
    if usage is None or limit is None:
        return Status.ERROR, f"usage {usage} or limit {limit} is not a number"
    percent = _percent(usage, limit)
    if percent is None:
        return Status.FAIL, f"limit is {limit:g}: any use exceeds it"
    status = Status.FAIL if percent >= threshold else Status.PASS
    return status, f"{usage:g} of {limit:g} used ({percent}%, threshold {threshold:g}%)"


@check(
    "trusted_advisor_service_limits",
    title="Trusted Advisor: usage stays below the service-limit threshold",
    service="trusted_advisor",
    resource_type="AWS::TrustedAdvisor::ServiceLimit",
    severity=Severity.MEDIUM,
    parameters=THRESHOLD,
    criteria=SOC2,
    remediation=REMEDIATION,
)
def trusted_advisor_limits(
    snapshot: TrustedAdvisorSnapshot, ctx: CheckContext
) -> Iterator[CheckResult]:
    threshold = float(ctx.parameters["service_limit_threshold_percent"])
    if snapshot.unavailable:
        reason = (
            f"Trusted Advisor API unavailable ({snapshot.unavailable}); see servicequotas_usage"
        )
        yield make_result(
            "trusted_advisor_service_limits",
            ctx,
            ctx.account_id,
            Status.NOT_APPLICABLE,
            reason,
            sources=(DESCRIBE_CHECKS,),
        )
        return
    for ta_check in snapshot.checks:
        result = snapshot.results.get(ta_check["id"])
        sources = (DESCRIBE_CHECKS, _result_call(ta_check["id"]))
        if isinstance(result, ReadError) or result is None:
            why = result.reason if result else "no result"
            reason = f"could not read DescribeTrustedAdvisorCheckResult: {why}"
            yield make_result(
                "trusted_advisor_service_limits",
                ctx,
                f"{ctx.account_id}:{ta_check['id']}",
                Status.ERROR,
                reason,
                sources=sources,
            )
            continue
        names = [str(m).lower() for m in ta_check.get("metadata", [])]
        for row in result.get("flaggedResources", []):
            fields = dict(zip(names, row.get("metadata") or [], strict=False))
            status, reason = _limit_verdict(
                _number(fields.get("current usage")), _number(fields.get("limit amount")), threshold
            )
            label = f"{fields.get('service')} {fields.get('limit name')} in {fields.get('region')}"
            yield make_result(
                "trusted_advisor_service_limits",
                ctx,
                f"{ctx.account_id}:{ta_check['id']}:{row.get('resourceId')}",
                status,
                f"{label}: {reason}",
                evidence={
                    "check": ta_check.get("name"),
                    "limit": fields,
                    "status": row.get("status"),
                },
                sources=sources,
                region=str(fields.get("region") or ctx.region),
            )


# --- Service Quotas + CloudWatch ------------------------------------------------------------


@dataclass(frozen=True)
class QuotaSnapshot:
    trusted_advisor: bool  # True: Trusted Advisor answers for this account, nothing read here
    probe: str | None  # why the Trusted Advisor probe failed
    quotas: list[dict[str, Any]] | ReadError  # ListServiceQuotas items that have a UsageMetric
    usage: dict[str, float | None] | ReadError  # quota index -> max usage in the window


def _ta_answers(session: Any) -> tuple[bool, str | None]:
    try:
        session.client("support", region_name=SUPPORT_REGION).describe_trusted_advisor_checks(
            language="en"
        )
    except ClientError as exc:
        return False, error_reason(exc)
    return True, None


@service("servicequotas", Scope.REGIONAL)
def fetch_service_quotas(session: Any, region: str) -> QuotaSnapshot:
    answers, probe = _ta_answers(session)
    if answers:
        return QuotaSnapshot(trusted_advisor=True, probe=None, quotas=[], usage={})
    quotas = guarded(
        api_call("service-quotas", "ListServiceQuotas"), lambda: _quotas(session, region)
    )
    if isinstance(quotas, ReadError):
        return QuotaSnapshot(trusted_advisor=False, probe=probe, quotas=quotas, usage={})
    usage = guarded(
        api_call("cloudwatch", "GetMetricData"), lambda: _usage(session, region, quotas)
    )
    return QuotaSnapshot(trusted_advisor=False, probe=probe, quotas=quotas, usage=usage)


def _quotas(session: Any, region: str) -> list[dict[str, Any]]:
    client = session.client("service-quotas", region_name=region)
    found = []
    for code in SERVICE_CODES:
        quotas = paginate(client, "list_service_quotas", "Quotas", ServiceCode=code)
        found.extend(jsonable(q) for q in quotas if (q.get("UsageMetric") or {}).get("MetricName"))
    return found


def _query(index: int, quota: Mapping[str, Any]) -> dict[str, Any]:
    metric = quota["UsageMetric"]
    dimensions = [
        {"Name": k, "Value": v} for k, v in (metric.get("MetricDimensions") or {}).items()
    ]
    return {
        "Id": f"q{index}",
        "MetricStat": {
            "Metric": {
                "Namespace": metric["MetricNamespace"],
                "MetricName": metric["MetricName"],
                "Dimensions": dimensions,
            },
            "Period": 3600,
            "Stat": metric.get("MetricStatisticRecommendation") or "Maximum",
        },
        "ReturnData": True,
    }


def _usage(session: Any, region: str, quotas: list[dict[str, Any]]) -> dict[str, float | None]:
    cloudwatch = session.client("cloudwatch", region_name=region)
    end = dt.datetime.now(dt.UTC)
    queries = [_query(i, q) for i, q in enumerate(quotas)]
    usage: dict[str, float | None] = {}
    for start in range(0, len(queries), METRIC_BATCH):
        batch = queries[start : start + METRIC_BATCH]
        results = paginate(
            cloudwatch,
            "get_metric_data",
            "MetricDataResults",
            MetricDataQueries=batch,
            StartTime=end - USAGE_WINDOW,
            EndTime=end,
        )
        for result in results:
            values = [float(v) for v in result.get("Values", [])]
            previous = usage.get(result["Id"])
            best = max(values) if values else None
            usage[result["Id"]] = best if previous is None else max(previous, best or previous)
    return usage


@check(
    "servicequotas_usage",
    title="Service Quotas: usage stays below the threshold of each quota",
    service="servicequotas",
    resource_type="AWS::ServiceQuotas::Quota",
    severity=Severity.MEDIUM,
    parameters=THRESHOLD,
    criteria=SOC2,
    remediation=REMEDIATION,
)
def quota_usage(snapshot: QuotaSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    threshold = float(ctx.parameters["service_limit_threshold_percent"])
    if snapshot.trusted_advisor:
        reason = "Trusted Advisor answers for this account: see trusted_advisor_service_limits"
        yield make_result(
            "servicequotas_usage",
            ctx,
            f"{ctx.account_id}:{ctx.region}:service-quotas",
            Status.NOT_APPLICABLE,
            reason,
            sources=(DESCRIBE_CHECKS,),
        )
        return
    if isinstance(snapshot.quotas, ReadError):
        reason = f"could not read ListServiceQuotas: {snapshot.quotas.reason}"
        yield make_result(
            "servicequotas_usage",
            ctx,
            f"{ctx.account_id}:{ctx.region}:service-quotas",
            Status.ERROR,
            reason,
            sources=(snapshot.quotas.source,),
        )
        return
    for index, quota in enumerate(snapshot.quotas):
        label = f"{quota.get('ServiceCode')} {quota.get('QuotaName')}"
        if isinstance(snapshot.usage, ReadError):
            status, reason = Status.ERROR, f"could not read GetMetricData: {snapshot.usage.reason}"
        elif (used := snapshot.usage.get(f"q{index}")) is None:
            status, reason = Status.PASS, "no usage reported in the last day"
        else:
            status, reason = _limit_verdict(used, _number(quota.get("Value")), threshold)
        yield make_result(
            "servicequotas_usage",
            ctx,
            quota.get("QuotaArn") or f"{ctx.account_id}:{quota.get('QuotaCode')}",
            status,
            f"{label}: {reason}",
            evidence={"quota": quota, "trusted_advisor_probe": snapshot.probe},
            sources=(
                api_call(
                    "service-quotas", "ListServiceQuotas", ServiceCode=quota.get("ServiceCode")
                ),
                api_call("cloudwatch", "GetMetricData"),
            ),
        )
