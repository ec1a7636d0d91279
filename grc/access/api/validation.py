"""Request body validation shared by every app's API views."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request


def valid_data(serializer_class: type, request: Request, **kwargs: Any) -> dict:
    """The serializer's validated data, or a 400 in the project's error format."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
