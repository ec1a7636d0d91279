"""Reads of exceptions for pages, the API and packets."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from evidence.exceptions.models import RiskException


def exceptions_list(*, state: str = "") -> QuerySet[RiskException]:
    rows = RiskException.objects.select_related(
        "account", "requested_by", "decided_by", "revoked_by"
    )
    return rows.filter(state=state) if state else rows


def exceptions_in_period(*, start: dt.date, end: dt.date) -> list[RiskException]:
    """Approved exceptions that applied on some day of the period (revoked ones included)."""
    return list(
        exceptions_list()
        .filter(state__in=[RiskException.State.APPROVED, RiskException.State.REVOKED])
        .filter(decided_at__date__lte=end, ends_on__gte=start)
        .exclude(Q(revoked_at__isnull=False) & Q(revoked_at__date__lt=start))
        .order_by("check_id", "decided_at")
    )
