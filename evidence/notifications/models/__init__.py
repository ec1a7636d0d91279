from evidence.notifications.models.deliveries import Delivery, DeliveryAttempt
from evidence.notifications.models.events import SEVERITY_RANK, Event, EventKind, Severity
from evidence.notifications.models.subscriptions import Subscription, Webhook

__all__ = [
    "SEVERITY_RANK",
    "Delivery",
    "DeliveryAttempt",
    "Event",
    "EventKind",
    "Severity",
    "Subscription",
    "Webhook",
]
