"""Celery tasks of posture: the rollup that follows every finished run, and its catch-up."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from evidence.posture.selectors.rollup import runs_awaiting_rollup
from evidence.posture.services.rollup import control_status_rollup_update

RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRY)
def control_status_rollup_task(run_id: int) -> int:
    return len(control_status_rollup_update(run_id=run_id))


@shared_task
def control_status_rollup_catch_up_task() -> list[int]:
    """Roll up each account's latest finished run if its rollup message was lost."""
    run_ids = runs_awaiting_rollup()
    for run_id in run_ids:
        control_status_rollup_update(run_id=run_id)
    return run_ids
