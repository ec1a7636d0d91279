"""Amazon Inspector (inspector2): enabled for the account in every region.

One BatchGetAccountStatus per region naming the caller's account explicitly (the API reads a
list of accounts; an empty list is not documented to mean "mine"), so an answer that leaves the
account out is an ERROR, never a PASS.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from collectors.readers import api_call, jsonable, make_result
from collectors.registry import check, service
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

SERVICE = "inspector2"
ACCOUNT_STATUS = api_call(SERVICE, "BatchGetAccountStatus")


@service(SERVICE, Scope.REGIONAL)
def fetch(session: Any, region: str) -> dict[str, Any]:
    account_id = session.client("sts", region_name=region).get_caller_identity()["Account"]
    client = session.client(SERVICE, region_name=region)
    return jsonable(client.batch_get_account_status(accountIds=[account_id]))


def _verdict(response: dict[str, Any], ctx: CheckContext) -> tuple[Status, str]:
    region = ctx.region
    failed = response.get("failedAccounts") or []
    accounts = [a for a in response.get("accounts") or [] if a.get("accountId") == ctx.account_id]
    if failed:
        code, message = failed[0].get("errorCode"), failed[0].get("errorMessage", "")
        return Status.ERROR, f"could not read BatchGetAccountStatus: {code}: {message}"
    if not accounts:
        return Status.ERROR, f"BatchGetAccountStatus returned no status for {ctx.account_id}"
    account = accounts[0]
    status = (account.get("state") or {}).get("status", "UNKNOWN")
    scanning = sorted(
        kind
        for kind, state in (account.get("resourceState") or {}).items()
        if (state or {}).get("status") == "ENABLED"
    )
    if status == "ENABLED":
        return Status.PASS, f"Inspector is ENABLED in {region}, scanning {', '.join(scanning)}"
    return Status.FAIL, f"Inspector is {status} in {region}"


@check(
    "inspector_enabled",
    title="Amazon Inspector scans the account in every region",
    service=SERVICE,
    resource_type="AWS::Inspector::Account",
    severity=Severity.MEDIUM,
    criteria=("soc2-2017:CC7.1",),
    remediation=(
        "Enable Amazon Inspector (inspector2 enable --resource-types EC2 ECR LAMBDA) in each "
        "region, organisation-wide from the delegated administrator account."
    ),
)
def inspector_enabled(response: dict[str, Any], ctx: CheckContext) -> Iterator[CheckResult]:
    status, reason = _verdict(response, ctx)
    yield make_result(
        "inspector_enabled",
        ctx,
        f"arn:aws:inspector2:{ctx.region}:{ctx.account_id}:account",
        status,
        reason,
        evidence=response,
        sources=(ACCOUNT_STATUS,),
    )
