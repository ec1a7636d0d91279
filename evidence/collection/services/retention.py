"""Retention: drop results and runs older than the configured horizon, outside audit periods.

Evidence inside any audit period (open or closed) is never deleted, a result (a span over many
runs) only once no kept run observed it, and an evidence document only when no remaining result
cites it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from evidence.collection.models import AuditPeriod, CheckResult, CollectionRun, EvidenceDocument


def _protected_runs() -> Q:
    protected = Q(pk__in=[])
    for start, end in AuditPeriod.objects.values_list("start", "end"):
        protected |= Q(created_at__date__gte=start, created_at__date__lte=end)
    return protected


def _expired_spans(expired: QuerySet[CollectionRun]) -> QuerySet[CheckResult]:
    """Ended spans no kept run lies within: every run that could have observed them expires."""
    kept_within = CollectionRun.objects.filter(
        account_id=OuterRef("account_id"),
        pk__gte=OuterRef("run_id"),
        pk__lt=OuterRef("ended_run_id"),
    ).exclude(pk__in=expired)
    return CheckResult.objects.filter(ended_run__isnull=False).exclude(Exists(kept_within))


@transaction.atomic
def evidence_retention_apply(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete expired runs and the results only they observed.

    A result still observed by a kept run stays, and so do the runs that started and ended it
    (a kept span's first run can be older than the horizon: it remains, with the spans it
    started that are still kept)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.GRC_EVIDENCE_RETENTION_DAYS)
    expired = (
        CollectionRun.objects.filter(created_at__lt=cutoff)
        .exclude(status__in=CollectionRun.ACTIVE)
        .exclude(_protected_runs())
    )
    results_deleted, _ = _expired_spans(expired).delete()
    expired = expired.exclude(Exists(CheckResult.objects.filter(run_id=OuterRef("pk")))).exclude(
        Exists(CheckResult.objects.filter(ended_run_id=OuterRef("pk")))
    )
    _, runs_deleted = expired.delete()
    _, documents_deleted = EvidenceDocument.objects.filter(results__isnull=True).delete()
    return {
        "results": results_deleted,
        "runs": runs_deleted.get(CollectionRun._meta.label, 0),
        "documents": documents_deleted.get(EvidenceDocument._meta.label, 0),
    }
