"""IAM checks against moto resources created through boto3.

Everything about IAM users comes from moto as is; the root user's checks are in
``test_iam_root``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import moto.iam.models as moto_iam_models
import pytest

from collectors.aws.iam import mask_key_id
from collectors.types import Status
from tests.collectors.conftest import ACCOUNT_ID

ROOT_ARN = f"arn:aws:iam::{ACCOUNT_ID}:root"
MANAGED_POLICIES = json.loads(moto_iam_models.aws_managed_policies_data)
NOW = dt.datetime.now(dt.UTC)
ADMIN_DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
READ_DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


@pytest.fixture
def managed_policies(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto loads AWS managed policies only when asked to, and all ~1,300 of them take seconds:
    load just the two these checks look for."""
    wanted = ("AWSSupportAccess", "AWSCloudShellFullAccess", "AdministratorAccess")
    subset = {name: MANAGED_POLICIES[name] for name in wanted}
    monkeypatch.setattr(moto_iam_models, "aws_managed_policies_data", json.dumps(subset))
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")


def iam_client(session: boto3.Session) -> Any:
    return session.client("iam")


def make_user(
    session: boto3.Session, name: str, *, password: bool = False, keys: int = 0
) -> list[str]:
    iam = iam_client(session)
    iam.create_user(UserName=name)
    if password:
        iam.create_login_profile(UserName=name, Password="Pa55word!Pa55word")
    return [iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"] for _ in range(keys)]


def user_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT_ID}:user/{name}"


# --- password policy ---------------------------------------------------------------------------

STRONG_POLICY = {
    "MinimumPasswordLength": 14,
    "PasswordReusePrevention": 24,
    "MaxPasswordAge": 90,
    "RequireUppercaseCharacters": True,
    "RequireLowercaseCharacters": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
}
POLICY_CHECKS = (
    "iam_password_policy_min_length",
    "iam_password_policy_reuse",
    "iam_password_policy_max_age",
    "iam_password_policy_complexity",
)


def test_password_policy_pass(aws_session, collect_at) -> None:
    iam_client(aws_session).update_account_password_policy(**STRONG_POLICY)
    collected = collect_at("iam", "global")
    for check_id in POLICY_CHECKS:
        result = collected[check_id][ACCOUNT_ID]
        assert result.status is Status.PASS, (check_id, result.reason)
        assert result.evidence["PasswordPolicy"]["MinimumPasswordLength"] == 14


def test_password_policy_weak(aws_session, collect_at) -> None:
    weak = {
        **STRONG_POLICY,
        "MinimumPasswordLength": 8,
        "PasswordReusePrevention": 5,
        "MaxPasswordAge": 365,
        "RequireSymbols": False,
    }
    iam_client(aws_session).update_account_password_policy(**weak)
    collected = collect_at("iam", "global")
    reasons = {check_id: collected[check_id][ACCOUNT_ID].reason for check_id in POLICY_CHECKS}
    assert all(collected[c][ACCOUNT_ID].status is Status.FAIL for c in POLICY_CHECKS)
    assert reasons == {
        "iam_password_policy_min_length": "minimum password length is 8 (required 14)",
        "iam_password_policy_reuse": "password reuse prevention remembers 5 (required 24)",
        "iam_password_policy_max_age": "passwords expire after 365 days (limit 90)",
        "iam_password_policy_complexity": "the password policy does not set RequireSymbols",
    }


def test_no_password_policy_fails(collect_at) -> None:
    collected = collect_at("iam", "global")
    for check_id in POLICY_CHECKS:
        assert collected[check_id][ACCOUNT_ID].status is Status.FAIL
        assert collected[check_id][ACCOUNT_ID].reason == "the account has no IAM password policy"


def test_password_policy_read_error_is_resource_error(aws_hooks, collect_at) -> None:
    aws_hooks.fail("iam", "GetAccountPasswordPolicy", "AccessDenied", status=403)
    collected = collect_at("iam", "global")
    result = collected["iam_password_policy_min_length"][ACCOUNT_ID]
    assert result.status is Status.ERROR
    assert "AccessDenied" in result.reason
    # the rest of IAM is unaffected
    assert collected["iam_support_role_exists"][ACCOUNT_ID].status is Status.FAIL


# --- users -------------------------------------------------------------------------------------


