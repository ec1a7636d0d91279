"""Submissions (file, link or written attestation) and their review, separation of duties kept.

Every check runs before anything is written, so a refused submission stores nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from evidence.manual.models import EvidenceRequest, EvidenceSubmission, Review, ReviewStatus
from evidence.manual.rules import may_review, may_submit
from evidence.manual.selectors.periods import validity_end
from evidence.manual.services.files import stored_file_put, upload_check

MAX_STATEMENT = 5000
Kind = EvidenceSubmission.Kind


def _check_dates(
    effective_date: dt.date,
    valid_until: dt.date | None,
    period: tuple[dt.date | None, dt.date | None],
    today: dt.date,
) -> None:
    if effective_date > today:
        raise ValidationError({"effective_date": "The effective date cannot be in the future."})
    if valid_until is not None and valid_until < effective_date:
        raise ValidationError({"valid_until": "Validity cannot end before the effective date."})
    start, end = period
    if start and end and start > end:
        raise ValidationError({"period_start": "The period starts after it ends."})


def _check_content(kind: str, upload: File | None, url: str, statement: str) -> None:
    if kind == Kind.FILE:
        if upload is None:
            raise ValidationError({"file": "Choose a file to upload."})
        upload_check(upload)
    elif kind == Kind.LINK:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError:
            raise ValidationError({"url": "Enter an http(s) link."}) from None
    elif kind == Kind.STATEMENT:
        if not statement.strip():
            raise ValidationError({"statement": "Write the attestation."})
        if len(statement) > MAX_STATEMENT:
            raise ValidationError({"statement": f"At most {MAX_STATEMENT} characters."})
    else:
        raise ValidationError({"kind": f"Not a kind of submission: {kind!r}."})


@transaction.atomic
def evidence_submission_create(
    *,
    request: EvidenceRequest,
    submitted_by: Any,
    kind: str,
    effective_date: dt.date,
    upload: File | None = None,
    url: str = "",
    description: str = "",
    statement: str = "",
    valid_until: dt.date | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> tuple[EvidenceSubmission, bool]:
    """A pending submission; returns it and whether its file was already stored (linked)."""
    if not may_submit(submitted_by, request):
        raise PermissionDenied("Your role does not allow submitting evidence for this request.")
    _check_dates(effective_date, valid_until, (period_start, period_end), timezone.localdate())
    longest = validity_end(request.frequency, effective_date)
    if valid_until is not None and longest is not None and valid_until > longest:
        raise ValidationError(
            {"valid_until": f"Evidence for this request is valid until {longest} at most."}
        )
    _check_content(kind, upload, url, statement)
    stored = stored_file_put(upload=upload) if kind == Kind.FILE and upload else None
    submission = EvidenceSubmission.objects.create(
        request=request,
        kind=kind,
        stored_file=stored.stored_file if stored else None,
        filename=stored.filename if stored else "",
        url=url if kind == Kind.LINK else "",
        description=description.strip(),
        statement=statement.strip() if kind == Kind.STATEMENT else "",
        effective_date=effective_date,
        valid_until=valid_until or longest,
        period_start=period_start,
        period_end=period_end,
        submitted_by=submitted_by,
    )
    return submission, bool(stored and stored.linked)


@transaction.atomic
def evidence_submission_review(
    *, submission: EvidenceSubmission, reviewer: Any, decision: str, comment: str = ""
) -> Review:
    """Approve or reject a pending submission. The submitter never reviews their own."""
    if not may_review(reviewer):
        raise PermissionDenied("Only compliance managers and administrators review evidence.")
    submission = EvidenceSubmission.objects.select_for_update().get(pk=submission.pk)
    if submission.submitted_by_id == reviewer.pk:
        raise ValidationError(
            "Separation of duties: you cannot review evidence you submitted yourself."
        )
    if submission.status != ReviewStatus.PENDING:
        raise ValidationError(f"This submission was already {submission.status}.")
    if decision not in (ReviewStatus.APPROVED, ReviewStatus.REJECTED):
        raise ValidationError({"decision": "Approve or reject."})
    if decision == ReviewStatus.REJECTED and not comment.strip():
        raise ValidationError({"comment": "Say why the evidence is rejected."})
    review = Review.objects.create(
        submission=submission, reviewer=reviewer, decision=decision, comment=comment.strip()
    )
    EvidenceSubmission.objects.filter(pk=submission.pk).update(status=decision)
    return review
