"""Collection runs: start (with the per-account lock), fan out per unit, store, finish, reap.

A run is split into units (one service in one region). Each unit is collected and written in one
transaction and is skipped if already written, so a redelivered task never duplicates results. At
most GRC_ACCOUNT_MAX_CONCURRENT_UNITS units of a run are sent at a time: each stored unit sends
the next in its transaction's on_commit, so many workers spread over many accounts instead of
hammering one account's API rate limits. The unit that completes the count enqueues the finish,
which sets the final status. What follows a finished run (the posture rollup, notifications) is
started by the task layer, never from here.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from collectors.runner import error_reason, is_throttling, plan_units, run_unit
from collectors.session import (
    InvalidRoleArn,
    assume_role_session,
    caller_identity,
    regions_to_collect,
)
from evidence.collection.models import AwsAccount, CollectionRun, CollectionUnit
from evidence.collection.selectors.parameters import check_parameters
from evidence.collection.selectors.runs import lost_runs, units_unstarted
from evidence.collection.services.ingest import unit_results_store

logger = logging.getLogger(__name__)
Run = CollectionRun
Status = CollectionRun.Status


class CollectionNotStarted(Exception):
    """A collection was asked for but may not start; the message says why."""


class CollectionAlreadyRunning(CollectionNotStarted):
    def __init__(self, run: CollectionRun) -> None:
        super().__init__(f"Account {run.account.account_id} already has run {run.pk} in progress.")
        self.run = run


class UnitThrottled(Exception):
    """AWS throttled the unit beyond botocore's retries; nothing was stored, try again later."""


class AccountDisabled(CollectionNotStarted):
    def __init__(self, account: AwsAccount) -> None:
        super().__init__(f"Account {account.account_id} is disabled: enable it first.")
        self.account = account


def product_version() -> str:
    try:
        return version("grc-evidence")
    except PackageNotFoundError:
        return "0+unknown"


def collection_run_start(
    *, account: AwsAccount, trigger: str, requested_by: AbstractBaseUser | None = None
) -> CollectionRun:
    """Write a ``queued`` run of ``account``; the caller enqueues its task after commit.

    Refused for a disabled account and while another run of the account is queued or running.
    """
    if not account.enabled:
        raise AccountDisabled(account)
    try:
        with transaction.atomic():
            run = Run.objects.create(
                account=account,
                trigger=trigger,
                requested_by=requested_by,
                product_version=product_version(),
            )
    except IntegrityError:
        active = Run.objects.select_related("account").get(account=account, status__in=Run.ACTIVE)
        raise CollectionAlreadyRunning(active) from None
    return run


SESSION_REUSE_SECONDS = 900
_sessions: dict[tuple[str, str], tuple[float, object]] = {}


def _session_for(account: AwsAccount):
    """The assumed-role session, reused by this worker process for a while.

    Building a boto3 session loads service models from disk, which costs more than most units'
    API calls; the session's credentials refresh themselves before they expire. The cache lives
    in process memory only.
    """
    key = (account.role_arn, account.external_id)
    cached = _sessions.get(key)
    if cached and time.monotonic() - cached[0] < SESSION_REUSE_SECONDS:
        return cached[1]
    session = assume_role_session(account.role_arn, account.external_id)
    _sessions[key] = (time.monotonic(), session)
    return session


def collection_run_not_queued(run_id: int, *, reason: str) -> None:
    """The run's task never reached the broker: end the queued run now, with the reason."""
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run_id)
        if run.status == Status.QUEUED:
            _fail(run, reason, service="broker")


def _fail(run: CollectionRun, reason: str, *, service: str = "sts") -> None:
    run.status = Status.FAILED
    run.finished_at = timezone.now()
    run.errors = [*run.errors, {"service": service, "region": "global", "reason": reason}]
    run.save(update_fields=["status", "finished_at", "errors"])
    logger.warning("collection run %s failed: %s", run.pk, reason)


def identity_mismatch_reason(assumed_account: str, registered_account: str) -> str:
    return (
        f"The role's identity is in AWS account {assumed_account or 'unknown'}, not the "
        f"registered account {registered_account}: no evidence was collected. Check the role "
        "ARN (and its trust policy) for this account."
    )


