"""EFS: the file systems of one region."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from collectors.readers import api_call, jsonable, paginate
from collectors.registry import check, service
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

SERVICE = "efs"


@dataclass(frozen=True)
class EfsSnapshot:
    region: str
    file_systems: tuple[dict[str, Any], ...]


@service(SERVICE, Scope.REGIONAL)
def fetch(session: Any, region: str) -> EfsSnapshot:
    client = session.client("efs", region_name=region)
    file_systems = paginate(client, "describe_file_systems", "FileSystems")
    return EfsSnapshot(region=region, file_systems=tuple(jsonable(file_systems)))


@check(
    "efs_encrypted",
    title="EFS file systems are encrypted at rest",
    service=SERVICE,
    resource_type="AWS::EFS::FileSystem",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:3.3.1",),
)
def efs_encrypted(snapshot: EfsSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for file_system in snapshot.file_systems:
        encrypted = bool(file_system.get("Encrypted"))
        yield CheckResult(
            check_id="efs_encrypted",
            account_id=ctx.account_id,
            region=snapshot.region,
            resource_id=file_system["FileSystemArn"],
            resource_type="AWS::EFS::FileSystem",
            status=Status.PASS if encrypted else Status.FAIL,
            reason=(
                f"encrypted at rest with {file_system.get('KmsKeyId')}"
                if encrypted
                else "not encrypted at rest"
            ),
            evidence={
                key: file_system.get(key)
                for key in ("FileSystemId", "Name", "Encrypted", "KmsKeyId")
            },
            sources=(api_call(SERVICE, "DescribeFileSystems"),),
        )
