"""Check registry: check id -> CheckSpec, service name -> ServiceReader.

Service modules under ``collectors/aws/`` register themselves with the decorators below when
imported; ``load_checks()`` imports them all.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from collectors.guidance import GUIDANCE, Guidance
from collectors.types import CheckSpec, Evaluate, Scope, Severity

Fetch = Callable[[Any, str], Any]  # (boto3.Session, region) -> service snapshot


@dataclass(frozen=True)
class ServiceReader:
    """Reads one AWS service once per region (or once per account) into a snapshot."""

    name: str
    scope: Scope
    fetch: Fetch


CHECKS: dict[str, CheckSpec] = {}
SERVICES: dict[str, ServiceReader] = {}


def service(name: str, scope: Scope) -> Callable[[Fetch], Fetch]:
    def register(fetch: Fetch) -> Fetch:
        if name in SERVICES:
            raise ValueError(f"service {name!r} registered twice")
        SERVICES[name] = ServiceReader(name=name, scope=scope, fetch=fetch)
        return fetch

    return register


def check(
    id: str,
    *,
    title: str,
    service: str,
    resource_type: str,
    severity: Severity,
    parameters: Mapping[str, Any] | None = None,
    criteria: Iterable[str] = (),
    version: str = "1",
    remediation: str = "",
) -> Callable[[Evaluate], Evaluate]:
    def register(evaluate: Evaluate) -> Evaluate:
        if id in CHECKS:
            raise ValueError(f"check {id!r} registered twice")
        CHECKS[id] = CheckSpec(
            id=id,
            title=title,
            service=service,
            resource_type=resource_type,
            severity=severity,
            evaluate=evaluate,
            parameters=dict(parameters or {}),
            criteria_hints=tuple(criteria),
            version=version,
            remediation=remediation,
        )
        return evaluate

    return register


def load_checks() -> dict[str, CheckSpec]:
    """Import every module in collectors.aws so their checks register; return the registry."""
    _import_check_modules()
    return CHECKS


@functools.cache
def _import_check_modules() -> None:
    # Once per process: callers ask for the registry on hot paths (per result, per unit).
    import collectors.aws as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")


def checks_for_service(name: str) -> list[CheckSpec]:
    return [spec for spec in load_checks().values() if spec.service == name]


def guidance_for(check_id: str) -> Guidance | None:
    """Rationale, console steps and CLI command for a check; None for an unknown check id."""
    return GUIDANCE.get(check_id)
