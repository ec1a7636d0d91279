"""Test connections: can each collected member's role be assumed with its external id?

A missing role, a trust policy that does not name our principal and an external id mismatch
all answer AssumeRole with AccessDenied; the AWS error is stored on the member so the page
shows which accounts will fail before a collection does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from django.utils import timezone

from collectors.session import InvalidRoleArn, assume_role_session, caller_identity
from evidence.organizations.messages import assume_role_explained
from evidence.organizations.models import OrganizationAccount
from evidence.organizations.services.sync import aws_error

Assume = Callable[[str, str], Any]


def member_connection_test(
    *, member: OrganizationAccount, assume: Assume = assume_role_session
) -> str:
    """Assume the member's role and ask STS who we are; "" when it works, else the reason."""
    account = member.account
    try:
        identity = caller_identity(assume(account.role_arn, account.external_id))
    except (ClientError, BotoCoreError, InvalidRoleArn) as exc:
        error = assume_role_explained(f"cannot assume {account.role_arn}: {aws_error(exc)}")
    else:
        error = (
            ""
            if identity["Account"] == account.account_id
            else f"the role answered as account {identity['Account']}, not {account.account_id}"
        )
    member.connection_error = error
    member.connection_checked_at = timezone.now()
    member.save(update_fields=["connection_error", "connection_checked_at"])
    return error


def organization_connections_test(
    *, organization_id: int, assume: Assume = assume_role_session
) -> dict[str, str]:
    """Every collected (enabled, not excluded) member: account id -> error ("" = works)."""
    members = OrganizationAccount.objects.select_related("account").filter(
        organization_id=organization_id, excluded=False, account__enabled=True
    )
    return {
        member.account.account_id: member_connection_test(member=member, assume=assume)
        for member in members
    }
