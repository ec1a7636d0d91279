"""IAM checks on permissions: full-admin policies, the support role, CloudShell access."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from collectors.aws.iam import (
    AUTHORIZATION_DETAILS,
    SOC2_LOGICAL_ACCESS,
    IamSnapshot,
)
from collectors.readers import make_result
from collectors.registry import check
from collectors.types import CheckContext, CheckResult, Severity, Status

SUPPORT_POLICY = "iam::aws:policy/AWSSupportAccess"
CLOUDSHELL_POLICY = "iam::aws:policy/AWSCloudShellFullAccess"


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _document(document: Any) -> dict[str, Any]:
    # botocore decodes policy documents to dicts; a raw endpoint may return URL-encoded JSON.
    return document if isinstance(document, dict) else json.loads(unquote(document))


def _full_admin_statements(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        statement
        for statement in _as_list(document.get("Statement", []))
        if statement.get("Effect") == "Allow"
        and "*" in _as_list(statement.get("Action", []))
        and "*" in _as_list(statement.get("Resource", []))
    ]


def is_aws_managed(policy: Mapping[str, Any]) -> bool:
    return ":iam::aws:policy/" in policy.get("Arn", "")


def _judged_policies(snapshot: IamSnapshot) -> list[dict[str, Any]]:
    """Customer managed policies, and the AWS managed policies attached to someone.

    GetAccountAuthorizationDetails lists AWS managed policies in use; some endpoints list every
    one of them, so unattached ones are dropped here (they grant nothing in this account).
    """
    return [
        policy
        for policy in snapshot.authorization["Policies"]
        if not is_aws_managed(policy) or policy.get("AttachmentCount", 0) > 0
    ]


def _full_admin_verdict(policy: Mapping[str, Any]) -> tuple[Status, str, dict[str, Any]]:
    name = policy.get("PolicyName") or policy["Arn"].rsplit("/", 1)[-1]  # moto omits the name
    kind = "AWS managed" if is_aws_managed(policy) else "customer managed"
    version = next(
        (v for v in policy.get("PolicyVersionList", []) if v.get("IsDefaultVersion")), {}
    )
    admin = _full_admin_statements(_document(version.get("Document", {})))
    attachments = policy.get("AttachmentCount", 0)
    if admin and attachments > 0:
        status = Status.FAIL
        reason = f'{kind} policy {name} allows "*" on "*" and is attached {attachments} time(s)'
    elif admin:
        status, reason = Status.PASS, f'{kind} policy {name} allows "*" on "*" but is not attached'
    else:
        status, reason = Status.PASS, f'{kind} policy {name} does not allow "*" on "*"'
    evidence = {
        "PolicyName": name,
        "AwsManaged": is_aws_managed(policy),
        "AttachmentCount": attachments,
        "DefaultVersion": version,
    }
    return status, reason, evidence


@check(
    "iam_policy_no_full_admin",
    title='No attached managed policy allows "*" on "*"',
    service="iam",
    resource_type="AWS::IAM::Policy",
    severity=Severity.HIGH,
    criteria=("cis-aws-7.0.0:2.14", SOC2_LOGICAL_ACCESS),
)
def policy_no_full_admin(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    check_id = "iam_policy_no_full_admin"
    policies = _judged_policies(snapshot)
    if not policies:
        yield make_result(
            check_id,
            ctx,
            ctx.account_id,
            Status.NOT_APPLICABLE,
            "the account has no customer managed policies and no attached AWS managed policies",
            sources=(AUTHORIZATION_DETAILS,),
        )
    for policy in policies:
        status, reason, evidence = _full_admin_verdict(policy)
        yield make_result(
            check_id,
            ctx,
            policy["Arn"],
            status,
            reason,
            evidence=evidence,
            sources=(AUTHORIZATION_DETAILS,),
        )


def _identities_with_policy(snapshot: IamSnapshot, policy_suffix: str) -> list[str]:
    identities = (
        snapshot.authorization["UserDetailList"]
        + snapshot.authorization["GroupDetailList"]
        + snapshot.authorization["RoleDetailList"]
    )
    return [
        identity["Arn"]
        for identity in identities
        if any(
            p["PolicyArn"].endswith(policy_suffix)
            for p in identity.get("AttachedManagedPolicies", [])
        )
    ]


@check(
    "iam_support_role_exists",
    title="A role has AWSSupportAccess attached",
    service="iam",
    resource_type="AWS::IAM::Role",
    severity=Severity.LOW,
    criteria=("cis-aws-7.0.0:2.15", "soc2-2017:CC7.4"),
)
def support_role_exists(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    roles = [arn for arn in _identities_with_policy(snapshot, SUPPORT_POLICY) if ":role/" in arn]
    yield make_result(
        "iam_support_role_exists",
        ctx,
        roles[0] if roles else ctx.account_id,
        Status.PASS if roles else Status.FAIL,
        f"AWSSupportAccess is attached to {', '.join(roles)}"
        if roles
        else "no role has AWSSupportAccess attached",
        evidence={"roles_with_AWSSupportAccess": roles},
        sources=(AUTHORIZATION_DETAILS,),
    )


@check(
    "iam_cloudshell_full_access_restricted",
    title="AWSCloudShellFullAccess is not attached to any identity",
    service="iam",
    resource_type="AWS::IAM::Policy",
    severity=Severity.LOW,
    criteria=("cis-aws-7.0.0:2.20", SOC2_LOGICAL_ACCESS),
)
def cloudshell_full_access(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    identities = _identities_with_policy(snapshot, CLOUDSHELL_POLICY)
    yield make_result(
        "iam_cloudshell_full_access_restricted",
        ctx,
        f"arn:aws:{CLOUDSHELL_POLICY}",
        Status.FAIL if identities else Status.PASS,
        f"AWSCloudShellFullAccess is attached to {', '.join(identities)}"
        if identities
        else "AWSCloudShellFullAccess is not attached to any user, group or role",
        evidence={"identities_with_AWSCloudShellFullAccess": identities},
        sources=(AUTHORIZATION_DETAILS,),
    )
