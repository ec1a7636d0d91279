"""A status change becomes exactly one event and one delivery per matching subscription."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from evidence.notifications.models import Delivery, Event, EventKind, Severity
from evidence.notifications.services.events import events_record_and_fan_out
from evidence.notifications.services.run_events import run_events_collect
from evidence.notifications.services.subscriptions import subscription_create
from evidence.notifications.services.webhooks import webhook_create
from evidence.notifications.tasks import notification_run_finished_task
from tests.factories import (
    AwsAccountFactory,
    CheckResultFactory,
    CollectionRunFactory,
    ControlCheckFactory,
    ControlFactory,
    ControlStatusDailyFactory,
    ControlStatusEventFactory,
    ResourceFactory,
)

pytestmark = pytest.mark.django_db


def _rolled_up_run(account, control, previous: str, status: str):
    run = CollectionRunFactory(account=account)
    ControlStatusDailyFactory(account=account, control=control, status=status, run=run)
    ControlStatusEventFactory(
        account=account, control=control, previous_status=previous, status=status, run=run
    )
    return run


def _produce(run_id: int) -> list[int]:
    return events_record_and_fan_out(run_events_collect(run_id=run_id))


def test_status_change_gives_one_event_and_one_delivery_per_matching_subscription(
    admin_user, manager, auditor, receiver
):
    account, other = AwsAccountFactory(), AwsAccountFactory()
    control = ControlFactory(ref="IAM-01")
    webhook, _ = webhook_create(
        name="SIEM", url=receiver.url, preset="generic", created_by=admin_user
    )
    hook_sub = subscription_create(created_by=admin_user, webhook=webhook)
    mine = subscription_create(
        created_by=manager, user=manager, event_kinds=[EventKind.CONTROL_FAILING], control=control
    )
    subscription_create(created_by=auditor, user=auditor, account=other)  # another account
    subscription_create(
        created_by=admin_user, user=admin_user, min_severity=Severity.CRITICAL
    )  # control.failing is high: below the minimum
    run = _rolled_up_run(account, control, "pass", "fail")

    first = _produce(run.pk)
    again = _produce(run.pk)  # the run's finish hook redelivered

    event = Event.objects.get()
    assert (event.kind, event.severity, event.control, event.account) == (
        EventKind.CONTROL_FAILING,
        Severity.HIGH,
        control,
        account,
    )
    assert event.key.startswith("control.failing:")
    deliveries = Delivery.objects.filter(event=event)
    assert sorted(d.subscription_id for d in deliveries) == sorted([hook_sub.pk, mine.pk])
    assert sorted(first) == sorted(d.pk for d in deliveries)
    assert again == []


def test_recovery_is_an_event_and_other_transitions_are_not(manager):
    account, control = AwsAccountFactory(), ControlFactory()
    recovered = _rolled_up_run(account, control, "fail", "pass")
    incomplete = _rolled_up_run(account, ControlFactory(), "pass", "incomplete")
    assert [s.kind for s in run_events_collect(run_id=recovered.pk)] == [EventKind.CONTROL_PASSING]
    assert run_events_collect(run_id=incomplete.pk) == []


def test_producer_waits_for_the_rollup():
    run = CollectionRunFactory()
    assert run_events_collect(run_id=run.pk) is None
    # After its retries the task reports what it can (run outcome events) instead of waiting.
    assert run_events_collect(run_id=run.pk, require_rollup=False) == []


def test_task_retries_until_rollup_then_records(manager, monkeypatch):
    account, control = AwsAccountFactory(), ControlFactory()
    run = CollectionRunFactory(account=account)
    subscription_create(created_by=manager, user=manager)
    countdowns = []
    original = notification_run_finished_task.retry

    def retry(*args, **kwargs):
        countdowns.append(kwargs.get("countdown"))
        # the rollup lands while the task waits
        ControlStatusDailyFactory(account=account, control=control, status="fail", run=run)
        ControlStatusEventFactory(account=account, control=control, run=run)
        return original(*args, **kwargs)

    monkeypatch.setattr(notification_run_finished_task, "retry", retry)
    result = notification_run_finished_task.apply(args=[run.pk])
    assert result.successful(), result.traceback
    assert countdowns == [15]
    assert Event.objects.filter(run=run, kind=EventKind.CONTROL_FAILING).count() == 1


def test_new_high_finding_only_when_it_did_not_fail_before():
    account = AwsAccountFactory()
    ControlCheckFactory(check_id="s3_bucket_not_public", control=ControlFactory(ref="S3-1"))
    old = ResourceFactory(account=account, arn="arn:aws:s3:::old")
    new = ResourceFactory(account=account, arn="arn:aws:s3:::new")
    earlier = timezone.now() - dt.timedelta(days=1)
    previous = CollectionRunFactory(account=account, finished_at=earlier)
    run = CollectionRunFactory(account=account)
    ControlStatusDailyFactory(account=account, run=run)
    check = "s3_bucket_not_public"
    CheckResultFactory(run=previous, resource=old, check_id=check)
    CheckResultFactory(run=previous, resource=new, check_id=check, status="PASS")
    CheckResultFactory(run=run, resource=old, check_id=check)
    CheckResultFactory(run=run, resource=new, check_id=check)

    specs = run_events_collect(run_id=run.pk)

    assert [(s.kind, s.data["resource"]) for s in specs] == [
        (EventKind.FINDING_NEW, "arn:aws:s3:::new")
    ]
    assert specs[0].severity in ("high", "critical")
    assert specs[0].data["controls"] == ["S3-1"]


def test_failed_run_with_sts_error_is_run_failed_and_account_unassumable():
    run = CollectionRunFactory(
        status="failed",
        errors=[{"service": "sts", "region": "global", "reason": "AccessDenied: AssumeRole"}],
    )
    specs = run_events_collect(run_id=run.pk)
    assert {s.kind for s in specs} == {EventKind.RUN_FAILED, EventKind.ACCOUNT_UNASSUMABLE}
    events_record_and_fan_out(specs)
    events_record_and_fan_out(run_events_collect(run_id=run.pk))
    assert Event.objects.count() == 2


def test_events_are_immutable():
    run = CollectionRunFactory(status="finished_with_errors")
    events_record_and_fan_out(run_events_collect(run_id=run.pk, require_rollup=False))
    event = Event.objects.get()
    event.title = "rewritten"
    with pytest.raises(Exception, match="immutable"):
        event.save()


def test_subscription_filters_framework_control_account_and_severity(manager):
    from evidence.notifications.models import Subscription
    from evidence.notifications.services.events import EventSpec, event_fan_out, event_record
    from tests.factories import ControlMappingFactory, CriterionFactory, FrameworkFactory

    soc2, cis = FrameworkFactory(), FrameworkFactory()
    control, other_control = ControlFactory(), ControlFactory()
    ControlMappingFactory(
        control=control, criterion=CriterionFactory(framework=soc2, section__framework=soc2)
    )
    account = AwsAccountFactory()
    wanted = {
        "soc2": subscription_create(created_by=manager, user=manager, framework=soc2),
        "control": subscription_create(created_by=manager, user=manager, control=control),
        "account": subscription_create(created_by=manager, user=manager, account=account),
        "high": subscription_create(created_by=manager, user=manager, min_severity="high"),
    }
    unwanted = [
        subscription_create(created_by=manager, user=manager, framework=cis),
        subscription_create(created_by=manager, user=manager, control=other_control),
        subscription_create(created_by=manager, user=manager, account=AwsAccountFactory()),
        subscription_create(created_by=manager, user=manager, min_severity="critical"),
        subscription_create(created_by=manager, user=manager, event_kinds=["run.failed"]),
    ]
    event, _ = event_record(
        EventSpec(
            key="f1",
            kind="control.failing",
            severity="high",
            title="t",
            account_id=account.pk,
            control_id=control.pk,
        )
    )
    sent = event_fan_out(event)
    got = set(Subscription.objects.filter(deliveries__pk__in=sent).values_list("pk", flat=True))
    assert got == {s.pk for s in wanted.values()}
    assert not got & {s.pk for s in unwanted}
