"""Template context every page gets: the signed-in person's role."""

from __future__ import annotations

from django.http import HttpRequest

from grc.access.roles import Role, request_role


def role(request: HttpRequest) -> dict[str, object]:
    current = request_role(request)
    return {"role": current, "manager": current in (Role.ADMIN, Role.MANAGER)}
