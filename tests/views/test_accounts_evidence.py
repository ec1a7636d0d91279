"""Accounts (register, schedule, collect now, runs) and the evidence document page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.collection.models import AwsAccount, CollectionRun
from tests.factories import CheckResultFactory, CollectionRunFactory, EvidenceDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr("evidence.collection.tasks.collection_run_task.delay", calls.append)
    return calls


def test_account_pages_never_show_the_external_id(dashboard, manager_client):
    CollectionRunFactory(account=dashboard.accounts[0])
    for url in (
        reverse("account-list"),
        reverse("account-detail", args=["111111111111"]),
        reverse("overview"),
    ):
        body = manager_client.get(url).content.decode()
        assert "111111111111" in body
        assert "external-secret" not in body


def test_collect_now_queues_a_manual_run(
    dashboard, manager_client, manager, queued, django_capture_on_commit_callbacks
):
    url = reverse("account-collect", args=["111111111111"])

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url, follow=True)

    run = CollectionRun.objects.get()
    assert (run.trigger, run.requested_by, run.status) == ("manual", manager, "queued")
    assert queued == [run.pk]
    body = response.content.decode()
    assert f"Collection run {run.pk} queued" in body
    assert 'hx-trigger="every 3s"' in body  # the runs table polls while it is active


def test_collect_now_while_running_says_so(dashboard, manager_client, queued):
    active = CollectionRunFactory(account=dashboard.accounts[0], status="running")

    response = manager_client.post(reverse("account-collect", args=["111111111111"]), follow=True)

    assert CollectionRun.objects.count() == 1
    assert f"already running (run {active.pk})" in response.content.decode()


def test_manager_sets_the_schedule(dashboard, manager_client):
    response = manager_client.post(
        reverse("account-schedule", args=["111111111111"]), {"every_hours": "6"}, follow=True
    )

    account = AwsAccount.objects.get(account_id="111111111111")
    assert account.schedule.interval.every == 6
    assert "every 6 hours" in response.content.decode()
    manager_client.post(reverse("account-schedule", args=["111111111111"]), {"every_hours": "0"})
    assert AwsAccount.objects.get(pk=account.pk).schedule.interval.every == 6


def test_register_account(dashboard, manager_client, manager):
    response = manager_client.post(
        reverse("account-register"),
        {
            "name": "Data",
            "account_id": "333333333333",
            "role_arn": "arn:aws:iam::333333333333:role/GrcEvidenceReader",
            "external_id": "s3cr3t-ext",
            "regions": "us-east-1, eu-west-1",
            "schedule_hours": "12",
        },
    )

    assert response.status_code == 302
    account = AwsAccount.objects.get(account_id="333333333333")
    assert (account.regions, account.owner, account.schedule.interval.every) == (
        ["us-east-1", "eu-west-1"],
        manager,
        12,
    )
    assert "s3cr3t-ext" not in manager_client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"account_id": "12345"}, "account_id", "exactly 12 digits"),
        ({"role_arn": "arn:aws:iam::333333333333:user/x"}, "role_arn", "IAM role ARN"),
        ({"role_arn": "arn:aws:iam::444444444444:role/R"}, "role_arn", "belong to this account"),
        ({"regions": "us-east-1 mars-north-9x"}, "regions", "Not AWS region names"),
        (
            {"account_id": "111111111111", "role_arn": "arn:aws:iam::111111111111:role/R"},
            None,
            "already exists",
        ),
    ],
)
def test_register_account_errors_are_shown_by_field(
    dashboard, manager_client, changes, field, message
):
    data = {
        "name": "Data",
        "account_id": "333333333333",
        "role_arn": "arn:aws:iam::333333333333:role/R",
        "external_id": "secret-value",
        "regions": "",
        "schedule_hours": "24",
        **changes,
    }

    response = manager_client.post(reverse("account-register"), data)

    assert response.status_code == 400
    form = response.context["form"]
    errors = (
        " ".join(form.errors.get(field, []))
        if field
        else " ".join(" ".join(e) for e in form.errors.values())
    )
    assert message in errors
    assert "secret-value" not in response.content.decode()  # never echoed back
    assert AwsAccount.objects.count() == 2


def test_runs_show_progress_counts_and_errors(dashboard, auditor_client):
    account = dashboard.accounts[0]
    CollectionRunFactory(
        account=account,
        status="finished_with_errors",
        pass_count=40,
        fail_count=7,
        error_count=1,
        errors=[{"service": "ssm", "region": "us-east-1", "reason": "AccessDenied"}],
    )
    CollectionRunFactory(
        account=account, status="running", units_total=8, units_done=3, finished_at=None
    )

    body = auditor_client.get(reverse("account-detail", args=["111111111111"])).content.decode()

    assert '<progress value="3" max="8">' in body
    assert "3/8 units" in body
    assert ">40<" in body and ">7<" in body
    assert "AccessDenied" in body and "ssm/us-east-1" in body
    partial = auditor_client.get(reverse("account-runs", args=["111111111111"]))
    assert 'hx-trigger="every 3s"' in partial.content.decode()


def test_evidence_page_pretty_prints_escapes_and_dates(dashboard, auditor_client):
    document = EvidenceDocumentFactory(
        content={
            "configuration": {"Description": "<img src=x onerror=alert(1)>", "Port": 22},
            "sources": [
                {"service": "ec2", "operation": "DescribeSecurityGroups", "params": {"a": 1}}
            ],
        }
    )
    account = dashboard.accounts[0]
    first = timezone.now() - dt.timedelta(days=3)
    for offset in (3, 1, 0):
        run = CollectionRunFactory(account=account)
        CheckResultFactory(
            run=run,
            evidence=document,
            collected_at=timezone.now() - dt.timedelta(days=offset),
        )

    response = auditor_client.get(reverse("evidence-detail", args=[document.sha256]))

    body = response.content.decode()
    assert "&quot;Description&quot;: &quot;&lt;img src=x onerror=alert(1)&gt;&quot;,\n" in body
    assert "<img src=x" not in body
    assert "DescribeSecurityGroups" in body and "{&quot;a&quot;: 1}" in body
    view = response.context["evidence"]
    assert abs((view.first_seen - first).total_seconds()) < 5
    assert view.last_seen > view.first_seen
    assert response.context["citations"].paginator.count == 3


def test_evidence_citations_are_paginated(dashboard, auditor_client):
    document = EvidenceDocumentFactory()
    run = CollectionRunFactory(account=dashboard.accounts[0])
    for _ in range(55):
        CheckResultFactory(run=run, evidence=document)
    url = reverse("evidence-detail", args=[document.sha256])

    first = auditor_client.get(url).context["citations"]
    second = auditor_client.get(url, {"page": 2}).context["citations"]

    assert (len(first), len(second), first.paginator.num_pages) == (50, 5, 2)
    assert auditor_client.get(reverse("evidence-detail", args=["0" * 64])).status_code == 404
