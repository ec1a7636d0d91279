"""Provider attestations: upload with issuer, period and scope, attach to controls, review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from evidence.manual.models import ProviderAttestation, ReviewStatus
from evidence.manual.rules import may_review
from evidence.manual.services.files import stored_file_put, upload_check
from grc.access.roles import can_manage
from grc.catalog.models import Attestation, Control, Responsibility

MAX_CUECS = 200


def _clean_cuecs(cuecs: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    if len(cuecs) > MAX_CUECS:
        raise ValidationError({"cuecs": f"At most {MAX_CUECS} CUECs."})
    cleaned = []
    for entry in cuecs:
        if not isinstance(entry, dict) or not str(entry.get("cuec", "")).strip():
            raise ValidationError({"cuecs": 'Each CUEC needs its text: {"cuec", "answer"}.'})
        cleaned.append({"cuec": str(entry["cuec"]).strip(), "answer": str(entry.get("answer", ""))})
    return cleaned


@transaction.atomic
def provider_attestation_create(
    *,
    uploaded_by: Any,
    kind: str,
    name: str,
    issuer: str,
    period_start: dt.date,
    period_end: dt.date,
    controls: Sequence[Control],
    scope: str = "",
    upload: File | None = None,
    cuecs: Sequence[dict[str, str]] = (),
    catalog_attestation: Attestation | None = None,
) -> ProviderAttestation:
    if not can_manage(uploaded_by):
        raise PermissionDenied("Only compliance managers and administrators upload attestations.")
    if kind not in ProviderAttestation.Kind.values:
        raise ValidationError({"kind": f"Not a kind of attestation: {kind!r}."})
    if not name.strip() or not issuer.strip():
        raise ValidationError({"name": "Name the report and its issuer."})
    if period_start > period_end:
        raise ValidationError({"period_start": "The period starts after it ends."})
    if period_start > timezone.localdate():
        raise ValidationError({"period_start": "The period cannot start in the future."})
    wrong = [c.ref for c in controls if c.responsibility == Responsibility.CUSTOMER]
    if wrong:
        raise ValidationError(
            {"controls": "Only inherited and shared controls: " + ", ".join(sorted(wrong))}
        )
    cleaned_cuecs = _clean_cuecs(cuecs)
    if upload is not None:
        upload_check(upload)
    stored = stored_file_put(upload=upload) if upload is not None else None
    attestation = ProviderAttestation.objects.create(
        kind=kind,
        name=name.strip(),
        issuer=issuer.strip(),
        period_start=period_start,
        period_end=period_end,
        scope=scope.strip(),
        stored_file=stored.stored_file if stored else None,
        filename=stored.filename if stored else "",
        cuecs=cleaned_cuecs,
        catalog_attestation=catalog_attestation,
        uploaded_by=uploaded_by,
    )
    attestation.controls.set(controls)
    return attestation


@transaction.atomic
def provider_attestation_review(
    *, attestation: ProviderAttestation, reviewer: Any, decision: str, comment: str = ""
) -> ProviderAttestation:
    if not may_review(reviewer):
        raise PermissionDenied("Only compliance managers and administrators review evidence.")
    attestation = ProviderAttestation.objects.select_for_update().get(pk=attestation.pk)
    if attestation.uploaded_by_id == reviewer.pk:
        raise ValidationError(
            "Separation of duties: you cannot review an attestation you uploaded yourself."
        )
    if attestation.status != ReviewStatus.PENDING:
        raise ValidationError(f"This attestation was already {attestation.status}.")
    if decision not in (ReviewStatus.APPROVED, ReviewStatus.REJECTED):
        raise ValidationError({"decision": "Approve or reject."})
    if decision == ReviewStatus.REJECTED and not comment.strip():
        raise ValidationError({"comment": "Say why the attestation is rejected."})
    attestation.status = decision
    attestation.reviewed_by = reviewer
    attestation.reviewed_at = timezone.now()
    attestation.review_comment = comment.strip()
    attestation.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    return attestation
