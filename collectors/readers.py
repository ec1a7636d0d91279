"""Helpers shared by the service modules: paginated reads, per-resource faults, result building."""

from __future__ import annotations

import datetime as dt
import http.client
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from collectors.registry import CHECKS
from collectors.types import ApiCall, CheckContext, CheckResult, Status

T = TypeVar("T")

# What an AWS call can raise for a fault on AWS's side or the network's. botocore raises
# ResponseParserError (a plain Exception) when a query or EC2 endpoint answers with non-XML.
AWS_FAULTS: tuple[type[Exception], ...] = (ClientError, BotoCoreError, ResponseParserError)

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
    """A short, secret-free reason for an AWS failure: the AWS error code and message.

    An endpoint or proxy that answers with an HTML page (a 500 from a load balancer, say) has
    no AWS error code: botocore then reports the HTTP status as the code and, for JSON
    protocols, the page as the message, or fails to parse it (query and EC2 protocols). The
    page is replaced by the HTTP status phrase so no markup reaches a reason.
    """
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or "ClientError")
        message = str(error.get("Message") or "")
        if _is_markup(message):
            message = (
                f"{_status_phrase(exc)} (the endpoint answered with a web page, not an AWS error)"
            )
        reason = f"{code}: {message}"
    elif isinstance(exc, ResponseParserError):
        # botocore appends the unparsed body after the first line; keep only the first line.
        first_line = str(exc).split("\n", 1)[0].rstrip(":")
        reason = f"ResponseParserError: {first_line}"
    else:
        reason = f"{type(exc).__name__}: {exc}"
    reason = " ".join(reason.split())
    return reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 3] + "..."


def _is_markup(message: str) -> bool:
    text = message.lstrip().lower()
    return text.startswith("<") and ("html" in text[:200] or text.startswith("<?xml"))


def _status_phrase(exc: ClientError) -> str:
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if not isinstance(status, int):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = int(code) if code.isdigit() else None
    phrase = http.client.responses.get(status, "") if status else ""
    return f"HTTP {status} {phrase}".strip() if status else "unreadable error response"


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
    except (BotoCoreError, ResponseParserError) as exc:
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
