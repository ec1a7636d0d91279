"""The API's role rules, plus the one manual evidence adds: a request's owner without a role
may read their own requests and submissions and submit evidence for them."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from evidence.manual.models import EvidenceRequest
from grc.access.api.permissions import RolePermission, key_may_write
from grc.access.models import ApiKey
from grc.access.roles import can_view


class RoleOrOwnerPermission(RolePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if super().has_permission(request, view):
            return True
        user = request.user
        if can_view(user) or not getattr(user, "is_authenticated", False):
            return False
        if (getattr(view, "action", "") or "") not in getattr(view, "owner_actions", ()):
            return False
        if isinstance(request.auth, ApiKey) and not key_may_write(request.auth):
            return request.method in ("GET", "HEAD", "OPTIONS")
        return EvidenceRequest.objects.filter(owner=user).exists()
