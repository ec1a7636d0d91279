"""Organization-level checks: SCP guardrails on the root, the organization trail, and an empty
management account; NOT_APPLICABLE outside the management account, ERROR when it cannot read."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from collectors.runner import collect_unit
from collectors.types import Status

from .conftest import ACCOUNT_ID, REGION, AwsHooks, Collected

SCP_CHECKS = (
    "organizations_scp_protects_cloudtrail",
    "organizations_scp_protects_config",
    "organizations_scp_denies_leave",
)
GUARDRAILS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ProtectAuditTrail",
            "Effect": "Deny",
            "Action": ["cloudtrail:StopLogging", "cloudtrail:Delete*", "config:Stop*"],
            "Resource": "*",
            "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}},
        },
        {
            "Effect": "Deny",
            "Action": ["config:DeleteConfigurationRecorder", "organizations:LeaveOrganization"],
            "Resource": "*",
        },
    ],
}


def one(collected: Collected, check_id: str) -> Any:
    (result,) = collected[check_id].values()
    return result


@pytest.fixture
def org(aws_session: boto3.Session) -> dict[str, str]:
    client = aws_session.client("organizations")
    client.create_organization(FeatureSet="ALL")
    root_id = client.list_roots()["Roots"][0]["Id"]
    # As in AWS, SCPs are a policy type the organization enables on its root before use.
    client.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
    ou = client.create_organizational_unit(ParentId=root_id, Name="Workloads")
    return {"root": root_id, "ou": ou["OrganizationalUnit"]["Id"]}


def attach_scp(session: boto3.Session, target: str, content: dict[str, Any]) -> None:
    client = session.client("organizations")
    policy = client.create_policy(
        Content=json.dumps(content),
        Description="guardrails",
        Name="guardrails",
        Type="SERVICE_CONTROL_POLICY",
    )
    client.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=target)


def test_scps_on_the_root_pass(
    aws_session: boto3.Session, org: dict[str, str], collect: Callable[..., Collected]
) -> None:
    attach_scp(aws_session, org["root"], GUARDRAILS)

    collected = collect("organizations", "global")

    for check_id in SCP_CHECKS:
        result = one(collected, check_id)
        assert result.status is Status.PASS, (check_id, result.reason)
        assert result.resource_id.endswith(org["root"])
    assert "with conditions" in one(collected, SCP_CHECKS[0]).reason


def test_only_full_access_or_an_ou_attachment_fails(
    aws_session: boto3.Session, org: dict[str, str], collect: Callable[..., Collected]
) -> None:
    attach_scp(aws_session, org["ou"], GUARDRAILS)  # covers one OU, not every account

    collected = collect("organizations", "global")

    for check_id in SCP_CHECKS:
        assert one(collected, check_id).status is Status.FAIL, check_id
    reason = one(collected, "organizations_scp_protects_cloudtrail").reason
    assert (
        reason
        == "no SCP attached to the root denies cloudtrail:StopLogging, cloudtrail:DeleteTrail"
    )


def test_scp_policy_type_disabled_fails(
    aws_session: boto3.Session, org: dict[str, str], collect: Callable[..., Collected]
) -> None:
    attach_scp(aws_session, org["root"], GUARDRAILS)
    aws_session.client("organizations").disable_policy_type(
        RootId=org["root"], PolicyType="SERVICE_CONTROL_POLICY"
    )

    result = one(collect("organizations", "global"), "organizations_scp_denies_leave")

    assert result.status is Status.FAIL
    assert result.reason == "service control policies are not enabled on the root"


def test_partial_guardrail_names_the_missing_action(
    aws_session: boto3.Session, org: dict[str, str], collect: Callable[..., Collected]
) -> None:
    only_stop = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "cloudtrail:StopLogging", "Resource": "*"}],
    }
    attach_scp(aws_session, org["root"], only_stop)

    result = one(collect("organizations", "global"), "organizations_scp_protects_cloudtrail")

    assert result.status is Status.FAIL
    assert result.reason.endswith("denies cloudtrail:DeleteTrail")


def create_trail(session: boto3.Session, *, organization: bool, start: bool) -> None:
    s3 = session.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="org-trail-logs")
    cloudtrail = session.client("cloudtrail", region_name=REGION)
    cloudtrail.create_trail(
        Name="org-trail",
        S3BucketName="org-trail-logs",
        IsMultiRegionTrail=True,
        IsOrganizationTrail=organization,
    )
    if start:
        cloudtrail.start_logging(Name="org-trail")


def test_organization_trail_logging_passes(
    aws_session: boto3.Session, org: dict[str, str], collect: Callable[..., Collected]
) -> None:
    create_trail(aws_session, organization=True, start=True)

    result = one(collect("organizations", "global"), "organizations_cloudtrail_org_trail")

    assert result.status is Status.PASS, result.reason
    assert result.reason == "organization trail org-trail is logging"


def test_account_trail_only_fails(
    aws_session: boto3.Session, org: dict[str, str], collect: Callable[..., Collected]
) -> None:
    create_trail(aws_session, organization=False, start=True)

    result = one(collect("organizations", "global"), "organizations_cloudtrail_org_trail")

    assert result.status is Status.FAIL
    assert "no organization trail" in result.reason


def test_stopped_organization_trail_fails(
    aws_session: boto3.Session, org: dict[str, str], collect: Callable[..., Collected]
) -> None:
    create_trail(aws_session, organization=True, start=False)

    result = one(collect("organizations", "global"), "organizations_cloudtrail_org_trail")

    assert result.status is Status.FAIL
    assert "not multi-region or not logging" in result.reason


def test_management_account_without_instances_passes(
    aws_session: boto3.Session, org: dict[str, str], collect: Callable[..., Collected]
) -> None:
    result = one(collect("organizations_management"), "organizations_management_no_workloads")

    assert result.status is Status.PASS, result.reason


def test_management_account_with_an_instance_fails(
    aws_session: boto3.Session, org: dict[str, str], collect: Callable[..., Collected]
) -> None:
    ec2 = aws_session.client("ec2", region_name=REGION)
    image_id = ec2.register_image(Name="app", RootDeviceName="/dev/sda1")["ImageId"]
    instance = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)["Instances"][0]

    result = one(collect("organizations_management"), "organizations_management_no_workloads")

    assert result.status is Status.FAIL
    assert instance["InstanceId"] in result.reason
    assert result.evidence["Instances"][0]["InstanceId"] == instance["InstanceId"]


def test_outside_an_organization_is_not_applicable(collect: Callable[..., Collected]) -> None:
    collected = collect("organizations", "global")
    management = collect("organizations_management")

    for check_id in (*SCP_CHECKS, "organizations_cloudtrail_org_trail"):
        result = one(collected, check_id)
        assert result.status is Status.NOT_APPLICABLE
        assert result.reason == "the account is not a member of an AWS Organization"
    result = one(management, "organizations_management_no_workloads")
    assert result.status is Status.NOT_APPLICABLE


def member_session(session: boto3.Session) -> tuple[boto3.Session, str]:
    client = session.client("organizations")
    created = client.create_account(AccountName="prod", Email="prod@example.com")
    member_id = created["CreateAccountStatus"]["AccountId"]
    credentials = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{member_id}:role/GrcEvidenceReader",
        RoleSessionName="test",
        ExternalId="x" * 16,
    )["Credentials"]
    member = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )
    return member, member_id


def test_member_account_is_not_applicable_with_the_management_account_named(
    aws_session: boto3.Session, org: dict[str, str]
) -> None:
    member, member_id = member_session(aws_session)
    # AWS answers ListRoots with AccessDenied in a member that is not a delegated admin
    # (moto answers it everywhere).
    AwsHooks(member).fail("organizations", "ListRoots", "AccessDeniedException")

    results = collect_unit(member, "organizations", "global", account_id=member_id)
    management = collect_unit(member, "organizations_management", REGION, account_id=member_id)

    assert {r.check_id for r in results} == {*SCP_CHECKS, "organizations_cloudtrail_org_trail"}
    for result in results:
        assert result.status is Status.NOT_APPLICABLE
        assert f"management account {ACCOUNT_ID}" in result.reason
    assert [r.status for r in management] == [Status.NOT_APPLICABLE]
    assert management[0].reason == f"not the management account ({ACCOUNT_ID})"


def test_access_denied_in_the_management_account_is_an_error(
    aws_session: boto3.Session, org: dict[str, str], collect: Callable[..., Collected]
) -> None:
    AwsHooks(aws_session).fail("organizations", "ListRoots", "AccessDeniedException")

    collected = collect("organizations", "global")

    for check_id in (*SCP_CHECKS, "organizations_cloudtrail_org_trail"):
        result = one(collected, check_id)
        assert result.status is Status.ERROR
        assert "AccessDeniedException" in result.reason


def test_unreadable_scps_are_an_error_not_a_pass(
    aws_session: boto3.Session, org: dict[str, str], collect: Callable[..., Collected]
) -> None:
    attach_scp(aws_session, org["root"], GUARDRAILS)
    AwsHooks(aws_session).fail("organizations", "DescribePolicy", "AccessDeniedException")

    result = one(collect("organizations", "global"), "organizations_scp_protects_cloudtrail")

    assert result.status is Status.ERROR
    assert result.reason.startswith("could not read the root's SCPs: AccessDeniedException")
