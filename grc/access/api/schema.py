"""OpenAPI generation: every operation documents the error bodies it can return."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable machine-readable code: invalid, not_authenticated, "
        "authentication_failed, permission_denied, not_found, throttled, conflict, ..."
    )
    message = serializers.CharField(help_text="What went wrong, for people.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Request field (dotted for nested fields) -> its messages; empty if none.",
    )
    active_run_id = serializers.IntegerField(
        required=False,
        help_text="On 409 from collection-runs: the run already queued or running.",
    )
    run_id = serializers.IntegerField(
        required=False, help_text="On 503 from collection-runs: the run, ended as failed."
    )
    packet_id = serializers.IntegerField(
        required=False, help_text="On 503 from evidence-packets: the packet, ended as failed."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer(help_text="The error.")


ERRORS: dict[str, str] = {
    "400": "Invalid request: `fields` names each invalid field.",
    "401": "No credentials, or an invalid or revoked API key.",
    "403": "Your role, or a read-only API key, does not allow this.",
    "404": "No such object, page or cursor.",
    "429": "Too many requests for this key, user or address: retry after `Retry-After`.",
}


class ApiAutoSchema(AutoSchema):
    """Adds the shared error responses to every operation that does not declare its own."""

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, description in ERRORS.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description), code
                )
        return responses