def collection_run_execute(
    run_id: int, enqueue_unit: Callable[[int], None], *, max_in_flight: int | None = None
) -> None:
    """Assume the role, learn who we are and which regions, create the units and send the first.

    ``max_in_flight`` units are sent now (default GRC_ACCOUNT_MAX_CONCURRENT_UNITS; 0: all);
    each stored unit sends the next when given ``enqueue_unit``.
    """
    with transaction.atomic():
        run = Run.objects.select_for_update().select_related("account").get(pk=run_id)
        if run.status not in Run.ACTIVE:
            return
        if run.status == Status.RUNNING and run.units_total:
            return  # a re-sent copy: the units were planned and sent already
        if run.status == Status.QUEUED:
            run.status = Status.RUNNING
            run.started_at = timezone.now()
            run.save(update_fields=["status", "started_at"])
    account = run.account
    try:
        session = _session_for(account)
        run.caller_identity = caller_identity(session)
        run.regions = regions_to_collect(session, account.regions)
    except InvalidRoleArn as exc:
        _fail(run, str(exc))
        return
    except (ClientError, BotoCoreError) as exc:
        _fail(run, error_reason(exc))
        return
    assumed_account = run.caller_identity.get("Account", "")
    if assumed_account != account.account_id:
        run.save(update_fields=["caller_identity"])
        _fail(run, identity_mismatch_reason(assumed_account, account.account_id))
        return
    # Each (service, region) once: the unit rows are exactly what was planned, so the count the
    # run waits for is the count of rows, and a reaper can name every one still missing.
    units = list(dict.fromkeys(plan_units(run.regions)))
    with transaction.atomic():
        CollectionUnit.objects.bulk_create(
            [CollectionUnit(run=run, service=service, region=region) for service, region in units],
            ignore_conflicts=True,
        )
        run.units_total = run.units.count()
        run.save(update_fields=["caller_identity", "regions", "units_total"])
        _units_send_next(run.pk, enqueue_unit, limit=max_in_flight)


def _units_send_next(
    run_id: int, enqueue_unit: Callable[[int], None], *, limit: int | None = None
) -> list[int]:
    """Send the run's next unsent units, up to ``limit`` in flight (default: the setting).

    Called inside the transaction that stored a unit (or planned the run): the run row is locked,
    so two units of one run finishing at once count the units in flight one after the other.
    """
    if limit is None:
        limit = settings.GRC_ACCOUNT_MAX_CONCURRENT_UNITS
    Run.objects.select_for_update().filter(pk=run_id).values_list("pk", flat=True).get()
    pending = CollectionUnit.objects.filter(run_id=run_id, status=CollectionUnit.Status.PENDING)
    unsent = pending.filter(queued_at=None).order_by("pk")
    if limit > 0:
        in_flight = pending.exclude(queued_at=None).count()
        unsent = unsent[: max(0, limit - in_flight)]
    unit_ids = list(unsent.values_list("pk", flat=True))
    if unit_ids:
        CollectionUnit.objects.filter(pk__in=unit_ids).update(queued_at=timezone.now())
        transaction.on_commit(lambda: [enqueue_unit(pk) for pk in unit_ids])
    return unit_ids


def collection_unit_execute(
    unit_id: int,
    enqueue_finish: Callable[[int], None],
    *,
    enqueue_unit: Callable[[int], None] | None = None,
    worker: str = "",
    retry_throttled: bool = False,
) -> None:
    """Collect one service in one region and store its results, once; then send the next unit.

    With ``retry_throttled``, a unit AWS throttled beyond botocore's retries stores nothing and
    raises UnitThrottled, for the task to try again later; without, its ERROR results are stored.
    Without ``enqueue_unit`` the caller sends the run's units itself.
    """
    unit = CollectionUnit.objects.select_related("run__account").get(pk=unit_id)
    run = unit.run
    if unit.status != CollectionUnit.Status.PENDING or run.status != Status.RUNNING:
        return
    CollectionUnit.objects.filter(pk=unit_id, status=CollectionUnit.Status.PENDING).update(
        started_at=timezone.now(), worker=worker
    )
    account = run.account
    try:
        session = _session_for(account)
    except (ClientError, BotoCoreError) as exc:
        results, throttled = [], is_throttling(exc)
        session_error = error_reason(exc)
    else:
        session_error = ""
        outcome = run_unit(
            session,
            unit.service,
            unit.region,
            account_id=account.account_id,
            parameters=check_parameters(),
            now=timezone.now(),
        )
        results, throttled = outcome.results, outcome.throttled
    if throttled and retry_throttled:
        raise UnitThrottled(f"{unit.service} in {unit.region} of run {run.pk} was throttled")
    with transaction.atomic():
        locked = CollectionUnit.objects.select_for_update().get(pk=unit_id)
        if locked.status != CollectionUnit.Status.PENDING:
            return  # a redelivered copy finished first
        unit_results_store(unit=locked, results=results, session_error=session_error)
        Run.objects.filter(pk=run.pk).update(units_done=F("units_done") + 1)
        if enqueue_unit is not None:
            _units_send_next(run.pk, enqueue_unit)
        transaction.on_commit(lambda: _maybe_finish(run.pk, enqueue_finish))


