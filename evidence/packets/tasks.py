"""Celery tasks of evidence packets."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction


def packet_build_enqueue(packet_id: int) -> None:
    """Send the build task once the transaction that wrote the packet commits."""
    transaction.on_commit(lambda: packet_build_task.delay(packet_id))


@shared_task
def packet_build_task(packet_id: int) -> str:
    from evidence.packets.services.packets import packet_build  # lazy: the PDF renderer is heavy

    return packet_build(packet_id).status
