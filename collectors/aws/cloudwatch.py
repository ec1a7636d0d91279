"""The CIS metric-filter alarms, as one table-driven check.

For each CIS event pattern: a multi-region trail that is logging all management events delivers
to a CloudWatch Logs group; that group has a metric filter whose pattern is the CIS pattern; an
alarm watches the filter's metric; the alarm notifies an SNS topic with a confirmed subscription.
Read once per account: the trails, then per log group its metric filters, the alarms on those
metrics and the subscriptions of the alarms' topics. The CIS patterns themselves, and how a
filter's pattern is compared with them, are in ``cloudwatch_patterns``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from collectors.aws.cloudtrail import (
    Trail,
    logging_trail_problems,
    read_trail,
    trail_evidence,
    trail_sources,
)
from collectors.aws.cloudwatch_patterns import (
    CANONICAL_PATTERNS,
    CIS_7_REFS,
    CIS_PATTERNS,
    canonical_pattern,
)
from collectors.readers import ReadError, api_call, guarded, make_result, paginate
from collectors.registry import check, service
from collectors.types import ApiCall, CheckContext, CheckResult, Scope, Severity, Status

DESCRIBE_TRAILS = api_call("cloudtrail", "DescribeTrails", includeShadowTrails=True)
UNCONFIRMED_SUBSCRIPTIONS = ("PendingConfirmation", "Deleted")

# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogGroupMonitoring:
    arn: str
    region: str
    name: str
    metric_filters: list[dict[str, Any]] | ReadError
    alarms: dict[tuple[str, str], list[dict[str, Any]]] | ReadError  # (namespace, metric) -> alarms
    subscriptions: dict[str, list[dict[str, Any]] | ReadError]  # topic ARN -> subscriptions


@dataclass(frozen=True)
class CloudWatchSnapshot:
    trails: list[Trail]  # multi-region trails that deliver to CloudWatch Logs
    log_groups: dict[str, LogGroupMonitoring]  # log group ARN -> its monitoring


class _Clients:
    """One client per (service, region) for the duration of a fetch."""

    def __init__(self, session: Any) -> None:
        self._session = session
        self._clients: dict[tuple[str, str], Any] = {}

    def get(self, service_name: str, region: str) -> Any:
        key = (service_name, region)
        if key not in self._clients:
            self._clients[key] = self._session.client(service_name, region_name=region)
        return self._clients[key]


def _log_group_arn(arn: str) -> str:
    return arn.removesuffix(":*")


def _read_alarms(
    cloudwatch: Any, filters: list[dict[str, Any]]
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    metrics = {
        (t["metricNamespace"], t["metricName"])
        for metric_filter in filters
        for t in metric_filter.get("metricTransformations", [])
    }
    return {
        (namespace, metric): cloudwatch.describe_alarms_for_metric(
            MetricName=metric, Namespace=namespace
        )["MetricAlarms"]
        for namespace, metric in sorted(metrics)
    }


def _alarm_topics(alarms: dict[tuple[str, str], list[dict[str, Any]]]) -> set[str]:
    return {
        action
        for metric_alarms in alarms.values()
        for alarm in metric_alarms
        for action in alarm.get("AlarmActions", [])
        if action.startswith("arn:aws:sns:")
    }


def _read_log_group(clients: _Clients, log_group_arn: str) -> LogGroupMonitoring:
    parts = log_group_arn.split(":")
    region, name = parts[3], parts[6]
    logs, cloudwatch = clients.get("logs", region), clients.get("cloudwatch", region)
    filters = guarded(
        api_call("logs", "DescribeMetricFilters", logGroupName=name),
        lambda: paginate(logs, "describe_metric_filters", "metricFilters", logGroupName=name),
    )
    alarms = (
        filters
        if isinstance(filters, ReadError)
        else guarded(
            api_call("cloudwatch", "DescribeAlarmsForMetric"),
            lambda: _read_alarms(cloudwatch, filters),
        )
    )
    topics = set() if isinstance(alarms, ReadError) else _alarm_topics(alarms)
    return LogGroupMonitoring(
        arn=log_group_arn,
        region=region,
        name=name,
        metric_filters=filters,
        alarms=alarms,
        subscriptions={topic: _read_subscriptions(clients, topic) for topic in sorted(topics)},
    )


def _read_subscriptions(clients: _Clients, topic_arn: str) -> list[dict[str, Any]] | ReadError:
    sns = clients.get("sns", topic_arn.split(":")[3])
    return guarded(
        api_call("sns", "ListSubscriptionsByTopic", TopicArn=topic_arn),
        lambda: paginate(sns, "list_subscriptions_by_topic", "Subscriptions", TopicArn=topic_arn),
    )


@service("cloudwatch", Scope.GLOBAL)
def fetch(session: Any, region: str) -> CloudWatchSnapshot:
    clients = _Clients(session)
    described = clients.get("cloudtrail", region).describe_trails(includeShadowTrails=True)[
        "trailList"
    ]
    trails = [
        read_trail(clients.get("cloudtrail", d["HomeRegion"]), d)
        for d in described
        if d.get("IsMultiRegionTrail") and d.get("CloudWatchLogsLogGroupArn")
    ]
    group_arns = sorted(
        {_log_group_arn(t.description["CloudWatchLogsLogGroupArn"]) for t in trails}
    )
    return CloudWatchSnapshot(
        trails=trails, log_groups={arn: _read_log_group(clients, arn) for arn in group_arns}
    )


# --- evaluation ------------------------------------------------------------------------------


class Finding(NamedTuple):
    rank: int  # how far along filter -> alarm -> topic a log group got; the best one is reported
    status: Status
    reason: str
    resource_id: str
    evidence: dict[str, Any]


FILTER_MISSING, ALARM_MISSING, TOPIC_MISSING, UNREADABLE, MONITORED = range(5)


def _confirmed(subscriptions: list[dict[str, Any]] | ReadError | None) -> list[dict[str, Any]]:
    if not isinstance(subscriptions, list):
        return []
    return [s for s in subscriptions if s.get("SubscriptionArn") not in UNCONFIRMED_SUBSCRIPTIONS]


def _alarm_finding(
    group: LogGroupMonitoring, metric_filter: dict[str, Any], alarm: dict[str, Any]
) -> Finding:
    filter_id = f"{group.arn}:metric-filter:{metric_filter['filterName']}"
    evidence = {"metric_filter": metric_filter, "alarm": alarm}
    topics = [a for a in alarm.get("AlarmActions", []) if a.startswith("arn:aws:sns:")]
    for topic in topics:
        subscriptions = group.subscriptions.get(topic)
        if isinstance(subscriptions, ReadError):
            return Finding(
                UNREADABLE,
                Status.ERROR,
                f"could not read subscriptions of {topic}: {subscriptions.reason}",
                filter_id,
                evidence,
            )
        confirmed = _confirmed(subscriptions)
        if confirmed:
            reason = (
                f"metric filter {metric_filter['filterName']} on {group.name} feeds alarm "
                f"{alarm['AlarmName']}, which notifies {topic} ({len(confirmed)} subscription(s))"
            )
            return Finding(
                MONITORED,
                Status.PASS,
                reason,
                filter_id,
                {**evidence, "topic": topic, "subscriptions": confirmed},
            )
    return Finding(
        TOPIC_MISSING,
        Status.FAIL,
        f"alarm {alarm['AlarmName']} on metric filter {metric_filter['filterName']} "
        "notifies no SNS topic with a confirmed subscription",
        filter_id,
        evidence,
    )


def _filter_findings(
    group: LogGroupMonitoring,
    alarms_by_metric: dict[tuple[str, str], list[dict[str, Any]]],
    metric_filter: dict[str, Any],
) -> Iterator[Finding]:
    alarms = [
        alarm
        for t in metric_filter.get("metricTransformations", [])
        for alarm in alarms_by_metric.get((t["metricNamespace"], t["metricName"]), [])
    ]
    if not alarms:
        yield Finding(
            ALARM_MISSING,
            Status.FAIL,
            f"metric filter {metric_filter['filterName']} on {group.name} has no alarm",
            f"{group.arn}:metric-filter:{metric_filter['filterName']}",
            {"metric_filter": metric_filter},
        )
    for alarm in alarms:
        yield _alarm_finding(group, metric_filter, alarm)


def _unreadable(group: LogGroupMonitoring, error: ReadError) -> Finding:
    reason = f"could not read {error.source.operation} for {group.name}: {error.reason}"
    return Finding(UNREADABLE, Status.ERROR, reason, group.arn, {})


def _group_findings(name: str, group: LogGroupMonitoring) -> Iterator[Finding]:
    filters, alarms = group.metric_filters, group.alarms
    if isinstance(filters, ReadError):
        yield _unreadable(group, filters)
        return
    if isinstance(alarms, ReadError):
        yield _unreadable(group, alarms)
        return
    accepted = CANONICAL_PATTERNS[name]
    matching = [f for f in filters if canonical_pattern(f.get("filterPattern", "")) in accepted]
    if not matching:
        yield Finding(
            FILTER_MISSING,
            Status.FAIL,
            f"log group {group.name} has no metric filter for {CIS_PATTERNS[name][0]}",
            group.arn,
            {"metric_filters": filters},
        )
    for metric_filter in matching:
        yield from _filter_findings(group, alarms, metric_filter)


def _sources(snapshot: CloudWatchSnapshot) -> tuple[ApiCall, ...]:
    sources: list[ApiCall] = [DESCRIBE_TRAILS]
    for trail in snapshot.trails:
        sources.extend(trail_sources(trail)[1:])
    for group in snapshot.log_groups.values():
        sources.append(api_call("logs", "DescribeMetricFilters", logGroupName=group.name))
        sources.append(api_call("cloudwatch", "DescribeAlarmsForMetric"))
        sources.extend(
            api_call("sns", "ListSubscriptionsByTopic", TopicArn=t) for t in group.subscriptions
        )
    return tuple(sources)


def _evaluate(
    name: str, check_id: str, snapshot: CloudWatchSnapshot, ctx: CheckContext
) -> CheckResult:
    logging_trails = [t for t in snapshot.trails if not logging_trail_problems(t)]
    if not logging_trails:
        return make_result(
            check_id,
            ctx,
            ctx.account_id,
            Status.FAIL,
            "no multi-region trail that logs all management events delivers to CloudWatch Logs",
            evidence={"trails": [trail_evidence(t) for t in snapshot.trails]},
            sources=_sources(snapshot),
        )
    groups = {_log_group_arn(t.description["CloudWatchLogsLogGroupArn"]) for t in logging_trails}
    best = max(
        (
            finding
            for arn in sorted(groups)
            for finding in _group_findings(name, snapshot.log_groups[arn])
        ),
        key=lambda finding: finding.rank,
    )
    region = best.resource_id.split(":")[3] if best.resource_id.startswith("arn:") else None
    return make_result(
        check_id,
        ctx,
        best.resource_id,
        best.status,
        best.reason,
        evidence=best.evidence,
        sources=_sources(snapshot),
        region=region,
    )


def _register(name: str, watched: str) -> None:
    check_id = f"cloudwatch_alarm_{name}"

    def evaluate(snapshot: CloudWatchSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
        yield _evaluate(name, check_id, snapshot, ctx)

    check(
        check_id,
        title=f"A log metric filter and alarm exist for {watched}",
        service="cloudwatch",
        resource_type="AWS::Logs::MetricFilter",
        severity=Severity.MEDIUM,
        criteria=(f"cis-aws-7.0.0:{CIS_7_REFS[name]}", "soc2-2017:CC7.2", "soc2-2017:CC7.3"),
    )(evaluate)


for _name, (_watched, _) in CIS_PATTERNS.items():
    _register(_name, _watched)
