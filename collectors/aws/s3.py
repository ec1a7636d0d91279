"""S3: one account-wide read (bucket list, account block public access, a few calls per bucket).

Each per-bucket call is kept as an ApiRead, so a failure on one bucket (AccessDenied on its
policy, say) becomes ERROR results for that bucket and the checks that need that call only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from collectors.aws._json import ApiRead, read_api
from collectors.registry import check, service
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

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


@dataclass(frozen=True)
class Bucket:
    """One bucket's configuration reads, keyed by operation name."""

    name: str
    region: str | None  # None when GetBucketLocation failed
    reads: Mapping[str, ApiRead]

    def body(self, operation: str) -> dict[str, Any] | None:
        read = self.reads.get(operation)
        return read.body if read else None


@dataclass(frozen=True)
class S3Snapshot:
    account_id: str
    partition: str
    account_block: ApiRead  # s3control GetPublicAccessBlock
    buckets: tuple[Bucket, ...]


@service(SERVICE, Scope.GLOBAL)
def fetch(session: Any, region: str) -> S3Snapshot:
    identity = session.client("sts", region_name=region).get_caller_identity()
    account_id = identity["Account"]
    s3control = session.client("s3control", region_name=region)
    account_block = read_api(
        s3control,
        "s3control",
        "GetPublicAccessBlock",
        absent={"NoSuchPublicAccessBlockConfiguration"},
        AccountId=account_id,
    )
    clients = {region: session.client("s3", region_name=region)}
    pages = clients[region].get_paginator("list_buckets").paginate(
        PaginationConfig={"PageSize": 1000}
    )
    names = [bucket["Name"] for page in pages for bucket in page.get("Buckets", [])]
    return S3Snapshot(
        account_id=account_id,
        partition=identity["Arn"].split(":")[1],
        account_block=account_block,
        buckets=tuple(_read_bucket(session, clients, region, name) for name in names),
    )


def _read_bucket(session: Any, clients: dict[str, Any], home: str, name: str) -> Bucket:
    location = read_api(clients[home], SERVICE, "GetBucketLocation", Bucket=name)
    region = _bucket_region(location.body) if location.body is not None else None
    target = region or home  # botocore follows S3's region redirects if the guess is wrong
    if target not in clients:
        clients[target] = session.client("s3", region_name=target)
    client = clients[target]
    reads = {
        "GetBucketLocation": location,
        "GetBucketAcl": read_api(client, SERVICE, "GetBucketAcl", Bucket=name),
        "GetBucketPolicy": read_api(
            client, SERVICE, "GetBucketPolicy", absent={"NoSuchBucketPolicy"}, Bucket=name
        ),
        "GetPublicAccessBlock": read_api(
            client,
            SERVICE,
            "GetPublicAccessBlock",
            absent={"NoSuchPublicAccessBlockConfiguration"},
            Bucket=name,
        ),
        "GetBucketEncryption": read_api(
            client,
            SERVICE,
            "GetBucketEncryption",
            absent={"ServerSideEncryptionConfigurationNotFoundError"},
            Bucket=name,
        ),
        "GetBucketVersioning": read_api(client, SERVICE, "GetBucketVersioning", Bucket=name),
        "GetBucketLogging": read_api(client, SERVICE, "GetBucketLogging", Bucket=name),
    }
    if reads["GetBucketPolicy"].body is not None:
        # AWS's own verdict on the policy, kept as evidence and as a second opinion.
        reads["GetBucketPolicyStatus"] = read_api(
            client, SERVICE, "GetBucketPolicyStatus", absent={"NoSuchBucketPolicy"}, Bucket=name
        )
    return Bucket(name=name, region=region, reads=reads)


def _bucket_region(location: Mapping[str, Any]) -> str:
    constraint = location.get("LocationConstraint")
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(constraint, constraint)


