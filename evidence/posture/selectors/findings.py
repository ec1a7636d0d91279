"""Findings: today's failing and excepted results across every control and account.

"Today" is each account's latest finished run, as everywhere on the dashboard. A finding is a
FAIL result; it is *excepted* when an approved, unexpired exception covers it (matched here
with the same matcher the rollup uses), otherwise *failing*.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from collectors.guidance import Guidance
from collectors.registry import guidance_for, load_checks
from collectors.types import Severity
from evidence.collection.models import AwsAccount, CheckResult, CollectionRun, EvidenceDocument
from evidence.collection.selectors.results import observation_times, results_in_runs
from evidence.exceptions.models import RiskException
from evidence.exceptions.selectors.matching import (
    ExceptionMatcher,
    FailingResult,
    exceptions_active,
    resource_tags,
)
from grc.catalog.models import ControlCheck

SEVERITY_RANK = {Severity.CRITICAL: 4, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}
SORTS = {
    "severity": ["-severity_rank", "check_id", "id"],
    "account": ["account__name", "-severity_rank", "id"],
    "service": ["resource__service", "-severity_rank", "id"],
    "check": ["check_id", "id"],
    "newest": ["-collected_at", "-id"],
}
FINDING_STATES = ("failing", "excepted")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MAX_MATCHED = 5000  # a state filter matches exceptions in Python over at most this many rows


@dataclass(frozen=True)
class FindingFilters:
    account_ids: list[int]
    service: str = ""
    check_id: str = ""
    control_checks: tuple[str, ...] | None = None  # a control's checks (the control filter)
    severity: str = ""
    state: str = ""
    query: str = ""
    sort: str = "severity"


@dataclass
class Finding:
    """One failing result with what a person needs to act on it."""

    result: CheckResult
    title: str
    severity: str
    state: str
    exception: RiskException | None
    controls: list[str] = field(default_factory=list)
    first_seen: dt.datetime | None = None
    guidance: Guidance | None = None
    collected_at: dt.datetime | None = None  # when the latest run collected it


def _severity_rank() -> Case:
    by_rank: dict[int, list[str]] = defaultdict(list)
    for check_id, spec in load_checks().items():
        by_rank[SEVERITY_RANK.get(spec.severity, 0)].append(check_id)
    return Case(
        *[When(check_id__in=ids, then=Value(rank)) for rank, ids in by_rank.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def latest_run_ids(account_ids: Iterable[int]) -> list[int]:
    """Each account's latest finished run with results. One query."""
    latest = (
        CollectionRun.objects.filter(
            account=OuterRef("pk"), status__in=CollectionRun.FINISHED_WITH_RESULTS
        )
        .order_by("-finished_at", "-pk")
        .values("pk")[:1]
    )
    rows = AwsAccount.objects.filter(pk__in=list(account_ids)).annotate(run_id=Subquery(latest))
    return [run_id for run_id in rows.values_list("run_id", flat=True) if run_id]


def findings_queryset(filters: FindingFilters) -> QuerySet[CheckResult]:
    """FAIL results of the latest runs, filtered and sorted in the database (``collected_at``,
    the "newest" sort, is when that exact verdict was first collected)."""
    specs = load_checks()
    rows = results_in_runs(latest_run_ids(filters.account_ids)).filter(
        status=CheckResult.Status.FAIL
    )
    if filters.service:
        rows = rows.filter(
            check_id__in=[i for i, s in specs.items() if s.service == filters.service]
        )
    if filters.check_id:
        rows = rows.filter(check_id=filters.check_id)
    if filters.control_checks is not None:
        rows = rows.filter(check_id__in=list(filters.control_checks))
    if filters.severity:
        rows = rows.filter(
            check_id__in=[i for i, s in specs.items() if s.severity == filters.severity]
        )
    if filters.query:
        rows = rows.filter(
            Q(resource__arn__icontains=filters.query)
            | Q(check_id__icontains=filters.query)
            | Q(reason__icontains=filters.query)
        )
    return (
        rows.select_related("account", "resource")
        .defer("evidence__content")
        .annotate(severity_rank=_severity_rank())
        .order_by(*SORTS.get(filters.sort, SORTS["severity"]))
    )


