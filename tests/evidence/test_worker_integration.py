"""End to end: beat schedules a collection, a real worker collects a moto server account.

Runs on whatever DATABASE_URL / CELERY_BROKER_URL name (Postgres and Redis in CI).
"""

from __future__ import annotations

import datetime as dt
import socket

import boto3
import pytest
from django.utils import timezone

from demo import seed_demo_account
from evidence.collection.models import CheckResult, CollectionRun, EvidenceDocument
from evidence.collection.services.accounts import account_create
from evidence.collection.services.runs import collection_run_reap, collection_run_start
from evidence.collection.tasks import collection_run_enqueue
from evidence.posture.models import ControlStatusDaily
from grc.catalog.loader import catalog_load
from tests.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def moto_server():
    """A moto server seeded with the demo account, shared by the module's tests: collections
    only read it, so each test registers the account in its own (flushed) database."""
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
        port = free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        endpoint = f"http://127.0.0.1:{port}"
        aws_env = {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        for name, value in aws_env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        try:
            seed_demo_account(boto3.Session(region_name="us-east-1"))
            yield aws_env
        finally:
            server.stop()


@pytest.fixture
def demo_account(moto_server):
    catalog_load()
    return account_create(
        account_id="123456789012",
        name="Demo",
        external_id="integration-secret",
        role_arn="arn:aws:iam::123456789012:role/GrcEvidenceReader",
        regions=["us-east-1"],
    )


def finished(account) -> CollectionRun | None:
    return (
        CollectionRun.objects.filter(account=account)
        .exclude(status__in=CollectionRun.ACTIVE)
        .first()
    )


def test_scheduled_collection_runs_on_a_real_worker(
    demo_account, moto_server, celery_worker_process
):
    # Registration schedules the first run a day out; a start time already past makes beat fire
    # the account's own (daily) schedule at once, and only once while the test runs.
    demo_account.schedule.start_time = timezone.now() - dt.timedelta(minutes=1)
    demo_account.schedule.save()

    worker = celery_worker_process(beat=True, concurrency=2, **moto_server)
    run = wait_for(
        lambda: finished(demo_account),
        timeout=240,
        interval=1,
        context=lambda: worker.log()[-4000:],
    )

    assert run.trigger == CollectionRun.Trigger.SCHEDULE, worker.log()[-3000:]
    assert run.status in (CollectionRun.Status.SUCCEEDED, CollectionRun.Status.WITH_ERRORS)
    assert run.units_done == run.units_total > 10
    assert run.caller_identity["Account"] == "123456789012"
    assert CheckResult.objects.filter(run=run, status="FAIL").exists()
    assert CheckResult.objects.filter(run=run, status="PASS").exists()
    assert EvidenceDocument.objects.exists()
    # The rollup is its own task, started by the finish (settings.GRC_RUN_FINISHED_TASKS).
    wait_for(
        lambda: ControlStatusDaily.objects.filter(run=run).exists(),
        timeout=60,
        interval=0.5,
        context=lambda: worker.log()[-4000:],
    )
    statuses = set(
        ControlStatusDaily.objects.filter(account=demo_account).values_list("status", flat=True)
    )
    assert {"pass", "fail"} <= statuses | {"partial"} and "fail" in statuses | {"partial"}
    assert "integration-secret" not in worker.log()
    assert CollectionRun.objects.filter(account=demo_account).count() == 1, "fired once"


def test_worker_killed_mid_run_never_leaves_a_silently_complete_run(
    demo_account, moto_server, celery_worker_process
):
    first = celery_worker_process(**moto_server)
    run = collection_run_start(account=demo_account, trigger=CollectionRun.Trigger.API)
    collection_run_enqueue(run.pk)

    def some_units_done():
        run.refresh_from_db()
        return run.units_total and 2 <= run.units_done < run.units_total

    wait_for(
        some_units_done,
        timeout=180,
        interval=0.05,
        context=lambda: (
            f"run {run.status} {run.units_done}/{run.units_total}\n" + first.log()[-4000:]
        ),
    )
    first.kill()
    done_at_kill = CollectionRun.objects.get(pk=run.pk).units_done

    # A replacement worker picks up what the broker redelivers (Redis: after the visibility
    # timeout); whatever it cannot finish, the reaper ends as partial.
    celery_worker_process(CELERY_VISIBILITY_TIMEOUT="3", **moto_server)
    try:
        wait_for(lambda: finished(demo_account), timeout=45, interval=1)
    except AssertionError:
        collection_run_reap(older_than=dt.timedelta(0))
    run.refresh_from_db()

    assert run.status in (CollectionRun.Status.SUCCEEDED, CollectionRun.Status.WITH_ERRORS)
    if run.status == CollectionRun.Status.SUCCEEDED:
        assert run.units_done == run.units_total
    else:
        assert run.units_done < run.units_total or run.errors
    assert run.units_done >= done_at_kill
    results = CheckResult.objects.filter(run=run)
    keys = list(results.values_list("unit_id", "check_id", "resource_id"))
    assert len(keys) == len(set(keys)), "a redelivered unit wrote its results twice"
    assert sum(unit.result_count for unit in run.units.all()) == results.count()