def test_user_console_mfa(aws_session, collect_at) -> None:
    make_user(aws_session, "no-mfa", password=True)
    make_user(aws_session, "with-mfa", password=True)
    make_user(aws_session, "api-only", keys=1)
    iam = iam_client(aws_session)
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="with-mfa")["VirtualMFADevice"][
        "SerialNumber"
    ]
    iam.enable_mfa_device(
        UserName="with-mfa",
        SerialNumber=serial,
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    results = collect_at("iam", "global")["iam_user_console_mfa"]
    assert results[user_arn("no-mfa")].status is Status.FAIL
    assert results[user_arn("no-mfa")].reason == "no-mfa has a console password but no MFA"
    assert results[user_arn("with-mfa")].status is Status.PASS
    assert results[user_arn("api-only")].status is Status.NOT_APPLICABLE


def test_no_users_is_not_applicable(collect_at) -> None:
    result = collect_at("iam", "global")["iam_user_console_mfa"][ACCOUNT_ID]
    assert result.status is Status.NOT_APPLICABLE


def test_credentials_unused(aws_session, collect_at) -> None:
    (key_id,) = make_user(aws_session, "idle", password=True, keys=1)
    now = dt.datetime.now(dt.UTC)
    results = collect_at("iam", "global", now=now)["iam_credentials_unused"]
    assert results[user_arn("idle")].status is Status.PASS
    later = collect_at("iam", "global", now=now + dt.timedelta(days=60))["iam_credentials_unused"]
    result = later[user_arn("idle")]
    assert result.status is Status.FAIL
    assert "password never used (user created 60 days ago)" in result.reason
    assert f"access key {mask_key_id(key_id)} never used (created 60 days ago)" in result.reason
    assert key_id not in result.reason


def test_user_one_active_key(aws_session, collect_at) -> None:
    make_user(aws_session, "two-keys", keys=2)
    make_user(aws_session, "one-key", keys=1)
    results = collect_at("iam", "global")["iam_user_one_active_key"]
    assert results[user_arn("two-keys")].status is Status.FAIL
    assert results[user_arn("two-keys")].reason == "two-keys has 2 active access key(s)"
    assert results[user_arn("one-key")].status is Status.PASS


def test_access_key_rotated(aws_session, collect_at) -> None:
    (key_id,) = make_user(aws_session, "rotator", keys=1)
    make_user(aws_session, "keyless")
    now = dt.datetime.now(dt.UTC)
    fresh = collect_at("iam", "global", now=now)["iam_access_key_rotated"]
    assert fresh[user_arn("rotator")].status is Status.PASS
    assert fresh[user_arn("keyless")].status is Status.NOT_APPLICABLE
    old = collect_at("iam", "global", now=now + dt.timedelta(days=120))["iam_access_key_rotated"]
    result = old[user_arn("rotator")]
    assert result.status is Status.FAIL
    assert result.reason == (
        f"rotator: Access key {key_id[:4]}...{key_id[-4:]} last rotated 120 days ago (limit 90)"
    )


def test_user_no_attached_policies(aws_session, collect_at) -> None:
    iam = iam_client(aws_session)
    make_user(aws_session, "direct")
    make_user(aws_session, "grouped")
    policy_arn = iam.create_policy(PolicyName="reader", PolicyDocument=json.dumps(READ_DOCUMENT))[
        "Policy"
    ]["Arn"]
    iam.attach_user_policy(UserName="direct", PolicyArn=policy_arn)
    iam.create_group(GroupName="readers")
    iam.attach_group_policy(GroupName="readers", PolicyArn=policy_arn)
    iam.add_user_to_group(GroupName="readers", UserName="grouped")
    results = collect_at("iam", "global")["iam_user_no_attached_policies"]
    assert results[user_arn("direct")].status is Status.FAIL
    assert results[user_arn("direct")].reason == "direct has policies attached directly: reader"
    assert results[user_arn("grouped")].status is Status.PASS


# --- policies, roles, certificates -------------------------------------------------------------


def test_policy_no_full_admin(aws_session, collect_at) -> None:
    iam = iam_client(aws_session)
    make_user(aws_session, "ops")
    admin = iam.create_policy(PolicyName="admin", PolicyDocument=json.dumps(ADMIN_DOCUMENT))
    reader = iam.create_policy(PolicyName="reader", PolicyDocument=json.dumps(READ_DOCUMENT))
    unused = iam.create_policy(PolicyName="unused-admin", PolicyDocument=json.dumps(ADMIN_DOCUMENT))
    for policy in (admin, reader):
        iam.attach_user_policy(UserName="ops", PolicyArn=policy["Policy"]["Arn"])
    results = collect_at("iam", "global")["iam_policy_no_full_admin"]
    assert results[admin["Policy"]["Arn"]].status is Status.FAIL
    assert results[admin["Policy"]["Arn"]].evidence["DefaultVersion"]["Document"] == ADMIN_DOCUMENT
    assert results[reader["Policy"]["Arn"]].status is Status.PASS
    assert results[unused["Policy"]["Arn"]].status is Status.PASS
    assert "not attached" in results[unused["Policy"]["Arn"]].reason


def test_policy_no_full_admin_sees_attached_aws_managed_policies(
    aws_session, collect_at, managed_policies
) -> None:
    # CIS 2.14 lists every attached policy: AdministratorAccess on a role fails it.
    admin_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
    results = collect_at("iam", "global")["iam_policy_no_full_admin"]
    assert admin_arn not in results  # loaded but attached to no one: not judged
    assert "arn:aws:iam::aws:policy/AWSSupportAccess" not in results
    iam = iam_client(aws_session)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ROOT_ARN}, "Action": "sts:AssumeRole"}
        ],
    }
    iam.create_role(RoleName="breakglass", AssumeRolePolicyDocument=json.dumps(trust))
    iam.attach_role_policy(RoleName="breakglass", PolicyArn=admin_arn)
    result = collect_at("iam", "global")["iam_policy_no_full_admin"][admin_arn]
    assert result.status is Status.FAIL
    assert result.reason == (
        'AWS managed policy AdministratorAccess allows "*" on "*" and is attached 1 time(s)'
    )
    assert result.evidence["AwsManaged"] is True


