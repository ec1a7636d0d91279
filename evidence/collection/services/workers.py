"""Worker liveness: heartbeats recorded from each worker's main process (grc.celery), so a
worker busy with long units still proves it is alive, and a silent one is noticed in minutes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from evidence.collection.models import WorkerHeartbeat


def worker_heartbeat_record(
    *, hostname: str, booted_at: dt.datetime | None = None
) -> WorkerHeartbeat:
    defaults: dict[str, dt.datetime] = {"seen_at": timezone.now()}
    if booted_at is not None:
        defaults["booted_at"] = booted_at
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults=defaults)
    return heartbeat
