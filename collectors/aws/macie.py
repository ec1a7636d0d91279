"""Amazon Macie (macie2): a Macie session that is ENABLED in every region.

GetMacieSession answers AccessDeniedException "Macie is not enabled" in a region where Macie was
never turned on; that one message means FAIL, any other AccessDenied is a permissions problem and
stays an ERROR (the runner reports it with AWS's code and message).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from collectors.readers import api_call, error_code, error_reason, jsonable, make_result
from collectors.registry import check, service
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

SERVICE = "macie2"
GET_SESSION = api_call(SERVICE, "GetMacieSession")
NOT_ENABLED = "macie is not enabled"


@service(SERVICE, Scope.REGIONAL)
def fetch(session: Any, region: str) -> dict[str, Any]:
    """GetMacieSession's response, or {"status": "NOT_ENABLED", "error": ...} when never enabled."""
    client = session.client(SERVICE, region_name=region)
    try:
        return jsonable(client.get_macie_session())
    except ClientError as exc:
        message = str(exc.response.get("Error", {}).get("Message", ""))
        if error_code(exc) == "AccessDeniedException" and NOT_ENABLED in message.lower():
            return {"status": "NOT_ENABLED", "error": error_reason(exc)}
        raise


@check(
    "macie_enabled",
    title="Amazon Macie is enabled in every region",
    service=SERVICE,
    resource_type="AWS::Macie::Session",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:3.1.3", "soc2-2017:C1.1"),
    remediation=(
        "Enable Macie (macie2 enable-macie) in each region, organisation-wide from the delegated "
        "administrator, and run automated sensitive data discovery on S3."
    ),
)
def macie_enabled(response: dict[str, Any], ctx: CheckContext) -> Iterator[CheckResult]:
    status = str(response.get("status", "UNKNOWN"))
    yield make_result(
        "macie_enabled",
        ctx,
        f"arn:aws:macie2:{ctx.region}:{ctx.account_id}:session",
        Status.PASS if status == "ENABLED" else Status.FAIL,
        f"Macie is {status} in {ctx.region}",
        evidence=response,
        sources=(GET_SESSION,),
    )
