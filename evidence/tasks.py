"""Celery tasks: thin wrappers that pass ids to services."""

from __future__ import annotations

from celery import shared_task

from evidence.services import worker_heartbeat_record


@shared_task(bind=True)
def worker_heartbeat_task(self) -> str:
    return str(worker_heartbeat_record(hostname=self.request.hostname or "unknown").seen_at)
