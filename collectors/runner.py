"""Run registered checks against one account: per service and region, with faults turned into data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from collectors.registry import SERVICES, checks_for_service, load_checks
from collectors.types import CheckContext, CheckResult, Scope, Status

GLOBAL_REGION = "global"


def error_reason(exc: BaseException) -> str:
    """A short, secret-free reason for an AWS failure (error code and message)."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'ClientError')}: {error.get('Message', '')}".strip()
    return f"{type(exc).__name__}: {exc}"


def _error_results(
    service_name: str, account_id: str, region: str, reason: str
) -> list[CheckResult]:
    return [
        CheckResult(
            check_id=spec.id,
            account_id=account_id,
            region=region,
            resource_id=f"{service_name}:{region}",
            resource_type=spec.resource_type,
            status=Status.ERROR,
            reason=reason,
        )
        for spec in checks_for_service(service_name)
    ]


def collect_unit(
    session: Any,
    service_name: str,
    region: str,
    *,
    account_id: str,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    now: dt.datetime | None = None,
) -> list[CheckResult]:
    """Read one service in one region once and evaluate all its checks on that snapshot.

    Never raises for AWS faults: a failed read yields one ERROR result per check of the
    service; a check that fails on its own yields an ERROR result for that check only.
    ``parameters`` maps check id -> parameter overrides.
    """
    load_checks()
    reader = SERVICES[service_name]
    now = now or dt.datetime.now(dt.UTC)
    fetch_region = region if region != GLOBAL_REGION else _home_region(session)
    try:
        snapshot = reader.fetch(session, fetch_region)
    except (ClientError, BotoCoreError) as exc:
        return _error_results(service_name, account_id, region, error_reason(exc))
    results: list[CheckResult] = []
    for spec in checks_for_service(service_name):
        context = CheckContext(
            account_id=account_id,
            region=region,
            parameters={**spec.parameters, **(parameters or {}).get(spec.id, {})},
            now=now,
        )
        try:
            results.extend(spec.evaluate(snapshot, context))
        except (ClientError, BotoCoreError) as exc:
            results.append(
                CheckResult(
                    check_id=spec.id,
                    account_id=account_id,
                    region=region,
                    resource_id=f"{service_name}:{region}",
                    resource_type=spec.resource_type,
                    status=Status.ERROR,
                    reason=error_reason(exc),
                )
            )
    return results


def plan_units(regions: list[str]) -> list[tuple[str, str]]:
    """(service, region) pairs to collect: global services once, regional ones per region."""
    load_checks()
    units: list[tuple[str, str]] = []
    for name, reader in sorted(SERVICES.items()):
        if reader.scope is Scope.GLOBAL:
            units.append((name, GLOBAL_REGION))
        else:
            units.extend((name, region) for region in regions)
    return units


def _home_region(session: Any) -> str:
    return session.region_name or "us-east-1"
