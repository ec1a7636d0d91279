"""Reads about collection runs that tasks and pages share."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from evidence.collection.models import CollectionRun, CollectionUnit, WorkerHeartbeat


def collection_runs_unstarted(*, older_than: dt.timedelta) -> list[int]:
    """Runs still ``queued`` after ``older_than``: their task message never reached a worker."""
    cutoff = timezone.now() - older_than
    return list(
        CollectionRun.objects.filter(
            status=CollectionRun.Status.QUEUED, created_at__lt=cutoff
        ).values_list("pk", flat=True)
    )


def units_unstarted(*, older_than: dt.timedelta) -> QuerySet[CollectionUnit]:
    """Units sent ``older_than`` ago that no worker started, in running runs that have stored
    no unit since: their message was probably lost (see collection_units_resend)."""
    cutoff = timezone.now() - older_than
    recent_progress = CollectionUnit.objects.filter(run=OuterRef("run"), finished_at__gte=cutoff)
    return CollectionUnit.objects.filter(
        run__status=CollectionRun.Status.RUNNING,
        status=CollectionUnit.Status.PENDING,
        started_at=None,
        queued_at__lt=cutoff,
    ).exclude(Exists(recent_progress))


def collection_run_read(run_id: int) -> CollectionRun:
    """One run with its account and units, for the run page. Two queries; 404 if absent."""
    return get_object_or_404(
        CollectionRun.objects.select_related("account", "requested_by").prefetch_related("units"),
        pk=run_id,
    )


def lost_runs(*, lost_after: dt.timedelta) -> dict[int, str]:
    """Running runs whose work died with a worker, each with the reason (see the reaper)."""
    now = timezone.now()
    cutoff = now - lost_after
    heartbeats = {beat.hostname: beat for beat in WorkerHeartbeat.objects.all()}
    any_fresh = any(beat.seen_at >= cutoff for beat in heartbeats.values())
    pending = CollectionUnit.objects.filter(
        run__status=CollectionRun.Status.RUNNING, status=CollectionUnit.Status.PENDING
    ).values_list("run_id", "worker", "started_at")
    lost: dict[int, str] = {}
    for run_id, worker, started_at in pending:
        if started_at is None or not worker:
            continue
        beat = heartbeats.get(worker)
        if beat is None or beat.seen_at < cutoff:
            seen = f"since {beat.seen_at:%Y-%m-%d %H:%M:%S} UTC" if beat else "ever"
            lost[run_id] = f"Worker {worker} lost: no heartbeat {seen}."
        elif beat.booted_at and beat.booted_at > started_at:
            lost[run_id] = f"Worker {worker} restarted while collecting: its work was lost."
    if not any_fresh:
        for run in CollectionRun.objects.filter(
            status=CollectionRun.Status.RUNNING, started_at__lt=cutoff
        ).exclude(pk__in=lost):
            last = run.units.exclude(finished_at=None).order_by("-finished_at").first()
            if last is None or last.finished_at < cutoff:
                lost[run.pk] = f"No worker has sent a heartbeat for {lost_after}: workers lost."
    return lost
