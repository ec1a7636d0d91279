"""Recording events (once per key) and fanning them out to matching subscriptions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from evidence.notifications.models import SEVERITY_RANK, Delivery, Event, Subscription
from grc.access.roles import can_view
from grc.catalog.models import ControlMapping


@dataclass(frozen=True)
class EventSpec:
    """What a producer found; ``key`` identifies it across redeliveries and reruns."""

    key: str
    kind: str
    severity: str
    title: str
    account_id: int | None = None
    control_id: int | None = None
    framework_id: int | None = None
    run_id: int | None = None
    data: dict[str, Any] | None = None
    occurred_at: dt.datetime | None = None


def event_record(spec: EventSpec) -> tuple[Event, bool]:
    """The event with this key: written now (True) or found from an earlier call (False)."""
    existing = Event.objects.filter(key=spec.key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            event = Event.objects.create(
                key=spec.key,
                kind=spec.kind,
                severity=spec.severity,
                title=spec.title[:500],
                account_id=spec.account_id,
                control_id=spec.control_id,
                framework_id=spec.framework_id,
                run_id=spec.run_id,
                data=spec.data or {},
                occurred_at=spec.occurred_at or timezone.now(),
            )
    except IntegrityError:  # a concurrent producer wrote the same key first
        return Event.objects.get(key=spec.key), False
    return event, True


def _frameworks_of(event: Event) -> set[int]:
    if event.framework_id:
        return {event.framework_id}
    if not event.control_id:
        return set()
    return set(
        ControlMapping.objects.filter(control_id=event.control_id).values_list(
            "criterion__framework_id", flat=True
        )
    )


def subscription_matches(subscription: Subscription, event: Event, frameworks: set[int]) -> bool:
    if subscription.event_kinds and event.kind not in subscription.event_kinds:
        return False
    if subscription.account_id and subscription.account_id != event.account_id:
        return False
    if subscription.control_id and subscription.control_id != event.control_id:
        return False
    if subscription.framework_id and subscription.framework_id not in frameworks:
        return False
    return SEVERITY_RANK[event.severity] >= SEVERITY_RANK[subscription.min_severity]


def _deliverable(subscription: Subscription) -> bool:
    if subscription.webhook_id:
        return subscription.webhook.enabled
    user = subscription.user
    return bool(user.email) and can_view(user)


def event_fan_out(event: Event, subscriptions: list[Subscription] | None = None) -> list[int]:
    """Write one delivery per matching subscription; return the ids to send now.

    A delivery already written for the pair is left alone, so a second call sends nothing.
    Digest subscriptions get a row in state ``digest`` that the daily digest sends.
    """
    if subscriptions is None:
        subscriptions = list(
            Subscription.objects.filter(active=True).select_related("webhook", "user")
        )
    frameworks = _frameworks_of(event)
    to_send: list[int] = []
    for subscription in subscriptions:
        if not subscription_matches(subscription, event, frameworks):
            continue
        if not _deliverable(subscription):
            continue
        status = Delivery.Status.DIGEST if subscription.digest else Delivery.Status.PENDING
        delivery, created = Delivery.objects.get_or_create(
            event=event, subscription=subscription, defaults={"status": status}
        )
        if created and status == Delivery.Status.PENDING:
            to_send.append(delivery.pk)
    return to_send


def events_record_and_fan_out(specs: list[EventSpec]) -> list[int]:
    """Record each event; fan out only the new ones. Returns delivery ids to send."""
    subscriptions = list(Subscription.objects.filter(active=True).select_related("webhook", "user"))
    to_send: list[int] = []
    for spec in specs:
        event, created = event_record(spec)
        if created:
            to_send.extend(event_fan_out(event, subscriptions))
    return to_send
