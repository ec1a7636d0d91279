"""Run the registered checks against one account per (service, region); faults become data."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError

from collectors.readers import AWS_FAULTS, error_code, error_reason
from collectors.registry import CHECKS, SERVICES, checks_for_service, load_checks
from collectors.session import (
    ClientFactory,
    as_client_factory,
    caller_identity,
    regions_to_collect,
)
from collectors.types import CheckContext, CheckResult, CheckSpec, Scope, Status

__all__ = [
    "GLOBAL_REGION",
    "THROTTLING_CODES",
    "CollectionOutcome",
    "UnitError",
    "UnitOutcome",
    "collect_account",
    "collect_unit",
    "error_reason",
    "is_throttling",
    "plan_units",
    "run_unit",
]

logger = logging.getLogger(__name__)

GLOBAL_REGION = "global"
# Error codes AWS returns when a client calls an opt-in region the account has not enabled.
REGION_DISABLED_CODES = frozenset(
    {"UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure"}
)

# Error codes AWS uses for "slow down" (botocore's standard retry list): still failing after
# botocore's own retries, such a unit is worth collecting again later rather than reported at once.
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "EC2ThrottledException",
    }
)
# Reasons are "<Code>: <message>" (error_reason), possibly after a check's own words.
_THROTTLED_REASON = re.compile(r"(?:^|[\s(])(?:" + "|".join(sorted(THROTTLING_CODES)) + r"): ")

Parameters = Mapping[str, Mapping[str, Any]]  # check id -> parameter overrides


@dataclass(frozen=True)
class UnitError:
    """A (service, region) whose read failed; its checks were reported as ERROR results."""

    service: str
    region: str
    reason: str


@dataclass(frozen=True)
class UnitOutcome:
    service: str
    region: str
    results: list[CheckResult]
    error: str | None = None  # why the read failed, when it did
    # AWS throttled a read (the whole service or one resource) beyond botocore's retries.
    throttled: bool = False


@dataclass(frozen=True)
class CollectionOutcome:
    """Everything one collection of one account produced."""

    account_id: str
    identity: Mapping[str, str]  # STS GetCallerIdentity: Account, Arn, UserId
    regions: list[str]
    results: list[CheckResult]
    errors: list[UnitError] = field(default_factory=list)
    started: dt.datetime | None = None
    finished: dt.datetime | None = None


def _error_result(spec: CheckSpec, account_id: str, region: str, reason: str) -> CheckResult:
    return CheckResult(
        check_id=spec.id,
        account_id=account_id,
        region=region,
        resource_id=f"{spec.service}:{region}",
        resource_type=spec.resource_type,
        status=Status.ERROR,
        reason=reason,
    )


def is_throttling(exc: BaseException) -> bool:
    """Whether an AWS error is a throttling error (after botocore's own retries)."""
    return isinstance(exc, ClientError) and error_code(exc) in THROTTLING_CODES


def _throttled(results: list[CheckResult]) -> bool:
    return any(
        result.status is Status.ERROR and _THROTTLED_REASON.search(result.reason)
        for result in results
    )


def _read_failure_reason(exc: Exception, region: str) -> str:
    if isinstance(exc, ClientError):
        reason = error_reason(exc)
        if error_code(exc) in REGION_DISABLED_CODES and region != GLOBAL_REGION:
            reason += f" (is {region} enabled for the account?)"
        return reason
    if isinstance(exc, AWS_FAULTS):
        return error_reason(exc)
    return f"read failed: {type(exc).__name__}: {exc}"


def _evaluate(spec: CheckSpec, snapshot: Any, context: CheckContext) -> list[CheckResult]:
    """The check's results; a check that raises keeps what it yielded plus one ERROR result."""
    results: list[CheckResult] = []
    try:
        for result in spec.evaluate(snapshot, context):
            results.append(result)
    except AWS_FAULTS as exc:
        results.append(_error_result(spec, context.account_id, context.region, error_reason(exc)))
    except Exception as exc:
        # A bug in one check must not lose the rest of the run: report it as data, log the trace.
        logger.exception("check %s failed in %s", spec.id, context.region)
        reason = f"check failed: {type(exc).__name__}: {exc}"
        results.append(_error_result(spec, context.account_id, context.region, reason))
    return results


def run_unit(
    session: Any,
    service_name: str,
    region: str,
    *,
    account_id: str,
    parameters: Parameters | None = None,
    now: dt.datetime | None = None,
    check_ids: Collection[str] | None = None,
) -> UnitOutcome:
    """Read one service in one region once and evaluate its checks on that snapshot."""
    load_checks()
    factory = as_client_factory(session)
    specs = [
        spec
        for spec in checks_for_service(service_name)
        if check_ids is None or spec.id in check_ids
    ]
    now = now or dt.datetime.now(dt.UTC)
    fetch_region = region if region != GLOBAL_REGION else factory.region_name
    try:
        snapshot = SERVICES[service_name].fetch(factory, fetch_region)
    except Exception as exc:
        if not isinstance(exc, AWS_FAULTS):
            logger.exception("reading %s in %s failed", service_name, region)
        reason = _read_failure_reason(exc, region)
        results = [_error_result(spec, account_id, region, reason) for spec in specs]
        return UnitOutcome(
            service_name, region, results, error=reason, throttled=is_throttling(exc)
        )
    results: list[CheckResult] = []
    for spec in specs:
        context = CheckContext(
            account_id=account_id,
            region=region,
            parameters={**spec.parameters, **(parameters or {}).get(spec.id, {})},
            now=now,
        )
        results.extend(_evaluate(spec, snapshot, context))
    return UnitOutcome(service_name, region, results, throttled=_throttled(results))


def collect_unit(
    session: Any,
    service_name: str,
    region: str,
    *,
    account_id: str,
    parameters: Parameters | None = None,
    now: dt.datetime | None = None,
    check_ids: Collection[str] | None = None,
) -> list[CheckResult]:
    """Results of one service in one region; never raises for AWS faults or a failing check.

    A failed read yields one ERROR result per check of the service; a check that raises yields
    an ERROR result for that check only. ``parameters`` maps check id -> parameter overrides.
    """
    return run_unit(
        session,
        service_name,
        region,
        account_id=account_id,
        parameters=parameters,
        now=now,
        check_ids=check_ids,
    ).results


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


def _selected_services(
    services: Collection[str] | None, check_ids: Collection[str] | None
) -> set[str]:
    load_checks()
    unknown_checks = set(check_ids or ()) - set(CHECKS)
    if unknown_checks:
        raise ValueError(f"unknown check ids: {', '.join(sorted(unknown_checks))}")
    unknown_services = set(services or ()) - set(SERVICES)
    if unknown_services:
        raise ValueError(f"unknown services: {', '.join(sorted(unknown_services))}")
    selected = set(services) if services else set(SERVICES)
    if check_ids:
        selected &= {CHECKS[check_id].service for check_id in check_ids}
    return selected


def collect_account(
    session: Any,
    *,
    account_id: str,
    regions: list[str] | None = None,
    services: Collection[str] | None = None,
    check_ids: Collection[str] | None = None,
    parameters: Parameters | None = None,
    max_workers: int = 8,
    on_progress: Callable[[int, int, UnitOutcome], None] | None = None,
    client_config: Config | None = None,
) -> CollectionOutcome:
    """Collect every selected (service, region) unit of one account on a bounded thread pool.

    Raises only when the credentials do not work at all (GetCallerIdentity fails), the enabled
    regions cannot be listed (the scope would be a guess), or the selection names unknown
    checks/services; every other fault is an ERROR result.
    """
    started = dt.datetime.now(dt.UTC)
    factory = ClientFactory(session, client_config) if client_config else as_client_factory(session)
    selected = _selected_services(services, check_ids)
    identity = caller_identity(factory)
    errors: list[UnitError] = []
    regions = regions_to_collect(factory, regions)
    units = [unit for unit in plan_units(regions) if unit[0] in selected]
    results: list[CheckResult] = []
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(units)))) as pool:
        futures = [
            pool.submit(
                run_unit,
                factory,
                service_name,
                region,
                account_id=account_id,
                parameters=parameters,
                now=started,
                check_ids=check_ids,
            )
            for service_name, region in units
        ]
        for done, future in enumerate(as_completed(futures), start=1):
            outcome = future.result()
            results.extend(outcome.results)
            if outcome.error:
                errors.append(UnitError(outcome.service, outcome.region, outcome.error))
            if on_progress:
                on_progress(done, len(units), outcome)
    results.sort(key=lambda r: (r.check_id, r.region, r.resource_id))
    errors.sort(key=lambda e: (e.service, e.region))
    return CollectionOutcome(
        account_id=account_id,
        identity=identity,
        regions=regions,
        results=results,
        errors=errors,
        started=started,
        finished=dt.datetime.now(dt.UTC),
    )
