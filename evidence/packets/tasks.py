"""Celery tasks of evidence packets: build, and the sweeper that re-sends or ends lost builds."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction

from evidence.collection.tasks import BROKER_ERRORS, TaskNotQueued, broker_error_reason
from evidence.packets.selectors.packets import packets_unstarted
from evidence.packets.services.packets import packet_not_queued, packets_reap

logger = logging.getLogger(__name__)


def packet_build_enqueue(packet_id: int) -> None:
    """Send the build task once the transaction that wrote the packet commits.

    If the broker is down the packet is failed at once with the reason and TaskNotQueued is
    raised for the caller to report: no packet waits forever for a build nobody will run.
    """

    def send() -> None:
        try:
            packet_build_task.delay(packet_id)
        except BROKER_ERRORS as exc:
            reason = broker_error_reason(exc)
            packet_not_queued(packet_id, reason=reason)
            raise TaskNotQueued(reason) from exc

    transaction.on_commit(send)


@shared_task
def packet_build_task(packet_id: int) -> str:
    from evidence.packets.services.packets import packet_build  # lazy: the PDF renderer is heavy

    return packet_build(packet_id).status


@shared_task
def packet_reap_task() -> list[int]:
    """Every minute: re-send queued builds no worker took; fail builds older than
    GRC_PACKET_STALE_SECONDS (still queued or building: their worker or message was lost)."""
    resend_after = dt.timedelta(seconds=settings.GRC_QUEUED_RESEND_SECONDS)
    for packet_id in packets_unstarted(older_than=resend_after):
        try:
            packet_build_task.delay(packet_id)
        except BROKER_ERRORS as exc:
            logger.warning("packet %s not re-sent, broker unavailable: %r", packet_id, exc)
            break
    return packets_reap(older_than=dt.timedelta(seconds=settings.GRC_PACKET_STALE_SECONDS))
