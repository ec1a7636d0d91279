"""S3: one account-wide read (bucket list, account block public access, a few calls per bucket).

Each per-bucket call is kept as its response or a ReadError, so a failure on one bucket
(AccessDenied on its policy, say) becomes ERROR results for that bucket and for the checks
that need that call only. Buckets are read concurrently on a small bounded pool (about seven
calls each, so a large account would otherwise be read one round trip at a time).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from botocore import xform_name

from collectors.readers import ReadError, api_call, guarded, jsonable, make_result, paginate
from collectors.registry import check, service
from collectors.session import as_client_factory
from collectors.types import ApiCall, CheckContext, CheckResult, Scope, Severity, Status

SERVICE = "s3"
GLOBAL = "global"
BUCKET = "AWS::S3::Bucket"
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
BUCKET_WORKERS = 8  # per S3 unit; the runner runs up to 8 units at once besides


OPERATIONS = {  # Bucket field -> the S3 operation that reads it
    "acl": "GetBucketAcl",
    "policy": "GetBucketPolicy",
    "policy_status": "GetBucketPolicyStatus",
    "public_access_block": "GetPublicAccessBlock",
    "encryption": "GetBucketEncryption",
    "versioning": "GetBucketVersioning",
    "logging": "GetBucketLogging",
}
Read = dict[str, Any] | ReadError | None  # None: the configuration does not exist
NOT_PUBLIC_READS = ("acl", "policy", "public_access_block")  # what public_verdict needs


@dataclass(frozen=True)
class Bucket:
    """One bucket's configuration, one field per read (response bodies as returned)."""

    name: str
    region: str | None  # None when GetBucketLocation failed
    acl: Read
    policy: Read
    policy_status: Read  # only read when the bucket has a policy
    public_access_block: Read
    encryption: Read
    versioning: Read
    logging: Read

    def body(self, field: str) -> dict[str, Any] | None:
        value = getattr(self, field)
        return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class S3Snapshot:
    account_id: str
    partition: str
    account_block: Read  # s3control GetPublicAccessBlock for the account
    buckets: tuple[Bucket, ...]


class RegionalClients:
    """One S3 client per bucket region, created on first use; shared by the reading threads.

    Clients are thread-safe once made; creating them goes through the ClientFactory's lock.
    """

    def __init__(self, session: Any) -> None:
        self._factory = as_client_factory(session)
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __call__(self, region: str) -> Any:
        with self._lock:
            if region not in self._clients:
                self._clients[region] = self._factory.client(SERVICE, region_name=region)
            return self._clients[region]


@service(SERVICE, Scope.GLOBAL)
def fetch(session: Any, region: str) -> S3Snapshot:
    return read_snapshot(session, region)


def read_snapshot(session: Any, region: str, names: Iterable[str] | None = None) -> S3Snapshot:
    """The account's block public access and the buckets ``names`` (default: every bucket).

    Other services' checks that judge buckets (CloudTrail's log buckets) read them here too.
    """
    session = as_client_factory(session)
    identity = session.client("sts", region_name=region).get_caller_identity()
    account_id = identity["Account"]
    account_block = _read(
        session.client("s3control", region_name=region),
        "GetPublicAccessBlock",
        "NoSuchPublicAccessBlockConfiguration",
        service="s3control",
        AccountId=account_id,
    )
    clients = RegionalClients(session)
    if names is None:
        listed = paginate(
            clients(region), "list_buckets", "Buckets", PaginationConfig={"PageSize": 1000}
        )
        names = (bucket["Name"] for bucket in listed)
    ordered = sorted(set(names))
    # Each bucket's faults are ReadErrors inside its Bucket; map() keeps the sorted order.
    with ThreadPoolExecutor(max_workers=max(1, min(BUCKET_WORKERS, len(ordered)))) as pool:
        buckets = tuple(pool.map(lambda name: read_bucket(clients, region, name), ordered))
    return S3Snapshot(
        account_id=account_id,
        partition=identity["Arn"].split(":")[1],
        account_block=account_block,
        buckets=buckets,
    )


def _read(
    client: Any,
    operation: str,
    missing: str | None = None,
    *,
    service: str = SERVICE,
    **params: Any,
) -> Read:
    """One call; the ``missing`` error code means "not configured" (None), others a ReadError."""
    method = getattr(client, xform_name(operation))
    return guarded(
        api_call(service, operation, **params),
        lambda: jsonable(method(**params)),
        missing={missing: None} if missing else None,
    )


def read_bucket(clients: RegionalClients, home: str, name: str) -> Bucket:
    location = _read(clients(home), "GetBucketLocation", Bucket=name)
    region = _bucket_region(location) if isinstance(location, dict) else None
    # botocore follows S3's region redirects if the guess (the home region) is wrong.
    client = clients(region or home)
    policy = _read(client, "GetBucketPolicy", "NoSuchBucketPolicy", Bucket=name)
    return Bucket(
        name=name,
        region=region,
        acl=_read(client, "GetBucketAcl", Bucket=name),
        policy=policy,
        # AWS's own verdict on the policy, kept as evidence and as a second opinion.
        policy_status=(
            _read(client, "GetBucketPolicyStatus", "NoSuchBucketPolicy", Bucket=name)
            if isinstance(policy, dict)
            else None
        ),
        public_access_block=_read(
            client, "GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration", Bucket=name
        ),
        encryption=_read(
            client,
            "GetBucketEncryption",
            "ServerSideEncryptionConfigurationNotFoundError",
            Bucket=name,
        ),
        versioning=_read(client, "GetBucketVersioning", Bucket=name),
        logging=_read(client, "GetBucketLogging", Bucket=name),
    )


