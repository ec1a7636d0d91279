"""CloudFront: every cache behaviour of every distribution requires HTTPS from viewers.

One paginated ListDistributions for the account: its summaries already carry each behaviour's
ViewerProtocolPolicy. "allow-all" serves plain HTTP; "redirect-to-https" and "https-only" do not.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from collectors.readers import api_call, jsonable, make_result
from collectors.registry import check, service
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

SERVICE = "cloudfront"
LIST_DISTRIBUTIONS = api_call(SERVICE, "ListDistributions")
GLOBAL_ENDPOINT_REGION = "us-east-1"


@service(SERVICE, Scope.GLOBAL)
def fetch(session: Any, region: str) -> list[dict[str, Any]]:
    client = session.client(SERVICE, region_name=GLOBAL_ENDPOINT_REGION)
    distributions: list[dict[str, Any]] = []
    for page in client.get_paginator("list_distributions").paginate():
        distributions.extend(page.get("DistributionList", {}).get("Items", []))
    return jsonable(distributions)


def _behaviours(distribution: Mapping[str, Any]) -> list[dict[str, Any]]:
    default = {**(distribution.get("DefaultCacheBehavior") or {}), "PathPattern": "Default (*)"}
    others = (distribution.get("CacheBehaviors") or {}).get("Items") or []
    return [
        {key: behaviour.get(key) for key in ("PathPattern", "ViewerProtocolPolicy")}
        for behaviour in (default, *others)
    ]


@check(
    "cloudfront_viewer_https",
    title="CloudFront distributions require HTTPS on every cache behaviour",
    service=SERVICE,
    resource_type="AWS::CloudFront::Distribution",
    severity=Severity.MEDIUM,
    criteria=("soc2-2017:CC6.7",),
    remediation=(
        "Set ViewerProtocolPolicy to redirect-to-https (or https-only) on the default and every "
        "other cache behaviour of the distribution."
    ),
)
def viewer_https(distributions: list[dict[str, Any]], ctx: CheckContext) -> Iterator[CheckResult]:
    if not distributions:
        yield make_result(
            "cloudfront_viewer_https",
            ctx,
            ctx.account_id,
            Status.NOT_APPLICABLE,
            "the account has no CloudFront distributions",
            sources=(LIST_DISTRIBUTIONS,),
        )
    for distribution in distributions:
        behaviours = _behaviours(distribution)
        plain = [b["PathPattern"] for b in behaviours if b["ViewerProtocolPolicy"] == "allow-all"]
        yield make_result(
            "cloudfront_viewer_https",
            ctx,
            distribution["ARN"],
            Status.FAIL if plain else Status.PASS,
            f"allows plain HTTP on {', '.join(plain)}"
            if plain
            else f"all {len(behaviours)} cache behaviour(s) require HTTPS",
            evidence={
                "Id": distribution.get("Id"),
                "DomainName": distribution.get("DomainName"),
                "Aliases": distribution.get("Aliases"),
                "behaviours": behaviours,
            },
            sources=(LIST_DISTRIBUTIONS,),
        )
