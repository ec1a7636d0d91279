"""AWS Organizations: guardrails that only the organization can set, read from its management
(or delegated-administrator) account.

- Service control policies attached to the root that deny stopping or deleting CloudTrail and
  AWS Config and leaving the organization. Only the root's policies are read: a deny on an OU
  leaves the accounts outside it unprotected. SCPs never restrict the management account
  itself (AWS's documented behaviour), so these checks are about member accounts.
- An organization trail (IsOrganizationTrail) that records every region and is logging.

In a member account that is not a delegated administrator (ListRoots answers AccessDenied)
these results are NOT_APPLICABLE with the management account named, so each guardrail is judged
once, where it can be read; in an account outside any organization they are NOT_APPLICABLE too.
An AccessDenied in the management account itself is an ERROR: could not read is never a pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from collectors.aws.policy_statements import as_list, covers_action, document, statements
from collectors.readers import ReadError, api_call, error_code, guarded, make_result, paginate
from collectors.registry import check, service
from collectors.session import caller_identity
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

SERVICE = "organizations"
SCP = "SERVICE_CONTROL_POLICY"
DESCRIBE_ORGANIZATION = api_call(SERVICE, "DescribeOrganization")
LIST_ROOTS = api_call(SERVICE, "ListRoots")
LIST_ROOT_SCPS = api_call(SERVICE, "ListPoliciesForTarget", Filter=SCP)
DESCRIBE_POLICY = api_call(SERVICE, "DescribePolicy")
DESCRIBE_TRAILS = api_call("cloudtrail", "DescribeTrails", includeShadowTrails=True)
GET_TRAIL_STATUS = api_call("cloudtrail", "GetTrailStatus")
NOT_IN_USE = "AWSOrganizationsNotInUseException"
DENIED = ("AccessDeniedException", "AccessDenied")


@dataclass(frozen=True)
class OrgSnapshot:
    """What the organization checks need; ``organization`` is None outside any organization."""

    organization: dict[str, Any] | None
    caller_account_id: str = ""
    member_only: bool = False  # a member that is not a delegated administrator
    root: dict[str, Any] = field(default_factory=dict)
    root_scps: list[dict[str, Any]] | ReadError = field(default_factory=list)
    org_trails: list[dict[str, Any]] | ReadError = field(default_factory=list)

    @property
    def management_account_id(self) -> str:
        return (self.organization or {}).get("MasterAccountId", "")


def organization_describe(session: Any, region: str) -> dict[str, Any] | None:
    """DescribeOrganization, or None when the account belongs to no organization."""
    try:
        response = session.client(SERVICE, region_name=region).describe_organization()
    except ClientError as exc:
        if error_code(exc) == NOT_IN_USE:
            return None
        raise
    return response["Organization"]


@service(SERVICE, Scope.GLOBAL)
def fetch(session: Any, region: str) -> OrgSnapshot:
    organization = organization_describe(session, region)
    if organization is None:
        return OrgSnapshot(organization=None)
    caller = caller_identity(session)["Account"]
    client = session.client(SERVICE, region_name=region)
    try:
        roots = paginate(client, "list_roots", "Roots")
    except ClientError as exc:
        if caller != organization.get("MasterAccountId") and error_code(exc) in DENIED:
            return OrgSnapshot(organization, caller, member_only=True)
        raise
    root = roots[0] if roots else {}
    return OrgSnapshot(
        organization,
        caller,
        root=root,
        root_scps=guarded(LIST_ROOT_SCPS, lambda: _root_scps(client, root.get("Id", ""))),
        org_trails=guarded(DESCRIBE_TRAILS, lambda: _org_trails(session, region)),
    )


def _root_scps(client: Any, root_id: str) -> list[dict[str, Any]]:
    summaries = paginate(
        client, "list_policies_for_target", "Policies", TargetId=root_id, Filter=SCP
    )
    policies = []
    for summary in summaries:
        policy = client.describe_policy(PolicyId=summary["Id"])["Policy"]
        policies.append({**summary, "Content": document(policy.get("Content"))})
    return policies


def _org_trails(session: Any, region: str) -> list[dict[str, Any]]:
    client = session.client("cloudtrail", region_name=region)
    trails = client.describe_trails(includeShadowTrails=True).get("trailList", [])
    found = []
    for trail in trails:
        if not trail.get("IsOrganizationTrail"):
            continue
        status = client.get_trail_status(Name=trail["TrailARN"])
        found.append({**trail, "IsLogging": bool(status.get("IsLogging"))})
    return found


def _not_applicable(check_id: str, snapshot: OrgSnapshot, ctx: CheckContext) -> CheckResult:
    if snapshot.organization is None:
        reason = "the account is not a member of an AWS Organization"
        resource = f"{ctx.account_id}:organization"
    else:
        reason = (
            f"member account of {snapshot.organization['Id']}: evaluated from the management "
            f"account {snapshot.management_account_id} (or a delegated administrator)"
        )
        resource = snapshot.organization["Arn"]
    return make_result(
        check_id, ctx, resource, Status.NOT_APPLICABLE, reason, sources=(DESCRIBE_ORGANIZATION,)
    )


def denying_statements(policies: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    """Deny statements on every resource that cover ``action`` (conditions kept, reported)."""
    found = []
    for policy in policies:
        for statement in statements(policy["Content"]):
            if statement.get("Effect") != "Deny" or "*" not in as_list(statement.get("Resource")):
                continue
            if covers_action(statement, action):
                found.append({"PolicyId": policy["Id"], "PolicyName": policy["Name"], **statement})
    return found


def scp_denies(
    check_id: str, actions: tuple[str, ...], snapshot: OrgSnapshot, ctx: CheckContext
) -> Iterator[CheckResult]:
    if snapshot.organization is None or snapshot.member_only:
        yield _not_applicable(check_id, snapshot, ctx)
        return
    resource = snapshot.root.get("Arn", snapshot.organization["Arn"])
    if isinstance(snapshot.root_scps, ReadError):
        reason = f"could not read the root's SCPs: {snapshot.root_scps.reason}"
        yield make_result(check_id, ctx, resource, Status.ERROR, reason, sources=(LIST_ROOT_SCPS,))
        return
    enabled = any(
        kind.get("Type") == SCP and kind.get("Status") == "ENABLED"
        for kind in snapshot.root.get("PolicyTypes", [])
    )
    denies = {action: denying_statements(snapshot.root_scps, action) for action in actions}
    missing = [action for action, found in denies.items() if not found]
    if not enabled:
        status, reason = Status.FAIL, "service control policies are not enabled on the root"
    elif missing:
        status = Status.FAIL
        reason = f"no SCP attached to the root denies {', '.join(missing)}"
    else:
        conditioned = any("Condition" in s for found in denies.values() for s in found)
        status = Status.PASS
        reason = f"SCPs attached to the root deny {', '.join(actions)}" + (
            " (with conditions, e.g. a break-glass role exemption)" if conditioned else ""
        )
    yield make_result(
        check_id,
        ctx,
        resource,
        status,
        reason,
        evidence={"Root": snapshot.root, "DenyingStatements": denies},
        sources=(LIST_ROOTS, LIST_ROOT_SCPS, DESCRIBE_POLICY),
    )


SCP_CRITERIA = ("soc2-2017:CC5.2", "soc2-2017:CC6.1", "soc2-2017:CC7.2")


@check(
    "organizations_scp_protects_cloudtrail",
    title="An SCP on the organization root denies stopping or deleting CloudTrail trails",
    service=SERVICE,
    resource_type="AWS::Organizations::Root",
    severity=Severity.HIGH,
    criteria=SCP_CRITERIA,
    remediation=(
        "Attach to the root an SCP denying cloudtrail:StopLogging, cloudtrail:DeleteTrail "
        "(and UpdateTrail, PutEventSelectors) on *, exempting only a break-glass role."
    ),
)
def scp_protects_cloudtrail(snapshot: OrgSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    actions = ("cloudtrail:StopLogging", "cloudtrail:DeleteTrail")
    yield from scp_denies("organizations_scp_protects_cloudtrail", actions, snapshot, ctx)


@check(
    "organizations_scp_protects_config",
    title="An SCP on the organization root denies stopping or deleting AWS Config recorders",
    service=SERVICE,
    resource_type="AWS::Organizations::Root",
    severity=Severity.HIGH,
    criteria=SCP_CRITERIA,
    remediation=(
        "Attach to the root an SCP denying config:StopConfigurationRecorder and "
        "config:DeleteConfigurationRecorder (and DeleteDeliveryChannel) on *."
    ),
)
def scp_protects_config(snapshot: OrgSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    actions = ("config:StopConfigurationRecorder", "config:DeleteConfigurationRecorder")
    yield from scp_denies("organizations_scp_protects_config", actions, snapshot, ctx)


@check(
    "organizations_scp_denies_leave",
    title="An SCP on the organization root denies leaving the organization",
    service=SERVICE,
    resource_type="AWS::Organizations::Root",
    severity=Severity.MEDIUM,
    criteria=("soc2-2017:CC6.1",),
    remediation="Attach to the root an SCP denying organizations:LeaveOrganization on *.",
)
def scp_denies_leave(snapshot: OrgSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    actions = ("organizations:LeaveOrganization",)
    yield from scp_denies("organizations_scp_denies_leave", actions, snapshot, ctx)


@check(
    "organizations_cloudtrail_org_trail",
    title="An organization trail records every region of every account and is logging",
    service=SERVICE,
    resource_type="AWS::Organizations::Organization",
    severity=Severity.HIGH,
    criteria=("soc2-2017:CC7.2",),
    remediation=(
        "From the management account (or CloudTrail's delegated administrator): "
        "cloudtrail create-trail --is-organization-trail --is-multi-region-trail, then "
        "start-logging."
    ),
)
def org_trail(snapshot: OrgSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    check_id = "organizations_cloudtrail_org_trail"
    if snapshot.organization is None or snapshot.member_only:
        yield _not_applicable(check_id, snapshot, ctx)
        return
    resource = snapshot.organization["Arn"]
    sources = (DESCRIBE_TRAILS, GET_TRAIL_STATUS)
    if isinstance(snapshot.org_trails, ReadError):
        reason = f"could not read the trails: {snapshot.org_trails.reason}"
        yield make_result(check_id, ctx, resource, Status.ERROR, reason, sources=sources)
        return
    good = [t for t in snapshot.org_trails if t.get("IsMultiRegionTrail") and t["IsLogging"]]
    if good:
        status, reason = Status.PASS, f"organization trail {good[0]['Name']} is logging"
    elif snapshot.org_trails:
        names = ", ".join(t["Name"] for t in snapshot.org_trails)
        status = Status.FAIL
        reason = f"organization trail(s) {names} not multi-region or not logging"
    else:
        status, reason = Status.FAIL, "no organization trail (IsOrganizationTrail) exists"
    yield make_result(
        check_id,
        ctx,
        resource,
        status,
        reason,
        evidence={"OrganizationTrails": snapshot.org_trails},
        sources=sources,
    )
