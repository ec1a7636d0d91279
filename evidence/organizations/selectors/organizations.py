"""Reads for the organizations page and API."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from django.db.models import Q, QuerySet

from evidence.organizations.models import Organization, OrganizationAccount, OrganizationSync
from evidence.organizations.selectors.coverage import MemberCoverage, organization_coverage


def organizations_visible() -> QuerySet[Organization]:
    return Organization.objects.all()


def members_visible() -> QuerySet[OrganizationAccount]:
    return OrganizationAccount.objects.select_related("account", "organization").order_by(
        "ou_path", "account__name"
    )


def members_in_ou(
    members: QuerySet[OrganizationAccount], ou_path: str
) -> QuerySet[OrganizationAccount]:
    """Members in the OU ``ou_path`` ("Root/Workloads") and every OU under it."""
    path = ou_path.rstrip("/")
    return members.filter(Q(ou_path=path) | Q(ou_path__startswith=f"{path}/"))


def account_pks_in_ou(ou_path: str) -> list[int]:
    """Collection account ids in an OU subtree: what a dashboard "by OU" filter narrows to.
    Accounts that left the organization are in no OU any more. One query."""
    members = members_in_ou(OrganizationAccount.objects.all(), ou_path).exclude(
        aws_status=OrganizationAccount.AwsStatus.REMOVED
    )
    return list(members.values_list("account_id", flat=True))


@dataclass(frozen=True)
class OuGroup:
    ou_path: str
    rows: list[MemberCoverage]  # each member with its CloudTrail and AWS Config coverage

    @property
    def members(self) -> list[OrganizationAccount]:
        return [row.member for row in self.rows]


@dataclass(frozen=True)
class OrganizationPage:
    organization: Organization
    groups: list[OuGroup]
    last_sync: OrganizationSync | None


def organization_pages() -> list[OrganizationPage]:
    """Each organization with its members (and their coverage) by OU path and its latest sync."""
    pages = []
    for organization in organizations_visible():
        groups = [
            OuGroup(ou_path=path, rows=list(rows))
            for path, rows in groupby(
                organization_coverage(organization), key=lambda row: row.member.ou_path
            )
        ]
        pages.append(
            OrganizationPage(
                organization=organization,
                groups=groups,
                last_sync=organization.syncs.first(),
            )
        )
    return pages


def ou_paths_of(account_ids: list[int]) -> dict[int, str]:
    """Collection account id -> its OU path as the last sync saw it; accounts that are in no
    organization (or that left it) are absent. One query."""
    members = OrganizationAccount.objects.filter(account_id__in=account_ids).exclude(
        aws_status=OrganizationAccount.AwsStatus.REMOVED
    )
    return dict(members.values_list("account_id", "ou_path"))


def accounts_in_ou_now(ou_path: str) -> list[int]:
    """Collection account ids of the OU subtree's current members: still in the organization
    and not excluded by the customer (what a packet scoped to the OU covers). One query."""
    members = (
        members_in_ou(OrganizationAccount.objects.all(), ou_path)
        .exclude(aws_status=OrganizationAccount.AwsStatus.REMOVED)
        .exclude(excluded=True)
    )
    return list(members.values_list("account_id", flat=True))


def ou_paths_known() -> list[str]:
    """Every OU path of the organizations' current members and every OU above one, sorted:
    what a person picks an OU subtree from. One query."""
    paths = (
        OrganizationAccount.objects.exclude(aws_status=OrganizationAccount.AwsStatus.REMOVED)
        .exclude(ou_path="")
        .values_list("ou_path", flat=True)
        .distinct()
    )
    known: set[str] = set()
    for path in paths:
        parts = path.split("/")
        known.update("/".join(parts[:depth]) for depth in range(1, len(parts) + 1))
    return sorted(known)
