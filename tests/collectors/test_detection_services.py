"""Inspector, Macie, the security alternate contact and CloudFront, against moto through boto3.

Where AWS answers "not enabled" with an error whose exact text decides the verdict (Macie's
GetMacieSession), the test answers with that documented error through ``aws_hooks.fail``.
"""

from __future__ import annotations

from typing import Any

import boto3

from collectors.types import Status
from tests.collectors.conftest import ACCOUNT_ID, REGION

INSPECTOR = f"arn:aws:inspector2:{REGION}:{ACCOUNT_ID}:account"
MACIE = f"arn:aws:macie2:{REGION}:{ACCOUNT_ID}:session"
CONTACT = f"{ACCOUNT_ID}:alternate-contact/SECURITY"


def test_inspector_enabled(aws_session: boto3.Session, collect: Any) -> None:
    # moto reports an account only once Inspector was enabled there (AWS reports DISABLED).
    inspector = aws_session.client("inspector2")
    inspector.enable(accountIds=[ACCOUNT_ID], resourceTypes=["EC2"])
    inspector.disable(accountIds=[ACCOUNT_ID], resourceTypes=["EC2"])
    disabled = collect("inspector2")["inspector_enabled"][INSPECTOR]
    assert disabled.status is Status.FAIL
    assert disabled.reason == f"Inspector is DISABLED in {REGION}"
    inspector.enable(accountIds=[ACCOUNT_ID], resourceTypes=["EC2"])

    result = collect("inspector2")["inspector_enabled"][INSPECTOR]

    assert result.status is Status.PASS
    assert "EC2" in result.reason.upper()


def test_inspector_failed_account_is_error(aws_hooks: Any, collect: Any) -> None:
    failed = {"accountId": ACCOUNT_ID, "errorCode": "ACCESS_DENIED", "errorMessage": "denied"}
    aws_hooks.respond(
        "inspector2", "BatchGetAccountStatus", {"accounts": [], "failedAccounts": [failed]}
    )

    result = collect("inspector2")["inspector_enabled"][INSPECTOR]

    assert result.status is Status.ERROR
    assert result.reason == "could not read BatchGetAccountStatus: ACCESS_DENIED: denied"


def test_macie_enabled(aws_session: boto3.Session, collect: Any) -> None:
    aws_session.client("macie2").enable_macie()
    result = collect("macie2")["macie_enabled"][MACIE]
    assert result.status is Status.PASS
    assert result.evidence["status"] == "ENABLED"


def test_macie_never_enabled_fails(aws_hooks: Any, collect: Any) -> None:
    aws_hooks.fail(
        "macie2",
        "GetMacieSession",
        "AccessDeniedException",
        status=403,
        message="Macie is not enabled.",
    )
    result = collect("macie2")["macie_enabled"][MACIE]
    assert result.status is Status.FAIL
    assert result.reason == f"Macie is NOT_ENABLED in {REGION}"


def test_macie_permission_denied_is_error(aws_hooks: Any, collect: Any) -> None:
    aws_hooks.fail(
        "macie2",
        "GetMacieSession",
        "AccessDeniedException",
        status=403,
        message="User is not authorized to perform: macie2:GetMacieSession",
    )
    results = collect("macie2")["macie_enabled"]
    (result,) = results.values()
    assert result.status is Status.ERROR
    assert result.reason.startswith("AccessDeniedException: User is not authorized")


def test_security_contact(aws_session: boto3.Session, collect: Any) -> None:
    assert collect("account", "global")["account_security_contact"][CONTACT].status is Status.FAIL
    aws_session.client("account").put_alternate_contact(
        AlternateContactType="SECURITY",
        Name="Security team",
        EmailAddress="security@example.com",
        PhoneNumber="+1-555-0100",
        Title="Security",
    )

    result = collect("account", "global")["account_security_contact"][CONTACT]

    assert result.status is Status.PASS
    assert result.reason == "security contact Security team <security@example.com>"


def distribution(cloudfront: Any, name: str, default_policy: str, extra_policy: str) -> str:
    origin = {
        "Id": "origin",
        "DomainName": f"{name}.s3.amazonaws.com",
        "S3OriginConfig": {"OriginAccessIdentity": ""},
    }
    behaviour = {"TargetOriginId": "origin", "ViewerProtocolPolicy": default_policy}
    config = {
        "CallerReference": name,
        "Comment": name,
        "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": behaviour,
        "CacheBehaviors": {
            "Quantity": 1,
            "Items": [{**behaviour, "PathPattern": "/api/*", "ViewerProtocolPolicy": extra_policy}],
        },
    }
    return cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["ARN"]


def test_cloudfront_viewer_https(aws_session: boto3.Session, collect: Any) -> None:
    cloudfront = aws_session.client("cloudfront")
    strict = distribution(cloudfront, "strict", "redirect-to-https", "https-only")
    leaky = distribution(cloudfront, "leaky", "redirect-to-https", "allow-all")

    results = collect("cloudfront", "global")["cloudfront_viewer_https"]

    assert results[strict].status is Status.PASS
    assert results[leaky].status is Status.FAIL
    assert results[leaky].reason == "allows plain HTTP on /api/*"


def test_inspector_without_a_status_for_the_account_is_error(aws_hooks: Any, collect: Any) -> None:
    aws_hooks.respond("inspector2", "BatchGetAccountStatus", {"accounts": [], "failedAccounts": []})
    result = collect("inspector2")["inspector_enabled"][INSPECTOR]
    assert result.status is Status.ERROR
    assert result.reason == f"BatchGetAccountStatus returned no status for {ACCOUNT_ID}"