def _maybe_finish(run_id: int, enqueue_finish: Callable[[int], None]) -> None:
    run = Run.objects.only("units_done", "units_total").get(pk=run_id)
    if run.units_done >= run.units_total:
        enqueue_finish(run_id)


def collection_run_finish(run_id: int, *, reason_incomplete: str = "") -> CollectionRun:
    """Set the final status from the units; the caller then starts what follows a run."""
    with transaction.atomic():
        run = Run.objects.select_for_update().select_related("account").get(pk=run_id)
        if run.status not in Run.ACTIVE:
            return run
        units = list(run.units.all())
        incomplete = [unit for unit in units if unit.status == CollectionUnit.Status.PENDING]
        if incomplete and not reason_incomplete:
            return run  # not everything is in yet
        errors = [
            {"service": unit.service, "region": unit.region, "reason": unit.error}
            for unit in units
            if unit.status == CollectionUnit.Status.ERROR
        ] + [
            {
                "service": unit.service,
                "region": unit.region,
                "reason": reason_incomplete
                if unit.started_at
                else f"Never started. {reason_incomplete}",
            }
            for unit in incomplete
        ]
        if reason_incomplete and not units:
            errors.append({"service": "-", "region": "-", "reason": reason_incomplete})
        run.errors = [*run.errors, *errors]
        stored_anything = any(unit.result_count for unit in units)
        if not errors:
            run.status = Status.SUCCEEDED
        elif stored_anything:
            run.status = Status.WITH_ERRORS
        else:
            run.status = Status.FAILED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at", "errors"])
    return run


def collection_runs_reap_lost(*, lost_after: dt.timedelta) -> list[int]:
    """End runs a whole worker took down with it, within minutes (not the broker's hours).

    A run is lost when a unit it waits for was taken by a worker that has sent no heartbeat for
    ``lost_after`` (or has restarted since it took the unit), or when no worker at all has sent
    one for that long and the run has made no progress for that long. The run ends finished with
    errors (or failed) and its errors name every unit that is missing and why.
    """
    reaped = []
    for run_id, reason in lost_runs(lost_after=lost_after).items():
        run = collection_run_finish(run_id, reason_incomplete=reason)
        if run.status not in Run.ACTIVE:
            logger.warning("collection run %s ended: %s", run_id, reason)
            reaped.append(run_id)
    return reaped


def collection_run_reap(*, older_than: dt.timedelta) -> list[int]:
    """End runs whose workers vanished: "finished with errors" (or failed), never succeeded."""
    cutoff = timezone.now() - older_than
    stale = Run.objects.filter(status__in=Run.ACTIVE, created_at__lt=cutoff).values_list(
        "pk", flat=True
    )
    reaped = []
    for run_id in stale:
        run = collection_run_finish(
            run_id, reason_incomplete=f"Not completed within {older_than}: worker lost or stuck."
        )
        if run.status not in Run.ACTIVE:
            reaped.append(run_id)
    return reaped


def collection_units_resend(
    *, older_than: dt.timedelta, enqueue_unit: Callable[[int], None]
) -> list[int]:
    """Send again units whose message was lost, so a run never waits on them for hours.

    A unit sent ``older_than`` ago that no worker started, in a running run that has stored no
    unit since, is sent again (a copy that arrives late finds the unit stored and does nothing).
    A unit waiting behind other accounts' units in a long queue looks the same, so
    ``older_than`` (GRC_UNIT_RESEND_SECONDS) is set well above the time a queue takes to drain.
    """
    candidates = units_unstarted(older_than=older_than).values_list("pk", flat=True)
    with transaction.atomic():
        resent = list(
            CollectionUnit.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(candidates), started_at=None)
            .values_list("pk", flat=True)
        )
        CollectionUnit.objects.filter(pk__in=resent).update(queued_at=timezone.now())
        transaction.on_commit(lambda: [enqueue_unit(pk) for pk in resent])
    return resent
