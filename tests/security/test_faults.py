"""Faults that used to strand work: each ends in a truthful terminal state, nothing stays queued
or running for hours, no result is stored twice, and the next request succeeds.

"Broker down" points the project's Celery app at a port where nothing listens (the shared Redis
is never touched); "cache down" points the cache at one too.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.test import override_settings
from django.utils import timezone

from evidence.collection.models import CollectionRun, CollectionUnit, WorkerHeartbeat
from evidence.collection.services.runs import collection_run_start, collection_unit_execute
from evidence.collection.tasks import collection_run_reap_task
from evidence.packets.models import EvidencePacket
from evidence.packets.tasks import packet_reap_task
from grc.celery import app as celery_app
from tests.api.conftest import error_of
from tests.factories import FrameworkFactory

CLOSED = "redis://127.0.0.1:9/0"  # nothing listens on port 9
# Real commits: in production no transaction wraps a view, so the after-commit send runs inside
# the request and its failure reaches the response.
committing = pytest.mark.django_db(transaction=True)


def _reset_pools() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    conf = celery_app.conf
    saved = {
        key: conf[key] for key in ("broker_url", "broker_write_url", "broker_transport_options")
    }
    conf.update(broker_url=CLOSED, broker_write_url=CLOSED, broker_transport_options={})
    _reset_pools()
    yield
    conf.update(saved)
    _reset_pools()


@committing
def test_collect_now_with_the_broker_down(role_groups, manager_client, aws_account, broker_down):
    response = manager_client.post(
        "/api/v1/collection-runs/", {"account": aws_account.account_id}, format="json"
    )
    assert response.status_code == 503
    error = error_of(response)
    assert error["code"] == "broker_unavailable"
    run = CollectionRun.objects.get(pk=error["run_id"])
    # Not left queued for a worker that will never see it: failed at once, with the reason.
    assert run.status == CollectionRun.Status.FAILED
    assert "broker could not be reached" in run.errors[-1]["reason"]
    assert run.errors[-1]["service"] == "broker"


@committing
def test_collect_now_in_the_ui_with_the_broker_down(
    role_groups, session_manager, aws_account, broker_down
):
    response = session_manager.post(f"/accounts/{aws_account.account_id}/collect/", follow=True)
    assert "could not start" in response.content.decode()
    assert CollectionRun.objects.get().status == CollectionRun.Status.FAILED


@committing
def test_after_the_broker_returns_the_next_collection_starts(
    role_groups, manager_client, aws_account
):
    conf = celery_app.conf
    saved = {key: conf[key] for key in ("broker_url", "broker_write_url")}
    conf.update(broker_url=CLOSED, broker_write_url=CLOSED)
    _reset_pools()
    try:
        first = manager_client.post(
            "/api/v1/collection-runs/", {"account": aws_account.account_id}, format="json"
        )
    finally:
        conf.update(saved)
        _reset_pools()
    assert first.status_code == 503
    second = manager_client.post(
        "/api/v1/collection-runs/", {"account": aws_account.account_id}, format="json"
    )
    assert second.status_code == 202, second.json()
    assert second.json()["status"] == "queued"


@committing
def test_packet_request_with_the_broker_down(role_groups, manager_client, aws_account, broker_down):
    FrameworkFactory(slug="soc2-2017")
    today = timezone.localdate()
    response = manager_client.post(
        "/api/v1/evidence-packets/",
        {
            "framework": "soc2-2017",
            "period_start": str(today - dt.timedelta(days=30)),
            "period_end": str(today),
            "accounts": [aws_account.account_id],
        },
        format="json",
    )
    assert response.status_code == 503
    packet = EvidencePacket.objects.get(pk=error_of(response)["packet_id"])
    assert packet.status == EvidencePacket.Status.FAILED
    assert "broker could not be reached" in packet.error


def test_packet_sweeper_resends_then_reaper_fails_lost_builds(aws_account, monkeypatch):
    framework = FrameworkFactory(slug="soc2-2017")
    today = timezone.localdate()
    make = EvidencePacket.objects.create
    lost_message = make(framework=framework, period_start=today, period_end=today)
    lost_build = make(framework=framework, period_start=today, period_end=today, status="building")
    fresh = make(framework=framework, period_start=today, period_end=today)
    EvidencePacket.objects.filter(pk=lost_message.pk).update(
        requested_at=timezone.now() - dt.timedelta(minutes=2)
    )
    EvidencePacket.objects.filter(pk=lost_build.pk).update(
        requested_at=timezone.now() - dt.timedelta(hours=3)
    )
    sent: list[int] = []
    monkeypatch.setattr("evidence.packets.tasks.packet_build_task.delay", sent.append)

    reaped = packet_reap_task()

    assert sent == [lost_message.pk]  # queued a minute ago and never picked up: sent again
    assert reaped == [lost_build.pk]
    lost_build.refresh_from_db()
    assert lost_build.status == EvidencePacket.Status.FAILED
    assert "Not built within" in lost_build.error and "building" in lost_build.error
    fresh.refresh_from_db()
    assert fresh.status == EvidencePacket.Status.QUEUED


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (dt.date(1, 1, 1), dt.date(9999, 12, 31), "period_end"),
        (dt.date(1900, 1, 1), None, "period_start"),
        (None, "tomorrow", "period_end"),
    ],
)
def test_packet_periods_are_bounded(manager_client, aws_account, start, end, field):
    FrameworkFactory(slug="soc2-2017")
    today = timezone.localdate()
    end = today + dt.timedelta(days=1) if end == "tomorrow" else (end or today)
    start = start or today
    response = manager_client.post(
        "/api/v1/evidence-packets/",
        {
            "framework": "soc2-2017",
            "period_start": str(start),
            "period_end": str(end),
            "accounts": [aws_account.account_id],
        },
        format="json",
    )
    assert response.status_code == 400
    assert field in error_of(response)["fields"]
    assert not EvidencePacket.objects.exists()


def test_cache_down_degrades_open_and_healthz_reports_it(manager_client, caplog, db):
    closed_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED.replace("/0", "/1"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with (
        override_settings(CACHES=closed_cache),
        caplog.at_level(logging.WARNING, logger="grc.access.api.throttling"),
    ):
        response = manager_client.get("/api/v1/frameworks/")
        health = manager_client.get("/healthz", HTTP_HOST="localhost")
    assert response.status_code == 200  # not a 500: the throttle lets the request through
    assert any("cache unavailable" in record.getMessage() for record in caplog.records)
    assert health.status_code == 200
    assert health.json()["cache"]["ok"] is False
    assert health.json()["status"] == "degraded"


# --- workers lost ------------------------------------------------------------------------------


def _running_run(account, *units: tuple[str, str, str, dt.datetime | None]) -> CollectionRun:
    run = collection_run_start(account=account, trigger=CollectionRun.Trigger.SCHEDULE)
    CollectionRun.objects.filter(pk=run.pk).update(
        status=CollectionRun.Status.RUNNING,
        started_at=timezone.now() - dt.timedelta(minutes=10),
        units_total=len(units),
    )
    for service, status, worker, started_at in units:
        CollectionUnit.objects.create(
            run=run,
            service=service,
            region="eu-west-1",
            status=status,
            worker=worker,
            started_at=started_at,
            result_count=3 if status == "done" else 0,
            finished_at=timezone.now() - dt.timedelta(minutes=9) if status == "done" else None,
        )
    return run


def _beat(hostname: str, *, seen_ago: dt.timedelta, booted_ago: dt.timedelta) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        hostname=hostname, seen_at=now - seen_ago, booted_at=now - booted_ago
    )


def test_a_killed_worker_is_noticed_in_minutes(aws_account, settings, monkeypatch):
    settings.GRC_WORKER_LOST_SECONDS = 180
    monkeypatch.setattr("evidence.collection.tasks.run_finished_hooks_send", lambda run_id: None)
    started = timezone.now() - dt.timedelta(minutes=8)
    run = _running_run(
        aws_account,
        ("s3", "done", "celery@a", started),
        ("ec2", "pending", "celery@dead", started),
        ("rds", "pending", "", None),
    )
    _beat("celery@dead", seen_ago=dt.timedelta(minutes=6), booted_ago=dt.timedelta(hours=1))
    _beat("celery@a", seen_ago=dt.timedelta(seconds=10), booted_ago=dt.timedelta(hours=1))

    assert collection_run_reap_task() == [run.pk]

    run.refresh_from_db()
    assert run.status == CollectionRun.Status.WITH_ERRORS  # never "succeeded" with units missing
    missing = {error["service"]: error["reason"] for error in run.errors}
    assert set(missing) == {"ec2", "rds"}
    assert "Worker celery@dead lost" in missing["ec2"]
    assert missing["rds"].startswith("Never started.")
    # The dead worker's message is redelivered later: it stores nothing (no duplicates).
    unit = run.units.get(service="ec2")
    collection_unit_execute(unit.pk, enqueue_finish=lambda run_id: None, worker="celery@b")
    unit.refresh_from_db()
    assert unit.status == CollectionUnit.Status.PENDING and unit.result_count == 0
    # The account is free again.
    assert collection_run_start(account=aws_account, trigger="manual").status == "queued"


def test_a_restarted_worker_loses_its_units(aws_account, settings, monkeypatch):
    monkeypatch.setattr("evidence.collection.tasks.run_finished_hooks_send", lambda run_id: None)
    started = timezone.now() - dt.timedelta(minutes=5)
    run = _running_run(aws_account, ("ec2", "pending", "celery@a", started))
    _beat("celery@a", seen_ago=dt.timedelta(seconds=5), booted_ago=dt.timedelta(minutes=1))

    assert collection_run_reap_task() == [run.pk]
    run.refresh_from_db()
    assert run.status == CollectionRun.Status.FAILED
    assert "restarted while collecting" in run.errors[-1]["reason"]


def test_a_busy_live_worker_is_left_alone(aws_account, settings):
    started = timezone.now() - dt.timedelta(minutes=40)  # a long unit
    run = _running_run(aws_account, ("ec2", "pending", "celery@a", started))
    _beat("celery@a", seen_ago=dt.timedelta(seconds=20), booted_ago=dt.timedelta(hours=2))

    assert collection_run_reap_task() == []
    run.refresh_from_db()
    assert run.status == CollectionRun.Status.RUNNING


def test_no_worker_alive_and_no_progress_ends_the_run(aws_account, monkeypatch):
    monkeypatch.setattr("evidence.collection.tasks.run_finished_hooks_send", lambda run_id: None)
    run = _running_run(aws_account, ("ec2", "pending", "", None))
    _beat("celery@a", seen_ago=dt.timedelta(minutes=30), booted_ago=dt.timedelta(hours=2))

    assert collection_run_reap_task() == [run.pk]
    run.refresh_from_db()
    assert run.status == CollectionRun.Status.FAILED
    assert "No worker has sent a heartbeat" in run.errors[-1]["reason"]


def test_queued_runs_are_resent_after_a_minute(aws_account, monkeypatch):
    run = collection_run_start(account=aws_account, trigger="manual")
    fresh_account_run = run.pk
    sent: list[int] = []
    monkeypatch.setattr("evidence.collection.tasks.collection_run_task.delay", sent.append)
    collection_run_reap_task()
    assert sent == []
    CollectionRun.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - dt.timedelta(seconds=61)
    )
    collection_run_reap_task()
    assert sent == [fresh_account_run]
