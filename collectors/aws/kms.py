"""KMS: customer managed symmetric keys have automatic rotation enabled."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from collectors.readers import (
    ReadError,
    api_call,
    guarded,
    make_result,
    paginate,
    read_error_result,
)
from collectors.registry import check, service
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

LIST_KEYS = api_call("kms", "ListKeys")


@dataclass(frozen=True)
class KmsKey:
    key_id: str
    arn: str
    metadata: dict[str, Any] | ReadError  # DescribeKey KeyMetadata
    rotation: dict[str, Any] | ReadError | None  # GetKeyRotationStatus, for rotatable keys only


def _rotatable(metadata: dict[str, Any]) -> bool:
    return (
        metadata.get("KeyManager") == "CUSTOMER"
        and metadata.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
        and metadata.get("Origin", "AWS_KMS") == "AWS_KMS"
        and metadata.get("KeyState") == "Enabled"
    )


def _read_key(client: Any, key: dict[str, str]) -> KmsKey:
    key_id = key["KeyId"]
    metadata = guarded(
        api_call("kms", "DescribeKey", KeyId=key_id),
        lambda: client.describe_key(KeyId=key_id)["KeyMetadata"],
    )
    rotation = None
    if not isinstance(metadata, ReadError) and _rotatable(metadata):
        rotation = guarded(
            api_call("kms", "GetKeyRotationStatus", KeyId=key_id),
            lambda: client.get_key_rotation_status(KeyId=key_id),
        )
    return KmsKey(key_id=key_id, arn=key["KeyArn"], metadata=metadata, rotation=rotation)


@service("kms", Scope.REGIONAL)
def fetch(session: Any, region: str) -> list[KmsKey]:
    client = session.client("kms", region_name=region)
    return [_read_key(client, key) for key in paginate(client, "list_keys", "Keys")]


def _key_result(key: KmsKey, ctx: CheckContext) -> CheckResult:
    check_id = "kms_key_rotation"
    metadata, rotation = key.metadata, key.rotation
    if isinstance(metadata, ReadError):
        return read_error_result(check_id, ctx, key.arn, metadata)
    if isinstance(rotation, ReadError):
        return read_error_result(check_id, ctx, key.arn, rotation)
    sources = (api_call("kms", "DescribeKey", KeyId=key.key_id),)
    if rotation is None:
        status = Status.NOT_APPLICABLE
        reason = (
            f"key {key.key_id} is {metadata.get('KeyManager')} managed, "
            f"{metadata.get('KeySpec')}, origin {metadata.get('Origin')}, "
            f"{metadata.get('KeyState')}: automatic rotation does not apply"
        )
    else:
        sources += (api_call("kms", "GetKeyRotationStatus", KeyId=key.key_id),)
        enabled = bool(rotation.get("KeyRotationEnabled"))
        status = Status.PASS if enabled else Status.FAIL
        reason = f"key {key.key_id} automatic rotation is {'enabled' if enabled else 'disabled'}"
    return make_result(
        check_id,
        ctx,
        key.arn,
        status,
        reason,
        evidence={"KeyMetadata": metadata, "KeyRotationStatus": rotation},
        sources=sources,
    )


@check(
    "kms_key_rotation",
    title="Customer managed symmetric KMS keys rotate automatically",
    service="kms",
    resource_type="AWS::KMS::Key",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:4.6", "soc2-2017:CC6.1", "soc2-2017:CC6.7"),
)
def key_rotation(keys: list[KmsKey], ctx: CheckContext) -> Iterator[CheckResult]:
    if not keys:
        yield make_result(
            "kms_key_rotation",
            ctx,
            ctx.account_id,
            Status.NOT_APPLICABLE,
            f"no KMS keys in {ctx.region}",
            sources=(LIST_KEYS,),
        )
    for key in keys:
        yield _key_result(key, ctx)
