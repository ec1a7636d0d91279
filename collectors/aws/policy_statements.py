"""IAM policy documents as data: which statements allow an action on a resource.

Evaluation follows the IAM policy grammar (Action / NotAction, Resource / NotResource, case-
insensitive action wildcards, case-sensitive resource wildcards); conditions are reported, not
evaluated, so a conditioned grant still counts as a grant (the reviewer sees the condition).
Shared by the least-privilege and S3 writer checks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import unquote

# Identity-based documents that may appear in GetAccountAuthorizationDetails, by detail list.
INLINE_KEYS = {
    "UserDetailList": ("UserPolicyList", "UserName", "AWS::IAM::UserPolicy"),
    "GroupDetailList": ("GroupPolicyList", "GroupName", "AWS::IAM::GroupPolicy"),
    "RoleDetailList": ("RolePolicyList", "RoleName", "AWS::IAM::RolePolicy"),
}


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def document(value: Any) -> dict[str, Any]:
    """A policy document as a dict (botocore decodes them; raw endpoints send URL-encoded JSON)."""
    if isinstance(value, dict):
        return value
    return json.loads(unquote(value)) if value else {}


def statements(policy: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [s for s in as_list(policy.get("Statement")) if isinstance(s, dict)]


def action_matches(pattern: str, action: str) -> bool:
    return fnmatchcase(action.lower(), str(pattern).lower())


def covers_action(statement: Mapping[str, Any], action: str) -> bool:
    """Whether the statement's Action (or NotAction) applies to ``action``."""
    if "NotAction" in statement:
        return not any(action_matches(p, action) for p in as_list(statement["NotAction"]))
    return any(action_matches(p, action) for p in as_list(statement.get("Action")))


def covers_all_resources(statement: Mapping[str, Any]) -> bool:
    """Resource "*" (or a NotResource, which allows everything it does not name)."""
    return "NotResource" in statement or "*" in as_list(statement.get("Resource"))


def covers_resource(statement: Mapping[str, Any], resource: str) -> bool:
    if "NotResource" in statement:
        return not any(fnmatchcase(resource, str(p)) for p in as_list(statement["NotResource"]))
    return any(fnmatchcase(resource, str(p)) for p in as_list(statement.get("Resource")))


def allows(statement: Mapping[str, Any]) -> bool:
    return statement.get("Effect") == "Allow"


@dataclass(frozen=True)
class PolicyRef:
    """One identity-based policy document and where it is attached."""

    resource_id: str  # the managed policy's ARN, or <identity ARN>/inline-policy/<name>
    resource_type: str  # AWS::IAM::Policy, AWS::IAM::UserPolicy, ...
    name: str
    document: dict[str, Any]
    attached_to: tuple[str, ...]  # identity ARNs (inline: its owner)
    attachment_count: int


def inline_policies(authorization: Mapping[str, list[dict[str, Any]]]) -> Iterator[PolicyRef]:
    for list_key, (policy_key, _name_key, resource_type) in INLINE_KEYS.items():
        for identity in authorization.get(list_key, []):
            for policy in identity.get(policy_key, []):
                name = policy.get("PolicyName", "")
                yield PolicyRef(
                    resource_id=f"{identity['Arn']}/inline-policy/{name}",
                    resource_type=resource_type,
                    name=name,
                    document=document(policy.get("PolicyDocument")),
                    attached_to=(identity["Arn"],),
                    attachment_count=1,
                )


def default_version(policy: Mapping[str, Any]) -> dict[str, Any]:
    versions = policy.get("PolicyVersionList", [])
    return next((v for v in versions if v.get("IsDefaultVersion")), {})


def managed_policies(authorization: Mapping[str, list[dict[str, Any]]]) -> Iterator[PolicyRef]:
    """Managed policies listed in the details (customer managed; AWS managed when read too)."""
    attached: dict[str, list[str]] = {}
    for list_key in INLINE_KEYS:
        for identity in authorization.get(list_key, []):
            for policy in identity.get("AttachedManagedPolicies", []):
                attached.setdefault(policy["PolicyArn"], []).append(identity["Arn"])
    for policy in authorization.get("Policies", []):
        arn = policy["Arn"]
        yield PolicyRef(
            resource_id=arn,
            resource_type="AWS::IAM::Policy",
            name=policy.get("PolicyName") or arn.rsplit("/", 1)[-1],
            document=document(default_version(policy).get("Document")),
            attached_to=tuple(attached.get(arn, ())),
            attachment_count=int(policy.get("AttachmentCount", len(attached.get(arn, ())))),
        )


def is_aws_managed(policy_arn: str) -> bool:
    return ":iam::aws:policy/" in policy_arn
