"""IAM Access Analyzer: an ACTIVE analyzer in every enabled region."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from collectors.readers import api_call, make_result, paginate
from collectors.registry import check, service
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

LIST_ANALYZERS = api_call("accessanalyzer", "ListAnalyzers")


@service("accessanalyzer", Scope.REGIONAL)
def fetch(session: Any, region: str) -> list[dict[str, Any]]:
    client = session.client("accessanalyzer", region_name=region)
    return paginate(client, "list_analyzers", "analyzers")


@check(
    "accessanalyzer_enabled",
    title="IAM Access Analyzer is enabled in every region",
    service="accessanalyzer",
    resource_type="AWS::AccessAnalyzer::Analyzer",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:2.18", "soc2-2017:CC6.1", "soc2-2017:CC7.1"),
)
def analyzer_enabled(analyzers: list[dict[str, Any]], ctx: CheckContext) -> Iterator[CheckResult]:
    active = [a for a in analyzers if a.get("status") == "ACTIVE"]
    if active:
        status = Status.PASS
        reason = f"analyzer {active[0]['name']} is ACTIVE in {ctx.region}"
    else:
        status = Status.FAIL
        found = ", ".join(f"{a['name']} ({a.get('status')})" for a in analyzers)
        reason = f"no ACTIVE analyzer in {ctx.region}" + (f"; found {found}" if found else "")
    yield make_result(
        "accessanalyzer_enabled",
        ctx,
        active[0]["arn"] if active else ctx.account_id,
        status,
        reason,
        evidence={"analyzers": analyzers},
        sources=(LIST_ANALYZERS,),
    )
