"""Reads for the notification pages and API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from evidence.notifications.models import (
    Delivery,
    DeliveryAttempt,
    Event,
    EventKind,
    Subscription,
    Webhook,
)
from grc.access.roles import can_administer, can_view


def subscriptions_visible(user: Any) -> QuerySet[Subscription]:
    """A user's own email subscriptions; an administrator also sees every webhook's."""
    rows = Subscription.objects.select_related(
        "user", "webhook", "account", "framework", "control"
    ).filter(active=True)
    if can_administer(user):
        return rows.filter(user=user) | rows.filter(webhook__isnull=False)
    return rows.filter(user=user)


def webhooks_list() -> QuerySet[Webhook]:
    return Webhook.objects.select_related("created_by")


def webhook_delivery_log(*, webhook_id: int, limit: int = 200) -> QuerySet[DeliveryAttempt]:
    return (
        DeliveryAttempt.objects.filter(delivery__subscription__webhook_id=webhook_id)
        .select_related("delivery__event")
        .order_by("-attempted_at", "-id")[:limit]
    )


def deliveries_visible(user: Any) -> QuerySet[Delivery]:
    rows = Delivery.objects.select_related("event", "subscription__webhook")
    if can_administer(user):
        return rows
    return rows.filter(subscription__user=user)


def events_recent(user: Any) -> QuerySet[Event]:
    if not can_view(user):
        return Event.objects.none()
    return Event.objects.select_related("account", "control", "framework").exclude(
        kind=EventKind.TEST
    )
