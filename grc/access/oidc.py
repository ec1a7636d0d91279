"""OpenID Connect sign-in (mozilla-django-oidc) with roles taken from the IdP's groups claim.

``GRC_OIDC_ROLE_GROUPS`` maps IdP group names to roles (``admin``, ``manager``, ``auditor``);
each sign-in sets the user's role group from the claim, so removing someone from the IdP group
removes the role at their next sign-in. A user in no mapped group cannot sign in.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from grc.access.roles import Role

logger = logging.getLogger(__name__)
ROLE_KEYS = {"admin": Role.ADMIN, "manager": Role.MANAGER, "auditor": Role.AUDITOR}
RANK = [Role.ADMIN, Role.MANAGER, Role.AUDITOR]


def role_from_claims(claims: dict[str, Any]) -> Role:
    """The highest role any of the user's IdP groups maps to (Role.NONE if none does)."""
    groups = claims.get(settings.GRC_OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    mapping: dict[str, str] = settings.GRC_OIDC_ROLE_GROUPS
    roles = {ROLE_KEYS.get(mapping.get(str(group), ""), Role.NONE) for group in groups}
    return next((role for role in RANK if role in roles), Role.NONE)


class GroupRoleOIDCBackend(OIDCAuthenticationBackend):
    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload = super().verify_token(token, **kwargs)
        # The library skips the audience check: a token the IdP issued to another client of the
        # same IdP must not sign anyone in here.
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if kwargs.get("nonce") is not None and self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued to another client.")
        issuer = settings.GRC_OIDC_ISSUER
        if issuer and kwargs.get("nonce") is not None and payload.get("iss") != issuer:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if not claims.get("email"):
            return False
        if role_from_claims(claims) is Role.NONE:
            logger.warning("OIDC sign-in refused for %s: no mapped group", claims.get("email"))
            return False
        return True

    def get_username(self, claims: dict[str, Any]) -> str:
        return str(claims.get("preferred_username") or claims["email"])[:150]

    def create_user(self, claims: dict[str, Any]) -> Any:
        user = self.UserModel.objects.create_user(self.get_username(claims), email=claims["email"])
        user.set_unusable_password()  # signs in through the IdP only
        user.save(update_fields=["password"])
        return self.update_user(user, claims)

    @transaction.atomic
    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        role = role_from_claims(claims)
        role_groups = Group.objects.filter(name__in=[r.value for r in RANK])
        user.groups.remove(*role_groups)
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
        return user
