"""The CIS metric-filter patterns the cloudwatch_alarm_* checks accept, and how they compare.

``CIS_PATTERNS`` names each monitored event class with every published CIS form of its filter
pattern; ``canonical_pattern`` reduces a pattern to an order- and grouping-insensitive form so
that an operator's reformatted filter still matches.
"""

from __future__ import annotations

import re
from typing import Any


def _any_event(*names: str) -> str:
    return "{ " + " || ".join(f"($.eventName = {name})" for name in names) + " }"


def _source_events(source: str, *names: str) -> str:
    events = " || ".join(f"($.eventName = {name})" for name in names)
    return f"{{ ($.eventSource = {source}) && ({events}) }}"


ROUTE_EVENTS = (
    "CreateRoute",
    "CreateRouteTable",
    "ReplaceRoute",
    "ReplaceRouteTableAssociation",
    "DeleteRouteTable",
    "DeleteRoute",
    "DisassociateRouteTable",
)
UNAUTHORIZED = '($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")'
CONSOLE_NO_MFA = '($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes")'

# name -> (what it watches, accepted CIS patterns). Later CIS versions narrowed some patterns;
# every published form is accepted.
CIS_PATTERNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "unauthorized_api_calls": (
        "unauthorized API calls",
        (
            f"{{ {UNAUTHORIZED} }}",
            f'{{ {UNAUTHORIZED} && ($.sourceIPAddress != "delivery.logs.amazonaws.com") '
            '&& ($.eventName != "HeadBucket") }',
        ),
    ),
    "console_no_mfa": (
        "console sign-in without MFA",
        (
            f"{{ {CONSOLE_NO_MFA} }}",
            f'{{ {CONSOLE_NO_MFA} && ($.userIdentity.type = "IAMUser") '
            '&& ($.responseElements.ConsoleLogin = "Success") }',
        ),
    ),
    "root_usage": (
        "use of the root user",
        (
            '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
            '&& $.eventType != "AwsServiceEvent" }',
        ),
    ),
    "iam_policy_changes": (
        "IAM policy changes",
        (
            _any_event(
                "DeleteGroupPolicy",
                "DeleteRolePolicy",
                "DeleteUserPolicy",
                "PutGroupPolicy",
                "PutRolePolicy",
                "PutUserPolicy",
                "CreatePolicy",
                "DeletePolicy",
                "CreatePolicyVersion",
                "DeletePolicyVersion",
                "AttachRolePolicy",
                "DetachRolePolicy",
                "AttachUserPolicy",
                "DetachUserPolicy",
                "AttachGroupPolicy",
                "DetachGroupPolicy",
            ),
        ),
    ),
    "cloudtrail_changes": (
        "CloudTrail configuration changes",
        (_any_event("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),),
    ),
    "console_auth_failures": (
        "console authentication failures",
        ('{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',),
    ),
    "cmk_disable_deletion": (
        "disabling or scheduled deletion of customer managed keys",
        (_source_events("kms.amazonaws.com", "DisableKey", "ScheduleKeyDeletion"),),
    ),
    "s3_policy_changes": (
        "S3 bucket policy changes",
        (
            _source_events(
                "s3.amazonaws.com",
                "PutBucketAcl",
                "PutBucketPolicy",
                "PutBucketCors",
                "PutBucketLifecycle",
                "PutBucketReplication",
                "DeleteBucketPolicy",
                "DeleteBucketCors",
                "DeleteBucketLifecycle",
                "DeleteBucketReplication",
            ),
        ),
    ),
    "config_changes": (
        "AWS Config configuration changes",
        (
            _source_events(
                "config.amazonaws.com",
                "StopConfigurationRecorder",
                "DeleteDeliveryChannel",
                "PutDeliveryChannel",
                "PutConfigurationRecorder",
            ),
        ),
    ),
    "security_group_changes": (
        "security group changes",
        (
            _any_event(
                "AuthorizeSecurityGroupIngress",
                "AuthorizeSecurityGroupEgress",
                "RevokeSecurityGroupIngress",
                "RevokeSecurityGroupEgress",
                "CreateSecurityGroup",
                "DeleteSecurityGroup",
                # CIS v5+ adds it: security group rules changed through the newer API.
                "ModifySecurityGroupRules",
            ),
        ),
    ),
    "nacl_changes": (
        "network ACL changes",
        (
            _any_event(
                "CreateNetworkAcl",
                "CreateNetworkAclEntry",
                "DeleteNetworkAcl",
                "DeleteNetworkAclEntry",
                "ReplaceNetworkAclEntry",
                "ReplaceNetworkAclAssociation",
            ),
        ),
    ),
    "network_gateway_changes": (
        "network gateway changes",
        (
            _any_event(
                "CreateCustomerGateway",
                "DeleteCustomerGateway",
                "AttachInternetGateway",
                "CreateInternetGateway",
                "DeleteInternetGateway",
                "DetachInternetGateway",
            ),
        ),
    ),
    "route_table_changes": (
        "route table changes",
        (_any_event(*ROUTE_EVENTS), _source_events("ec2.amazonaws.com", *ROUTE_EVENTS)),
    ),
    "vpc_changes": (
        "VPC changes",
        (
            _any_event(
                "CreateVpc",
                "DeleteVpc",
                "ModifyVpcAttribute",
                "AcceptVpcPeeringConnection",
                "CreateVpcPeeringConnection",
                "DeleteVpcPeeringConnection",
                "RejectVpcPeeringConnection",
                "AttachClassicLinkVpc",
                "DetachClassicLinkVpc",
                "DisableVpcClassicLink",
                "EnableVpcClassicLink",
            ),
        ),
    ),
    "organizations_changes": (
        "AWS Organizations changes",
        (
            _source_events(
                "organizations.amazonaws.com",
                "AcceptHandshake",
                "AttachPolicy",
                "CreateAccount",
                "CreateOrganizationalUnit",
                "CreatePolicy",
                "DeclineHandshake",
                "DeleteOrganization",
                "DeleteOrganizationalUnit",
                "DeletePolicy",
                "DetachPolicy",
                "DisablePolicyType",
                "EnablePolicyType",
                "InviteAccountToOrganization",
                "LeaveOrganization",
                "MoveAccount",
                "RemoveAccountFromOrganization",
                "UpdatePolicy",
                "UpdateOrganizationalUnit",
            ),
        ),
    ),
}

# name -> the CIS AWS Foundations v7.0.0 recommendation the alarm answers.
CIS_7_REFS = {
    "unauthorized_api_calls": "5.1",
    "console_no_mfa": "5.2",
    "root_usage": "5.3",
    "iam_policy_changes": "5.4",
    "cloudtrail_changes": "5.5",
    "console_auth_failures": "5.6",
    "cmk_disable_deletion": "5.7",
    "s3_policy_changes": "5.8",
    "config_changes": "5.9",
    "security_group_changes": "5.10",
    "nacl_changes": "5.11",
    "network_gateway_changes": "5.12",
    "route_table_changes": "5.13",
    "vpc_changes": "5.14",
    "organizations_changes": "5.15",
}


# --- pattern matching ------------------------------------------------------------------------

Node = str | tuple[str, frozenset[Any]]
TOKEN = re.compile(r"\(|\)|&&|\|\||[^()&|]+")


def canonical_pattern(pattern: str) -> Node | None:
    """An order- and grouping-insensitive form of a filter pattern (None if it does not parse).

    Whitespace and double quotes are dropped (CIS versions differ in both), and terms joined by
    the same operator compare as a set, so reordered or re-parenthesised patterns still match.
    """
    text = re.sub(r"\s+", "", pattern).replace('"', "")
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    tokens = TOKEN.findall(text)
    try:
        node, rest = _parse_or(tokens)
    except (IndexError, ValueError):
        return None
    return node if not rest else None


def _join(operator: str, children: list[Node]) -> Node:
    flat: set[Node] = set()
    for child in children:
        if isinstance(child, tuple) and child[0] == operator:
            flat.update(child[1])
        else:
            flat.add(child)
    return next(iter(flat)) if len(flat) == 1 else (operator, frozenset(flat))


def _parse_or(tokens: list[str]) -> tuple[Node, list[str]]:
    node, tokens = _parse_and(tokens)
    children = [node]
    while tokens and tokens[0] == "||":
        node, tokens = _parse_and(tokens[1:])
        children.append(node)
    return _join("||", children), tokens


def _parse_and(tokens: list[str]) -> tuple[Node, list[str]]:
    node, tokens = _parse_term(tokens)
    children = [node]
    while tokens and tokens[0] == "&&":
        node, tokens = _parse_term(tokens[1:])
        children.append(node)
    return _join("&&", children), tokens


def _parse_term(tokens: list[str]) -> tuple[Node, list[str]]:
    if tokens[0] == "(":
        node, rest = _parse_or(tokens[1:])
        if not rest or rest[0] != ")":
            raise ValueError("unbalanced parentheses")
        return node, rest[1:]
    if tokens[0] in (")", "&&", "||"):
        raise ValueError(f"unexpected {tokens[0]}")
    return tokens[0], tokens[1:]


# The filter patterns as CIS AWS Foundations v7.0.0 prints them in each audit procedure
# (cross-checked against two public transcriptions of the v6/v7 text). Some group their terms
# differently from the forms above (5.1 and 5.13 leave out parentheses): a filter pasted from the
# benchmark is accepted as it stands.
CIS_7_PUBLISHED = {
    "unauthorized_api_calls": (
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && '
        '($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }'
    ),
    "console_no_mfa": (
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'
    ),
    "root_usage": (
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
        '$.eventType != "AwsServiceEvent" }'
    ),
    "iam_policy_changes": (
        "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||"
        "($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||"
        "($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||"
        "($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||"
        "($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||"
        "($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||"
        "($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||"
        "($.eventName=DetachGroupPolicy)}"
    ),
    "cloudtrail_changes": (
        "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || "
        "($.eventName = DeleteTrail) || ($.eventName = StartLogging) || "
        "($.eventName = StopLogging) }"
    ),
    "console_auth_failures": (
        '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'
    ),
    "cmk_disable_deletion": (
        "{($.eventSource = kms.amazonaws.com) && "
        "(($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }"
    ),
    "s3_policy_changes": (
        "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || "
        "($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || "
        "($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || "
        "($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || "
        "($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }"
    ),
    "config_changes": (
        "{ ($.eventSource = config.amazonaws.com) && "
        "(($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||"
        "($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }"
    ),
    "security_group_changes": (
        "{ ($.eventName = AuthorizeSecurityGroupIngress) || "
        "($.eventName = AuthorizeSecurityGroupEgress) || "
        "($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) "
        "|| ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || "
        "($.eventName = ModifySecurityGroupRules) }"
    ),
    "nacl_changes": (
        "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || "
        "($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || "
        "($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }"
    ),
    "network_gateway_changes": (
        "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || "
        "($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || "
        "($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }"
    ),
    "route_table_changes": (
        "{($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) || "
        "($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || "
        "($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || "
        "($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }"
    ),
    "vpc_changes": (
        "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || "
        "($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || "
        "($.eventName = CreateVpcPeeringConnection) || "
        "($.eventName = DeleteVpcPeeringConnection) || "
        "($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || "
        "($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || "
        "($.eventName = EnableVpcClassicLink) }"
    ),
    "organizations_changes": (
        '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") '
        '|| ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || '
        '($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || '
        '($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || '
        '($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || '
        '($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || '
        '($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || '
        '($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || '
        '($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || '
        '($.eventName = "UpdateOrganizationalUnit")) }'
    ),
}

CANONICAL_PATTERNS = {
    name: {canonical_pattern(p) for p in (*patterns, CIS_7_PUBLISHED[name])}
    for name, (_, patterns) in CIS_PATTERNS.items()
}
