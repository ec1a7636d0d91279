"""The daily producer: evidence due / overdue, exceptions and attestations ending; the sweep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from evidence.exceptions.models import RiskException
from evidence.manual.models import EvidenceRequest, ProviderAttestation, ReviewStatus
from evidence.notifications.models import Event, EventKind
from evidence.notifications.services.daily_events import (
    daily_events_collect,
    sweep_events_collect,
)
from evidence.notifications.services.events import events_record_and_fan_out
from evidence.notifications.services.subscriptions import subscription_create
from evidence.notifications.tasks import notification_daily_task
from evidence.packets.models import EvidencePacket
from tests.factories import (
    AwsAccountFactory,
    CollectionRunFactory,
    ControlFactory,
    FrameworkFactory,
)

pytestmark = pytest.mark.django_db


def _request(title: str, first_due: dt.date, owner) -> EvidenceRequest:
    return EvidenceRequest.objects.create(
        control=ControlFactory(),
        title=title,
        frequency="quarterly",
        owner=owner,
        first_due_date=first_due,
    )


def _exception(ends_on: dt.date, user) -> RiskException:
    return RiskException.objects.create(
        check_id="s3_bucket_not_public",
        scope="account",
        account=AwsAccountFactory(),
        justification="static site",
        risk_rating="low",
        ends_on=ends_on,
        state=RiskException.State.APPROVED,
        requested_by=user,
        decided_at=timezone.now(),
    )


def _attestation(period_end: dt.date, user) -> ProviderAttestation:
    return ProviderAttestation.objects.create(
        kind=ProviderAttestation.Kind.choices[0][0],
        name="AWS SOC 2 Type II",
        issuer="AWS",
        period_start=period_end - dt.timedelta(days=365),
        period_end=period_end,
        uploaded_by=user,
        status=ReviewStatus.APPROVED,
    )


def test_daily_events_are_recorded_once(manager, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    _request("Access review", today + dt.timedelta(days=3), manager)
    _request("Restore test", today - dt.timedelta(days=2), manager)
    _request("Far away", today + dt.timedelta(days=90), manager)
    _exception(today + dt.timedelta(days=5), manager)
    _exception(today - dt.timedelta(days=1), manager)
    _exception(today - dt.timedelta(days=60), manager)  # long gone: history, not news
    _attestation(today + dt.timedelta(days=10), manager)
    subscription_create(created_by=manager, user=manager, digest=True)

    kinds = sorted(s.kind for s in daily_events_collect(today=today))

    assert kinds == sorted(
        [
            EventKind.EVIDENCE_DUE,
            EventKind.EVIDENCE_OVERDUE,
            EventKind.EXCEPTION_EXPIRING,
            EventKind.EXCEPTION_EXPIRED,
            EventKind.ATTESTATION_EXPIRING,
        ]
    )
    with django_capture_on_commit_callbacks(execute=False):
        notification_daily_task.apply()
        notification_daily_task.apply()
    assert Event.objects.count() == 5
    assert manager.notification_subscriptions.get().deliveries.count() == 5


def test_sweep_finds_failed_runs_and_ready_packets(manager):
    run = CollectionRunFactory(status="failed", errors=[{"service": "ec2", "reason": "boom"}])
    packet = EvidencePacket.objects.create(
        framework=FrameworkFactory(),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        status=EvidencePacket.Status.READY,
        finished_at=timezone.now(),
    )
    since = timezone.now() - dt.timedelta(days=2)
    specs = sweep_events_collect(since=since)
    assert {(s.kind, s.run_id or s.data.get("packet_id")) for s in specs} == {
        (EventKind.RUN_FAILED, run.pk),
        (EventKind.PACKET_READY, packet.pk),
    }
    events_record_and_fan_out(specs)
    events_record_and_fan_out(sweep_events_collect(since=since))
    assert Event.objects.count() == 2
