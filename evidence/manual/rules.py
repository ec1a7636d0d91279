"""Who may do what with manual evidence, on top of grc.access.roles (UI and API share these).

- Anyone with a role sees requests, submissions and files; a request's owner (even without a
  role) sees and submits for the requests they own.
- Managers and administrators submit for any request, create requests, assign owners, upload
  provider attestations and review. Auditors only read.
- Nobody reviews what they submitted (separation of duties).
"""

from __future__ import annotations

from typing import Any

from grc.access.roles import Role, can_manage, can_view, role_of


def may_see_request(user: Any, request: Any) -> bool:
    return can_view(user) or (user.is_authenticated and request.owner_id == user.pk)


def may_submit(user: Any, request: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or role_of(user) is Role.AUDITOR:
        return False
    return can_manage(user) or (user.is_active and request.owner_id == user.pk)


def may_review(user: Any) -> bool:
    return can_manage(user)