def _matcher(account_ids: list[int]) -> ExceptionMatcher:
    return ExceptionMatcher(exceptions_active(day=timezone.localdate(), account_ids=account_ids))


def _failing(result: CheckResult, tags: dict[str, str]) -> FailingResult:
    return FailingResult(
        check_id=result.check_id,
        account_id=result.account_id,
        account_number=result.account.account_id,
        region=result.region,
        arn=result.resource.arn,
        tags=tags,
    )


def _tags_for(results: list[CheckResult], matcher: ExceptionMatcher) -> dict[int, dict]:
    wanted = {r.evidence_id for r in results if r.evidence_id and matcher.needs_tags(r.check_id)}
    configurations = dict(
        EvidenceDocument.objects.filter(pk__in=wanted).values_list("pk", "content__configuration")
    )
    return {pk: resource_tags(configuration) for pk, configuration in configurations.items()}


def _first_seen(results: list[CheckResult]) -> dict[tuple[int, str], dt.datetime]:
    """When each (resource, check) started failing: its first FAIL since its last PASS.

    Two correlated subqueries per page row, each walking the (resource, -collected_at) index of
    one resource, so the cost follows the page size, never the history.
    """
    if not results:
        return {}
    same = {"resource_id": OuterRef("resource_id"), "check_id": OuterRef("check_id")}
    last_pass = (
        CheckResult.objects.filter(**same, status=CheckResult.Status.PASS)
        .order_by("-collected_at")
        .values("collected_at")[:1]
    )
    first_fail = (
        CheckResult.objects.filter(
            **same, status=CheckResult.Status.FAIL, collected_at__gt=OuterRef("since")
        )
        .order_by("collected_at")
        .values("collected_at")[:1]
    )
    rows = (
        CheckResult.objects.filter(pk__in=[r.pk for r in results])
        .annotate(since=Coalesce(Subquery(last_pass), Value(EPOCH)))
        .annotate(first=Subquery(first_fail))
        .values_list("resource_id", "check_id", "first")
    )
    return {(resource_id, check_id): first for resource_id, check_id, first in rows if first}


def findings_describe(results: list[CheckResult], account_ids: list[int]) -> list[Finding]:
    """What the page and the API show for a page of results: state, controls, age, guidance."""
    specs = load_checks()
    matcher = _matcher(account_ids)
    tags = _tags_for(results, matcher)
    controls: dict[str, list[str]] = defaultdict(list)
    for ref, check_id in (
        ControlCheck.objects.filter(check_id__in={r.check_id for r in results})
        .values_list("control__ref", "check_id")
        .order_by("control__ref")
    ):
        controls[check_id].append(ref)
    first_seen = _first_seen(results)
    collected = observation_times(latest_run_ids(account_ids)) if results else {}
    findings = []
    for result in results:
        exception = matcher.match(_failing(result, tags.get(result.evidence_id, {})))
        spec = specs.get(result.check_id)
        findings.append(
            Finding(
                result=result,
                title=spec.title if spec else result.check_id,
                severity=str(spec.severity) if spec else "",
                state="excepted" if exception else "failing",
                exception=exception,
                controls=controls.get(result.check_id, []),
                first_seen=first_seen.get((result.resource_id, result.check_id)),
                guidance=guidance_for(result.check_id),
                collected_at=collected.get((result.account_id, result.service, result.unit_region)),
            )
        )
    return findings


def findings_with_state(filters: FindingFilters) -> list[int]:
    """Ids of findings in one state (failing or excepted), matched in Python over the rows."""
    rows = list(findings_queryset(filters)[:MAX_MATCHED])
    matcher = _matcher(filters.account_ids)
    tags = _tags_for(rows, matcher)
    wanted_excepted = filters.state == "excepted"
    return [
        row.pk
        for row in rows
        if (matcher.match(_failing(row, tags.get(row.evidence_id, {}))) is not None)
        == wanted_excepted
    ]
