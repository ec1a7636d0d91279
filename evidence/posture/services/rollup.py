"""Control status rollups, updated once per finished run so dashboards never scan raw results."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from evidence.collection.models import CheckResult, CollectionRun, EvidenceDocument
from evidence.collection.selectors.results import results_in_run
from evidence.exceptions.selectors.matching import (
    ExceptionMatcher,
    FailingResult,
    exceptions_active,
    resource_tags,
)
from evidence.posture.models import (
    POSTURE_FIELDS,
    ControlStatus,
    ControlStatusDaily,
    ControlStatusEvent,
    PostureDaily,
)
from evidence.posture.models.rules import ControlEvidence, EvidenceState, control_status
from evidence.posture.selectors.documents import control_document_states
from grc.catalog.models import Control, ControlCheck


def _failing_results(run: CollectionRun, matcher: ExceptionMatcher) -> list[FailingResult]:
    """The run's FAIL results of checks that some active exception names."""
    rows = (
        results_in_run(run.pk)
        .filter(status=CheckResult.Status.FAIL, check_id__in=matcher.checks)
        .values_list("check_id", "region", "resource__arn", "evidence_id")
    )
    rows = list(rows)
    tagged = {row[3] for row in rows if row[3] and matcher.needs_tags(row[0])}
    configurations = dict(
        EvidenceDocument.objects.filter(pk__in=tagged).values_list("pk", "content__configuration")
    )
    return [
        FailingResult(
            check_id=check_id,
            account_id=run.account_id,
            account_number=run.account.account_id,
            region=region,
            arn=arn,
            tags=resource_tags(configurations.get(document_id)),
        )
        for check_id, region, arn, document_id in rows
    ]


def _excepted_per_check(run: CollectionRun, day: dt.date) -> dict[str, int]:
    matcher = ExceptionMatcher(exceptions_active(day=day, account_ids=[run.account_id]))
    excepted: dict[str, int] = defaultdict(int)
    if matcher.checks:
        for result in _failing_results(run, matcher):
            if matcher.match(result) is not None:
                excepted[result.check_id] += 1
    return excepted


def _evidence_per_control(run: CollectionRun, day: dt.date) -> dict[int, ControlEvidence]:
    """Each control's results in the run, failures split by the exceptions active that day."""
    per_check: dict[str, dict[str, int]] = defaultdict(dict)
    rows = results_in_run(run.pk).values("check_id", "status").annotate(n=Count("id")).order_by()
    for row in rows:
        per_check[row["check_id"]][row["status"]] = row["n"]
    excepted = _excepted_per_check(run, day)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for control_id, check_id in ControlCheck.objects.values_list("control_id", "check_id"):
        statuses = per_check.get(check_id, {})
        covered = excepted.get(check_id, 0)
        counts[control_id][0] += statuses.get(CheckResult.Status.PASS, 0)
        counts[control_id][1] += statuses.get(CheckResult.Status.FAIL, 0) - covered
        counts[control_id][2] += covered
        counts[control_id][3] += statuses.get(CheckResult.Status.ERROR, 0)
    documents = control_document_states(day=day)
    return {
        control_id: ControlEvidence(
            *counts.get(control_id, (0, 0, 0, 0)),
            documents=documents.get(control_id, EvidenceState.NONE),
        )
        for control_id in Control.objects.values_list("pk", flat=True)
    }


def _previous_statuses(account_id: int, day) -> dict[int, str]:
    latest = ControlStatusDaily.objects.filter(account_id=account_id, day__lte=day).aggregate(
        latest=Max("day")
    )["latest"]
    if latest is None:
        return {}
    return dict(
        ControlStatusDaily.objects.filter(account_id=account_id, day=latest).values_list(
            "control_id", "status"
        )
    )


def _rows_and_events(
    run: CollectionRun, day: dt.date, finished: dt.datetime
) -> tuple[list[ControlStatusDaily], list[ControlStatusEvent]]:
    previous = _previous_statuses(run.account_id, day)
    rows, events = [], []
    for control_id, evidence in _evidence_per_control(run, day).items():
        status = control_status(evidence)
        rows.append(
            ControlStatusDaily(
                account_id=run.account_id,
                control_id=control_id,
                day=day,
                status=status,
                pass_count=evidence.passed,
                fail_count=evidence.failed,
                excepted_count=evidence.excepted,
                error_count=evidence.errored,
                run=run,
            )
        )
        before = previous.get(control_id)
        if before is not None and before != status:
            events.append(
                ControlStatusEvent(
                    account_id=run.account_id,
                    control_id=control_id,
                    previous_status=before,
                    status=status,
                    occurred_at=finished,
                    run=run,
                )
            )
    return rows, events


def _posture_daily_store(account_id: int, day: dt.date, rows: list[ControlStatusDaily]) -> None:
    tally: dict[str, int] = defaultdict(int)
    for row in rows:
        tally[row.status] += 1
    PostureDaily.objects.update_or_create(
        account_id=account_id,
        day=day,
        defaults={POSTURE_FIELDS[status]: tally[status] for status in ControlStatus},
    )


@transaction.atomic
def control_status_rollup_update(*, run_id: int) -> list[ControlStatusDaily]:
    """Write each control's status for the run's account and day; record status changes.

    Idempotent: rolling up the same run again rewrites the same rows and records no new change.
    A run older than the account's latest rolled-up run that day changes nothing.
    """
    run = CollectionRun.objects.select_related("account").get(pk=run_id)
    if run.status not in CollectionRun.FINISHED_WITH_RESULTS:
        return []
    finished = run.finished_at or timezone.now()
    day = timezone.localdate(finished)
    if ControlStatusDaily.objects.filter(
        account_id=run.account_id, day=day, run__finished_at__gt=finished
    ).exists():
        return []  # a later run of that day is already rolled up
    rows, events = _rows_and_events(run, day, finished)
    ControlStatusDaily.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["control", "account", "day"],
        update_fields=[
            "status",
            "pass_count",
            "fail_count",
            "excepted_count",
            "error_count",
            "run",
        ],
    )
    ControlStatusEvent.objects.bulk_create(events)
    _posture_daily_store(run.account_id, day, rows)
    return rows
