"""Reads about collection runs that tasks and pages share."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone

from evidence.collection.models import CollectionRun


def collection_runs_unstarted(*, older_than: dt.timedelta) -> list[int]:
    """Runs still ``queued`` after ``older_than``: their task message never reached a worker."""
    cutoff = timezone.now() - older_than
    return list(
        CollectionRun.objects.filter(
            status=CollectionRun.Status.QUEUED, created_at__lt=cutoff
        ).values_list("pk", flat=True)
    )


def collection_run_read(run_id: int) -> CollectionRun:
    """One run with its account and units, for the run page. Two queries; 404 if absent."""
    return get_object_or_404(
        CollectionRun.objects.select_related("account", "requested_by").prefetch_related("units"),
        pk=run_id,
    )
