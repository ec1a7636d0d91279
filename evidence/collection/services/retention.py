"""Retention: drop results and runs older than the configured horizon, outside audit periods.

Evidence inside any audit period (open or closed) is never deleted, and an evidence document is
removed only when no remaining result cites it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from evidence.collection.models import AuditPeriod, CheckResult, CollectionRun, EvidenceDocument


def _protected_runs() -> Q:
    protected = Q(pk__in=[])
    for start, end in AuditPeriod.objects.values_list("start", "end"):
        protected |= Q(created_at__date__gte=start, created_at__date__lte=end)
    return protected


@transaction.atomic
def evidence_retention_apply(*, now: dt.datetime | None = None) -> dict[str, int]:
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.GRC_EVIDENCE_RETENTION_DAYS)
    expired = (
        CollectionRun.objects.filter(created_at__lt=cutoff)
        .exclude(status__in=CollectionRun.ACTIVE)
        .exclude(_protected_runs())
    )
    results_deleted, _ = CheckResult.objects.filter(run__in=expired).delete()
    _, runs_deleted = expired.delete()
    _, documents_deleted = EvidenceDocument.objects.filter(results__isnull=True).delete()
    return {
        "results": results_deleted,
        "runs": runs_deleted.get(CollectionRun._meta.label, 0),
        "documents": documents_deleted.get(EvidenceDocument._meta.label, 0),
    }
