"""Celery tasks of manual evidence."""

from __future__ import annotations

from celery import shared_task

from evidence.manual.services.reminders import evidence_reminders_send


@shared_task
def evidence_reminders_send_task() -> int:
    return evidence_reminders_send()
