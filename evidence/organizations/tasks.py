"""Celery tasks of organizations: thin wrappers over the sync service."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError, transaction

from evidence.organizations.models import Organization
from evidence.organizations.services.connections import organization_connections_test
from evidence.organizations.services.sync import organization_sync

RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


def organization_sync_enqueue(organization_id: int) -> None:
    """Send the sync once the transaction that asked for it commits."""
    transaction.on_commit(lambda: organization_sync_task.delay(organization_id))


def organization_connections_test_enqueue(organization_id: int) -> None:
    transaction.on_commit(lambda: organization_connections_test_task.delay(organization_id))


@shared_task(**RETRY)
def organization_connections_test_task(organization_id: int) -> int:
    """Returns how many members failed."""
    errors = organization_connections_test(organization_id=organization_id)
    return sum(1 for error in errors.values() if error)


@shared_task(**RETRY)
def organization_sync_task(organization_id: int) -> str:
    return organization_sync(organization_id=organization_id).status


@shared_task
def organizations_sync_all_task() -> int:
    """The daily sync (a django-celery-beat row): one task per organization."""
    ids = list(Organization.objects.values_list("pk", flat=True))
    for organization_id in ids:
        organization_sync_task.delay(organization_id)
    return len(ids)
