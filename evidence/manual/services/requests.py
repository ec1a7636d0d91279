"""Evidence requests: seeded from the catalog's, added by managers, owners assigned in bulk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from evidence.manual.models import EvidenceRequest, Frequency
from evidence.manual.selectors.periods import add_months
from grc.access.roles import can_manage
from grc.catalog.models import Control
from grc.catalog.models import EvidenceRequest as CatalogRequest

# The catalog's words for how often; "event" evidence (an incident, a change) is asked once.
CATALOG_FREQUENCIES = {
    "monthly": Frequency.MONTHLY,
    "quarterly": Frequency.QUARTERLY,
    "semiannual": Frequency.SEMIANNUAL,
    "semi-annual": Frequency.SEMIANNUAL,
    "annual": Frequency.ANNUAL,
    "yearly": Frequency.ANNUAL,
}


def first_due_default(frequency: str, today: dt.date) -> dt.date:
    months = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 1}.get(frequency, 2)
    return add_months(today, months)


def evidence_requests_seed(*, today: dt.date | None = None) -> int:
    """Create a request for every catalog evidence request that has none yet. Returns how many."""
    today = today or timezone.localdate()
    missing = CatalogRequest.objects.filter(manual_request__isnull=True).select_related("control")
    created = [
        EvidenceRequest(
            control=row.control,
            catalog_request=row,
            title=row.title[:300],
            frequency=(frequency := CATALOG_FREQUENCIES.get(row.frequency, Frequency.ONCE)),
            first_due_date=first_due_default(frequency, today),
        )
        for row in missing
    ]
    EvidenceRequest.objects.bulk_create(created, ignore_conflicts=True)
    return len(created)


def evidence_request_create(
    *,
    control: Control,
    title: str,
    frequency: str,
    created_by: Any,
    owner: Any = None,
    description: str = "",
    first_due_date: dt.date | None = None,
) -> EvidenceRequest:
    if not can_manage(created_by):
        raise PermissionDenied("Only compliance managers and administrators add requests.")
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Say what evidence is needed."})
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": f"Not a frequency: {frequency!r}."})
    if EvidenceRequest.objects.filter(control=control, title=title).exists():
        raise ValidationError({"title": "This control already has a request with this title."})
    return EvidenceRequest.objects.create(
        control=control,
        title=title,
        description=description,
        frequency=frequency,
        owner=owner,
        first_due_date=first_due_date or first_due_default(frequency, timezone.localdate()),
        created_by=created_by,
    )


def evidence_requests_assign(*, requests: Iterable[EvidenceRequest], owner: Any, by: Any) -> int:
    """Make ``owner`` the owner of every request given. Returns how many changed."""
    if not can_manage(by):
        raise PermissionDenied("Only compliance managers and administrators assign owners.")
    ids = [request.pk for request in requests]
    with transaction.atomic():
        return EvidenceRequest.objects.filter(pk__in=ids).update(owner=owner)
