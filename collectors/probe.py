"""A connection test: one cheap read per AWS service the collectors use. Plain boto3.

Registration and "test connection" call this after assuming the role, so a person sees at once
which services the role can read and, for the others, AWS's own error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from collectors.readers import error_reason
from collectors.session import ClientFactory, as_client_factory

# service -> (the read, as it is written in IAM, and how to call it on a client)
PROBES: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "iam": ("iam:GetAccountSummary", lambda c: c.get_account_summary()),
    "s3": ("s3:ListAllMyBuckets", lambda c: c.list_buckets()),
    "cloudtrail": ("cloudtrail:DescribeTrails", lambda c: c.describe_trails()),
    "config": (
        "config:DescribeConfigurationRecorders",
        lambda c: c.describe_configuration_recorders(),
    ),
    "ec2": ("ec2:DescribeSecurityGroups", lambda c: c.describe_security_groups(MaxResults=5)),
    "guardduty": ("guardduty:ListDetectors", lambda c: c.list_detectors()),
    "kms": ("kms:ListKeys", lambda c: c.list_keys(Limit=1)),
    "logs": ("logs:DescribeLogGroups", lambda c: c.describe_log_groups(limit=1)),
    "rds": ("rds:DescribeDBInstances", lambda c: c.describe_db_instances(MaxRecords=20)),
    "ssm": ("ssm:DescribeParameters", lambda c: c.describe_parameters(MaxResults=1)),
}


@dataclass(frozen=True)
class ProbeResult:
    """Whether the role could make one read of a service, with AWS's error when not."""

    service: str
    action: str
    ok: bool
    error: str = ""


def services_probe(session: Any, region: str) -> list[ProbeResult]:
    """One read per service in ``region``; an error becomes that service's result, not a raise."""
    factory: ClientFactory = as_client_factory(session)
    results = []
    for service, (action, call) in PROBES.items():
        try:
            call(factory.client(service, region_name=region))
        except (ClientError, BotoCoreError) as exc:
            results.append(ProbeResult(service, action, ok=False, error=error_reason(exc)))
        else:
            results.append(ProbeResult(service, action, ok=True))
    return results
