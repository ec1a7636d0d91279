"""Writes to the evidence store. Views and tasks call these; they hold the logic."""

from __future__ import annotations

from django.utils import timezone

from evidence.models import WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"seen_at": timezone.now()}
    )
    return heartbeat
