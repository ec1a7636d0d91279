"""Who owns which controls: a person directly, or a team (group) they belong to."""

from __future__ import annotations

from django.db.models import Q

from grc.catalog.models import Control


def controls_owned_by(user) -> set[int]:
    """Ids of the controls the user owns, in person or through one of their groups. One query."""
    if not getattr(user, "is_authenticated", False):
        return set()
    mine = Q(owner=user) | Q(owner_group__in=user.groups.all())
    return set(Control.objects.filter(mine).values_list("pk", flat=True))
