"""Which finished runs still need their rollup (the message that asks for it was lost)."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from evidence.collection.models import AwsAccount, CollectionRun
from evidence.posture.models import ControlStatusDaily

# The rollup task normally runs seconds after a run finishes; only older runs are caught up.
GRACE = dt.timedelta(minutes=2)
LOOKBACK = dt.timedelta(days=2)


def runs_awaiting_rollup() -> list[int]:
    """Each account's latest finished run (in the last two days) that no rollup row cites."""
    now = timezone.now()
    latest = (
        CollectionRun.objects.filter(
            account=OuterRef("pk"),
            status__in=CollectionRun.FINISHED_WITH_RESULTS,
            finished_at__gte=now - LOOKBACK,
        )
        .order_by("-finished_at", "-pk")
        .values("pk")[:1]
    )
    candidates = list(
        AwsAccount.objects.annotate(run_id=Subquery(latest))
        .exclude(run_id=None)
        .values_list("run_id", flat=True)
    )
    ripe = CollectionRun.objects.filter(pk__in=candidates, finished_at__lt=now - GRACE)
    rolled = set(
        ControlStatusDaily.objects.filter(run_id__in=candidates).values_list("run_id", flat=True)
    )
    return sorted(pk for pk in ripe.values_list("pk", flat=True) if pk not in rolled)