def test_authorization_details_follow_truncated_pages() -> None:
    """A recorded two-page GetAccountAuthorizationDetails (botocore Stubber): the second page,
    asked for with the first page's Marker, is read too."""
    from botocore.stub import Stubber

    from collectors.aws.iam import AUTHORIZATION_FILTER, authorization_details

    iam = boto3.client(
        "iam", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    user = {"UserName": "a", "Arn": user_arn("a"), "UserId": "AIDAEXAMPLEUSER0001", "Path": "/"}
    second = {**user, "UserName": "b", "Arn": user_arn("b"), "UserId": "AIDAEXAMPLEUSER0002"}
    with Stubber(iam) as stubber:
        stubber.add_response(
            "get_account_authorization_details",
            {"UserDetailList": [user], "IsTruncated": True, "Marker": "page-2"},
            {"Filter": AUTHORIZATION_FILTER, "MaxItems": 1000},
        )
        stubber.add_response(
            "get_account_authorization_details",
            {"UserDetailList": [second], "IsTruncated": False},
            {"Filter": AUTHORIZATION_FILTER, "MaxItems": 1000, "Marker": "page-2"},
        )
        details = authorization_details(iam)
        stubber.assert_no_pending_responses()
    assert [u["UserName"] for u in details["UserDetailList"]] == ["a", "b"]


def test_support_role(aws_session, collect_at, managed_policies) -> None:
    assert collect_at("iam", "global")["iam_support_role_exists"][ACCOUNT_ID].status is Status.FAIL
    iam = iam_client(aws_session)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ROOT_ARN}, "Action": "sts:AssumeRole"}
        ],
    }
    role = iam.create_role(RoleName="support", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    iam.attach_role_policy(RoleName="support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
    result = collect_at("iam", "global")["iam_support_role_exists"][role["Arn"]]
    assert result.status is Status.PASS


def test_cloudshell_full_access(aws_session, collect_at, managed_policies) -> None:
    policy_arn = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
    assert collect_at("iam", "global")["iam_cloudshell_full_access_restricted"][
        policy_arn
    ].status is (Status.PASS)
    make_user(aws_session, "shell")
    iam_client(aws_session).attach_user_policy(UserName="shell", PolicyArn=policy_arn)
    result = collect_at("iam", "global")["iam_cloudshell_full_access_restricted"][policy_arn]
    assert result.status is Status.FAIL
    assert result.evidence["identities_with_AWSCloudShellFullAccess"] == [user_arn("shell")]


def test_server_certificates(aws_session, collect_at) -> None:
    """moto reports every server certificate as expiring on 2012-05-08; ``now`` moves around it."""
    iam_client(aws_session).upload_server_certificate(
        ServerCertificateName="web", CertificateBody="cert-body", PrivateKey="private-key"
    )
    arn = f"arn:aws:iam::{ACCOUNT_ID}:server-certificate/web"
    before = dt.datetime(2011, 1, 1, tzinfo=dt.UTC)
    result = collect_at("iam", "global", now=before)["iam_server_certificates_not_expired"][arn]
    assert result.status is Status.PASS
    assert result.reason == "web expires on 2012-05-08"
    expired = collect_at("iam", "global")["iam_server_certificates_not_expired"][arn]
    assert expired.status is Status.FAIL
    assert expired.reason == "web expired on 2012-05-08"
