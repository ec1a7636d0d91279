"""Scale-out: at most N units of one account in flight, lost unit messages sent again,
throttled units retried later with backoff, and new accounts' schedules spread over a window."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

import botocore.retries.adaptive
import botocore.retries.standard
import pytest
from django.utils import timezone

from evidence.collection.models import AwsAccount, CollectionRun, CollectionUnit
from evidence.collection.services.accounts import (
    SCHEDULED_TASK,
    account_create,
    account_schedule_set,
)
from evidence.collection.services.runs import (
    collection_run_execute,
    collection_run_finish,
    collection_unit_execute,
    collection_units_resend,
)
from evidence.collection.tasks import collection_unit_task, throttle_backoff
from tests.collectors.conftest import AwsHooks

pytestmark = pytest.mark.django_db

REGIONS = ["us-east-1", "eu-west-1", "eu-central-1"]
# Calls per task attempt: the collector's max_attempts (8) counts retries after the first call
# (tests/collectors/test_runner.py measures the same).
BOTOCORE_CALLS = 9
Pending = CollectionUnit.Status.PENDING


@pytest.fixture
def small_plan(monkeypatch):
    """Seven cheap units per run (kms and logs in three regions, s3 once): the orchestration is
    what is tested, not the collectors."""

    def plan_units(regions):
        return [("s3", "global")] + [(s, r) for s in ("kms", "logs") for r in regions]

    monkeypatch.setattr("evidence.collection.services.runs.plan_units", plan_units)


@pytest.fixture
def multi_region_account(account) -> AwsAccount:
    AwsAccount.objects.filter(pk=account.pk).update(regions=REGIONS)
    account.refresh_from_db()
    return account


def in_flight(run: CollectionRun) -> int:
    return run.units.filter(status=Pending).exclude(queued_at=None).count()


def start(account: AwsAccount, capture) -> tuple[CollectionRun, list[int]]:
    run = CollectionRun.objects.create(account=account, trigger=CollectionRun.Trigger.MANUAL)
    sent: list[int] = []
    with capture(execute=True):
        collection_run_execute(run.pk, enqueue_unit=sent.append)
    run.refresh_from_db()
    return run, sent


def test_a_run_keeps_at_most_n_units_in_flight_and_each_finished_unit_sends_the_next(
    aws, multi_region_account, small_plan, settings, django_capture_on_commit_callbacks
):
    settings.GRC_ACCOUNT_MAX_CONCURRENT_UNITS = 3
    run, sent = start(multi_region_account, django_capture_on_commit_callbacks)
    assert run.units_total == 7
    assert len(sent) == 3 and in_flight(run) == 3  # the rest wait, unsent

    finishes: list[int] = []
    done = 0
    while done < len(sent):  # `sent` grows as finished units send the next ones
        with django_capture_on_commit_callbacks(execute=True):
            collection_unit_execute(
                sent[done], enqueue_finish=finishes.append, enqueue_unit=sent.append
            )
        done += 1
        assert in_flight(run) <= 3
        assert len(sent) == min(7, done + 3)  # one finished, one more sent

    assert sorted(sent) == sorted(run.units.values_list("pk", flat=True))  # each sent once
    assert finishes == [run.pk]
    assert collection_run_finish(run.pk).status in CollectionRun.FINISHED_WITH_RESULTS


def test_the_limit_is_per_account(
    aws, multi_region_account, small_plan, settings, django_capture_on_commit_callbacks
):
    settings.GRC_ACCOUNT_MAX_CONCURRENT_UNITS = 2
    other = account_create(
        account_id="210987654321",
        name="Other",
        role_arn="arn:aws:iam::210987654321:role/GrcEvidenceReader",
        external_id="ext-secret-other",
        regions=REGIONS,
    )
    _, first = start(multi_region_account, django_capture_on_commit_callbacks)
    _, second = start(other, django_capture_on_commit_callbacks)

    assert (len(first), len(second)) == (2, 2)  # both accounts proceed, two units each


def test_a_redelivered_unit_sends_nothing_more(
    aws, multi_region_account, small_plan, settings, django_capture_on_commit_callbacks
):
    settings.GRC_ACCOUNT_MAX_CONCURRENT_UNITS = 2
    run, sent = start(multi_region_account, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        collection_unit_execute(sent[0], enqueue_finish=lambda _: None, enqueue_unit=sent.append)
    assert len(sent) == 3
    with django_capture_on_commit_callbacks(execute=True):  # the same message again
        collection_unit_execute(sent[0], enqueue_finish=lambda _: None, enqueue_unit=sent.append)

    assert len(sent) == 3 and in_flight(run) == 2


def test_lost_unit_messages_are_sent_again_and_the_run_completes(
    aws, multi_region_account, small_plan, settings, django_capture_on_commit_callbacks
):
    settings.GRC_ACCOUNT_MAX_CONCURRENT_UNITS = 2
    run, lost = start(multi_region_account, django_capture_on_commit_callbacks)
    resend_after = dt.timedelta(minutes=15)
    resent: list[int] = []
    with django_capture_on_commit_callbacks(execute=True):
        collection_units_resend(older_than=resend_after, enqueue_unit=resent.append)
    assert resent == []  # sent just now: maybe only waiting in the queue

    run.units.filter(pk__in=lost).update(queued_at=timezone.now() - dt.timedelta(minutes=20))
    with django_capture_on_commit_callbacks(execute=True):
        collection_units_resend(older_than=resend_after, enqueue_unit=resent.append)
    assert sorted(resent) == sorted(lost)
    with django_capture_on_commit_callbacks(execute=True):  # sent again once per period only
        collection_units_resend(older_than=resend_after, enqueue_unit=resent.append)
    assert sorted(resent) == sorted(lost)

    finishes: list[int] = []
    for unit_id in resent:
        with django_capture_on_commit_callbacks(execute=True):
            collection_unit_execute(
                unit_id, enqueue_finish=finishes.append, enqueue_unit=resent.append
            )
    assert finishes == [run.pk] and len(resent) == run.units_total
    assert collection_run_finish(run.pk).status in CollectionRun.FINISHED_WITH_RESULTS


def test_a_run_that_stored_a_unit_recently_is_not_resent(
    aws, multi_region_account, small_plan, settings, django_capture_on_commit_callbacks
):
    settings.GRC_ACCOUNT_MAX_CONCURRENT_UNITS = 2
    run, sent = start(multi_region_account, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        collection_unit_execute(sent[0], enqueue_finish=lambda _: None, enqueue_unit=sent.append)
    run.units.filter(pk__in=sent).update(queued_at=timezone.now() - dt.timedelta(minutes=20))
    resent: list[int] = []
    with django_capture_on_commit_callbacks(execute=True):
        collection_units_resend(older_than=dt.timedelta(minutes=15), enqueue_unit=resent.append)

    assert resent == []  # the run is moving: its units wait behind others in the queue


@pytest.fixture
def throttled_session(aws, monkeypatch):
    """The worker's session for the account, with botocore's retries made instant (the test
    counts attempts; it need not wait for them)."""
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda *a: 0)
    monkeypatch.setattr(
        botocore.retries.adaptive.ClientRateLimiter, "on_sending_request", lambda *a, **k: None
    )
    monkeypatch.setattr("evidence.collection.services.runs._session_for", lambda account: aws)
    return AwsHooks(aws)


def logs_unit(account: AwsAccount, capture) -> CollectionUnit:
    run, sent = start(account, capture)
    return run.units.get(pk__in=sent, service="logs", region="us-east-1")


def test_a_throttled_unit_is_retried_later_and_then_stored_normally(
    multi_region_account,
    small_plan,
    throttled_session,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.GRC_ACCOUNT_MAX_CONCURRENT_UNITS = 0
    throttled_session.session.client("logs").create_log_group(logGroupName="/app")
    unit = logs_unit(multi_region_account, django_capture_on_commit_callbacks)
    # Throttled through every botocore retry of two task attempts, then answered.
    injected = throttled_session.fail(
        "logs",
        "DescribeLogGroups",
        "ThrottlingException",
        times=2 * BOTOCORE_CALLS,
        region="us-east-1",
    )

    collection_unit_task.apply(args=[unit.pk])  # retries run at once when applied eagerly

    unit.refresh_from_db()
    assert len(injected) == 2 * BOTOCORE_CALLS
    assert unit.status == CollectionUnit.Status.DONE and unit.result_count > 0
    assert "Throttling" not in unit.error


def test_a_unit_still_throttled_after_the_last_retry_stores_its_error(
    multi_region_account,
    small_plan,
    throttled_session,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.GRC_ACCOUNT_MAX_CONCURRENT_UNITS = 0
    settings.GRC_THROTTLE_RETRIES = 2
    unit = logs_unit(multi_region_account, django_capture_on_commit_callbacks)
    injected = throttled_session.fail(
        "logs", "DescribeLogGroups", "ThrottlingException", region="us-east-1"
    )

    collection_unit_task.apply(args=[unit.pk])

    unit.refresh_from_db()
    assert len(injected) == 3 * BOTOCORE_CALLS  # the first task attempt and two retries
    assert unit.status == CollectionUnit.Status.ERROR
    assert unit.error.startswith("ThrottlingException")


def test_a_unit_denied_is_not_retried(
    multi_region_account,
    small_plan,
    throttled_session,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.GRC_ACCOUNT_MAX_CONCURRENT_UNITS = 0
    unit = logs_unit(multi_region_account, django_capture_on_commit_callbacks)
    injected = throttled_session.fail(
        "logs", "DescribeLogGroups", "AccessDeniedException", region="us-east-1"
    )

    collection_unit_task.apply(args=[unit.pk])

    unit.refresh_from_db()
    assert len(injected) == 1 and unit.status == CollectionUnit.Status.ERROR


def test_throttle_backoff_grows_exponentially_with_jitter(settings):
    settings.GRC_THROTTLE_BACKOFF_SECONDS = 10
    for retries, ceiling in ((0, 10), (1, 20), (2, 40)):
        delays = {throttle_backoff(retries) for _ in range(50)}
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(delays) > 1  # jittered


def register(count: int, **kwargs) -> list[AwsAccount]:
    return [
        account_create(
            account_id=f"{300000000000 + n}",
            name=f"Member {n}",
            role_arn=f"arn:aws:iam::{300000000000 + n}:role/GrcEvidenceReader",
            external_id="ext-secret-org",
            **kwargs,
        )
        for n in range(count)
    ]


def test_two_hundred_new_accounts_start_spread_over_the_window(settings):
    settings.GRC_SCHEDULE_WINDOW_MINUTES = 120
    registered_at = timezone.now()
    accounts = register(200)

    starts = [account.schedule.start_time for account in accounts]
    assert min(starts) >= registered_at + dt.timedelta(hours=24)
    assert max(starts) - min(starts) < dt.timedelta(minutes=121)
    per_minute = Counter(start.replace(second=0, microsecond=0) for start in starts)
    assert len(per_minute) >= 100
    assert max(per_minute.values()) <= math.ceil(200 / 120) + 1


def test_one_account_gets_the_same_minute_each_time(settings):
    (account,) = register(1)
    offset = account.schedule.start_time - account.created_at
    account.schedule.delete()
    account.delete()

    (again,) = register(1)
    assert abs((again.schedule.start_time - again.created_at) - offset) < dt.timedelta(minutes=1)


def test_a_short_interval_keeps_its_start_within_the_interval(settings):
    settings.GRC_SCHEDULE_WINDOW_MINUTES = 120
    registered_at = timezone.now()
    accounts = register(30, schedule_hours=1)

    for account in accounts:
        first = account.schedule.start_time - registered_at
        assert dt.timedelta(hours=1) <= first < dt.timedelta(hours=2, minutes=1)


def test_changing_the_interval_keeps_the_start_the_customer_set(settings):
    (account,) = register(1)
    chosen = timezone.now() + dt.timedelta(days=2, hours=3)
    account.schedule.start_time = chosen
    account.schedule.save()

    account_schedule_set(account=account, every_hours=12)

    account.schedule.refresh_from_db()
    assert account.schedule.start_time == chosen
    assert account.schedule.interval.every == 12 and account.schedule.task == SCHEDULED_TASK
