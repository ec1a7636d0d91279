"""Typed results produced by the collectors; plain Python, no Django."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PASS = "PASS"  # noqa: S105 (a status, not a password)
    FAIL = "FAIL"
    ERROR = "ERROR"
    NOT_APPLICABLE = "NOT_APPLICABLE"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Scope(StrEnum):
    GLOBAL = "global"  # read once per account (IAM, S3 listing)
    REGIONAL = "regional"  # read once per enabled region


@dataclass(frozen=True)
class ApiCall:
    """One AWS API operation an evidence document was read from (provenance)."""

    service: str
    operation: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckResult:
    """One check evaluated on one resource, with the raw configuration that decided it."""

    check_id: str
    account_id: str
    region: str  # "global" for account-wide services
    resource_id: str  # ARN where AWS has one, else the most specific id
    resource_type: str  # CloudFormation-style type, e.g. AWS::S3::Bucket
    status: Status
    reason: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    sources: tuple[ApiCall, ...] = ()


@dataclass(frozen=True)
class CheckContext:
    """What a check needs besides the service snapshot."""

    account_id: str
    region: str
    parameters: Mapping[str, Any]
    now: Any  # timezone-aware datetime of the collection


Evaluate = Callable[[Any, CheckContext], Iterable[CheckResult]]


@dataclass(frozen=True)
class CheckSpec:
    """A registered check: its metadata and the function that evaluates a service snapshot."""

    id: str
    title: str
    service: str
    resource_type: str
    severity: Severity
    evaluate: Evaluate
    parameters: Mapping[str, Any] = field(default_factory=dict)  # name -> default
    criteria_hints: tuple[str, ...] = ()  # e.g. ("cis-aws-7.0.0:2.3", "soc2-2017:CC6.1")
    version: str = "1"
    remediation: str = ""  # what to change in AWS to make a FAIL pass
