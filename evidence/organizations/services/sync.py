"""Sync an organization's members into collection accounts.

A sync reads the whole tree first; if any read fails (AccessDenied on organizations:List*, the
role cannot be assumed, the account is not in an organization) or the tree holds no account,
the sync is recorded as failed and nothing changes: a partial read must never look like removed
accounts. Otherwise each member is applied in its own savepoint, so one bad member is recorded
against that member and the rest are still registered.

New ACTIVE members are registered through collection's ``account_create`` with the
organization's member role and external id; members that AWS reports SUSPENDED or
PENDING_CLOSURE, or that left the organization, are disabled (their runs and results stay).
Regions, schedule, name and the excluded flag are the customer's and a sync never rewrites them.

Each account's environment is read from its tags (the first of ``GRC_ENVIRONMENT_TAG_KEYS``
present: prod, production or prd mean production, any other value non-production) unless a
person set it by hand. Tags that cannot be read (AccessDenied on ListTagsForResource) leave the
environment as it was; the sync still succeeds and its note says how many accounts that was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from collectors.organizations import OrgAccount, OrgTree, organization_tree_read
from collectors.session import InvalidRoleArn, assume_role_session
from evidence.collection.models import AwsAccount, Environment
from evidence.collection.services.accounts import (
    account_create,
    account_environment_from_tags,
    account_update,
)
from evidence.organizations.models import Organization, OrganizationAccount, OrganizationSync

AwsStatus = OrganizationAccount.AwsStatus
SessionFactory = Callable[[Organization], Any]
PRODUCTION_TAG_VALUES = frozenset({"prod", "production", "prd"})


def environment_from_tags(tags: Mapping[str, str], keys: Sequence[str]) -> str:
    """The environment the first non-empty tag of ``keys`` names; "" when none does."""
    for key in keys:
        value = (tags.get(key) or "").strip().lower()
        if value:
            production = value in PRODUCTION_TAG_VALUES
            return Environment.PRODUCTION if production else Environment.NON_PRODUCTION
    return ""


def management_session(organization: Organization) -> Any:
    return assume_role_session(organization.role_arn, organization.external_id)


def member_role_arn(organization: Organization, account_id: str, partition: str) -> str:
    return f"arn:{partition}:iam::{account_id}:role/{organization.member_role_name}"


@dataclass
class SyncChanges:
    registered: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    tags_unread: dict[str, str] = field(default_factory=dict)  # account id -> AWS error


def aws_error(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'Error')}: {error.get('Message', str(exc))}"
    return f"{type(exc).__name__}: {exc}"


def organization_sync(
    *, organization_id: int, session_factory: SessionFactory = management_session
) -> OrganizationSync:
    organization = Organization.objects.get(pk=organization_id)
    try:
        tree = organization_tree_read(session_factory(organization))
    except (ClientError, BotoCoreError, InvalidRoleArn) as exc:
        return _sync_failed(organization, f"could not read the organization: {aws_error(exc)}")
    if not tree.accounts:
        return _sync_failed(organization, "the organization lists no accounts; nothing changed")
    with transaction.atomic():
        # Two syncs of one organization (the daily one and "sync now") apply one after the
        # other: the second sees the first's members instead of registering them again.
        organization = Organization.objects.select_for_update().get(pk=organization_id)
        changes = SyncChanges()
        for org_account in tree.accounts:
            _member_apply(organization, tree, org_account, changes)
        _members_removed(organization, tree, changes)
        return _sync_succeeded(organization, tree, changes)


def _sync_failed(organization: Organization, error: str) -> OrganizationSync:
    with transaction.atomic():
        organization.last_sync_error = error
        organization.save(update_fields=["last_sync_error"])
        return OrganizationSync.objects.create(
            organization=organization,
            status=OrganizationSync.Status.FAILED,
            error=error,
            finished_at=timezone.now(),
        )


def _sync_succeeded(
    organization: Organization, tree: OrgTree, changes: SyncChanges
) -> OrganizationSync:
    with transaction.atomic():
        organization.organization_id = tree.organization_id
        organization.management_account_id = tree.management_account_id
        organization.last_synced_at = timezone.now()
        members = {a.account_id for a in tree.accounts} - {tree.management_account_id}
        # Not a failure (the management account is registered), but rarely what was meant:
        # usually the wrong account was registered, or members have not been invited yet.
        notes = (
            []
            if members
            else ["the organization has no member accounts besides the management account"]
        )
        if changes.tags_unread:
            first = next(iter(changes.tags_unread.values()))
            notes.append(
                f"tags of {len(changes.tags_unread)} account(s) could not be read ({first}): "
                "their environment is unchanged"
            )
        note = "; ".join(notes)
        organization.last_sync_error = note
        organization.save()
        return OrganizationSync.objects.create(
            organization=organization,
            status=OrganizationSync.Status.SUCCEEDED,
            error=note,
            registered=changes.registered,
            disabled=changes.disabled,
            updated=changes.updated,
            member_errors=changes.errors,
            finished_at=timezone.now(),
        )


def _member_apply(
    organization: Organization, tree: OrgTree, org_account: OrgAccount, changes: SyncChanges
) -> None:
    try:
        with transaction.atomic():
            member = (
                OrganizationAccount.objects.select_related("account__schedule")
                .filter(account__account_id=org_account.account_id)
                .first()
            )
            if member is None:
                _member_register(organization, tree, org_account, changes)
            else:
                _member_refresh(organization, member, org_account, changes)
    except (ValidationError, ValueError, IntegrityError) as exc:
        message = "; ".join(getattr(exc, "messages", [str(exc)]))
        changes.errors[org_account.account_id] = message
        OrganizationAccount.objects.filter(account__account_id=org_account.account_id).update(
            last_sync_error=message
        )


def _environment_apply(account: AwsAccount, org_account: OrgAccount, changes: SyncChanges) -> bool:
    """The environment from the account tags, when they could be read. Whether it changed."""
    if org_account.tags is None:
        if org_account.tags_error:
            changes.tags_unread[org_account.account_id] = org_account.tags_error
        return False
    environment = environment_from_tags(org_account.tags, settings.GRC_ENVIRONMENT_TAG_KEYS)
    return account_environment_from_tags(account=account, environment=environment)


def _aws_status(org_account: OrgAccount) -> str:
    valid = {choice.value for choice in AwsStatus}
    return org_account.status if org_account.status in valid else AwsStatus.SUSPENDED


def _member_register(
    organization: Organization, tree: OrgTree, org_account: OrgAccount, changes: SyncChanges
) -> None:
    status = _aws_status(org_account)
    account = AwsAccount.objects.filter(account_id=org_account.account_id).first()
    if account is None:  # an account registered by hand is adopted with its own role
        account = account_create(
            account_id=org_account.account_id,
            name=org_account.name or org_account.account_id,
            role_arn=member_role_arn(organization, org_account.account_id, tree.partition),
            external_id=organization.member_external_id,
            regions=list(organization.default_regions),
        )
    if status != AwsStatus.ACTIVE and account.enabled:
        account_update(account=account, enabled=False)
    _environment_apply(account, org_account, changes)
    OrganizationAccount.objects.create(
        organization=organization,
        account=account,
        ou_path=org_account.ou_path,
        parent_id=org_account.parent_id,
        email=org_account.email,
        aws_status=status,
        last_seen_at=timezone.now(),
    )
    changes.registered.append(org_account.account_id)


def _member_refresh(
    organization: Organization,
    member: OrganizationAccount,
    org_account: OrgAccount,
    changes: SyncChanges,
) -> None:
    status = _aws_status(org_account)
    was_active = member.aws_status == AwsStatus.ACTIVE
    seen = (member.ou_path, member.parent_id, member.email, member.aws_status)
    member.organization = organization
    member.ou_path, member.parent_id = org_account.ou_path, org_account.parent_id
    member.email, member.aws_status = org_account.email, status
    member.last_seen_at, member.last_sync_error = timezone.now(), ""
    member.save()
    if status != AwsStatus.ACTIVE and member.account.enabled:
        account_update(account=member.account, enabled=False)
        changes.disabled.append(org_account.account_id)
    elif status == AwsStatus.ACTIVE and not was_active and not member.excluded:
        # Back in the organization (or reactivated): the sync disabled it, so it re-enables it.
        account_update(account=member.account, enabled=True)
    retagged = _environment_apply(member.account, org_account, changes)
    if retagged or seen != (member.ou_path, member.parent_id, member.email, member.aws_status):
        changes.updated.append(org_account.account_id)


def _members_removed(organization: Organization, tree: OrgTree, changes: SyncChanges) -> None:
    listed = {org_account.account_id for org_account in tree.accounts}
    gone = (
        organization.members.select_related("account__schedule")
        .exclude(account__account_id__in=listed)
        .exclude(aws_status=AwsStatus.REMOVED)
    )
    for member in gone:
        with transaction.atomic():
            member.aws_status = AwsStatus.REMOVED
            member.save(update_fields=["aws_status"])
            if member.account.enabled:
                account_update(account=member.account, enabled=False)
            changes.disabled.append(member.account.account_id)
