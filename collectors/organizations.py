"""Read an AWS Organization's tree: roots, organizational units (recursively) and accounts.

Plain boto3, called with a session in the management or a delegated-administrator account.
Every listing is paginated. Errors (AccessDenied, AWSOrganizationsNotInUseException) are not
caught here: the caller records them and changes nothing, since a partial tree read as complete
would look like removed accounts. Account tags are the exception: they are read per account
(ListTagsForResource, one paginated call per member) and a refusal is recorded on that account
(``tags`` None, ``tags_error``) so the tree still reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from collectors.session import as_client_factory

SERVICE = "organizations"


@dataclass(frozen=True)
class OrgAccount:
    """One member of the organization as Organizations reports it."""

    account_id: str
    name: str
    email: str
    status: str  # AWS's account State (or Status): ACTIVE, SUSPENDED, CLOSED...
    ou_path: str  # "Root/Workloads/Prod"; "Root" for accounts directly under the root
    parent_id: str
    tags: dict[str, str] | None = None  # None: not read (refused, or not asked for)
    tags_error: str = ""  # why the tags could not be read


@dataclass(frozen=True)
class OrgTree:
    """What a sync reads: the organization's ids and every member account with its OU path."""

    organization_id: str
    management_account_id: str
    partition: str
    accounts: tuple[OrgAccount, ...]


def _pages(client: Any, operation: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
    for page in client.get_paginator(operation).paginate(**params):
        yield from page.get(key, [])


def _walk(client: Any, parent_id: str, path: str) -> Iterator[OrgAccount]:
    for account in _pages(client, "list_accounts_for_parent", "Accounts", ParentId=parent_id):
        yield OrgAccount(
            account_id=account["Id"],
            name=account.get("Name", ""),
            email=account.get("Email", ""),
            # State (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED, PENDING_ACTIVATION) replaces
            # the deprecated Status; read it first and fall back where an endpoint lacks it.
            status=account.get("State") or account.get("Status", ""),
            ou_path=path,
            parent_id=parent_id,
        )
    units = _pages(
        client, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent_id
    )
    for unit in units:
        yield from _walk(client, unit["Id"], f"{path}/{unit.get('Name', unit['Id'])}")


def account_tags_read(client: Any, account_id: str) -> dict[str, str]:
    """An account's tags (ListTagsForResource on the account id, every page)."""
    tags = _pages(client, "list_tags_for_resource", "Tags", ResourceId=account_id)
    return {tag["Key"]: tag.get("Value", "") for tag in tags}


def _with_tags(client: Any, account: OrgAccount) -> OrgAccount:
    try:
        return replace(account, tags=account_tags_read(client, account.account_id))
    except ClientError as exc:
        error = exc.response.get("Error", {})
        reason = f"{error.get('Code', 'Error')}: {error.get('Message', str(exc))}"
        return replace(account, tags_error=reason)
    except BotoCoreError as exc:
        return replace(account, tags_error=f"{type(exc).__name__}: {exc}")


def organization_tree_read(session: Any, *, read_tags: bool = True) -> OrgTree:
    """DescribeOrganization, ListRoots, then each parent's OUs and accounts, depth first, and
    (``read_tags``) each account's tags."""
    factory = as_client_factory(session)
    client = factory.client(SERVICE)
    organization = client.describe_organization()["Organization"]
    partition = organization["Arn"].split(":")[1]
    accounts: list[OrgAccount] = []
    for root in _pages(client, "list_roots", "Roots"):
        accounts.extend(_walk(client, root["Id"], root.get("Name", "Root")))
    if read_tags:
        accounts = [_with_tags(client, account) for account in accounts]
    return OrgTree(
        organization_id=organization["Id"],
        management_account_id=organization.get("MasterAccountId", ""),
        partition=partition,
        accounts=tuple(accounts),
    )
