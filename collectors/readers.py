"""Helpers shared by the service modules: paginated reads, per-resource faults, result building."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from collectors.registry import CHECKS
from collectors.types import ApiCall, CheckContext, CheckResult, Status

T = TypeVar("T")

MAX_REASON = 300
PAGINATION_PARAMS = frozenset({"NextToken", "nextToken", "Marker", "MaxItems", "MaxResults"})


def jsonable(value: Any) -> Any:
    """A JSON-serialisable copy of an API response slice (datetimes as ISO strings)."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


def api_call(service: str, operation: str, **params: Any) -> ApiCall:
    return ApiCall(
        service=service,
        operation=operation,
        params={k: v for k, v in params.items() if k not in PAGINATION_PARAMS},
    )


def paginate(client: Any, method: str, key: str, **params: Any) -> list[Any]:
    """All items under ``key`` across the pages of a paginated operation."""
    items: list[Any] = []
    for page in client.get_paginator(method).paginate(**params):
        items.extend(page.get(key, []))
    return items


def error_reason(exc: BaseException) -> str:
    """A short, secret-free reason for an AWS failure (error code and message)."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        reason = f"{error.get('Code', 'ClientError')}: {error.get('Message', '')}"
    else:
        reason = f"{type(exc).__name__}: {exc}"
    # Some endpoints answer errors with an HTML page; keep reasons one short line.
    reason = " ".join(reason.split())
    return reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 3] + "..."


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


@dataclass(frozen=True)
class ReadError:
    """A read of one resource's configuration that failed; its checks report ERROR."""

    reason: str
    source: ApiCall


def guarded(
    source: ApiCall, read: Callable[[], T], *, missing: Mapping[str, T] | None = None
) -> T | ReadError:
    """Run one per-resource read; AWS faults become a ReadError instead of failing the service.

    ``missing`` maps error codes that mean "not configured" (e.g. NoSuchBucketPolicy) to the
    value to use instead.
    """
    try:
        return read()
    except ClientError as exc:
        if missing is not None and error_code(exc) in missing:
            return missing[error_code(exc)]
        return ReadError(reason=error_reason(exc), source=source)
    except BotoCoreError as exc:
        return ReadError(reason=error_reason(exc), source=source)


def make_result(
    check_id: str,
    ctx: CheckContext,
    resource_id: str,
    status: Status,
    reason: str,
    *,
    evidence: Mapping[str, Any] | None = None,
    sources: tuple[ApiCall, ...] = (),
    region: str | None = None,
) -> CheckResult:
    return CheckResult(
        check_id=check_id,
        account_id=ctx.account_id,
        region=region or ctx.region,
        resource_id=resource_id,
        resource_type=CHECKS[check_id].resource_type,
        status=status,
        reason=reason,
        evidence=jsonable(dict(evidence or {})),
        sources=sources,
    )


def read_error_result(
    check_id: str,
    ctx: CheckContext,
    resource_id: str,
    error: ReadError,
    *,
    region: str | None = None,
) -> CheckResult:
    return make_result(
        check_id,
        ctx,
        resource_id,
        Status.ERROR,
        f"could not read {error.source.operation}: {error.reason}",
        sources=(error.source,),
        region=region,
    )


def parse_time(value: Any) -> dt.datetime | None:
    """An aware datetime from an AWS timestamp (datetime, ISO string or epoch seconds)."""
    if value in (None, "", "N/A", "no_information", "not_supported"):
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, int | float):
        parsed = dt.datetime.fromtimestamp(value, dt.UTC)
    else:
        parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
