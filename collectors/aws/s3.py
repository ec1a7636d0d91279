"""S3: one account-wide read (bucket list, account block public access, a few calls per bucket).

Each per-bucket call is kept as its response or a ReadError, so a failure on one bucket
(AccessDenied on its policy, say) becomes ERROR results for that bucket and for the checks
that need that call only. Buckets are read concurrently on a small bounded pool.

Calls per bucket: five (block public access, policy, encryption, versioning, logging). The
bucket's region comes from ListBuckets (``BucketRegion``; GetBucketLocation only where an
endpoint omits it). The ACL is read only when no IgnorePublicAcls (bucket or account) makes it
irrelevant, and AWS's own policy verdict (GetBucketPolicyStatus) only for a policy whose
statements open to any principal all carry conditions (where AWS's reading of the conditions
is the second opinion) and that no RestrictPublicBuckets neutralises. The CloudTrail log
buckets are judged here too (service s3): the trails are listed to name them.

This module holds the reader, the per-bucket evaluation helper and the bucket policy parsing
shared by the checks in ``s3_access`` (public access) and ``s3_buckets`` (bucket settings).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from botocore import xform_name

from collectors.aws.cloudtrail import trail_bucket_names
from collectors.readers import (
    ReadError,
    api_call,
    guarded,
    jsonable,
    make_result,
    paginate,
)
from collectors.registry import service
from collectors.session import as_client_factory
from collectors.types import ApiCall, CheckContext, CheckResult, Scope, Status

SERVICE = "s3"
GLOBAL = "global"
BUCKET = "AWS::S3::Bucket"
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


@dataclass(frozen=True)
class Skipped:
    """A per-bucket read that was not made because its answer cannot change any verdict."""

    why: str


Read = dict[str, Any] | ReadError | Skipped | None  # None: the configuration does not exist


@dataclass(frozen=True)
class Bucket:
    """One bucket's configuration, one field per read (response bodies as returned)."""

    name: str
    region: str | None  # None when neither ListBuckets nor GetBucketLocation said
    acl: Read  # Skipped when IgnorePublicAcls is on (bucket or account)
    policy: Read
    policy_status: Read  # only read for a policy that may be public (see module docstring)
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
    trail_buckets: tuple[Bucket, ...] = ()  # CloudTrail log buckets (may be other accounts')
    trails: ReadError | None = None  # set when the trails could not be listed


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


def read_snapshot(session: Any, region: str) -> S3Snapshot:
    """The account's block public access, every bucket, and the CloudTrail log buckets."""
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
    listed = paginate(
        clients(region), "list_buckets", "Buckets", PaginationConfig={"PageSize": 1000}
    )
    regions = {bucket["Name"]: bucket.get("BucketRegion") for bucket in listed}
    trail_names = trail_bucket_names(session, region)
    unlisted = set() if isinstance(trail_names, ReadError) else set(trail_names) - set(regions)
    ordered = sorted(regions) + sorted(unlisted)
    reader = BucketReader(clients, region, _account_flags(account_block))
    # Each bucket's faults are ReadErrors inside its Bucket; map() keeps the sorted order.
    with ThreadPoolExecutor(max_workers=max(1, min(BUCKET_WORKERS, len(ordered)))) as pool:
        read = dict(
            zip(ordered, pool.map(lambda n: reader(n, regions.get(n)), ordered), strict=True)
        )
    return S3Snapshot(
        account_id=account_id,
        partition=identity["Arn"].split(":")[1],
        account_block=account_block,
        buckets=tuple(read[name] for name in sorted(regions)),
        trail_buckets=()
        if isinstance(trail_names, ReadError)
        else tuple(read[name] for name in sorted(trail_names)),
        trails=trail_names if isinstance(trail_names, ReadError) else None,
    )


def _account_flags(account_block: Read) -> dict[str, Any] | None:
    if isinstance(account_block, ReadError | Skipped):
        return None  # unknown: nothing may be skipped on its account
    return (account_block or {}).get("PublicAccessBlockConfiguration", {})


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


class BucketReader:
    """Reads one bucket's configuration: five calls, more only where a verdict needs them."""

    def __init__(self, clients: RegionalClients, home: str, account: dict[str, Any] | None):
        self.clients, self.home, self.account = clients, home, account

    def __call__(self, name: str, listed_region: str | None) -> Bucket:
        region = listed_region or self._location(name)
        # botocore follows S3's region redirects if the guess (the home region) is wrong.
        client = self.clients(region or self.home)
        block = _read(
            client, "GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration", Bucket=name
        )
        policy = _read(client, "GetBucketPolicy", "NoSuchBucketPolicy", Bucket=name)
        return Bucket(
            name=name,
            region=region,
            acl=self._acl(client, name, block),
            policy=policy,
            policy_status=self._policy_status(client, name, block, policy),
            public_access_block=block,
            encryption=_read(
                client,
                "GetBucketEncryption",
                "ServerSideEncryptionConfigurationNotFoundError",
                Bucket=name,
            ),
            versioning=_read(client, "GetBucketVersioning", Bucket=name),
            logging=_read(client, "GetBucketLogging", Bucket=name),
        )

    def _location(self, name: str) -> str | None:
        location = _read(self.clients(self.home), "GetBucketLocation", Bucket=name)
        return _bucket_region(location) if isinstance(location, dict) else None

    def _in_force(self, block: Read, flag: str) -> str | None:
        """Where ``flag`` is on (bucket or account level), or None when it may be off."""
        if isinstance(block, dict) and block.get("PublicAccessBlockConfiguration", {}).get(flag):
            return "bucket"
        if self.account is not None and self.account.get(flag):
            return "account"
        return None

    def _acl(self, client: Any, name: str, block: Read) -> Read:
        level = self._in_force(block, "IgnorePublicAcls")
        if level:
            return Skipped(f"not read: {level}-level IgnorePublicAcls makes every ACL private")
        return _read(client, "GetBucketAcl", Bucket=name)

    def _policy_status(self, client: Any, name: str, block: Read, policy: Read) -> Read:
        if not isinstance(policy, dict):
            return None
        open_statements = [s for s in statements(_policy_json(policy)) if _open_to_anyone(s)]
        if not open_statements:
            return Skipped("not read: no policy statement allows any principal")
        if any(_plainly_public(statement) for statement in open_statements):
            # An unconditional allow to "*" is public by itself; AWS's opinion adds nothing.
            return Skipped("not read: a statement allows any principal without a condition")
        level = self._in_force(block, "RestrictPublicBuckets")
        if level:
            return Skipped(f"not read: {level}-level RestrictPublicBuckets limits the policy")
        return _read(client, "GetBucketPolicyStatus", "NoSuchBucketPolicy", Bucket=name)


