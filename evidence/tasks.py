"""Celery tasks: thin wrappers that pass ids to services; retries and limits live here."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from evidence.models import AwsAccount, CollectionRun
from evidence.services.collection import (
    CollectionAlreadyRunning,
    collection_run_execute,
    collection_run_finish,
    collection_run_reap,
    collection_run_start,
    collection_unit_execute,
)
from evidence.services.retention import evidence_retention_apply
from evidence.services.workers import worker_heartbeat_record

logger = logging.getLogger(__name__)
RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


@shared_task(bind=True)
def worker_heartbeat_task(self) -> str:
    return str(worker_heartbeat_record(hostname=self.request.hostname or "unknown").seen_at)


@shared_task(**RETRY)
def collection_run_task(run_id: int) -> None:
    collection_run_execute(run_id, enqueue_unit=collection_unit_task.delay)


@shared_task(**RETRY)
def collection_unit_task(unit_id: int) -> None:
    collection_unit_execute(unit_id, enqueue_finish=collection_run_finish_task.delay)


@shared_task(**RETRY)
def collection_run_finish_task(run_id: int) -> str:
    return collection_run_finish(run_id).status


@shared_task
def collection_scheduled_task(account_pk: int) -> int | None:
    account = AwsAccount.objects.filter(pk=account_pk, enabled=True).first()
    if account is None:
        return None
    try:
        return collection_run_start(account=account, trigger=CollectionRun.Trigger.SCHEDULE).pk
    except CollectionAlreadyRunning as exc:
        logger.info("skipping scheduled collection: %s", exc)
        return None


@shared_task
def collection_run_reap_task() -> list[int]:
    return collection_run_reap(older_than=dt.timedelta(seconds=settings.GRC_RUN_STALE_SECONDS))


@shared_task
def evidence_retention_task() -> dict[str, int]:
    return evidence_retention_apply()


@shared_task
def packet_build_task(packet_id: int) -> str:
    from evidence.packets.services import packet_build  # lazy: the PDF renderer is heavy

    return packet_build(packet_id).status
