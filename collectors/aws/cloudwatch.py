"""The CIS metric-filter alarms, as one table-driven check.

For each CIS event pattern: a multi-region trail that is logging all management events delivers
to a CloudWatch Logs group; that group has a metric filter whose pattern is the CIS pattern; an
alarm watches the filter's metric; the alarm notifies an SNS topic with a confirmed subscription.
Read once per account: the trails, then per log group its metric filters, the alarms on those
metrics and the subscriptions of the alarms' topics.
"""

from __future__ import annotations

import re
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
from collectors.readers import ReadError, api_call, guarded, make_result, paginate
from collectors.registry import check, service
from collectors.types import ApiCall, CheckContext, CheckResult, Scope, Severity, Status

DESCRIBE_TRAILS = api_call("cloudtrail", "DescribeTrails", includeShadowTrails=True)
UNCONFIRMED_SUBSCRIPTIONS = ("PendingConfirmation", "Deleted")


def _any_event(*names: str) -> str:
    return "{ " + " || ".join(f"($.eventName = {name})" for name in names) + " }"


def _source_events(source: str, *names: str) -> str:
    events = " || ".join(f"($.eventName = {name})" for name in names)
    return f"{{ ($.eventSource = {source}) && ({events}) }}"


ROUTE_EVENTS = (
    "CreateRoute",
    "CreateRouteTable",
    "ReplaceRoute",
    "ReplaceRouteTableAssociation",
    "DeleteRouteTable",
    "DeleteRoute",
    "DisassociateRouteTable",
)
UNAUTHORIZED = '($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")'
CONSOLE_NO_MFA = '($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes")'

