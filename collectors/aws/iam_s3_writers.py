"""Who may upload or delete S3 objects, from identity policies (the IAM side of IAM-20).

Reads nothing new: the IAM snapshot's GetAccountAuthorizationDetails holds every user's,
group's and role's inline and attached policies. A user inherits its groups' policies. An
explicit Deny of the same action on "*" without a condition cancels an Allow. AWS managed
policies are judged from their document when the snapshot has it, else from a short list of the
ones known to grant object writes on every bucket; any other AWS managed policy is named in the
evidence as not evaluated. SCPs, permissions boundaries and bucket policies are not part of this
result (bucket policies have their own check, ``s3_bucket_policy_object_writers``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from collectors.aws.iam import AUTHORIZATION_DETAILS, IamSnapshot
from collectors.aws.policy_statements import (
    allows,
    as_list,
    covers_action,
    covers_all_resources,
    document,
    is_aws_managed,
    managed_policies,
    statements,
)
from collectors.readers import jsonable, make_result
from collectors.registry import check
from collectors.types import CheckContext, CheckResult, Severity, Status

WRITE_ACTIONS = ("s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion")
# AWS managed policies that allow object writes on every bucket (documents published by AWS).
KNOWN_AWS_WRITERS = frozenset({"AdministratorAccess", "PowerUserAccess", "AmazonS3FullAccess"})
ALLOW_ALL = {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


@dataclass
class Writer:
    arn: str
    grants: list[dict[str, Any]] = field(default_factory=list)
    denied: set[str] = field(default_factory=set)
    not_evaluated: list[str] = field(default_factory=list)


def _s3_resources(statement: Mapping[str, Any]) -> list[str]:
    if covers_all_resources(statement):
        return ["*"]
    return [str(r) for r in as_list(statement.get("Resource")) if ":s3:::" in str(r)]


def _read_document(writer: Writer, doc: Mapping[str, Any], via: str) -> None:
    for statement in statements(doc):
        actions = [a for a in WRITE_ACTIONS if covers_action(statement, a)]
        if not actions:
            continue
        unconditioned_all = covers_all_resources(statement) and not statement.get("Condition")
        if statement.get("Effect") == "Deny" and unconditioned_all:
            writer.denied.update(actions)
        elif allows(statement) and (resources := _s3_resources(statement)):
            writer.grants.append(
                {
                    "via": via,
                    "actions": actions,
                    "resources": resources,
                    "condition": statement.get("Condition"),
                }
            )


class _Documents:
    """Policy documents by ARN, and the policies of each group by name."""

    def __init__(self, authorization: Mapping[str, list[dict[str, Any]]]) -> None:
        self.managed = {p.resource_id: p.document for p in managed_policies(authorization)}
        self.groups = {g["GroupName"]: g for g in authorization.get("GroupDetailList", [])}

    def read_identity(self, writer: Writer, identity: Mapping[str, Any], prefix: str) -> None:
        for key in ("UserPolicyList", "GroupPolicyList", "RolePolicyList"):
            for policy in identity.get(key, []):
                via = f"{prefix}inline policy {policy.get('PolicyName')}"
                _read_document(writer, document(policy.get("PolicyDocument")), via)
        for attached in identity.get("AttachedManagedPolicies", []):
            arn, name = attached["PolicyArn"], attached.get("PolicyName", "")
            via = f"{prefix}managed policy {arn}"
            if arn in self.managed:
                _read_document(writer, self.managed[arn], via)
            elif is_aws_managed(arn) and name in KNOWN_AWS_WRITERS:
                _read_document(writer, ALLOW_ALL, via)
            else:
                writer.not_evaluated.append(arn)


def writers(snapshot: IamSnapshot) -> list[Writer]:
    """Users (with their groups' policies) and roles that may put or delete objects."""
    documents = _Documents(snapshot.authorization)
    found: list[Writer] = []
    for user in snapshot.authorization.get("UserDetailList", []):
        writer = Writer(user["Arn"])
        documents.read_identity(writer, user, "")
        for group_name in user.get("GroupList", []):
            group = documents.groups.get(group_name, {})
            documents.read_identity(writer, group, f"group {group_name}: ")
        found.append(writer)
    for role in snapshot.authorization.get("RoleDetailList", []):
        writer = Writer(role["Arn"])
        documents.read_identity(writer, role, "")
        found.append(writer)
    for writer in found:
        writer.grants = [
            {**g, "actions": [a for a in g["actions"] if a not in writer.denied]}
            for g in writer.grants
        ]
        writer.grants = [g for g in writer.grants if g["actions"]]
    return [writer for writer in found if writer.grants]


def approved(arn: str, patterns: list[str]) -> bool:
    return any(fnmatchcase(arn, pattern) for pattern in patterns)


@check(
    "iam_s3_object_writers",
    title="Only approved principals may upload or delete S3 objects (identity policies)",
    service="iam",
    resource_type="AWS::IAM::Role",
    severity=Severity.MEDIUM,
    parameters={"s3_object_writers": []},
    criteria=("soc2-2017:CC6.1", "soc2-2017:CC6.3"),
    remediation=(
        "Remove s3:PutObject / s3:DeleteObject from identities that do not need them (scope the "
        "Resource to the buckets they own), or add the principal's ARN pattern to the control's "
        "s3_object_writers parameter once its need is approved."
    ),
)
def s3_object_writers(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    patterns = [str(p) for p in ctx.parameters.get("s3_object_writers") or []]
    found = writers(snapshot)
    if not found:
        yield make_result(
            "iam_s3_object_writers",
            ctx,
            ctx.account_id,
            Status.PASS,
            "no user or role may put or delete S3 objects through its identity policies",
            sources=(AUTHORIZATION_DETAILS,),
        )
    for writer in found:
        actions = sorted({a for g in writer.grants for a in g["actions"]})
        ok = approved(writer.arn, patterns)
        yield CheckResult(
            check_id="iam_s3_object_writers",
            account_id=ctx.account_id,
            region=ctx.region,
            resource_id=writer.arn,
            resource_type="AWS::IAM::User" if ":user/" in writer.arn else "AWS::IAM::Role",
            status=Status.PASS if ok else Status.FAIL,
            reason=f"may {', '.join(actions)}; "
            + ("approved by s3_object_writers" if ok else "not on the approved writer list"),
            evidence=jsonable(
                {
                    "principal": writer.arn,
                    "grants": writer.grants,
                    "not_evaluated_policies": writer.not_evaluated,
                    "approved_patterns": patterns,
                }
            ),
            sources=(AUTHORIZATION_DETAILS,),
        )
