"""S3 public access: block public access (account and bucket), public ACLs and policies."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from collectors.aws.s3 import (
    BUCKET,
    GLOBAL,
    SERVICE,
    Bucket,
    S3Snapshot,
    Skipped,
    Verdict,
    account_call,
    as_list,
    error_reason,
    evaluate_buckets,
    evaluate_trail_buckets,
    everyone,
    policy_document,
    statement_label,
    statements,
)
from collectors.readers import ReadError, make_result
from collectors.registry import check
from collectors.types import CheckContext, CheckResult, Severity, Status

BLOCK_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}
# Condition keys that pin a wildcard principal to known callers (AWS's "non-public" keys).
RESTRICTING_KEYS = frozenset(
    key.lower()
    for key in (
        "aws:SourceIp",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:userid",
        "s3:DataAccessPointAccount",
        "s3:DataAccessPointArn",
    )
)
OPEN_CIDRS = frozenset({"0.0.0.0/0", "::/0"})
NOT_PUBLIC_READS = ("acl", "policy", "public_access_block")  # what public_verdict needs


def _restricting_condition(condition: Mapping[str, Any] | None) -> bool:
    for operator, clauses in (condition or {}).items():
        if "not" in operator.lower() or operator.endswith("IfExists") or operator == "Null":
            continue  # negated, optional or presence-only operators do not pin the caller
        for key, values in clauses.items():
            fixed = [str(value) for value in as_list(values)]
            if (
                key.lower() in RESTRICTING_KEYS
                and fixed
                and not any("*" in value or value in OPEN_CIDRS for value in fixed)
            ):
                return True
    return False


def _public_statements(document: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return [
        statement
        for statement in statements(document)
        if statement.get("Effect") == "Allow"
        and ("NotPrincipal" in statement or everyone(statement.get("Principal")))
        and not _restricting_condition(statement.get("Condition"))
    ]


def _public_grants(acl: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        grant
        for grant in acl.get("Grants", [])
        if grant.get("Grantee", {}).get("URI") in PUBLIC_GRANTEES
    ]


def _account_flags(snapshot: S3Snapshot) -> dict[str, Any] | None:
    """The account-level block public access flags; None when they could not be read."""
    if isinstance(snapshot.account_block, ReadError):
        return None
    return (snapshot.account_block or {}).get("PublicAccessBlockConfiguration", {})


def _account_body(snapshot: S3Snapshot) -> dict[str, Any] | None:
    return snapshot.account_block if isinstance(snapshot.account_block, dict) else None


def _account_error(snapshot: S3Snapshot) -> str | None:
    return error_reason(
        [snapshot.account_block] if isinstance(snapshot.account_block, ReadError) else []
    )


def _bucket_flags(bucket: Bucket) -> dict[str, Any]:
    return (bucket.body("public_access_block") or {}).get("PublicAccessBlockConfiguration", {})


def _block_evidence(snapshot: S3Snapshot, bucket: Bucket) -> dict[str, Any]:
    return {
        "bucket_public_access_block": bucket.body("public_access_block"),
        "account_public_access_block": _account_body(snapshot),
        "account_public_access_block_error": _account_error(snapshot),
    }


# --- checks ---------------------------------------------------------------------------------


@check(
    "s3_account_public_access_block",
    title="S3 Block Public Access is on for the account",
    service=SERVICE,
    resource_type="AWS::S3::AccountPublicAccessBlock",
    severity=Severity.HIGH,
    criteria=("cis-aws-7.0.0:3.1.4",),
)
def account_public_access_block(snapshot: S3Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    flags = _account_flags(snapshot)
    off = [flag for flag in BLOCK_FLAGS if not (flags or {}).get(flag)]
    if flags is None:
        status, reason = Status.ERROR, str(_account_error(snapshot))
    elif snapshot.account_block is None:
        status, reason = Status.FAIL, "no account-level block public access configuration"
    elif off:
        status, reason = Status.FAIL, f"account-level settings off: {', '.join(off)}"
    else:
        status, reason = Status.PASS, "all four account-level block public access settings on"
    yield make_result(
        "s3_account_public_access_block",
        ctx,
        ctx.account_id,
        status,
        reason,
        evidence={"account_public_access_block": _account_body(snapshot)},
        sources=(account_call(snapshot),),
        region=GLOBAL,
    )


@check(
    "s3_bucket_public_access_block",
    title="S3 buckets have Block Public Access on (bucket or account level)",
    service=SERVICE,
    resource_type=BUCKET,
    severity=Severity.HIGH,
    criteria=("cis-aws-7.0.0:3.1.4",),
)
def bucket_public_access_block(snapshot: S3Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    def decide(bucket: Bucket) -> Verdict:
        evidence = _block_evidence(snapshot, bucket)
        bucket_off = [flag for flag in BLOCK_FLAGS if not _bucket_flags(bucket).get(flag)]
        if not bucket_off:
            return Verdict(Status.PASS, "all four settings on at bucket level", evidence)
        account = _account_flags(snapshot)
        if account is None:
            return Verdict(
                Status.ERROR,
                f"bucket-level settings off: {', '.join(bucket_off)}; account-level settings "
                f"could not be read: {_account_error(snapshot)}",
                evidence,
            )
        off = [flag for flag in bucket_off if not account.get(flag)]
        if off:
            return Verdict(
                Status.FAIL, f"off at bucket and account level: {', '.join(off)}", evidence
            )
        return Verdict(
            Status.PASS,
            f"bucket-level settings off ({', '.join(bucket_off)}) but covered at account level",
            evidence,
        )

    return evaluate_buckets(
        "s3_bucket_public_access_block",
        snapshot,
        ctx,
        ("public_access_block",),
        decide,
        account_level=True,
    )


def _exposures(bucket: Bucket) -> list[tuple[str, str]]:
    """(what makes the bucket public, the block public access flag that neutralises it)."""
    exposures = []
    grants = _public_grants(bucket.body("acl") or {})
    if grants:
        described = ", ".join(
            f"{grant.get('Permission')} to {PUBLIC_GRANTEES[grant['Grantee']['URI']]}"
            for grant in grants
        )
        exposures.append((f"ACL grants {described}", "IgnorePublicAcls"))
    document = policy_document(bucket)
    statements = _public_statements(document)
    for statement in statements:
        label = statement_label(statement, document or {})
        exposures.append(
            (
                f"policy statement {label} allows {statement.get('Action')} to any principal "
                "without a restricting condition",
                "RestrictPublicBuckets",
            )
        )
    status = (bucket.body("policy_status") or {}).get("PolicyStatus", {})
    if status.get("IsPublic") and not statements:
        exposures.append(("AWS reports the policy as public", "RestrictPublicBuckets"))
    return exposures


def public_verdict(snapshot: S3Snapshot, bucket: Bucket) -> Verdict:
    """Whether ``bucket`` is public through its ACL or policy once block public access (bucket,
    then account level) is applied. Needs the NOT_PUBLIC_READS of the bucket to have succeeded.
    """
    document = policy_document(bucket)
    status_read = bucket.policy_status
    evidence = {
        "acl": bucket.body("acl"),
        "acl_not_read": bucket.acl.why if isinstance(bucket.acl, Skipped) else None,
        "policy": document,
        "policy_status": bucket.body("policy_status"),
        "policy_status_error": error_reason(
            [status_read] if isinstance(status_read, ReadError) else []
        ),
        "policy_status_not_read": status_read.why if isinstance(status_read, Skipped) else None,
        **_block_evidence(snapshot, bucket),
    }
    exposures = _exposures(bucket)
    if not exposures:
        return Verdict(
            Status.PASS,
            "no ACL grant to AllUsers/AuthenticatedUsers and no policy statement allowing "
            "any principal without a restricting condition",
            evidence,
        )
    account = _account_flags(snapshot)
    public, unknown, neutralised = [], [], []
    for exposure, flag in exposures:
        if _bucket_flags(bucket).get(flag):
            neutralised.append(f"{exposure}, neutralised by bucket-level {flag}")
        elif account is None:
            unknown.append(exposure)
        elif account.get(flag):
            neutralised.append(f"{exposure}, neutralised by account-level {flag}")
        else:
            public.append(exposure)
    if public:
        return Verdict(Status.FAIL, "public: " + "; ".join(public), evidence)
    if unknown:
        return Verdict(
            Status.ERROR,
            "; ".join(unknown) + "; account-level block public access could not be read: "
            f"{_account_error(snapshot)}",
            evidence,
        )
    return Verdict(Status.PASS, "; ".join(neutralised), evidence)


@check(
    "s3_bucket_not_public",
    title="S3 buckets are not public through ACL or policy",
    service=SERVICE,
    resource_type=BUCKET,
    severity=Severity.CRITICAL,
    criteria=("cis-aws-7.0.0:2.21",),
)
def bucket_not_public(snapshot: S3Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    return evaluate_buckets(
        "s3_bucket_not_public",
        snapshot,
        ctx,
        NOT_PUBLIC_READS,
        lambda bucket: public_verdict(snapshot, bucket),
        optional=("policy_status",),
        account_level=True,
    )


@check(
    "cloudtrail_bucket_not_public",
    title="The trail log bucket is not public",
    service=SERVICE,
    resource_type=BUCKET,
    severity=Severity.CRITICAL,
    criteria=("soc2-2017:CC6.1", "soc2-2017:CC7.2"),
)
def trail_bucket_not_public(snapshot: S3Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    """The same verdict as s3_bucket_not_public, on the buckets the trails deliver to."""
    return evaluate_trail_buckets(
        "cloudtrail_bucket_not_public",
        snapshot,
        ctx,
        NOT_PUBLIC_READS,
        lambda bucket: public_verdict(snapshot, bucket),
        optional=("policy_status",),
        account_level=True,
    )
