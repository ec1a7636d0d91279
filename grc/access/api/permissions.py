"""The UI's role rules (grc.access.roles), applied to API requests, narrowed for read-only keys.

- Reading needs any role (``can_view``).
- Writing needs ``can_manage`` unless the view names another rule for the action in
  ``write_rules`` (e.g. ``{"create": can_export}`` for evidence packets).
- A request made with an API key may write only if the key is read-write and its owner is not
  an auditor: an auditor's key is read-only whatever its flag says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from rest_framework import permissions
from rest_framework.request import Request

from grc.access.models import ApiKey
from grc.access.roles import Role, can_manage, can_view, role_of

Rule = Callable[[Any], bool]


def key_may_write(api_key: ApiKey) -> bool:
    return not api_key.read_only and role_of(api_key.owner) is not Role.AUDITOR


class RolePermission(permissions.BasePermission):
    message = "Your role does not allow this."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not can_view(user):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if isinstance(request.auth, ApiKey) and not key_may_write(request.auth):
            self.message = "This API key is read-only."
            return False
        rules: dict[str, Rule] = getattr(view, "write_rules", {})
        rule = rules.get(getattr(view, "action", "") or "", can_manage)
        return rule(user)


class ApiDocsPermission(permissions.BasePermission):
    """The OpenAPI schema: any signed-in user or API key, or everyone if GRC_API_DOCS_PUBLIC."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(settings.GRC_API_DOCS_PUBLIC or can_view(request.user))
