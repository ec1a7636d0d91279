"""A real Celery worker process takes a task from the configured broker and writes the database."""

import uuid

import pytest

from evidence.collection.models import WorkerHeartbeat
from grc.celery import app
from tests.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_worker_process_runs_task_and_writes_database(celery_worker_process):
    worker = celery_worker_process(queue=f"heartbeat-{uuid.uuid4().hex[:8]}")
    app.send_task("evidence.collection.tasks.worker_heartbeat_task", queue=worker.queue)

    heartbeat = wait_for(lambda: WorkerHeartbeat.objects.first(), timeout=90)

    assert "@" in heartbeat.hostname
    assert "evidence.collection.tasks.worker_heartbeat_task" in worker.log()
