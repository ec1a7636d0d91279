"""ELBv2: application and network load balancers of one region and their listeners.

One paginated DescribeLoadBalancers, then DescribeListeners per load balancer; a failure there is
that load balancer's ERROR. Gateway load balancers are skipped: their listeners carry no
protocol (GENEVE traffic is not client-facing).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from collectors.readers import ReadError, api_call, guarded, jsonable, paginate
from collectors.registry import check, service
from collectors.types import ApiCall, CheckContext, CheckResult, Scope, Severity, Status

SERVICE = "elbv2"
LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
TLS_PROTOCOLS = {"HTTPS", "TLS"}
CHECKED_TYPES = {"application", "network"}


@dataclass(frozen=True)
class LoadBalancer:
    description: dict[str, Any]
    listeners: list[dict[str, Any]] | ReadError  # DescribeListeners, all pages
    attributes: list[dict[str, Any]] | ReadError | None = None  # DescribeLoadBalancerAttributes


@dataclass(frozen=True)
class Elbv2Snapshot:
    region: str
    load_balancers: tuple[LoadBalancer, ...]
    load_balancers_call: ApiCall


@service(SERVICE, Scope.REGIONAL)
def fetch(session: Any, region: str) -> Elbv2Snapshot:
    client = session.client("elbv2", region_name=region)
    described = paginate(client, "describe_load_balancers", "LoadBalancers")
    return Elbv2Snapshot(
        region=region,
        load_balancers=tuple(
            _read_listeners(client, jsonable(lb)) for lb in described if lb["Type"] in CHECKED_TYPES
        ),
        load_balancers_call=api_call(SERVICE, "DescribeLoadBalancers"),
    )


def _listeners_call(lb_arn: str) -> ApiCall:
    return api_call(SERVICE, "DescribeListeners", LoadBalancerArn=lb_arn)


def _read_listeners(client: Any, lb: dict[str, Any]) -> LoadBalancer:
    lb_arn = lb["LoadBalancerArn"]
    listeners = guarded(
        _listeners_call(lb_arn),
        lambda: jsonable(
            paginate(client, "describe_listeners", "Listeners", LoadBalancerArn=lb_arn)
        ),
    )
    attributes = guarded(
        attributes_call(lb_arn),
        lambda: jsonable(
            client.describe_load_balancer_attributes(LoadBalancerArn=lb_arn)["Attributes"]
        ),
    )
    return LoadBalancer(description=lb, listeners=listeners, attributes=attributes)


def attributes_call(lb_arn: str) -> ApiCall:
    return api_call(SERVICE, "DescribeLoadBalancerAttributes", LoadBalancerArn=lb_arn)


def _verdict(listener: Mapping[str, Any]) -> tuple[Status, str]:
    protocol = listener.get("Protocol")
    port = listener.get("Port")
    if protocol in TLS_PROTOCOLS:
        return Status.PASS, f"{protocol} listener on port {port} ({listener.get('SslPolicy')})"
    actions = listener.get("DefaultActions", [])
    redirects = [
        action
        for action in actions
        if action.get("Type") == "redirect"
        and (action.get("RedirectConfig") or {}).get("Protocol") == "HTTPS"
    ]
    if protocol == "HTTP" and actions and len(redirects) == len(actions):
        return Status.PASS, f"HTTP listener on port {port} redirects to HTTPS"
    return Status.FAIL, f"{protocol} listener on port {port} serves traffic without TLS"


@check(
    "elbv2_listener_tls",
    title="Load balancer listeners use TLS or redirect HTTP to HTTPS",
    service=SERVICE,
    resource_type=LISTENER,
    severity=Severity.MEDIUM,
)
def listener_tls(snapshot: Elbv2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for lb in snapshot.load_balancers:
        lb_arn = lb.description["LoadBalancerArn"]
        summary = {key: lb.description.get(key) for key in ("LoadBalancerName", "Type", "Scheme")}
        sources = (snapshot.load_balancers_call, _listeners_call(lb_arn))
        if isinstance(lb.listeners, ReadError):
            yield CheckResult(
                check_id="elbv2_listener_tls",
                account_id=ctx.account_id,
                region=snapshot.region,
                resource_id=lb_arn,
                resource_type=LISTENER,
                status=Status.ERROR,
                reason=f"could not read DescribeListeners: {lb.listeners.reason}",
                evidence={"load_balancer": summary},
                sources=sources,
            )
            continue
        for listener in lb.listeners:
            status, reason = _verdict(listener)
            yield CheckResult(
                check_id="elbv2_listener_tls",
                account_id=ctx.account_id,
                region=snapshot.region,
                resource_id=listener["ListenerArn"],
                resource_type=LISTENER,
                status=status,
                reason=reason,
                evidence={"load_balancer": summary, "listener": listener},
                sources=sources,
            )