def _policy_json(body: Mapping[str, Any]) -> dict[str, Any] | None:
    try:
        return json.loads(body["Policy"]) if body.get("Policy") else None
    except ValueError:
        return None


def _plainly_public(statement: Mapping[str, Any]) -> bool:
    """Public on its face: "*" (or NotPrincipal) with no condition, as s3_access judges it."""
    anyone = "NotPrincipal" in statement or everyone(statement.get("Principal"))
    return anyone and not statement.get("Condition")


def _open_to_anyone(statement: Mapping[str, Any]) -> bool:
    principal = statement.get("Principal")
    wildcard = "*" in json.dumps(principal) if principal is not None else False
    return statement.get("Effect") == "Allow" and ("NotPrincipal" in statement or wildcard)


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
    buckets: Iterable[Bucket] | None = None,
) -> Iterator[CheckResult]:
    """One result per bucket (default: every listed bucket), in the bucket's own region:
    ERROR if a required read failed, else decide(bucket).
    """
    for bucket in snapshot.buckets if buckets is None else buckets:
        errors = [getattr(bucket, field) for field in required]
        failed = error_reason(error for error in errors if isinstance(error, ReadError))
        verdict = Verdict(Status.ERROR, failed, {}) if failed else decide(bucket)
        sources = [
            api_call(SERVICE, OPERATIONS[field], Bucket=bucket.name)
            for field in (*required, *optional)
            if not isinstance(getattr(bucket, field), Skipped)
            and (getattr(bucket, field) is not None or field in required)
        ]
        if account_level:
            sources.append(account_call(snapshot))
        yield make_result(
            check_id,
            ctx,
            bucket_arn(snapshot, bucket),
            verdict.status,
            verdict.reason,
            evidence={"bucket": bucket.name, "bucket_region": bucket.region, **verdict.evidence},
            sources=tuple(sources),
            region=bucket.region or GLOBAL,
        )


def evaluate_trail_buckets(
    check_id: str,
    snapshot: S3Snapshot,
    ctx: CheckContext,
    required: tuple[str, ...],
    decide: Callable[[Bucket], Verdict],
    **options: Any,
) -> Iterator[CheckResult]:
    """evaluate_buckets over the CloudTrail log buckets (ERROR when trails are unreadable)."""
    if snapshot.trails is not None:
        yield make_result(
            check_id,
            ctx,
            ctx.account_id,
            Status.ERROR,
            f"could not list the trails' buckets: {snapshot.trails.reason}",
            sources=(snapshot.trails.source,),
            region=GLOBAL,
        )
        return
    if not snapshot.trail_buckets:
        yield make_result(
            check_id,
            ctx,
            ctx.account_id,
            Status.NOT_APPLICABLE,
            "no trail delivers to an S3 bucket",
            sources=(api_call("cloudtrail", "ListTrails"),),
            region=GLOBAL,
        )
        return
    yield from evaluate_buckets(
        check_id, snapshot, ctx, required, decide, buckets=snapshot.trail_buckets, **options
    )


def bucket_arn(snapshot: S3Snapshot, bucket: Bucket) -> str:
    return f"arn:{snapshot.partition}:s3:::{bucket.name}"


def error_reason(errors: Iterable[ReadError]) -> str | None:
    reasons = [f"could not read {error.source.operation}: {error.reason}" for error in errors]
    return "; ".join(reasons) or None


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def policy_document(bucket: Bucket) -> dict[str, Any] | None:
    body = bucket.body("policy")
    return json.loads(body["Policy"]) if body and body.get("Policy") else None


def statements(document: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return as_list((document or {}).get("Statement"))


def statement_label(statement: Mapping[str, Any], document: Mapping[str, Any]) -> str:
    sid = statement.get("Sid")
    return f"Sid {sid!r}" if sid else f"#{statements(document).index(statement) + 1}"


def everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, Mapping) and "*" in as_list(principal.get("AWS"))


def account_call(snapshot: S3Snapshot) -> ApiCall:
    return api_call("s3control", "GetPublicAccessBlock", AccountId=snapshot.account_id)
