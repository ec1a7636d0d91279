"""Celery tasks of collection: thin wrappers that pass ids to services; retries live here.

What follows a finished run (the posture rollup, and later notifications) is not imported here:
``settings.GRC_RUN_FINISHED_TASKS`` names those tasks and the wiring layer lists them, so this
app never imports an app above it.
"""

from __future__ import annotations

import datetime as dt
import logging
import random

from celery import current_app, shared_task
from django.conf import settings
from django.db import OperationalError, transaction
from kombu.exceptions import OperationalError as KombuOperationalError

from evidence.collection.models import AwsAccount, CollectionRun
from evidence.collection.selectors.runs import collection_runs_unstarted
from evidence.collection.services.retention import evidence_retention_apply
from evidence.collection.services.runs import (
    CollectionNotStarted,
    UnitThrottled,
    collection_run_execute,
    collection_run_finish,
    collection_run_not_queued,
    collection_run_reap,
    collection_run_start,
    collection_runs_reap_lost,
    collection_unit_execute,
    collection_units_resend,
)
from evidence.collection.services.workers import worker_heartbeat_record

logger = logging.getLogger(__name__)
RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}
# What publishing raises when the broker cannot be reached (kombu wraps connection errors).
BROKER_ERRORS = (KombuOperationalError, OSError)


class TaskNotQueued(Exception):
    """The broker refused the task; the row it was for has been ended with the reason."""


def broker_error_reason(exc: Exception) -> str:
    return f"The task broker could not be reached ({type(exc).__name__}); nothing was queued."


def collection_run_enqueue(run_id: int) -> None:
    """Send the run's task once the transaction that wrote the run commits.

    If the broker is down the run is failed at once with the reason (so the account is free for
    the next request) and TaskNotQueued is raised for the caller to report.
    """

    def send() -> None:
        try:
            collection_run_task.delay(run_id)
        except BROKER_ERRORS as exc:
            reason = broker_error_reason(exc)
            collection_run_not_queued(run_id, reason=reason)
            raise TaskNotQueued(reason) from exc

    transaction.on_commit(send)


def run_finished_hooks_send(run_id: int) -> None:
    """Start every task configured to follow a finished run (e.g. the posture rollup)."""
    for name in settings.GRC_RUN_FINISHED_TASKS:
        current_app.tasks[name].delay(run_id)


@shared_task(bind=True)
def worker_heartbeat_task(self) -> str:
    return str(worker_heartbeat_record(hostname=self.request.hostname or "unknown").seen_at)


@shared_task(**RETRY)
def collection_run_task(run_id: int) -> None:
    collection_run_execute(run_id, enqueue_unit=collection_unit_task.delay)


def throttle_backoff(retries: int) -> float:
    """Seconds before a throttled unit is tried again: exponential, with jitter so the units
    throttled together do not all come back together."""
    ceiling = settings.GRC_THROTTLE_BACKOFF_SECONDS * 2**retries
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 (spread, not a secret)


@shared_task(bind=True, **RETRY)
def collection_unit_task(self, unit_id: int) -> None:
    try:
        collection_unit_execute(
            unit_id,
            enqueue_finish=collection_run_finish_task.delay,
            enqueue_unit=collection_unit_task.delay,
            worker=self.request.hostname or "",
            retry_throttled=self.request.retries < settings.GRC_THROTTLE_RETRIES,
        )
    except UnitThrottled as exc:
        logger.info("%s; trying again later", exc)
        raise self.retry(
            exc=exc,
            countdown=throttle_backoff(self.request.retries),
            max_retries=settings.GRC_THROTTLE_RETRIES,
        ) from exc


@shared_task(**RETRY)
def collection_run_finish_task(run_id: int) -> str:
    run = collection_run_finish(run_id)
    if run.status in CollectionRun.FINISHED_WITH_RESULTS:
        run_finished_hooks_send(run.pk)
    return run.status


@shared_task
def collection_scheduled_task(account_pk: int) -> int | None:
    account = AwsAccount.objects.filter(pk=account_pk).first()
    if account is None:
        return None
    try:
        run = collection_run_start(account=account, trigger=CollectionRun.Trigger.SCHEDULE)
    except CollectionNotStarted as exc:
        logger.info("skipping scheduled collection: %s", exc)
        return None
    collection_run_enqueue(run.pk)
    return run.pk


@shared_task
def collection_run_reap_task() -> list[int]:
    """Every minute: send again queued runs and units no worker took (their message was lost),
    end runs whose worker died (heartbeats) and runs stuck past GRC_RUN_STALE_SECONDS."""
    resend_after = dt.timedelta(seconds=settings.GRC_QUEUED_RESEND_SECONDS)
    for run_id in collection_runs_unstarted(older_than=resend_after):
        try:
            collection_run_task.delay(run_id)
        except BROKER_ERRORS as exc:
            logger.warning("run %s not re-sent, broker unavailable: %r", run_id, exc)
            break
    try:
        collection_units_resend(
            older_than=dt.timedelta(seconds=settings.GRC_UNIT_RESEND_SECONDS),
            enqueue_unit=collection_unit_task.delay,
        )
    except BROKER_ERRORS as exc:
        logger.warning("units not re-sent, broker unavailable: %r", exc)
    reaped = collection_runs_reap_lost(
        lost_after=dt.timedelta(seconds=settings.GRC_WORKER_LOST_SECONDS)
    )
    reaped += collection_run_reap(older_than=dt.timedelta(seconds=settings.GRC_RUN_STALE_SECONDS))
    for run in CollectionRun.objects.filter(
        pk__in=reaped, status__in=CollectionRun.FINISHED_WITH_RESULTS
    ):
        run_finished_hooks_send(run.pk)
    return reaped


@shared_task
def evidence_retention_task() -> dict[str, int]:
    return evidence_retention_apply()
