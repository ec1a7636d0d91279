"""Subscriptions and the test event. Validation lives here, for the forms and the API alike."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError

from evidence.notifications.models import (
    Delivery,
    Event,
    EventKind,
    Severity,
    Subscription,
    Webhook,
)
from evidence.notifications.services.events import EventSpec, event_record
from grc.access.roles import can_administer, can_view


def subscription_create(
    *,
    created_by: Any,
    user: Any = None,
    webhook: Webhook | None = None,
    event_kinds: list[str] | None = None,
    account: Any = None,
    framework: Any = None,
    control: Any = None,
    min_severity: str = Severity.LOW,
    digest: bool = False,
) -> Subscription:
    """A user subscribes themself by email; only an administrator subscribes a webhook."""
    if (user is None) == (webhook is None):
        raise ValidationError("A subscription is either an email (user) or a webhook.")
    if webhook is not None and not can_administer(created_by):
        raise ValidationError("Only an administrator manages webhook subscriptions.")
    if user is not None and user.pk != created_by.pk:
        raise ValidationError("Email subscriptions are for yourself.")
    if user is not None and not (user.email and can_view(user)):
        raise ValidationError("Email subscriptions need an email address and a role.")
    if webhook is not None and digest:
        raise ValidationError({"digest": "Digests are for email subscriptions."})
    kinds = list(dict.fromkeys(event_kinds or []))
    unknown = sorted(set(kinds) - set(EventKind.values))
    if unknown:
        raise ValidationError({"event_kinds": f"Unknown event types: {', '.join(unknown)}"})
    if min_severity not in Severity.values:
        raise ValidationError({"min_severity": "Unknown severity."})
    return Subscription.objects.create(
        user=user,
        webhook=webhook,
        event_kinds=kinds,
        account=account,
        framework=framework,
        control=control,
        min_severity=min_severity,
        digest=digest,
    )


def subscription_deactivate(*, subscription: Subscription) -> Subscription:
    subscription.active = False
    subscription.save(update_fields=["active"])
    return subscription


def webhook_test_event(*, webhook: Webhook, requested_by: Any) -> Delivery:
    """A test event addressed to this webhook only; the caller sends the returned delivery."""
    event, _ = event_record(
        EventSpec(
            key=f"{EventKind.TEST}:{uuid.uuid4()}",
            kind=EventKind.TEST,
            severity=Severity.LOW,
            title=f"Test event for {webhook.name}",
            data={"requested_by": requested_by.get_username()},
        )
    )
    # Not fanned out: a hidden, inactive subscription carries test deliveries of this webhook.
    subscription, _ = Subscription.objects.get_or_create(
        webhook=webhook, event_kinds=[EventKind.TEST], active=False
    )
    return Delivery.objects.create(event=event, subscription=subscription)


__all__ = ["Event", "subscription_create", "subscription_deactivate", "webhook_test_event"]
