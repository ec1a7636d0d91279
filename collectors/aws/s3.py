"""S3: one account-wide read (bucket list, account block public access, a few calls per bucket).

Each per-bucket call is kept as its response or a ReadError, so a failure on one bucket
(AccessDenied on its policy, say) becomes ERROR results for that bucket and for the checks
that need that call only. Buckets are read concurrently on a small bounded pool (about seven
calls each, so a large account would otherwise be read one round trip at a time).

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

from collectors.readers import ReadError, api_call, guarded, jsonable, make_result, paginate
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
Read = dict[str, Any] | ReadError | None  # None: the configuration does not exist


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
        failed = error_reason(error for error in errors if isinstance(error, ReadError))
        verdict = Verdict(Status.ERROR, failed, {}) if failed else decide(bucket)
        sources = [
            api_call(SERVICE, OPERATIONS[field], Bucket=bucket.name)
            for field in (*required, *optional)
            if getattr(bucket, field) is not None or field in required
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
            region=region(bucket),
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
