"""A whole worker SIGKILLed mid-unit: its heartbeats (sent from the worker's main process) stop,
and the reaper ends the run naming the lost unit within minutes, not the broker's hours."""

from __future__ import annotations

import time
import uuid

import pytest
from django.utils import timezone

from evidence.collection.models import CollectionRun, CollectionUnit, WorkerHeartbeat
from evidence.collection.services.runs import collection_run_start
from evidence.collection.tasks import collection_run_reap_task
from tests.conftest import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]


def test_sigkilled_worker_is_reaped_from_its_heartbeats(
    celery_worker_process, aws_account, settings, monkeypatch
):
    monkeypatch.setattr("evidence.collection.tasks.run_finished_hooks_send", lambda run_id: None)
    settings.GRC_WORKER_LOST_SECONDS = 4
    worker = celery_worker_process(
        queue=f"loss-{uuid.uuid4().hex[:8]}", GRC_WORKER_HEARTBEAT_SECONDS="1"
    )
    first = wait_for(
        lambda: WorkerHeartbeat.objects.exclude(booted_at=None).first(),
        timeout=120,
        context=worker.log,
    )
    # Beats keep coming from the main process (a timer, not a task).
    wait_for(
        lambda: WorkerHeartbeat.objects.get(pk=first.pk).seen_at > first.seen_at,
        timeout=30,
        context=worker.log,
    )
    run = collection_run_start(account=aws_account, trigger=CollectionRun.Trigger.MANUAL)
    CollectionRun.objects.filter(pk=run.pk).update(
        status=CollectionRun.Status.RUNNING, started_at=timezone.now(), units_total=1
    )
    CollectionUnit.objects.create(  # the unit this worker was collecting
        run=run, service="s3", region="eu-west-1", worker=first.hostname, started_at=timezone.now()
    )
    assert collection_run_reap_task() == []  # alive: left alone

    worker.kill()
    time.sleep(settings.GRC_WORKER_LOST_SECONDS + 1)

    assert collection_run_reap_task() == [run.pk]
    run.refresh_from_db()
    assert run.status == CollectionRun.Status.FAILED
    assert run.errors[-1]["service"] == "s3"
    assert f"Worker {first.hostname} lost" in run.errors[-1]["reason"]
