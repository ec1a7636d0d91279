"""Test connections: can each collected member's role be assumed, and what can it read?

A missing role, a trust policy that does not name our principal and an external id mismatch
all answer AssumeRole with AccessDenied; a role that is assumed but lacks a permission (no
SecurityAudit, an SCP denying a service) is found by one cheap read per service, the same probe
an account's own "Test connection" makes. The AWS error is stored on the member so the page shows
which accounts will fail, and on what, before a collection does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from django.utils import timezone

from collectors.probe import ProbeResult, services_probe
from collectors.session import (
    DEFAULT_REGION,
    InvalidRoleArn,
    assume_role_session,
    caller_identity,
)
from evidence.organizations.messages import assume_role_explained
from evidence.organizations.models import OrganizationAccount
from evidence.organizations.services.sync import aws_error

Assume = Callable[[str, str], Any]
Probe = Callable[[Any, str], list[ProbeResult]]


def _missing_permissions(probes: list[ProbeResult]) -> str:
    missing = [f"{probe.action} ({probe.error})" for probe in probes if not probe.ok]
    return f"role assumed, but it cannot read: {'; '.join(missing)}" if missing else ""


def member_connection_test(
    *,
    member: OrganizationAccount,
    assume: Assume = assume_role_session,
    probe: Probe = services_probe,
) -> str:
    """Assume the member's role, ask STS who we are and try one read per service; "" when all
    of it works, else the reason with AWS's error."""
    account = member.account
    try:
        session = assume(account.role_arn, account.external_id)
        identity = caller_identity(session)
    except (ClientError, BotoCoreError, InvalidRoleArn) as exc:
        error = assume_role_explained(f"cannot assume {account.role_arn}: {aws_error(exc)}")
    else:
        if identity["Account"] != account.account_id:
            error = f"the role answered as account {identity['Account']}, not {account.account_id}"
        else:
            region = next(iter(account.regions or []), DEFAULT_REGION)
            error = _missing_permissions(probe(session, region))
    member.connection_error = error
    member.connection_checked_at = timezone.now()
    member.save(update_fields=["connection_error", "connection_checked_at"])
    return error


def organization_connections_test(
    *, organization_id: int, assume: Assume = assume_role_session, probe: Probe = services_probe
) -> dict[str, str]:
    """Every collected (enabled, not excluded) member: account id -> error ("" = works)."""
    members = OrganizationAccount.objects.select_related("account").filter(
        organization_id=organization_id, excluded=False, account__enabled=True
    )
    return {
        member.account.account_id: member_connection_test(member=member, assume=assume, probe=probe)
        for member in members
    }
