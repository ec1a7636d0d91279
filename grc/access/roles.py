"""Who may do what. One place for the role rules the UI and the API both enforce.

Roles are Django groups (created by a migration); superusers are administrators.
- Administrator: everything, including API keys and users.
- Compliance manager: edits controls, parameters, accounts and schedules; runs collections.
- Auditor: read-only; sees evidence and exports packets.
"""

from __future__ import annotations

from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


class Role(StrEnum):
    ADMIN = "Administrator"
    MANAGER = "Compliance manager"
    AUDITOR = "Auditor"
    NONE = ""


def role_of(user) -> Role:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Role.NONE
    if user.is_superuser:
        return Role.ADMIN
    names = {group.name for group in user.groups.all()}
    for role in (Role.ADMIN, Role.MANAGER, Role.AUDITOR):
        if role.value in names:
            return role
    return Role.NONE


def request_role(request) -> Role:
    """The request user's role, looked up once per request."""
    if not hasattr(request, "_grc_role"):
        request._grc_role = role_of(request.user)
    return request._grc_role


def can_view(user) -> bool:
    return role_of(user) is not Role.NONE


def can_export(user) -> bool:
    return role_of(user) in (Role.ADMIN, Role.MANAGER, Role.AUDITOR)


def can_manage(user) -> bool:
    """Change controls, parameters, accounts and schedules; start collections."""
    return role_of(user) in (Role.ADMIN, Role.MANAGER)


def can_administer(user) -> bool:
    """Create and revoke API keys, manage users."""
    return role_of(user) is Role.ADMIN


def role_required(predicate):
    """View decorator: sign-in required, then 403 unless ``predicate(user)`` holds."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
