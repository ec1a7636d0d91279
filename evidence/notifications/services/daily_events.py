"""Events found by looking at the calendar: evidence due or overdue or rejected, exceptions and
provider attestations expiring or expired, failed runs and ready packets (a sweep)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from evidence.collection.models import CollectionRun
from evidence.exceptions.models import RiskException
from evidence.manual.models import EvidenceSubmission, ProviderAttestation, ReviewStatus
from evidence.manual.selectors.requests import OVERDUE, SUBMITTED, all_request_rows
from evidence.notifications.conf import setting
from evidence.notifications.models import EventKind, Severity
from evidence.notifications.services.events import EventSpec
from evidence.notifications.services.run_events import run_events_collect
from evidence.packets.models import EvidencePacket

# Expired items and rejections older than this are history, not news (e.g. on first install).
RECENT = dt.timedelta(days=7)


def _evidence_specs(today: dt.date) -> list[EventSpec]:
    horizon = today + dt.timedelta(days=setting("GRC_NOTIFY_DUE_DAYS"))
    specs = []
    for row in all_request_rows(today=today):
        request = row.request
        if row.next_due is None or row.status == SUBMITTED:
            continue
        if row.status == OVERDUE:
            kind, severity, verb = EventKind.EVIDENCE_OVERDUE, Severity.MEDIUM, "is overdue"
        elif row.next_due <= horizon:
            kind, severity, verb = EventKind.EVIDENCE_DUE, Severity.LOW, "is due"
        else:
            continue
        specs.append(
            EventSpec(
                key=f"{kind}:{request.pk}:{row.next_due.isoformat()}",
                kind=kind,
                severity=severity,
                title=f"Evidence {request.title!s} for {request.control.ref} {verb} "
                f"({row.next_due.isoformat()})",
                control_id=request.control_id,
                data={
                    "request_id": request.pk,
                    "request_title": request.title,
                    "control_ref": request.control.ref,
                    "due": row.next_due.isoformat(),
                    "owner": request.owner.get_username() if request.owner else None,
                },
            )
        )
    return specs


def _rejected_specs(today: dt.date) -> list[EventSpec]:
    since = timezone.now() - RECENT
    rejected = EvidenceSubmission.objects.filter(
        status=ReviewStatus.REJECTED, review__reviewed_at__gte=since
    ).select_related("request__control", "review")
    return [
        EventSpec(
            key=f"{EventKind.EVIDENCE_REJECTED}:{s.pk}",
            kind=EventKind.EVIDENCE_REJECTED,
            severity=Severity.MEDIUM,
            title=f"Evidence for {s.request.control.ref} ({s.request.title}) was rejected",
            control_id=s.request.control_id,
            occurred_at=s.review.reviewed_at,
            data={
                "submission_id": s.pk,
                "request_id": s.request_id,
                "control_ref": s.request.control.ref,
                "comment": s.review.comment,
            },
        )
        for s in rejected
    ]


def _ending_kind(end: dt.date, today: dt.date, expiring: str, expired: str) -> str | None:
    horizon = today + dt.timedelta(days=setting("GRC_NOTIFY_EXPIRING_DAYS"))
    if end < today:
        return expired if end >= today - RECENT else None
    return expiring if end <= horizon else None


def _exception_specs(today: dt.date) -> list[EventSpec]:
    specs = []
    rows = RiskException.objects.filter(state=RiskException.State.APPROVED).select_related(
        "account"
    )
    for exception in rows.filter(ends_on__gte=today - RECENT):
        kind = _ending_kind(
            exception.ends_on, today, EventKind.EXCEPTION_EXPIRING, EventKind.EXCEPTION_EXPIRED
        )
        if kind is None:
            continue
        expired = kind == EventKind.EXCEPTION_EXPIRED
        specs.append(
            EventSpec(
                key=f"{kind}:{exception.pk}:{exception.ends_on.isoformat()}",
                kind=kind,
                severity=Severity.HIGH if expired else Severity.MEDIUM,
                title=f"Exception for {exception.check_id} "
                f"{'expired' if expired else 'ends'} on {exception.ends_on.isoformat()}",
                account_id=exception.account_id,
                data={
                    "exception_id": exception.pk,
                    "check_id": exception.check_id,
                    "scope": exception.scope,
                    "scope_value": exception.scope_value,
                    "ends_on": exception.ends_on.isoformat(),
                },
            )
        )
    return specs


def _attestation_specs(today: dt.date) -> list[EventSpec]:
    specs = []
    rows = ProviderAttestation.objects.filter(
        status=ReviewStatus.APPROVED, period_end__gte=today - RECENT
    )
    for attestation in rows:
        kind = _ending_kind(
            attestation.period_end,
            today,
            EventKind.ATTESTATION_EXPIRING,
            EventKind.ATTESTATION_EXPIRED,
        )
        if kind is None:
            continue
        expired = kind == EventKind.ATTESTATION_EXPIRED
        specs.append(
            EventSpec(
                key=f"{kind}:{attestation.pk}:{attestation.period_end.isoformat()}",
                kind=kind,
                severity=Severity.HIGH if expired else Severity.MEDIUM,
                title=f"{attestation.name} ({attestation.issuer}) "
                f"{'no longer covers' if expired else 'stops covering'} after "
                f"{attestation.period_end.isoformat()}",
                data={
                    "attestation_id": attestation.pk,
                    "name": attestation.name,
                    "issuer": attestation.issuer,
                    "period_end": attestation.period_end.isoformat(),
                },
            )
        )
    return specs


def daily_events_collect(*, today: dt.date) -> list[EventSpec]:
    return [
        *_evidence_specs(today),
        *_rejected_specs(today),
        *_exception_specs(today),
        *_attestation_specs(today),
    ]


def sweep_events_collect(*, since: dt.datetime) -> list[EventSpec]:
    """Failed runs (no finish hook follows them) and packets that became ready since ``since``."""
    specs: list[EventSpec] = []
    failed = CollectionRun.objects.filter(
        status=CollectionRun.Status.FAILED, finished_at__gte=since
    ).values_list("pk", flat=True)
    for run_id in failed:
        specs.extend(run_events_collect(run_id=run_id) or [])
    packets = EvidencePacket.objects.filter(
        status=EvidencePacket.Status.READY, finished_at__gte=since
    ).select_related("framework")
    specs.extend(
        EventSpec(
            key=f"{EventKind.PACKET_READY}:{packet.pk}",
            kind=EventKind.PACKET_READY,
            severity=Severity.LOW,
            title=f"Evidence packet {packet.framework.name} "
            f"{packet.period_start.isoformat()}..{packet.period_end.isoformat()} is ready",
            framework_id=packet.framework_id,
            occurred_at=packet.finished_at,
            data={"packet_id": packet.pk, "sha256": packet.sha256, "size": packet.size},
        )
        for packet in packets
    )
    return specs