# name -> (what it watches, accepted CIS patterns). Later CIS versions narrowed some patterns;
# every published form is accepted.
CIS_PATTERNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "unauthorized_api_calls": (
        "unauthorized API calls",
        (
            f"{{ {UNAUTHORIZED} }}",
            f'{{ {UNAUTHORIZED} && ($.sourceIPAddress != "delivery.logs.amazonaws.com") '
            '&& ($.eventName != "HeadBucket") }',
        ),
    ),
    "console_no_mfa": (
        "console sign-in without MFA",
        (
            f"{{ {CONSOLE_NO_MFA} }}",
            f'{{ {CONSOLE_NO_MFA} && ($.userIdentity.type = "IAMUser") '
            '&& ($.responseElements.ConsoleLogin = "Success") }',
        ),
    ),
    "root_usage": (
        "use of the root user",
        (
            '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
            '&& $.eventType != "AwsServiceEvent" }',
        ),
    ),
    "iam_policy_changes": (
        "IAM policy changes",
        (
            _any_event(
                "DeleteGroupPolicy",
                "DeleteRolePolicy",
                "DeleteUserPolicy",
                "PutGroupPolicy",
                "PutRolePolicy",
                "PutUserPolicy",
                "CreatePolicy",
                "DeletePolicy",
                "CreatePolicyVersion",
                "DeletePolicyVersion",
                "AttachRolePolicy",
                "DetachRolePolicy",
                "AttachUserPolicy",
                "DetachUserPolicy",
                "AttachGroupPolicy",
                "DetachGroupPolicy",
            ),
        ),
    ),
    "cloudtrail_changes": (
        "CloudTrail configuration changes",
        (_any_event("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),),
    ),
    "console_auth_failures": (
        "console authentication failures",
        ('{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',),
    ),
    "cmk_disable_deletion": (
        "disabling or scheduled deletion of customer managed keys",
        (_source_events("kms.amazonaws.com", "DisableKey", "ScheduleKeyDeletion"),),
    ),
    "s3_policy_changes": (
        "S3 bucket policy changes",
        (
            _source_events(
                "s3.amazonaws.com",
                "PutBucketAcl",
                "PutBucketPolicy",
                "PutBucketCors",
                "PutBucketLifecycle",
                "PutBucketReplication",
                "DeleteBucketPolicy",
                "DeleteBucketCors",
                "DeleteBucketLifecycle",
                "DeleteBucketReplication",
            ),
        ),
    ),
    "config_changes": (
        "AWS Config configuration changes",
        (
            _source_events(
                "config.amazonaws.com",
                "StopConfigurationRecorder",
                "DeleteDeliveryChannel",
                "PutDeliveryChannel",
                "PutConfigurationRecorder",
            ),
        ),
    ),
    "security_group_changes": (
        "security group changes",
        (
            _any_event(
                "AuthorizeSecurityGroupIngress",
                "AuthorizeSecurityGroupEgress",
                "RevokeSecurityGroupIngress",
                "RevokeSecurityGroupEgress",
                "CreateSecurityGroup",
                "DeleteSecurityGroup",
            ),
        ),
    ),
    "nacl_changes": (
        "network ACL changes",
        (
            _any_event(
                "CreateNetworkAcl",
                "CreateNetworkAclEntry",
                "DeleteNetworkAcl",
                "DeleteNetworkAclEntry",
                "ReplaceNetworkAclEntry",
                "ReplaceNetworkAclAssociation",
            ),
        ),
    ),
    "network_gateway_changes": (
        "network gateway changes",
        (
            _any_event(
                "CreateCustomerGateway",
                "DeleteCustomerGateway",
                "AttachInternetGateway",
                "CreateInternetGateway",
                "DeleteInternetGateway",
                "DetachInternetGateway",
            ),
        ),
    ),
    "route_table_changes": (
        "route table changes",
        (_any_event(*ROUTE_EVENTS), _source_events("ec2.amazonaws.com", *ROUTE_EVENTS)),
    ),
    "vpc_changes": (
        "VPC changes",
        (
            _any_event(
                "CreateVpc",
                "DeleteVpc",
                "ModifyVpcAttribute",
                "AcceptVpcPeeringConnection",
                "CreateVpcPeeringConnection",
                "DeleteVpcPeeringConnection",
                "RejectVpcPeeringConnection",
                "AttachClassicLinkVpc",
                "DetachClassicLinkVpc",
                "DisableVpcClassicLink",
                "EnableVpcClassicLink",
            ),
        ),
    ),
    "organizations_changes": (
        "AWS Organizations changes",
        (
            _source_events(
                "organizations.amazonaws.com",
                "AcceptHandshake",
                "AttachPolicy",
                "CreateAccount",
                "CreateOrganizationalUnit",
                "CreatePolicy",
                "DeclineHandshake",
                "DeleteOrganization",
                "DeleteOrganizationalUnit",
                "DeletePolicy",
                "DetachPolicy",
                "DisablePolicyType",
                "EnablePolicyType",
                "InviteAccountToOrganization",
                "LeaveOrganization",
                "MoveAccount",
                "RemoveAccountFromOrganization",
                "UpdatePolicy",
                "UpdateOrganizationalUnit",
            ),
        ),
    ),
}


# --- pattern matching ------------------------------------------------------------------------

Node = str | tuple[str, frozenset[Any]]
TOKEN = re.compile(r"\(|\)|&&|\|\||[^()&|]+")


def canonical_pattern(pattern: str) -> Node | None:
    """An order- and grouping-insensitive form of a filter pattern (None if it does not parse).

    Whitespace and double quotes are dropped (CIS versions differ in both), and terms joined by
    the same operator compare as a set, so reordered or re-parenthesised patterns still match.
    """
    text = re.sub(r"\s+", "", pattern).replace('"', "")
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    tokens = TOKEN.findall(text)
    try:
        node, rest = _parse_or(tokens)
    except (IndexError, ValueError):
        return None
    return node if not rest else None


def _join(operator: str, children: list[Node]) -> Node:
    flat: set[Node] = set()
    for child in children:
        if isinstance(child, tuple) and child[0] == operator:
            flat.update(child[1])
        else:
            flat.add(child)
    return next(iter(flat)) if len(flat) == 1 else (operator, frozenset(flat))


def _parse_or(tokens: list[str]) -> tuple[Node, list[str]]:
    node, tokens = _parse_and(tokens)
    children = [node]
    while tokens and tokens[0] == "||":
        node, tokens = _parse_and(tokens[1:])
        children.append(node)
    return _join("||", children), tokens


def _parse_and(tokens: list[str]) -> tuple[Node, list[str]]:
    node, tokens = _parse_term(tokens)
    children = [node]
    while tokens and tokens[0] == "&&":
        node, tokens = _parse_term(tokens[1:])
        children.append(node)
    return _join("&&", children), tokens


def _parse_term(tokens: list[str]) -> tuple[Node, list[str]]:
    if tokens[0] == "(":
        node, rest = _parse_or(tokens[1:])
        if not rest or rest[0] != ")":
            raise ValueError("unbalanced parentheses")
        return node, rest[1:]
    if tokens[0] in (")", "&&", "||"):
        raise ValueError(f"unexpected {tokens[0]}")
    return tokens[0], tokens[1:]


CANONICAL_PATTERNS = {
    name: {canonical_pattern(p) for p in patterns} for name, (_, patterns) in CIS_PATTERNS.items()
}


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


# name -> the CIS AWS Foundations v7.0.0 recommendation the alarm answers.
CIS_7_REFS = {
    "unauthorized_api_calls": "5.1",
    "console_no_mfa": "5.2",
    "root_usage": "5.3",
    "iam_policy_changes": "5.4",
    "cloudtrail_changes": "5.5",
    "console_auth_failures": "5.6",
    "cmk_disable_deletion": "5.7",
    "s3_policy_changes": "5.8",
    "config_changes": "5.9",
    "security_group_changes": "5.10",
    "nacl_changes": "5.11",
    "network_gateway_changes": "5.12",
    "route_table_changes": "5.13",
    "vpc_changes": "5.14",
    "organizations_changes": "5.15",
}


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
