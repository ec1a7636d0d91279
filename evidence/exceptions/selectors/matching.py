"""Which failing results an exception covers. Used by the rollup, the findings and packets."""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from evidence.exceptions.models import RiskException

TAG_KEYS = ("Tags", "TagSet", "TagList", "tags")


@dataclass(frozen=True)
class FailingResult:
    """What matching needs to know of one FAIL result."""

    check_id: str
    account_id: int
    account_number: str
    region: str
    arn: str
    tags: Mapping[str, str]


def resource_tags(configuration: Any, depth: int = 1) -> dict[str, str]:
    """Tags from a resource's raw configuration (AWS lists of Key/Value, or a plain mapping).

    Evidence often wraps the resource (``{"security_group": {..., "Tags": [...]}}``), so one
    level of nesting is searched too.
    """
    if not isinstance(configuration, Mapping):
        return {}
    tags = _tags_here(configuration)
    if tags or depth == 0:
        return tags
    for value in configuration.values():
        nested = resource_tags(value, depth - 1)
        if nested:
            return nested
    return {}


def _tags_here(configuration: Mapping[str, Any]) -> dict[str, str]:
    for key in TAG_KEYS:
        value = configuration.get(key)
        if isinstance(value, Mapping):
            return {str(k): str(v) for k, v in value.items()}
        if isinstance(value, list):
            return {
                str(item.get("Key")): str(item.get("Value", ""))
                for item in value
                if isinstance(item, Mapping) and "Key" in item
            }
    return {}


def exceptions_active(*, day: dt.date, account_ids: Iterable[int] | None = None):
    """Approved exceptions that apply on ``day`` (optionally only those for some accounts)."""
    rows = RiskException.objects.filter(
        state=RiskException.State.APPROVED, decided_at__date__lte=day, ends_on__gte=day
    ).select_related("account")
    if account_ids is not None:
        rows = rows.filter(Q(account__isnull=True) | Q(account_id__in=list(account_ids)))
    return list(rows)


def _covers(exception: RiskException, result: FailingResult) -> bool:
    if exception.check_id != result.check_id:
        return False
    if exception.account_id is not None and exception.account_id != result.account_id:
        return False
    value = exception.scope_value
    match exception.scope:
        case RiskException.Scope.ARN:
            return result.arn == value
        case RiskException.Scope.ARN_PATTERN:
            return fnmatch.fnmatchcase(result.arn, value)
        case RiskException.Scope.TAG:
            key, _, wanted = value.partition("=")
            return key in result.tags and result.tags[key] == wanted
        case RiskException.Scope.ACCOUNT:
            return exception.account_id is not None or value == result.account_number
        case RiskException.Scope.REGION:
            return result.region == value
    return False


class ExceptionMatcher:
    """Matches failing results against a fixed set of exceptions, by check id first."""

    def __init__(self, exceptions: Iterable[RiskException]) -> None:
        self.by_check: dict[str, list[RiskException]] = defaultdict(list)
        for exception in exceptions:
            self.by_check[exception.check_id].append(exception)

    @property
    def checks(self) -> set[str]:
        return set(self.by_check)

    def needs_tags(self, check_id: str) -> bool:
        return any(e.scope == RiskException.Scope.TAG for e in self.by_check.get(check_id, ()))

    def match(self, result: FailingResult) -> RiskException | None:
        """The exception covering ``result`` (the one ending last, if several), or None."""
        covering = [e for e in self.by_check.get(result.check_id, ()) if _covers(e, result)]
        return max(covering, key=lambda e: (e.ends_on, e.pk)) if covering else None
