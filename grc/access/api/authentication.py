"""API key authentication: ``Authorization: Api-Key <prefix>.<secret>``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from grc.access.api.throttling import ApiKeyFailureThrottle
from grc.access.models import ApiKey
from grc.access.services.apikeys import api_key_touch, api_key_verify

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticates as the key's owner; ``request.auth`` is the ApiKey.

    Requests without an ``Api-Key`` authorization header are left to the next class (the
    session). A key that is unknown, revoked, malformed or whose owner is inactive is a 401.
    """

    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        failures = ApiKeyFailureThrottle()
        wait = failures.retry_after(request)
        if wait is not None:
            raise exceptions.Throttled(wait, "Too many failed API key attempts from this address.")
        if len(header) != 2:
            failures.failure_record(request)
            raise exceptions.AuthenticationFailed("Send exactly 'Api-Key <prefix>.<secret>'.")
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            failures.failure_record(request)
            raise exceptions.AuthenticationFailed("Invalid API key.") from None
        api_key = api_key_verify(token)
        if api_key is None or not api_key.owner.is_active:
            failures.failure_record(request)
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        api_key_touch(api_key)
        return api_key.owner, api_key

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Api-Key <prefix>.<secret>`: a key an administrator created under /api/keys/. "
                "It acts with its owner's role; a read-only key, and any auditor's key, may "
                "only use GET, HEAD and OPTIONS."
            ),
        }
