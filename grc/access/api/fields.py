"""Serializer fields every app's API shares: account references, usernames and id patterns."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

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
