"""Reads about collection runs that tasks and pages share."""

from __future__ import annotations

import datetime as dt

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
