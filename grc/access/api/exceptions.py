"""One error body for every API failure: ``{"error": {"code", "message", "fields"}}``.

``code`` is a stable machine-readable string (``invalid``, ``not_authenticated``,
``permission_denied``, ``not_found``, ``throttled``, ``conflict`` ...), ``message`` a sentence for
people, ``fields`` maps a request field (dotted for nested ones) to its messages.
Services raise Django's ValidationError; it is shown here like a serializer's.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


class Conflict(exceptions.APIException):
    """409: the request is valid but the resource is busy (e.g. a collection already running)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the current state."

    def __init__(self, detail: str, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail, code)
        self.extra = extra


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = "The request body is too large."


class ServiceUnavailable(exceptions.APIException):
    """503: a service the request needs (the task broker) cannot be reached; retry later."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"
    default_detail = "A service this request needs is unavailable; try again later."

    def __init__(self, detail: str | None = None, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail, code)
        self.extra = extra


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    """The error format, for responses made outside DRF (Django's 404 and 500 handlers)."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for key, value in detail.items():
            fields.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return fields
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        fields = {}
        for index, value in enumerate(detail):
            if value:
                fields.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return fields
    items = detail if isinstance(detail, list) else [detail]
    return {prefix: [str(item) for item in items]}


def _django_validation_detail(exc: DjangoValidationError) -> Any:
    if hasattr(exc, "error_dict"):
        return {
            (NON_FIELD if key == "__all__" else key): value
            for key, value in exc.message_dict.items()
        }
    return {NON_FIELD: exc.messages}


def _error_code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return exc.default_code if isinstance(exc.default_code, str) else "error"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_validation_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response  # an unexpected error: a 500 with Django's usual logging
    fields: dict[str, list[str]] = {}
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
        flat = _flatten(exc.detail)
        general = flat.pop(NON_FIELD, []) + flat.pop("", [])
        fields = flat
        if general:
            message = " ".join(general)
        elif fields:
            message = "Some fields are invalid: " + ", ".join(sorted(fields)) + "."
        else:
            message = "Invalid request."
    else:
        code = _error_code(exc)
        message = str(exc.detail)
    body: dict[str, Any] = {"code": code, "message": message, "fields": fields}
    body.update(getattr(exc, "extra", {}))
    response.data = {"error": body}
    return response
