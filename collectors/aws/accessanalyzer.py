"""IAM Access Analyzer: an ACTIVE external access analyzer in every enabled region.

CIS 2.18 asks for external access analysis (type ACCOUNT or ORGANIZATION); unused-access and
internal-access analyzers answer other questions and do not count.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from collectors.readers import api_call, make_result, paginate
from collectors.registry import check, service
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

LIST_ANALYZERS = api_call("accessanalyzer", "ListAnalyzers")
EXTERNAL_ACCESS_TYPES = frozenset({"ACCOUNT", "ORGANIZATION"})


@service("accessanalyzer", Scope.REGIONAL)
def fetch(session: Any, region: str) -> list[dict[str, Any]]:
    client = session.client("accessanalyzer", region_name=region)
    return paginate(client, "list_analyzers", "analyzers")


@check(
    "accessanalyzer_enabled",
    title="An IAM Access Analyzer for external access is active in every region",
    service="accessanalyzer",
    resource_type="AWS::AccessAnalyzer::Analyzer",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:2.18", "soc2-2017:CC6.1", "soc2-2017:CC7.1"),
)
def analyzer_enabled(analyzers: list[dict[str, Any]], ctx: CheckContext) -> Iterator[CheckResult]:
    active = [
        a
        for a in analyzers
        if a.get("status") == "ACTIVE" and a.get("type") in EXTERNAL_ACCESS_TYPES
    ]
    if active:
        status = Status.PASS
        reason = f"external access analyzer {active[0]['name']} ({active[0]['type']}) is ACTIVE "
        reason += f"in {ctx.region}"
    else:
        status = Status.FAIL
        found = ", ".join(f"{a['name']} ({a.get('type')}, {a.get('status')})" for a in analyzers)
        reason = (
            f"no ACTIVE external access analyzer (type ACCOUNT or ORGANIZATION) in {ctx.region}"
        )
        reason += f"; found {found}" if found else ""
    yield make_result(
        "accessanalyzer_enabled",
        ctx,
        active[0]["arn"] if active else ctx.account_id,
        status,
        reason,
        evidence={"analyzers": analyzers},
        sources=(LIST_ANALYZERS,),
    )
