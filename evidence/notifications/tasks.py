"""Celery tasks of notifications: producers, deliveries with back-off, the digest. One call deep.

``notification_run_finished_task`` is listed in ``GRC_RUN_FINISHED_TASKS``; it needs the posture
rollup of the run and tries again later while that is not written yet.
"""

from __future__ import annotations

import datetime as dt
from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError, transaction
from django.utils import timezone

from evidence.notifications.conf import setting
from evidence.notifications.models import Delivery
from evidence.notifications.services.daily_events import (
    daily_events_collect,
    sweep_events_collect,
)
from evidence.notifications.services.email import digest_send, email_delivery_send
from evidence.notifications.services.events import events_record_and_fan_out
from evidence.notifications.services.run_events import run_events_collect
from evidence.notifications.services.webhooks import webhook_delivery_attempt

RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}
ROLLUP_WAIT_SECONDS = 15
ROLLUP_WAIT_TRIES = 8
SWEEP_LOOKBACK = dt.timedelta(days=2)


def deliveries_send(delivery_ids: list[int]) -> None:
    """Send each delivery's task once the transaction that wrote it commits."""
    for delivery_id in delivery_ids:
        transaction.on_commit(lambda pk=delivery_id: notification_delivery_task.delay(pk))


def backoff_seconds(retries: int) -> int:
    return setting("GRC_WEBHOOK_BACKOFF_SECONDS") * 2**retries


@shared_task(bind=True, max_retries=ROLLUP_WAIT_TRIES)
def notification_run_finished_task(self, run_id: int) -> int:
    specs = run_events_collect(
        run_id=run_id, require_rollup=self.request.retries < self.max_retries
    )
    if specs is None:
        raise self.retry(countdown=ROLLUP_WAIT_SECONDS)
    with transaction.atomic():
        delivery_ids = events_record_and_fan_out(specs)
        deliveries_send(delivery_ids)
    return len(delivery_ids)


@shared_task(**RETRY)
def notification_daily_task() -> int:
    with transaction.atomic():
        delivery_ids = events_record_and_fan_out(daily_events_collect(today=timezone.localdate()))
        deliveries_send(delivery_ids)
    return len(delivery_ids)


@shared_task(**RETRY)
def notification_sweep_task() -> int:
    with transaction.atomic():
        specs = sweep_events_collect(since=timezone.now() - SWEEP_LOOKBACK)
        delivery_ids = events_record_and_fan_out(specs)
        deliveries_send(delivery_ids)
    return len(delivery_ids)


@shared_task(bind=True, max_retries=None, acks_late=True)
def notification_delivery_task(self, delivery_id: int) -> str:
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery_id)
    if delivery.subscription.webhook_id is None:
        try:
            email_delivery_send(delivery_id=delivery_id)
        except (OSError, SMTPException) as error:  # the mail server is down or refused: later
            if self.request.retries + 1 >= setting("GRC_WEBHOOK_MAX_ATTEMPTS"):
                raise
            raise self.retry(countdown=backoff_seconds(self.request.retries), exc=error) from None
        return "email"
    last_try = self.request.retries + 1 >= setting("GRC_WEBHOOK_MAX_ATTEMPTS")
    outcome = webhook_delivery_attempt(delivery_id=delivery_id, last_try=last_try)
    if not outcome.final:
        raise self.retry(countdown=backoff_seconds(self.request.retries))
    return "delivered" if outcome.ok else "failed"


@shared_task(**RETRY)
def notification_digest_task() -> int:
    return digest_send(day=timezone.localdate() - dt.timedelta(days=1))