def _bucket_region(location: Mapping[str, Any]) -> str:
    constraint = location.get("LocationConstraint")
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(constraint, constraint)


# --- evaluation helpers ---------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    status: Status
    reason: str
    evidence: Mapping[str, Any]


def evaluate_buckets(
    check_id: str,
    snapshot: S3Snapshot,
    ctx: CheckContext,
    required: tuple[str, ...],
    decide: Callable[[Bucket], Verdict],
    *,
    optional: tuple[str, ...] = (),
    account_level: bool = False,
    region: Callable[[Bucket], str] = lambda bucket: GLOBAL,
) -> Iterator[CheckResult]:
    """One result per bucket: ERROR if a required read failed, else decide(bucket).

    ``region`` is the region results are reported in (S3's own checks: "global").
    """
    for bucket in snapshot.buckets:
        errors = [getattr(bucket, field) for field in required]
        failed = _error_reason(error for error in errors if isinstance(error, ReadError))
        verdict = Verdict(Status.ERROR, failed, {}) if failed else decide(bucket)
        sources = [
            api_call(SERVICE, OPERATIONS[field], Bucket=bucket.name)
            for field in (*required, *optional)
            if getattr(bucket, field) is not None or field in required
        ]
        if account_level:
            sources.append(_account_call(snapshot))
        yield make_result(
            check_id,
            ctx,
            _bucket_arn(snapshot, bucket),
            verdict.status,
            verdict.reason,
            evidence={"bucket": bucket.name, "bucket_region": bucket.region, **verdict.evidence},
            sources=tuple(sources),
            region=region(bucket),
        )


def _bucket_arn(snapshot: S3Snapshot, bucket: Bucket) -> str:
    return f"arn:{snapshot.partition}:s3:::{bucket.name}"


def _error_reason(errors: Iterable[ReadError]) -> str | None:
    reasons = [f"could not read {error.source.operation}: {error.reason}" for error in errors]
    return "; ".join(reasons) or None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _policy_document(bucket: Bucket) -> dict[str, Any] | None:
    body = bucket.body("policy")
    return json.loads(body["Policy"]) if body and body.get("Policy") else None


def _statements(document: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return _as_list((document or {}).get("Statement"))


def _statement_label(statement: Mapping[str, Any], document: Mapping[str, Any]) -> str:
    sid = statement.get("Sid")
    return f"Sid {sid!r}" if sid else f"#{_statements(document).index(statement) + 1}"


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, Mapping) and "*" in _as_list(principal.get("AWS"))


def _restricting_condition(condition: Mapping[str, Any] | None) -> bool:
    for operator, clauses in (condition or {}).items():
        if "not" in operator.lower() or operator.endswith("IfExists") or operator == "Null":
            continue  # negated, optional or presence-only operators do not pin the caller
        for key, values in clauses.items():
            fixed = [str(value) for value in _as_list(values)]
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
        for statement in _statements(document)
        if statement.get("Effect") == "Allow"
        and ("NotPrincipal" in statement or _everyone(statement.get("Principal")))
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
    return _error_reason(
        [snapshot.account_block] if isinstance(snapshot.account_block, ReadError) else []
    )


def _account_call(snapshot: S3Snapshot) -> ApiCall:
    return api_call("s3control", "GetPublicAccessBlock", AccountId=snapshot.account_id)


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
        sources=(_account_call(snapshot),),
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
    document = _policy_document(bucket)
    statements = _public_statements(document)
    for statement in statements:
        label = _statement_label(statement, document or {})
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
    document = _policy_document(bucket)
    status_read = bucket.policy_status
    evidence = {
        "acl": bucket.body("acl"),
        "policy": document,
        "policy_status": bucket.body("policy_status"),
        "policy_status_error": _error_reason(
            [status_read] if isinstance(status_read, ReadError) else []
        ),
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


def _denies_plain_http(statement: Mapping[str, Any], bucket_arn: str) -> bool:
    conditions = statement.get("Condition", {})
    secure = [
        str(value).lower()
        for operator in ("Bool", "BoolIfExists")
        for key, values in conditions.get(operator, {}).items()
        if key.lower() == "aws:securetransport"
        for value in _as_list(values)
    ]
    actions = {str(action).lower() for action in _as_list(statement.get("Action"))}
    return (
        statement.get("Effect") == "Deny"
        and _everyone(statement.get("Principal"))
        and bool(actions & {"*", "s3:*"})
        and "false" in secure
        and any(
            fnmatchcase(f"{bucket_arn}/object", str(resource))
            for resource in _as_list(statement.get("Resource"))
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
        document = _policy_document(bucket)
        evidence = {"policy": document}
        if document is None:
            return Verdict(Status.FAIL, "no bucket policy, so plain HTTP is not denied", evidence)
        arn = _bucket_arn(snapshot, bucket)
        denying = [s for s in _statements(document) if _denies_plain_http(s, arn)]
        if denying:
            label = _statement_label(denying[0], document)
            return Verdict(
                Status.PASS,
                f"policy statement {label} denies s3:* when aws:SecureTransport is false",
                evidence,
            )
        return Verdict(
            Status.FAIL,
            "no Deny statement for aws:SecureTransport false covering the bucket's objects",
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
