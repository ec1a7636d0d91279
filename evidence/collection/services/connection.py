"""Test an account's connection: assume the role, ask who we are, try one read per service."""

from __future__ import annotations

from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError

from collectors.probe import ProbeResult, services_probe
from collectors.readers import error_reason
from collectors.session import DEFAULT_REGION, InvalidRoleArn, assume_role_session, caller_identity
from evidence.collection.models import AwsAccount


@dataclass(frozen=True)
class ConnectionReport:
    """What a connection test found: the identity the role gave us, or why it could not be
    assumed, and which services it can read in ``region``."""

    region: str
    identity: dict[str, str] = field(default_factory=dict)
    error: str = ""
    probes: list[ProbeResult] = field(default_factory=list)

    @property
    def assumed(self) -> bool:
        return not self.error

    @property
    def unreadable(self) -> list[ProbeResult]:
        return [probe for probe in self.probes if not probe.ok]


def account_connection_test(*, account: AwsAccount) -> ConnectionReport:
    """Assume the account's role, call GetCallerIdentity and probe each service once.

    Never raises for an AWS error: a role that cannot be assumed is a report with ``error``.
    """
    region = next(iter(account.regions or []), DEFAULT_REGION)
    try:
        session = assume_role_session(account.role_arn, account.external_id, region=region)
        identity = caller_identity(session)
    except InvalidRoleArn as exc:
        return ConnectionReport(region=region, error=str(exc))
    except (ClientError, BotoCoreError) as exc:
        return ConnectionReport(region=region, error=error_reason(exc))
    return ConnectionReport(
        region=region, identity=identity, probes=services_probe(session, region)
    )
