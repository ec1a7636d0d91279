"""People: invite a user with a role (a one-time password shown once) and change roles.

Roles are the Administrator, Compliance manager and Auditor groups; a person has at most one.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import ValidationError
from django.db import transaction

from grc.access.roles import Role

ROLES = (Role.ADMIN, Role.MANAGER, Role.AUDITOR)


@transaction.atomic
def user_role_set(
    *, user: AbstractBaseUser, role: Role, acting: AbstractBaseUser | None = None
) -> AbstractBaseUser:
    """Give ``user`` exactly ``role`` (Role.NONE: no role, so no access)."""
    if user.is_superuser:
        raise ValidationError(f"{user} is a superuser, always an administrator (see the admin).")
    if acting is not None and user.pk == acting.pk and role is not Role.ADMIN:
        raise ValidationError("You cannot take away your own administrator role.")
    user.groups.remove(*Group.objects.filter(name__in=[r.value for r in ROLES]))
    if role is not Role.NONE:
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


@transaction.atomic
def user_invite(*, username: str, email: str, role: Role) -> tuple[AbstractBaseUser, str]:
    """Create an active user with ``role`` and a random one-time password to hand over."""
    password = secrets.token_urlsafe(12)
    user = get_user_model()(username=username, email=email)
    user.set_password(password)
    user.full_clean()
    user.save()
    user_role_set(user=user, role=role)
    return user, password
