"""S3 bucket settings: TLS-only policy, default encryption, versioning, MFA delete, access logs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any

from collectors.aws.s3 import (
    BUCKET,
    SERVICE,
    Bucket,
    S3Snapshot,
    Verdict,
    as_list,
    bucket_arn,
    evaluate_buckets,
    evaluate_trail_buckets,
    everyone,
    policy_document,
    statement_label,
    statements,
)
from collectors.registry import check
from collectors.types import CheckContext, CheckResult, Severity, Status

MIN_TLS_VERSION = 1.2
TLS_VERSION_OPERATORS = ("NumericLessThan", "NumericLessThanIfExists")


def _condition_values(
    statement: Mapping[str, Any], operators: tuple[str, ...], key: str
) -> list[str]:
    conditions = statement.get("Condition", {})
    return [
        str(value).lower()
        for operator in operators
        for name, values in conditions.get(operator, {}).items()
        if name.lower() == key
        for value in as_list(values)
    ]


def _denies_old_tls(statement: Mapping[str, Any]) -> bool:
    """A Deny on s3:TlsVersion below 1.2 or higher: CIS 3.1.1's accepted alternative."""
    versions = _condition_values(statement, TLS_VERSION_OPERATORS, "s3:tlsversion")
    try:
        return any(float(version) >= MIN_TLS_VERSION for version in versions)
    except ValueError:
        return False


def _denied_condition(statement: Mapping[str, Any]) -> str:
    secure = _condition_values(statement, ("Bool", "BoolIfExists"), "aws:securetransport")
    return "aws:SecureTransport is false" if "false" in secure else "s3:TlsVersion is below 1.2"


def _denies_plain_http(statement: Mapping[str, Any], bucket_arn: str) -> bool:
    secure = _condition_values(statement, ("Bool", "BoolIfExists"), "aws:securetransport")
    actions = {str(action).lower() for action in as_list(statement.get("Action"))}
    return (
        statement.get("Effect") == "Deny"
        and everyone(statement.get("Principal"))
        and bool(actions & {"*", "s3:*"})
        and ("false" in secure or _denies_old_tls(statement))
        and any(
            fnmatchcase(f"{bucket_arn}/object", str(resource))
            for resource in as_list(statement.get("Resource"))
        )
    )


@check(
    "s3_bucket_tls_only",
    title="S3 bucket policies deny requests without TLS",
    service=SERVICE,
    resource_type=BUCKET,
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:3.1.1",),
)
def bucket_tls_only(snapshot: S3Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    def decide(bucket: Bucket) -> Verdict:
        document = policy_document(bucket)
        evidence = {"policy": document}
        if document is None:
            return Verdict(Status.FAIL, "no bucket policy, so plain HTTP is not denied", evidence)
        arn = bucket_arn(snapshot, bucket)
        denying = [s for s in statements(document) if _denies_plain_http(s, arn)]
        if denying:
            label = statement_label(denying[0], document)
            condition = _denied_condition(denying[0])
            return Verdict(
                Status.PASS, f"policy statement {label} denies s3:* when {condition}", evidence
            )
        return Verdict(
            Status.FAIL,
            "no Deny statement for aws:SecureTransport false (or s3:TlsVersion below 1.2) "
            "covering the bucket's objects",
            evidence,
        )

    return evaluate_buckets("s3_bucket_tls_only", snapshot, ctx, ("policy",), decide)


@check(
    "s3_bucket_default_encryption",
    title="S3 buckets have default encryption",
    service=SERVICE,
    resource_type=BUCKET,
    severity=Severity.MEDIUM,
)
def bucket_default_encryption(snapshot: S3Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    def decide(bucket: Bucket) -> Verdict:
        body = bucket.body("encryption")
        rules = ((body or {}).get("ServerSideEncryptionConfiguration") or {}).get("Rules", [])
        algorithms = [
            rule["ApplyServerSideEncryptionByDefault"].get("SSEAlgorithm")
            for rule in rules
            if "ApplyServerSideEncryptionByDefault" in rule
        ]
        evidence = {"encryption": body}
        if algorithms:
            return Verdict(
                Status.PASS, f"default encryption: {', '.join(map(str, algorithms))}", evidence
            )
        return Verdict(Status.FAIL, "no default encryption configured", evidence)

    return evaluate_buckets("s3_bucket_default_encryption", snapshot, ctx, ("encryption",), decide)


@check(
    "s3_bucket_versioning",
    title="S3 buckets have versioning enabled",
    service=SERVICE,
    resource_type=BUCKET,
    severity=Severity.MEDIUM,
)
def bucket_versioning(snapshot: S3Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    def decide(bucket: Bucket) -> Verdict:
        body = bucket.body("versioning") or {}
        state = body.get("Status", "never enabled")
        status = Status.PASS if state == "Enabled" else Status.FAIL
        return Verdict(status, f"versioning: {state}", {"versioning": body})

    return evaluate_buckets("s3_bucket_versioning", snapshot, ctx, ("versioning",), decide)


@check(
    "s3_bucket_mfa_delete",
    title="S3 buckets require MFA to delete versions",
    service=SERVICE,
    resource_type=BUCKET,
    severity=Severity.LOW,
    criteria=("cis-aws-7.0.0:3.1.2",),
)
def bucket_mfa_delete(snapshot: S3Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    def decide(bucket: Bucket) -> Verdict:
        body = bucket.body("versioning") or {}
        state = body.get("MFADelete", "not enabled")
        status = Status.PASS if state == "Enabled" else Status.FAIL
        return Verdict(status, f"MFA delete: {state}", {"versioning": body})

    return evaluate_buckets("s3_bucket_mfa_delete", snapshot, ctx, ("versioning",), decide)


def access_logging_verdict(bucket: Bucket) -> Verdict:
    body = bucket.body("logging") or {}
    target = body.get("LoggingEnabled")
    if target:
        reason = f"access logs go to s3://{target.get('TargetBucket')}/"
        reason += str(target.get("TargetPrefix", ""))
        return Verdict(Status.PASS, reason, {"logging": body})
    return Verdict(Status.FAIL, "server access logging is off", {"logging": body})


@check(
    "s3_bucket_access_logging",
    title="S3 buckets have server access logging",
    service=SERVICE,
    resource_type=BUCKET,
    severity=Severity.MEDIUM,
)
def bucket_access_logging(snapshot: S3Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    return evaluate_buckets(
        "s3_bucket_access_logging", snapshot, ctx, ("logging",), access_logging_verdict
    )


@check(
    "cloudtrail_bucket_access_logging",
    title="The trail log bucket has server access logging",
    service=SERVICE,
    resource_type=BUCKET,
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:4.4", "soc2-2017:CC7.2"),
)
def trail_bucket_access_logging(snapshot: S3Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    return evaluate_trail_buckets(
        "cloudtrail_bucket_access_logging", snapshot, ctx, ("logging",), access_logging_verdict
    )
