"""Least privilege beyond "*:*": inline admin policies, whole-service grants, iam:PassRole on *.

Every check reads the IAM snapshot's GetAccountAuthorizationDetails (no extra calls). Inline
policies are always in force on their user, group or role; a customer managed policy only counts
when it is attached (an unattached one grants nobody anything, so it passes with a note).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from collectors.aws.iam import AUTHORIZATION_DETAILS, SOC2_LOGICAL_ACCESS, IamSnapshot
from collectors.aws.policy_statements import (
    PolicyRef,
    allows,
    as_list,
    covers_action,
    covers_all_resources,
    inline_policies,
    is_aws_managed,
    managed_policies,
    statements,
)
from collectors.readers import jsonable, make_result
from collectors.registry import check
from collectors.types import CheckContext, CheckResult, Severity, Status

SOC2_LEAST_PRIVILEGE = "soc2-2017:CC6.3"
SERVICE_WILDCARD = re.compile(r"^[a-z0-9-]+:\*$", re.IGNORECASE)

# (statement) -> a description of what makes it too broad, or None
Finder = Callable[[Mapping[str, Any]], str | None]


def _full_admin(statement: Mapping[str, Any]) -> str | None:
    action = as_list(statement.get("Action"))
    if allows(statement) and "*" in action and covers_all_resources(statement):
        return 'allows "*" on "*"'
    return None


def _service_wildcard(statement: Mapping[str, Any]) -> str | None:
    if not allows(statement):
        return None
    if "NotAction" in statement:
        excluded = ", ".join(map(str, as_list(statement["NotAction"])))
        return f"allows every action except {excluded} (NotAction)"
    actions = [str(a) for a in as_list(statement.get("Action"))]
    broad = [a for a in actions if a == "*" or SERVICE_WILDCARD.match(a)]
    return f"allows {', '.join(broad)}" if broad else None


def _passrole_anywhere(statement: Mapping[str, Any]) -> str | None:
    passes = allows(statement) and covers_action(statement, "iam:PassRole")
    if passes and covers_all_resources(statement):
        return 'allows iam:PassRole on "*" (any role to any service)'
    return None


def _evaluate(
    check_id: str,
    ctx: CheckContext,
    policies: Iterable[PolicyRef],
    finder: Finder,
    empty_reason: str,
) -> Iterator[CheckResult]:
    seen = False
    for policy in policies:
        seen = True
        found = [(s, why) for s in statements(policy.document) if (why := finder(s))]
        if found and policy.attachment_count:
            status = Status.FAIL
            reason = f"{policy.name} {'; '.join(why for _, why in found)}"
        elif found:
            status = Status.PASS
            reason = f"{policy.name} {found[0][1]} but is not attached"
        else:
            status, reason = Status.PASS, f"{policy.name} grants nothing this broad"
        yield CheckResult(
            check_id=check_id,
            account_id=ctx.account_id,
            region=ctx.region,
            resource_id=policy.resource_id,
            resource_type=policy.resource_type,
            status=status,
            reason=reason,
            evidence=jsonable(
                {
                    "policy_name": policy.name,
                    "policy_type": policy.resource_type,
                    "attached_to": list(policy.attached_to),
                    "attachment_count": policy.attachment_count,
                    "offending_statements": [s for s, _ in found],
                }
            ),
            sources=(AUTHORIZATION_DETAILS,),
        )
    if not seen:
        yield make_result(
            check_id,
            ctx,
            ctx.account_id,
            Status.NOT_APPLICABLE,
            empty_reason,
            sources=(AUTHORIZATION_DETAILS,),
        )


def _customer_and_inline(snapshot: IamSnapshot) -> list[PolicyRef]:
    managed = [
        policy
        for policy in managed_policies(snapshot.authorization)
        if not is_aws_managed(policy.resource_id)
    ]
    return managed + list(inline_policies(snapshot.authorization))


@check(
    "iam_inline_policy_no_full_admin",
    title='No inline policy on a user, group or role allows "*" on "*"',
    service="iam",
    resource_type="AWS::IAM::RolePolicy",
    severity=Severity.HIGH,
    criteria=("cis-aws-7.0.0:2.14", SOC2_LOGICAL_ACCESS, SOC2_LEAST_PRIVILEGE),
    remediation=(
        "Delete the inline policy (iam delete-user-policy / delete-group-policy / "
        "delete-role-policy) and grant the duties the identity needs through a scoped managed "
        "policy; keep full administration in one reviewed, MFA-protected role."
    ),
)
def inline_policy_no_full_admin(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    return _evaluate(
        "iam_inline_policy_no_full_admin",
        ctx,
        inline_policies(snapshot.authorization),
        _full_admin,
        "no user, group or role has an inline policy",
    )


@check(
    "iam_policy_no_service_wildcard",
    title="No customer managed or inline policy grants every action of a service",
    service="iam",
    resource_type="AWS::IAM::Policy",
    severity=Severity.MEDIUM,
    criteria=(SOC2_LEAST_PRIVILEGE,),
    remediation=(
        'Replace "service:*" (iam:*, ec2:*, s3:*, kms:*...) and Allow+NotAction statements with '
        "the actions the workload calls (IAM Access Analyzer policy generation lists them from "
        "CloudTrail), or detach the policy."
    ),
)
def policy_no_service_wildcard(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    return _evaluate(
        "iam_policy_no_service_wildcard",
        ctx,
        _customer_and_inline(snapshot),
        _service_wildcard,
        "the account has no customer managed or inline policies",
    )


@check(
    "iam_policy_no_passrole_wildcard",
    title='No customer managed or inline policy allows iam:PassRole on "*"',
    service="iam",
    resource_type="AWS::IAM::Policy",
    severity=Severity.HIGH,
    criteria=(SOC2_LEAST_PRIVILEGE,),
    remediation=(
        "Scope iam:PassRole to the role ARNs the caller must hand to a service, and add an "
        "iam:PassedToService condition; PassRole on * lets the holder run code as any role."
    ),
)
def policy_no_passrole_wildcard(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    return _evaluate(
        "iam_policy_no_passrole_wildcard",
        ctx,
        _customer_and_inline(snapshot),
        _passrole_anywhere,
        "the account has no customer managed or inline policies",
    )
