"""Register an organization and change it; excluding a member from collection."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from evidence.collection.services.accounts import account_update
from evidence.organizations.models import Organization, OrganizationAccount


@transaction.atomic
def organization_create(
    *,
    name: str,
    account_id: str,
    role_arn: str,
    external_id: str,
    member_external_id: str,
    member_role_name: str = "GrcEvidenceReader",
    default_regions: list[str] | None = None,
) -> Organization:
    organization = Organization(
        name=name,
        account_id=account_id,
        role_arn=role_arn,
        external_id=external_id,
        member_role_name=member_role_name,
        member_external_id=member_external_id,
        default_regions=default_regions or [],
    )
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, **fields: Any) -> Organization:
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def organization_member_exclude(
    *, member: OrganizationAccount, excluded: bool
) -> OrganizationAccount:
    """Excluded members are never collected; including one again enables it if AWS says ACTIVE."""
    member.excluded = excluded
    member.save(update_fields=["excluded"])
    enabled = not excluded and member.aws_status == OrganizationAccount.AwsStatus.ACTIVE
    account_update(account=member.account, enabled=enabled)
    return member
