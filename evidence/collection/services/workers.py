"""Worker liveness, recorded by a task so healthz and the UI can show workers are taking work."""

from __future__ import annotations

from django.utils import timezone

from evidence.collection.models import WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"seen_at": timezone.now()}
    )
    return heartbeat
