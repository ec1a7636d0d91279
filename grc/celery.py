"""Celery application wired to Django settings (``CELERY_*``) with tasks autodiscovered.

Each worker also records a heartbeat from its main process every GRC_WORKER_HEARTBEAT_SECONDS
(a timer, not a task: a worker whose pool is busy with long units still proves it is alive),
so the reaper can tell a dead worker's units from a busy one's within minutes.
"""

import logging
import os
from typing import Any

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grc.settings.base")
logger = logging.getLogger(__name__)

app = Celery("grc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class WorkerHeartbeatStep(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker: Any, **kwargs: Any) -> None:
        super().__init__(worker, **kwargs)
        self.timer_ref: Any = None

    def start(self, worker: Any) -> None:
        from django.conf import settings
        from django.utils import timezone

        booted_at = timezone.now()

        def beat() -> None:
            from django.db import connection

            from evidence.collection.services.workers import worker_heartbeat_record

            try:
                worker_heartbeat_record(hostname=worker.hostname, booted_at=booted_at)
            except Exception as exc:  # the database may be down; the next beat tries again
                logger.warning("worker heartbeat not recorded: %r", exc)
            finally:
                # No connection stays open in the main process: pool children and an embedded
                # beat are forked from it, and a forked SQLite handle corrupts reads.
                connection.close()

        # The first beat comes one interval after start, once the pool has forked.
        self.timer_ref = worker.timer.call_repeatedly(settings.GRC_WORKER_HEARTBEAT_SECONDS, beat)

    def stop(self, worker: Any) -> None:
        if self.timer_ref is not None:
            self.timer_ref.cancel()


app.steps["worker"].add(WorkerHeartbeatStep)
