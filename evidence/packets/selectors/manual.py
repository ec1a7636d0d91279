"""Reads for a packet's manual and provider evidence: approved, valid in the audit period, for
the framework's controls, with the review trail of each request."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q

from evidence.manual.models import EvidenceSubmission, ProviderAttestation, ReviewStatus
from grc.catalog.models import ControlMapping


def _user(user: Any) -> str | None:
    return user.get_username() if user else None


def _control_ids(framework_id: int) -> set[int]:
    mappings = ControlMapping.objects.filter(criterion__framework_id=framework_id)
    return set(mappings.values_list("control_id", flat=True))


def _review(submission: EvidenceSubmission) -> dict[str, Any] | None:
    review = getattr(submission, "review", None)
    if review is None:
        return None
    return {
        "reviewer": _user(review.reviewer),
        "decision": review.decision,
        "comment": review.comment,
        "reviewed_at": review.reviewed_at.isoformat(timespec="seconds"),
    }


def _submission_entry(submission: EvidenceSubmission) -> dict[str, Any]:
    stored = submission.stored_file
    return {
        "submission_id": submission.pk,
        "kind": submission.kind,
        "status": submission.status,
        "sha256": stored.sha256 if stored else None,
        "filename": submission.filename or None,
        "url": submission.url or None,
        "description": submission.description,
        "statement": submission.statement,
        "effective_date": submission.effective_date.isoformat(),
        "valid_until": submission.valid_until.isoformat() if submission.valid_until else None,
        "submitted_by": _user(submission.submitted_by),
        "submitted_at": submission.submitted_at.isoformat(timespec="seconds"),
        "review": _review(submission),
    }


def packet_manual_submissions(
    *, framework_id: int, start: dt.date, end: dt.date
) -> list[tuple[EvidenceSubmission | None, dict[str, Any]]]:
    """Per request in scope that had approved evidence valid in [start, end]: the approved
    submissions (with their files) and the request's whole trail, rejected ones included."""
    valid = Q(status=ReviewStatus.APPROVED, effective_date__lte=end) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=start)
    )
    submissions = (
        EvidenceSubmission.objects.filter(
            request__control_id__in=_control_ids(framework_id), submitted_at__date__lte=end
        )
        .select_related("request__control", "stored_file", "submitted_by", "review__reviewer")
        .order_by("request__control__ref", "request_id", "submitted_at", "pk")
    )
    approved_ids = set(submissions.filter(valid).values_list("pk", flat=True))
    by_request: dict[int, list[EvidenceSubmission]] = defaultdict(list)
    for submission in submissions:
        by_request[submission.request_id].append(submission)
    found = []
    for trail in by_request.values():
        if not any(s.pk in approved_ids for s in trail):
            continue
        request = trail[0].request
        entry = {
            "control": request.control.ref,
            "request": request.title,
            "frequency": request.frequency,
            "submissions": [_submission_entry(s) for s in trail],
        }
        found += [(s, entry) for s in trail if s.pk in approved_ids]
    return found


def packet_attestations(
    *, framework_id: int, start: dt.date, end: dt.date
) -> list[ProviderAttestation]:
    return list(
        ProviderAttestation.objects.filter(
            status=ReviewStatus.APPROVED,
            period_start__lte=end,
            period_end__gte=start,
            controls__in=_control_ids(framework_id),
        )
        .distinct()
        .select_related("stored_file", "uploaded_by", "reviewed_by")
        .prefetch_related("controls")
        .order_by("period_start", "pk")
    )


def attestation_entry(attestation: ProviderAttestation) -> dict[str, Any]:
    stored = attestation.stored_file
    return {
        "attestation_id": attestation.pk,
        "kind": attestation.kind,
        "name": attestation.name,
        "issuer": attestation.issuer,
        "period_start": attestation.period_start.isoformat(),
        "period_end": attestation.period_end.isoformat(),
        "scope": attestation.scope,
        "controls": sorted(control.ref for control in attestation.controls.all()),
        "cuecs": attestation.cuecs,
        "sha256": stored.sha256 if stored else None,
        "filename": attestation.filename or None,
        "uploaded_by": _user(attestation.uploaded_by),
        "review": {
            "reviewer": _user(attestation.reviewed_by),
            "decision": attestation.status,
            "comment": attestation.review_comment,
            "reviewed_at": attestation.reviewed_at.isoformat(timespec="seconds")
            if attestation.reviewed_at
            else None,
        },
    }
