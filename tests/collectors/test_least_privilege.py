"""Least-privilege and S3 writer checks against moto IAM and S3 resources created through boto3."""

from __future__ import annotations

import json
from typing import Any

import boto3
import moto.iam.models as moto_iam_models
import pytest

from collectors.types import Status
from tests.collectors.conftest import ACCOUNT_ID

IAM = f"arn:aws:iam::{ACCOUNT_ID}:"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@pytest.fixture
def admin_access_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto loads AWS managed policies only when asked: load AdministratorAccess alone."""
    every = json.loads(moto_iam_models.aws_managed_policies_data)
    subset = {"AdministratorAccess": every["AdministratorAccess"]}
    monkeypatch.setattr(moto_iam_models, "aws_managed_policies_data", json.dumps(subset))
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def test_inline_full_admin_fails_on_each_identity_kind(aws_session: boto3.Session, collect) -> None:
    iam = aws_session.client("iam")
    iam.create_user(UserName="alice")
    iam.create_group(GroupName="ops")
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=TRUST)
    iam.put_user_policy(UserName="alice", PolicyName="god", PolicyDocument=doc(allow("*")))
    iam.put_group_policy(GroupName="ops", PolicyName="god", PolicyDocument=doc(allow(["*"])))
    iam.put_role_policy(RoleName="app", PolicyName="read", PolicyDocument=doc(allow("s3:Get*")))

    results = collect("iam", "global")["iam_inline_policy_no_full_admin"]

    user_policy = results[f"{IAM}user/alice/inline-policy/god"]
    assert user_policy.status is Status.FAIL
    assert user_policy.resource_type == "AWS::IAM::UserPolicy"
    assert user_policy.evidence["offending_statements"] == [allow("*")]
    assert results[f"{IAM}group/ops/inline-policy/god"].status is Status.FAIL
    assert results[f"{IAM}role/app/inline-policy/read"].status is Status.PASS


def test_no_inline_policies_is_not_applicable(aws_session: boto3.Session, collect) -> None:
    aws_session.client("iam").create_user(UserName="alice")
    results = collect("iam", "global")["iam_inline_policy_no_full_admin"]
    assert results[ACCOUNT_ID].status is Status.NOT_APPLICABLE


def test_service_wildcards(aws_session: boto3.Session, collect) -> None:
    iam = aws_session.client("iam")
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=TRUST)
    kms_all = iam.create_policy(PolicyName="kms-all", PolicyDocument=doc(allow("kms:*")))
    scoped = iam.create_policy(
        PolicyName="scoped", PolicyDocument=doc(allow(["kms:Decrypt", "s3:GetObject"]))
    )
    unattached = iam.create_policy(PolicyName="spare", PolicyDocument=doc(allow("iam:*")))
    for policy in (kms_all, scoped):
        iam.attach_role_policy(RoleName="app", PolicyArn=policy["Policy"]["Arn"])
    not_action = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    iam.put_role_policy(RoleName="app", PolicyName="almost", PolicyDocument=doc(not_action))

    results = collect("iam", "global")["iam_policy_no_service_wildcard"]

    assert results[kms_all["Policy"]["Arn"]].status is Status.FAIL
    assert results[kms_all["Policy"]["Arn"]].reason == "kms-all allows kms:*"
    assert results[kms_all["Policy"]["Arn"]].evidence["attached_to"] == [f"{IAM}role/app"]
    assert results[scoped["Policy"]["Arn"]].status is Status.PASS
    assert results[unattached["Policy"]["Arn"]].status is Status.PASS
    assert "not attached" in results[unattached["Policy"]["Arn"]].reason
    almost = results[f"{IAM}role/app/inline-policy/almost"]
    assert almost.status is Status.FAIL
    assert almost.reason == "almost allows every action except iam:* (NotAction)"


def test_passrole_on_everything(aws_session: boto3.Session, collect) -> None:
    iam = aws_session.client("iam")
    iam.create_user(UserName="deployer")
    wide = iam.create_policy(PolicyName="wide", PolicyDocument=doc(allow("iam:Pass*")))
    narrow = iam.create_policy(
        PolicyName="narrow",
        PolicyDocument=doc(allow("iam:PassRole", f"{IAM}role/app")),
    )
    for policy in (wide, narrow):
        iam.attach_user_policy(UserName="deployer", PolicyArn=policy["Policy"]["Arn"])

    results = collect("iam", "global")["iam_policy_no_passrole_wildcard"]

    assert results[wide["Policy"]["Arn"]].status is Status.FAIL
    assert results[narrow["Policy"]["Arn"]].status is Status.PASS


def test_identity_s3_writers(
    admin_access_policy: None, aws_session: boto3.Session, collect
) -> None:
    iam = aws_session.client("iam")
    for user in ("uploader", "reader", "grouped", "denied"):
        iam.create_user(UserName=user)
    iam.create_role(RoleName="admin", AssumeRolePolicyDocument=TRUST)
    iam.put_user_policy(
        UserName="uploader",
        PolicyName="put",
        PolicyDocument=doc(allow("s3:PutObject", "arn:aws:s3:::prod/*")),
    )
    iam.put_user_policy(UserName="reader", PolicyName="get", PolicyDocument=doc(allow("s3:Get*")))
    iam.create_group(GroupName="writers")
    iam.add_user_to_group(GroupName="writers", UserName="grouped")
    iam.put_group_policy(GroupName="writers", PolicyName="rw", PolicyDocument=doc(allow("s3:*")))
    iam.put_user_policy(
        UserName="denied",
        PolicyName="both",
        PolicyDocument=doc(
            allow("s3:*"), {"Effect": "Deny", "Action": "s3:*Object*", "Resource": "*"}
        ),
    )
    iam.attach_role_policy(
        RoleName="admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
    )

    results = collect(
        "iam",
        "global",
        parameters={"iam_s3_object_writers": {"s3_object_writers": ["*:role/admin"]}},
    )["iam_s3_object_writers"]

    assert set(results) == {f"{IAM}user/uploader", f"{IAM}user/grouped", f"{IAM}role/admin"}
    uploader = results[f"{IAM}user/uploader"]
    assert uploader.status is Status.FAIL
    assert uploader.reason == "may s3:PutObject; not on the approved writer list"
    assert uploader.evidence["grants"][0]["resources"] == ["arn:aws:s3:::prod/*"]
    grouped = results[f"{IAM}user/grouped"]
    assert grouped.evidence["grants"][0]["via"] == "group writers: inline policy rw"
    assert results[f"{IAM}role/admin"].status is Status.PASS


def test_no_identity_s3_writers_passes(aws_session: boto3.Session, collect) -> None:
    aws_session.client("iam").create_user(UserName="nobody")
    results = collect("iam", "global")["iam_s3_object_writers"]
    assert results[ACCOUNT_ID].status is Status.PASS


def test_bucket_policy_writers(aws_session: boto3.Session, collect) -> None:
    s3 = aws_session.client("s3")
    for name in ("open-drop", "ci-only", "plain"):
        s3.create_bucket(Bucket=name)
    deployer = f"{IAM}role/deployer"
    s3.put_bucket_policy(
        Bucket="open-drop",
        Policy=doc(
            {
                "Sid": "Drop",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::open-drop/*",
            }
        ),
    )
    s3.put_bucket_policy(
        Bucket="ci-only",
        Policy=doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": deployer, "Service": "logging.s3.amazonaws.com"},
                "Action": ["s3:PutObject", "s3:DeleteObject"],
                "Resource": "arn:aws:s3:::ci-only/*",
            }
        ),
    )

    results = collect(
        "s3",
        "global",
        parameters={"s3_bucket_policy_object_writers": {"s3_object_writers": [deployer]}},
    )["s3_bucket_policy_object_writers"]

    open_drop = results["arn:aws:s3:::open-drop"]
    assert open_drop.status is Status.FAIL
    assert open_drop.reason == "bucket policy lets unapproved principals write: *"
    ci_only = results["arn:aws:s3:::ci-only"]
    assert ci_only.status is Status.PASS
    grants = ci_only.evidence["writer_grants"][0]
    assert grants["service_principals"] == ["logging.s3.amazonaws.com"]
    assert results["arn:aws:s3:::plain"].status is Status.PASS
