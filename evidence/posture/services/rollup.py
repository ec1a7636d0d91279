"""Control status rollups, updated once per finished run so dashboards never scan raw results."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from evidence.collection.models import CheckResult, CollectionRun
from evidence.posture.models import (
    ControlStatus,
    ControlStatusDaily,
    ControlStatusEvent,
    PostureDaily,
)
from grc.catalog.models import Control, ControlCheck


def control_status_from_counts(passed: int, failed: int, errored: int) -> ControlStatus:
    """Fail: only failures. Partial: failures beside passes, or passes with unreadable parts."""
    if passed == 0 and failed == 0:
        return ControlStatus.NOT_EVIDENCED
    if failed and not passed:
        return ControlStatus.FAIL
    if failed or errored:
        return ControlStatus.PARTIAL
    return ControlStatus.PASS


def _counts_per_control(run: CollectionRun) -> dict[int, list[int]]:
    per_check: dict[str, dict[str, int]] = defaultdict(dict)
    rows = (
        CheckResult.objects.filter(run=run)
        .values("check_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        per_check[row["check_id"]][row["status"]] = row["n"]
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for control_id, check_id in ControlCheck.objects.values_list("control_id", "check_id"):
        statuses = per_check.get(check_id, {})
        counts[control_id][0] += statuses.get(CheckResult.Status.PASS, 0)
        counts[control_id][1] += statuses.get(CheckResult.Status.FAIL, 0)
        counts[control_id][2] += statuses.get(CheckResult.Status.ERROR, 0)
    return counts


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


@transaction.atomic
def control_status_rollup_update(*, run_id: int) -> list[ControlStatusDaily]:
    """Write each control's status for the run's account and day; record status changes.

    Idempotent: rolling up the same run again rewrites the same rows and records no new change.
    A run older than the account's latest rolled-up run that day changes nothing.
    """
    run = CollectionRun.objects.get(pk=run_id)
    if run.status not in CollectionRun.FINISHED_WITH_RESULTS:
        return []
    finished = run.finished_at or timezone.now()
    day = timezone.localdate(finished)
    if ControlStatusDaily.objects.filter(
        account_id=run.account_id, day=day, run__finished_at__gt=finished
    ).exists():
        return []  # a later run of that day is already rolled up
    counts = _counts_per_control(run)
    previous = _previous_statuses(run.account_id, day)
    rows, events = [], []
    for control_id in Control.objects.values_list("pk", flat=True):
        passed, failed, errored = counts.get(control_id, (0, 0, 0))
        status = control_status_from_counts(passed, failed, errored)
        rows.append(
            ControlStatusDaily(
                account_id=run.account_id,
                control_id=control_id,
                day=day,
                status=status,
                pass_count=passed,
                fail_count=failed,
                error_count=errored,
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
    ControlStatusDaily.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["control", "account", "day"],
        update_fields=["status", "pass_count", "fail_count", "error_count", "run"],
    )
    ControlStatusEvent.objects.bulk_create(events)
    tally = defaultdict(int)
    for row in rows:
        tally[row.status] += 1
    PostureDaily.objects.update_or_create(
        account_id=run.account_id,
        day=day,
        defaults={
            "passing": tally[ControlStatus.PASS],
            "failing": tally[ControlStatus.FAIL],
            "partial": tally[ControlStatus.PARTIAL],
            "not_evidenced": tally[ControlStatus.NOT_EVIDENCED],
        },
    )
    return rows
