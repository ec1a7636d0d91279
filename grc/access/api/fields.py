"""Serializer fields every app's API shares: account references, usernames and id patterns."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from grc.access.jsonlimits import json_loads_limited

ACCOUNT_ID_PATTERN = r"[0-9]{12}"
SHA256_PATTERN = r"[0-9a-f]{64}"


def account_field(**kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="account_id", help_text="12-digit AWS account id.", **kwargs
    )


def username_field(source: str) -> serializers.CharField:
    return serializers.CharField(
        source=f"{source}.username",
        read_only=True,
        allow_null=True,
        help_text="Username of the person, or null.",
    )


class DepthLimitedJSONField(serializers.JSONField):
    """A JSON value; as a form field its text is parsed with the nesting limit (no 500)."""

    def to_internal_value(self, data: Any) -> Any:
        if self.binary or getattr(data, "is_json_string", False):
            if isinstance(data, bytes):
                data = data.decode()
            try:
                data = json_loads_limited(data)
            except ValueError:
                self.fail("invalid")
        return super().to_internal_value(data)
