"""Reads for the organizations page and API."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from django.db.models import QuerySet

from evidence.organizations.models import Organization, OrganizationAccount, OrganizationSync


def organizations_visible() -> QuerySet[Organization]:
    return Organization.objects.all()


def members_visible() -> QuerySet[OrganizationAccount]:
    return OrganizationAccount.objects.select_related("account", "organization").order_by(
        "ou_path", "account__name"
    )


@dataclass(frozen=True)
class OuGroup:
    ou_path: str
    members: list[OrganizationAccount]


@dataclass(frozen=True)
class OrganizationPage:
    organization: Organization
    groups: list[OuGroup]
    last_sync: OrganizationSync | None


def organization_pages() -> list[OrganizationPage]:
    """Each organization with its members grouped by OU path and its latest sync."""
    members = list(members_visible())
    pages = []
    for organization in organizations_visible():
        own = [member for member in members if member.organization_id == organization.pk]
        groups = [
            OuGroup(ou_path=path, members=list(group))
            for path, group in groupby(own, key=lambda member: member.ou_path)
        ]
        pages.append(
            OrganizationPage(
                organization=organization,
                groups=groups,
                last_sync=organization.syncs.first(),
            )
        )
    return pages
