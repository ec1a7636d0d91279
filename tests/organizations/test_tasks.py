"""The daily sync is a beat row naming a real task; the task fans out one sync per organization."""

from __future__ import annotations

import pytest
from celery import current_app
from django_celery_beat.models import PeriodicTask

from evidence.organizations import tasks
from evidence.organizations.models import Organization, OrganizationSync
from evidence.organizations.services.organizations import organization_create

pytestmark = pytest.mark.django_db


def test_daily_sync_row_names_a_registered_task() -> None:
    row = PeriodicTask.objects.get(name="Sync AWS organizations (daily)")

    assert row.enabled
    assert row.interval.every == 24 and row.interval.period == "hours"
    assert row.task in current_app.tasks
    assert current_app.tasks[row.task].name == tasks.organizations_sync_all_task.name


def test_sync_all_sends_one_task_per_organization(
    organization: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = organization_create(
        name="Other",
        account_id="210987654321",
        role_arn="arn:aws:iam::210987654321:role/GrcOrgReader",
        external_id="management-2",
        member_external_id="member-2",
    )
    sent: list[int] = []
    monkeypatch.setattr(tasks.organization_sync_task, "delay", sent.append)

    assert tasks.organizations_sync_all_task() == 2
    assert sorted(sent) == sorted([organization.pk, other.pk])


def test_sync_task_records_a_failed_sync_when_the_role_cannot_be_assumed(
    organization: Organization, aws_env: None
) -> None:
    from moto import mock_aws

    organization.role_arn = "arn:aws:iam::123456789012:role/Missing"
    organization.save()
    with mock_aws():
        # moto lets any role be assumed; the tree read then fails: not in an organization.
        status = tasks.organization_sync_task(organization.pk)

    assert status == OrganizationSync.Status.FAILED
    assert OrganizationSync.objects.get().error.startswith("could not read the organization")
