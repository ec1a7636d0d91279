"""Email: one message per event, or one daily digest per subscription; each carries an
unsubscribe link (a signed token naming the subscription)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from evidence.notifications.models import Delivery, Event, Subscription
from evidence.notifications.services.payloads import event_link

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps({"subscription": subscription.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(subscription: Subscription) -> str:
    path = reverse("notifications:unsubscribe", args=[unsubscribe_token(subscription)])
    return settings.GRC_BASE_URL.rstrip("/") + path


def subscription_unsubscribe(*, token: str) -> Subscription | None:
    """Deactivate the subscription a valid token names; None for a bad or forged token."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    subscription = Subscription.objects.filter(pk=value.get("subscription")).first()
    if subscription is not None and subscription.active:
        subscription.active = False
        subscription.save(update_fields=["active"])
    return subscription


def _send(subscription: Subscription, subject: str, template: str, context: dict) -> None:
    unsubscribe = unsubscribe_url(subscription)
    context = {**context, "unsubscribe_url": unsubscribe, "subscription": subscription}
    # Subjects are single lines: a CR/LF from AWS data must not start a new header.
    subject = " ".join(subject.split())[:200]
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"notifications/email/{template}.txt", context),
        to=[subscription.user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
    )
    message.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html"
    )
    message.send()


def _items(events: Iterable[Event]) -> list[dict]:
    return [{"event": event, "link": event_link(event)} for event in events]


def email_delivery_send(*, delivery_id: int) -> bool:
    delivery = Delivery.objects.select_related("event", "subscription__user").get(pk=delivery_id)
    if delivery.status != Delivery.Status.PENDING:
        return False
    event = delivery.event
    _send(
        delivery.subscription,
        f"[GRC {event.severity}] {event.title}",
        "event",
        {"items": _items([event])},
    )
    delivery.status, delivery.delivered_at = Delivery.Status.DELIVERED, timezone.now()
    delivery.attempts += 1
    delivery.save(update_fields=["status", "delivered_at", "attempts"])
    return True


def digest_send(*, day: dt.date) -> int:
    """One email per digest subscription with the events waiting up to the end of ``day``,
    grouped by type. Returns the number of emails sent."""
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    waiting = (
        Delivery.objects.filter(
            status=Delivery.Status.DIGEST,
            event__occurred_at__lt=end,
            subscription__active=True,
        )
        .select_related("event__account", "event__control", "subscription__user")
        .order_by("subscription_id", "event__kind", "event__occurred_at", "pk")
    )
    per_subscription: dict[int, list[Delivery]] = {}
    for delivery in waiting:
        per_subscription.setdefault(delivery.subscription_id, []).append(delivery)
    sent = 0
    for deliveries in per_subscription.values():
        subscription = deliveries[0].subscription
        groups: dict[str, list[dict]] = {}
        for delivery in deliveries:
            label = delivery.event.get_kind_display()
            groups.setdefault(label, []).extend(_items([delivery.event]))
        _send(
            subscription,
            f"[GRC] Daily digest for {day.isoformat()}: {len(deliveries)} events",
            "digest",
            {"groups": groups, "day": day, "count": len(deliveries)},
        )
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
            status=Delivery.Status.DELIVERED, delivered_at=timezone.now(), attempts=1
        )
        sent += 1
    return sent
