"""Reads for the manual evidence pages and API: requests with their state, queues, trails."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Prefetch, Q, QuerySet

from evidence.manual.models import (
    EvidenceRequest,
    EvidenceSubmission,
    ProviderAttestation,
    ReviewStatus,
)
from evidence.manual.rules import may_review
from evidence.manual.selectors.periods import next_due
from grc.access.roles import can_view

OPEN, SUBMITTED, APPROVED, REJECTED, OVERDUE = (
    "open",
    "submitted",
    "approved",
    "rejected",
    "overdue",
)
STATUS_LABELS = {
    OPEN: "Open",
    SUBMITTED: "Submitted",
    APPROVED: "Approved",
    REJECTED: "Rejected",
    OVERDUE: "Overdue",
}


@dataclass(frozen=True)
class RequestRow:
    """A request with the status of its current period and when evidence is next due."""

    request: EvidenceRequest
    status: str
    next_due: dt.date | None
    latest: EvidenceSubmission | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def request_status(
    request: EvidenceRequest, submissions: list[EvidenceSubmission], today: dt.date
) -> RequestRow:
    """``submissions`` newest first. Pending evidence is "submitted"; past the due date with
    nothing approved since, "overdue"; the latest decided one says approved or rejected."""
    approved = [s for s in submissions if s.status == ReviewStatus.APPROVED]
    last_approved = max((s.effective_date for s in approved), default=None)
    due = next_due(request.frequency, request.first_due_date, last_approved)
    latest = submissions[0] if submissions else None
    if latest is not None and latest.status == ReviewStatus.PENDING:
        status = SUBMITTED
    elif due is not None and today > due:
        status = OVERDUE
    elif latest is not None and latest.status == ReviewStatus.REJECTED:
        status = REJECTED
    elif last_approved is not None:
        status = APPROVED
    else:
        status = OPEN
    return RequestRow(request, status, due, latest)


def _requests() -> QuerySet[EvidenceRequest]:
    submissions = EvidenceSubmission.objects.select_related(
        "submitted_by", "stored_file", "review__reviewer"
    ).order_by("-submitted_at", "-pk")
    return EvidenceRequest.objects.select_related("control", "owner").prefetch_related(
        Prefetch("submissions", queryset=submissions)
    )


def request_rows(requests: QuerySet[EvidenceRequest], today: dt.date) -> list[RequestRow]:
    return [request_status(r, list(r.submissions.all()), today) for r in requests]


def requests_visible(user: Any) -> QuerySet[EvidenceRequest]:
    """Every request for a role that may view; only their own for an owner without a role."""
    if can_view(user):
        return _requests()
    return _requests().filter(owner_id=user.pk)


def my_request_rows(*, user: Any, today: dt.date) -> list[RequestRow]:
    return request_rows(_requests().filter(owner_id=user.pk), today)


def all_request_rows(*, today: dt.date, status: str = "") -> list[RequestRow]:
    rows = request_rows(_requests(), today)
    return [row for row in rows if row.status == status] if status else rows


def request_row(*, request_id: int, today: dt.date) -> RequestRow | None:
    request = _requests().filter(pk=request_id).first()
    if request is None:
        return None
    return request_status(request, list(request.submissions.all()), today)


def review_queue(*, user: Any) -> QuerySet[EvidenceSubmission]:
    """Pending submissions, oldest first; a reviewer's own are left out (they cannot review)."""
    if not may_review(user):
        return EvidenceSubmission.objects.none()
    return (
        EvidenceSubmission.objects.filter(status=ReviewStatus.PENDING)
        .exclude(submitted_by=user)
        .select_related("request__control", "submitted_by", "stored_file")
        .order_by("submitted_at", "pk")
    )


def attestations_pending_review(*, user: Any) -> QuerySet[ProviderAttestation]:
    if not may_review(user):
        return ProviderAttestation.objects.none()
    return (
        ProviderAttestation.objects.filter(status=ReviewStatus.PENDING)
        .exclude(uploaded_by=user)
        .select_related("uploaded_by")
    )


def attestation_list() -> QuerySet[ProviderAttestation]:
    return ProviderAttestation.objects.select_related(
        "uploaded_by", "reviewed_by", "stored_file"
    ).prefetch_related("controls")


def control_manual_evidence(*, control_id: int, today: dt.date) -> dict[str, Any]:
    """The control page's section: its requests (state, latest submissions) and attestations."""
    requests = _requests().filter(control_id=control_id)
    attestations = attestation_list().filter(controls=control_id)
    return {"rows": request_rows(requests, today), "attestations": list(attestations)}


def last_approved_by_request() -> dict[int, dt.date]:
    rows = (
        EvidenceSubmission.objects.filter(status=ReviewStatus.APPROVED)
        .values("request_id")
        .annotate(last=Max("effective_date"))
        .order_by()
    )
    return {row["request_id"]: row["last"] for row in rows}


def reminder_rows(*, today: dt.date, within_days: int) -> dict[int, list[RequestRow]]:
    """owner id -> their requests due within ``within_days`` or overdue (nothing pending)."""
    horizon = today + dt.timedelta(days=within_days)
    found: dict[int, list[RequestRow]] = {}
    requests = _requests().filter(~Q(owner=None))
    for row in request_rows(requests, today):
        if row.status == SUBMITTED or row.next_due is None or row.next_due > horizon:
            continue
        found.setdefault(row.request.owner_id, []).append(row)
    return found
