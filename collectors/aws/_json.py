"""AWS API responses as JSON-serialisable evidence, content unchanged (escaping is the UI's job)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError

from collectors.runner import error_reason
from collectors.types import ApiCall


def jsonable(value: Any) -> Any:
    """The same data with datetimes as ISO strings and bytes decoded, so json.dumps accepts it."""
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


def response_body(response: Mapping[str, Any]) -> dict[str, Any]:
    """An API response without botocore's transport metadata, ready to store as evidence."""
    return jsonable({key: item for key, item in response.items() if key != "ResponseMetadata"})


@dataclass(frozen=True)
class ApiRead:
    """One API call's outcome: its response body, None when the configuration is absent, or the
    error that prevented the read (so one resource's failure stays that resource's ERROR)."""

    call: ApiCall
    body: dict[str, Any] | None = None
    error: str | None = None


def read_api(
    client: Any, service: str, operation: str, *, absent: Collection[str] = (), **params: Any
) -> ApiRead:
    """Call ``operation`` once; error codes in ``absent`` mean "not configured" (body None)."""
    call = ApiCall(service, operation, jsonable(params))
    try:
        response = getattr(client, xform_name(operation))(**params)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in absent:
            return ApiRead(call)
        return ApiRead(call, error=error_reason(exc))
    except BotoCoreError as exc:
        return ApiRead(call, error=error_reason(exc))
    return ApiRead(call, body=response_body(response))
